"""Benchmark: update handling. The production app answers check-ins (a /checkin, then four
button taps each) from N youths at once, talking to the fake Bot API server over HTTP, next to
a bare aiogram echo bot on the same server in the same run (same number of updates, a reply
with a keyboard to each message and each tap).

Run: .venv/bin/python -m tests.benchmarks.bench_updates [--youths 50] [--rounds 4]
Prints updates/s and p50/p99 latency for both, and the ratio. Target: Fremad's throughput at
least 1/1.5 of the echo bot's (SQLite). Telegram's rate limits are off here: this measures
handling, not Telegram (bench_fanout measures pacing).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeTelegram, FakeTelegramServer, FakeUser
from storage import migrate
from storage.models import Role
from tests.conftest import CPH
from tests.harness import Harness, make_settings

Step = Callable[[FakeUser], Awaitable[Any]]


def checkin_steps(energy: str) -> list[Step]:
    return [
        lambda u: u.send_command("checkin"),
        lambda u: u.click("3"),
        lambda u: u.click(energy),
        lambda u: u.click("Hviledag"),
        lambda u: u.click("Spring over"),
    ]


async def drive(users: list[FakeUser], rounds: int, between: Callable[[], None]) -> dict[str, Any]:
    """Each user runs the check-in ``rounds`` times; all users at once. Latency per update."""
    latencies: list[float] = []

    async def one(user: FakeUser, index: int) -> None:
        for step in checkin_steps(str(1 + index % 5)):
            started = time.perf_counter()
            await step(user)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    for _ in range(rounds):
        await asyncio.gather(*(one(user, i) for i, user in enumerate(users)))
        between()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "updates": len(latencies),
        "seconds": round(elapsed, 2),
        "updates/s": round(len(latencies) / elapsed, 1),
        "p50 ms": round(statistics.median(latencies) * 1000, 1),
        "p99 ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


def echo_dispatcher() -> Dispatcher:
    """A bare aiogram bot: answers each message and tap with a message and five buttons."""
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(n), callback_data=f"n:{n}") for n in range(1, 6)],
            [
                InlineKeyboardButton(text="Hviledag", callback_data="rest"),
                InlineKeyboardButton(text="Spring over", callback_data="skip"),
            ],
        ]
    )
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "", reply_markup=keyboard)

    @router.callback_query()
    async def tap(call: CallbackQuery) -> None:
        await call.answer()
        if isinstance(call.message, Message):
            await call.message.answer(call.data or "", reply_markup=keyboard)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def bench(youths: int, rounds: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="fremad-bench-updates-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    await migrate.upgrade_async(database_url)
    tg = FakeTelegram(rate_limits=False)
    async with FakeTelegramServer(tg) as server:
        # Fremad, talking HTTP to the server.
        clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=CPH))
        app = await build_app(make_settings(database_url, telegram_api_url=server.base_url), clock)
        try:
            tg.feed_dispatcher(app.dp, app.bot)
            harness = Harness(app, tg, clock)
            users = [tg.user(200_000 + i, f"Ung{i}") for i in range(youths)]
            for user in users:
                await harness.onboard(user, Role.YOUTH)
            fremad = await drive(users, rounds, lambda: clock.advance(timedelta(days=1)))
        finally:
            await app.close()
        # The echo bot, same server, same number of updates.
        echo_bot = Bot(
            tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
        )
        try:
            tg.feed_dispatcher(echo_dispatcher(), echo_bot)
            echo_users = [tg.user(300_000 + i, f"Echo{i}") for i in range(youths)]
            for user in echo_users:
                await user.send_text("hej")
            echo = await drive(echo_users, rounds, lambda: None)
        finally:
            await echo_bot.session.close()
    ratio = fremad["updates/s"] / echo["updates/s"]
    return {
        "youths": youths,
        "updates each": fremad["updates"],
        "fremad updates/s": fremad["updates/s"],
        "fremad p50 ms": fremad["p50 ms"],
        "fremad p99 ms": fremad["p99 ms"],
        "echo updates/s": echo["updates/s"],
        "echo p50 ms": echo["p50 ms"],
        "echo p99 ms": echo["p99 ms"],
        "ratio fremad/echo": round(ratio, 2),
        "target (>= 0.67)": "met" if ratio >= 1 / 1.5 else "NOT met",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    result = asyncio.run(bench(args.youths, args.rounds))
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if result["target (>= 0.67)"] == "met" else 1


if __name__ == "__main__":
    raise SystemExit(main())
