"""Benchmark: the web console's "My young people" for one mentor with N young people (default
40), each with 12 weeks of check-ins, through the production app and the console's aiohttp
application over local HTTP. Prints the server time per page (median and worst of the runs).
Target: <= 300 ms for 40 young people. Not part of the default test run.

Run: .venv/bin/python -m tests.benchmarks.bench_console [--youths 40] [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import (
    datetime,  # noqa: E402  (kept beside the fixed moment it builds)
    timedelta,
)
from pathlib import Path

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from sqlalchemy import insert

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram
from bot.services.alerts import AlertService
from bot.web.app import create_console
from bot.web.sign_in import ConsoleSignIn
from storage.models import AlertKind, CheckinDay, MentorLink, MentorNote, Person
from tests.conftest import CPH
from tests.harness import make_settings

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=CPH)


async def main(youths: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="fremad-bench-console-") as folder:
        settings = make_settings(
            f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            web_base_url="http://console.test",
            web_insecure_http=True,
        )
        clock = ManualClock(MONDAY)
        app = await build_app(settings, clock, FakeSession(FakeTelegram()))
        try:
            async with app.sessionmaker() as session:
                mentor = Person(
                    telegram_id=1,
                    first_name="Mette",
                    is_mentor=True,
                    created_at=MONDAY,
                    onboarded_at=MONDAY,
                    locale="da",
                )
                session.add(mentor)
                await session.flush()
                people = [
                    Person(
                        telegram_id=100 + n,
                        first_name=f"Ung{n}",
                        is_youth=True,
                        created_at=MONDAY,
                        onboarded_at=MONDAY,
                        locale="da",
                    )
                    for n in range(youths)
                ]
                session.add_all(people)
                await session.flush()
                session.add_all(
                    MentorLink(youth_id=p.id, mentor_id=mentor.id, started_at=MONDAY)
                    for p in people
                )
                rows = [
                    {
                        "person_id": p.id,
                        "local_date": (MONDAY - timedelta(days=d)).date(),
                        "status": "answered" if (d + p.id) % 5 else "missed",
                        "mood": 1 + (d + p.id) % 5 if (d + p.id) % 5 else None,
                    }
                    for p in people
                    for d in range(1, 85)
                ]
                await session.execute(insert(CheckinDay), rows)
                session.add_all(
                    MentorNote(
                        mentor_id=mentor.id, youth_id=p.id, text="Godt møde", created_at=MONDAY
                    )
                    for p in people[::3]
                )
                await session.commit()
                for p in people[::4]:
                    await AlertService(session, clock).raise_alert(
                        p, AlertKind.LOW_MOOD, {"days": 3}
                    )
                await session.commit()
                token = await ConsoleSignIn(session, clock, 10, 12).new_link_token(mentor)
            server = TestServer(create_console(app))
            await server.start_server()
            base = str(server.make_url("/")).rstrip("/")
            times: list[float] = []
            cpu: list[float] = []
            async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:
                async with client.get(f"{base}/login/{token}") as signed:
                    assert signed.status == 200
                async with client.get(f"{base}/") as warm:
                    assert warm.status == 200 and "Ung0" in await warm.text()
                for _ in range(runs):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    async with client.get(f"{base}/") as page:
                        await page.read()
                        assert page.status == 200
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
            await server.close()
        finally:
            await app.close()
    print(f"young people: {youths}")
    print(f"runs: {runs}")
    print(f"overview median: {statistics.median(times) * 1000:.0f} ms")
    print(f"overview worst: {max(times) * 1000:.0f} ms")
    # CPU time (this process: the console and its SQLite threads) — what load cannot inflate.
    print(f"overview CPU median: {statistics.median(cpu) * 1000:.0f} ms")
    print("target: <= 300 ms (40 young people)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--youths", type=int, default=40)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.youths, args.runs))
