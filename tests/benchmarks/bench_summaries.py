"""Benchmark: weekly summaries with charts for N youths (default 1,000), through the production
app's summary composer (facts from the database, wording, a PNG chart per youth).

Run: .venv/bin/python -m tests.benchmarks.bench_summaries [--youths 1000] [--per-mentor 8]
Prints wall and CPU time and memory. Target: <= 60 s and <= 300 MB on 2 cores.
CPU time is what the machine's load cannot inflate; wall time is what a mentor waits.
Memory, three ways: the process's peak RSS (what the machine must have; most of it is the
libraries every instance loads: aiogram's Bot API models alone are ~155 MB), the RSS growth
while the summaries are made, and the summaries' own peak allocation (tracemalloc, on a second
pass over the first 25 mentors so tracing does not slow the timed pass). The 12 weeks of
check-ins are seeded by a separate process, so the seeding's memory is not counted.
Sending is left out: Telegram's pacing (30 msg/s) is measured by bench_fanout.
Not part of the default test run.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram
from bot.scheduling.registry import ComposeContext, DueDelivery
from bot.services.weekly_summary import SUMMARY_DELIVERY
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import CheckinDay, MentorLink, Person
from tests.conftest import CPH
from tests.harness import make_settings

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=CPH)


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], youths: int, per_mentor: int
) -> None:
    now = MONDAY
    mentors = (youths + per_mentor - 1) // per_mentor
    async with sessionmaker() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "telegram_id": 10_000 + m,
                    "first_name": f"Mentor{m}",
                    "is_mentor": True,
                    "created_at": now,
                    "onboarded_at": now,
                    "locale": "da",
                }
                for m in range(mentors)
            ]
            + [
                {
                    "telegram_id": 100_000 + y,
                    "first_name": f"Ung{y}",
                    "is_youth": True,
                    "created_at": now,
                    "onboarded_at": now,
                    "locale": "da",
                }
                for y in range(youths)
            ],
        )
        await session.flush()
        people = {
            p.telegram_id: p for p in (await session.execute(Person.__table__.select())).all()
        }
        await session.execute(
            insert(MentorLink),
            [
                {
                    "youth_id": people[100_000 + y].id,
                    "mentor_id": people[10_000 + y // per_mentor].id,
                    "started_at": now - timedelta(weeks=20),
                }
                for y in range(youths)
            ],
        )
        first = date(2026, 8, 31)
        rows = []
        for y in range(youths):
            for n in range(84):
                day = first + timedelta(days=n)
                if day.isoweekday() > 5:
                    continue
                kept = (y + n) % 6 != 0
                rows.append(
                    {
                        "person_id": people[100_000 + y].id,
                        "local_date": day,
                        "status": "answered" if kept else "missed",
                        "mood": 1 + (y + n) % 5 if kept else None,
                    }
                )
        for start in range(0, len(rows), 5000):
            await session.execute(insert(CheckinDay), rows[start : start + 5000])
        await session.commit()


async def seed_database(database_url: str, youths: int, per_mentor: int) -> None:
    """Runs in its own process (`--seed-into URL`): a migrated database with the fixture."""
    await migrate.upgrade_async(database_url)
    engine = create_engine(database_url)
    try:
        await seed(create_sessionmaker(engine), youths, per_mentor)
    finally:
        await engine.dispose()


async def load_mentors(app: Any) -> list[Person]:
    async with app.sessionmaker() as session:
        result = await session.execute(
            select(Person).where(Person.is_mentor.is_(True)).order_by(Person.id)
        )
        return list(result.scalars().all())


async def compose_all(app: Any, mentors: list[Person], clock: ManualClock) -> tuple[int, int]:
    """Every mentor's weekly summary, as the scheduler's composer makes it: (photos, messages)."""
    composer = app.scheduling.registry.composer(SUMMARY_DELIVERY)
    assert composer is not None
    photos = messages = 0
    for index, mentor in enumerate(mentors):
        async with app.sessionmaker() as session:
            ctx = ComposeContext(
                session, clock.now(), app.settings, app.i18n, app.bot, app.storage
            )
            delivery = DueDelivery(index, mentor.id, SUMMARY_DELIVERY, "2026-W48", MONDAY)
            methods = await composer(ctx, delivery, mentor)
            await session.commit()
        photos += sum(type(m).__name__ == "SendPhoto" for m in methods)
        messages += len(methods)
    return photos, messages


async def bench(youths: int, per_mentor: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="fremad-bench-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_summaries", "--seed-into", database_url]
        + ["--youths", str(youths), "--per-mentor", str(per_mentor)],
        check=True,
    )
    tg = FakeTelegram(rate_limits=False)
    clock = ManualClock(MONDAY)
    app = await build_app(make_settings(database_url), clock, FakeSession(tg))
    try:
        mentors = await load_mentors(app)
        rss_before = _rss_mb("VmRSS")
        started, cpu_started = time.perf_counter(), time.process_time()
        photos, messages = await compose_all(app, mentors, clock)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        peak = max(_rss_mb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        tracemalloc.start()
        await compose_all(app, mentors[:25], clock)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await app.close()
    return {
        "youths": youths,
        "mentors": len(mentors),
        "charts": photos,
        "messages": messages,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "per_youth_ms": round(1000 * seconds / youths, 1),
        "peak_rss_mb": round(peak),
        "rss_before_summaries_mb": round(rss_before),
        "rss_growth_mb": round(peak - rss_before),
        "traced_peak_mb (25 mentors)": round(traced_peak / 1024 / 1024, 1),
    }


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youths", type=int, default=1000)
    parser.add_argument("--per-mentor", type=int, default=8)
    parser.add_argument("--seed-into", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_into:
        asyncio.run(seed_database(args.seed_into, args.youths, args.per_mentor))
        return
    result = asyncio.run(bench(args.youths, args.per_mentor))
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = result["seconds"] <= 60 and result["peak_rss_mb"] <= 300
    print("target (<= 60 s, <= 300 MB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
