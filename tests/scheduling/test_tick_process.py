"""`fremad tick` as a real process against the fake Bot API over HTTP, killed mid fan-out."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.local_telegram import FakeTelegram, FakeTelegramServer
from storage.db import create_engine, create_sessionmaker
from storage.repositories.deliveries import DeliveriesRepository
from tests.conftest import CPH
from tests.scheduling.support import add_youths

FREMAD = str(Path(sys.executable).parent / "fremad")
YOUTHS = 500
IN_FLIGHT = 4


def _env(tg: FakeTelegram, base_url: str, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FREMAD_")}
    env.update(
        {
            "BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": base_url,
            "DATABASE_URL": database_url,
            "BOT_USERNAME": tg.bot_username,
            "SEND_RATE_PER_SECOND": "400",
            "SEND_MAX_IN_FLIGHT": str(IN_FLIGHT),
            "SCHEDULER_CLAIM_BATCH": "50",
        }
    )
    return env


async def _tick(env: dict[str, str], at: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        FREMAD,
        "tick",
        "--at",
        at,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )


class HoldingCore:
    """Stores each message, then (once ``hold_after`` were stored) keeps the HTTP answer back.

    When ``IN_FLIGHT`` answers are held, the bot's queue is full and idle: every row it marked
    "sending" has reached Telegram. Killing it then makes the test deterministic.
    """

    def __init__(self, tg: FakeTelegram, hold_after: int) -> None:
        self.tg = tg
        self.hold_after = hold_after
        self.held = 0
        self.release = asyncio.Event()
        self.full = asyncio.Event()
        self.original: Callable[..., Awaitable[tuple[int, dict[str, Any]]]] = tg.call
        tg.call = self.call  # type: ignore[method-assign]

    async def call(
        self, method: str, params: dict[str, str], files: Any = None
    ) -> tuple[int, dict[str, Any]]:
        answer = await self.original(method, params, files)
        if method.lower() == "sendmessage" and len(self.tg.calls_to(method)) > self.hold_after:
            self.held += 1
            if self.held >= IN_FLIGHT:
                self.full.set()
            await self.release.wait()
        return answer


async def test_fremad_tick_killed_mid_fanout_then_rerun_sends_each_youth_exactly_one(
    database_url: str,
) -> None:
    tg = FakeTelegram(rate_limits=False)
    ids = list(range(5000, 5000 + YOUTHS))
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    await add_youths(sessionmaker, ids, datetime(2026, 11, 1, tzinfo=CPH), tg=tg)
    holding = HoldingCore(tg, hold_after=150)
    async with FakeTelegramServer(tg) as server:
        env = _env(tg, server.base_url, database_url)
        first = await _tick(env, "2026-11-23T09:00:00+01:00")
        await asyncio.wait_for(holding.full.wait(), timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        holding.release.set()
        sent_before_restart = len(tg.calls_to("sendMessage"))

        holding.hold_after = 10**9
        second = await _tick(env, "2026-11-23T09:05:00+01:00")  # past the 2-minute lease
        out, err = await asyncio.wait_for(second.communicate(), timeout=120)
        assert second.returncode == 0, err.decode(errors="replace")
    report = json.loads(out.decode().strip().splitlines()[-1])
    async with sessionmaker() as session:
        counts = await DeliveriesRepository(session).count_by_status("checkin")
    await engine.dispose()

    assert 150 < sent_before_restart < YOUTHS
    texts = {chat_id: [m.text or "" for m in tg.messages_in(chat_id)] for chat_id in ids}
    # Everybody got their check-in, nobody got any message of it twice.
    assert all(chat and len(set(chat)) == len(chat) for chat in texts.values())
    # A delivery marked "sending" when the process died is never resent (uncertain); all
    # the others were sent completely, once.
    assert counts["sent"] + counts["uncertain"] == YOUTHS
    assert counts["uncertain"] == report["uncertain"] > 0 and report["released_claims"] > 0
    full = max(len(chat) for chat in texts.values())
    assert sum(len(chat) == full for chat in texts.values()) >= counts["sent"]
