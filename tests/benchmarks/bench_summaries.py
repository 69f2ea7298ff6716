"""Benchmark: weekly summaries with charts for N youths (default 1,000), through the production
app's summary composer (facts from the database, wording, a PNG chart per youth).

Run: .venv/bin/python -m tests.benchmarks.bench_summaries [--youths 1000] [--per-mentor 8]
Prints wall and CPU time and the peak memory (RSS). Target: <= 60 s and <= 300 MB on 2 cores.
CPU time is what the machine's load cannot inflate; wall time is what a mentor waits.
Sending is left out: Telegram's pacing (30 msg/s) is measured by bench_fanout.
Not part of the default test run.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram
from bot.scheduling.registry import ComposeContext, DueDelivery
from bot.services.weekly_summary import SUMMARY_DELIVERY
from storage import migrate
from storage.models import CheckinDay, MentorLink, Person
from tests.conftest import CPH
from tests.harness import make_settings

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=CPH)


async def seed(app: Any, youths: int, per_mentor: int) -> list[Person]:
    now = MONDAY
    mentors = (youths + per_mentor - 1) // per_mentor
    async with app.sessionmaker() as session:
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
        result = await session.execute(
            Person.__table__.select().where(Person.__table__.c.is_mentor.is_(True))
        )
        mentor_ids = [row.id for row in result.all()]
    async with app.sessionmaker() as session:
        return [p for p in [await session.get(Person, i) for i in mentor_ids] if p is not None]


async def bench(youths: int, per_mentor: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="fremad-bench-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    await migrate.upgrade_async(database_url)
    tg = FakeTelegram(rate_limits=False)
    clock = ManualClock(MONDAY)
    app = await build_app(make_settings(database_url), clock, FakeSession(tg))
    try:
        mentors = await seed(app, youths, per_mentor)
        composer = app.scheduling.registry.composer(SUMMARY_DELIVERY)
        assert composer is not None
        rss_before = _rss_mb("VmRSS")
        started, cpu_started = time.perf_counter(), time.process_time()
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
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        peak = max(_rss_mb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
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
        "rss_after_seeding_mb": round(rss_before),
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
    args = parser.parse_args()
    result = asyncio.run(bench(args.youths, args.per_mentor))
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = result["seconds"] <= 60 and result["peak_rss_mb"] <= 300
    print("target (<= 60 s, <= 300 MB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
