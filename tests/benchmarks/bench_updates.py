"""Benchmark: update handling. The production app answers check-ins (a /checkin, then four
button taps each) from N youths at once, talking to the fake Bot API server over HTTP, next to
a bare aiogram echo bot on the same server in the same run (same number of updates, a reply
with a keyboard to each message and each tap).

Run: .venv/bin/python -m tests.benchmarks.bench_updates [--youths 50] [--rounds 4]
Prints updates/s and p50/p99 latency for both, and the ratio. Target: Fremad's throughput at
least 1/1.5 of the echo bot's (SQLite). Telegram's rate limits are off here: this measures
handling, not Telegram (bench_fanout measures pacing).

Two more echo bots show where the ceiling is (same updates, same server): one that answers a
tap with the same three Bot API calls Fremad makes (answer the tap, take the keyboard off the
answered question, send the next one) and stores nothing; and the bare echo bot storing one row
per update through the same SQLAlchemy engine Fremad uses. The bare echo bot runs first and
last (the machine's speed drifts between runs); its mean is the baseline.
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
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeTelegram, FakeTelegramServer, FakeUser
from storage import migrate
from storage.db import create_engine, create_sessionmaker
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


def echo_dispatcher(
    *, like_fremad: bool = False, store: async_sessionmaker[AsyncSession] | None = None
) -> Dispatcher:
    """A bare aiogram bot: answers each message and tap with a message and five buttons.
    `like_fremad`: a tap also takes the keyboard off the tapped message (Fremad's three calls).
    `store`: each update also stores one row (one INSERT and a commit)."""
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

    async def store_one(user_id: int, value: str) -> None:
        if store is None:
            return
        async with store() as session:
            await session.execute(
                text("INSERT INTO echo_rows (user_id, value) VALUES (:user_id, :value)"),
                {"user_id": user_id, "value": value},
            )
            await session.commit()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await store_one(message.chat.id, message.text or "")
        await message.answer(message.text or "", reply_markup=keyboard)

    @router.callback_query()
    async def tap(call: CallbackQuery) -> None:
        await store_one(call.from_user.id, call.data or "")
        await call.answer()
        if isinstance(call.message, Message):
            if like_fremad:
                await call.message.edit_reply_markup(reply_markup=None)
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
        echo_first = await run_echo(
            tg, server.base_url, 300_000, youths, rounds, echo_dispatcher()
        )
        like_fremad = await run_echo(
            tg, server.base_url, 400_000, youths, rounds, echo_dispatcher(like_fremad=True)
        )
        engine = create_engine(database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "CREATE TABLE echo_rows (id INTEGER PRIMARY KEY, user_id INT, value TEXT)"
                    )
                )
            storing = await run_echo(
                tg,
                server.base_url,
                500_000,
                youths,
                rounds,
                echo_dispatcher(store=create_sessionmaker(engine)),
            )
        finally:
            await engine.dispose()
        # Fremad, talking HTTP to the server (after the echo bots: the same warm process).
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
        echo_last = await run_echo(tg, server.base_url, 600_000, youths, rounds, echo_dispatcher())
    echo_rate = (echo_first["updates/s"] + echo_last["updates/s"]) / 2
    ratio = fremad["updates/s"] / echo_rate
    return {
        "youths": youths,
        "updates each": fremad["updates"],
        "fremad updates/s": fremad["updates/s"],
        "fremad p50 ms": fremad["p50 ms"],
        "fremad p99 ms": fremad["p99 ms"],
        "echo updates/s (first, last)": f"{echo_rate:.1f} ({echo_first['updates/s']}, "
        f"{echo_last['updates/s']})",
        "echo p50 ms": echo_first["p50 ms"],
        "echo p99 ms": echo_first["p99 ms"],
        "ratio fremad/echo": round(ratio, 2),
        "target (>= 0.67)": "met" if ratio >= 1 / 1.5 else "NOT met",
        "echo with Fremad's 3 calls per tap, stores nothing: updates/s (ratio)": (
            f"{like_fremad['updates/s']} ({like_fremad['updates/s'] / echo_rate:.2f})"
        ),
        "echo storing 1 row per update: updates/s (ratio)": (
            f"{storing['updates/s']} ({storing['updates/s'] / echo_rate:.2f})"
        ),
    }


async def run_echo(
    tg: FakeTelegram, base_url: str, first_id: int, youths: int, rounds: int, dp: Dispatcher
) -> dict[str, Any]:
    """One echo bot on the server, driven like Fremad (same users, same taps)."""
    echo_bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    try:
        tg.feed_dispatcher(dp, echo_bot)
        users = [tg.user(first_id + i, f"Echo{i}") for i in range(youths)]
        for user in users:
            await user.send_text("hej")
        return await drive(users, rounds, lambda: None)
    finally:
        await echo_bot.session.close()


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
