"""Front door 2: the real `fremad run` as a subprocess, polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.local_telegram import FakeTelegram, FakeTelegramServer

FREMAD = str(Path(sys.executable).parent / "fremad")


@dataclass
class LiveBot:
    """One `fremad run` process; can be killed and started again on the same database."""

    tg: FakeTelegram
    base_url: str
    env: dict[str, str]
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    logs: list[str] = field(default_factory=list)

    async def start(self, *args: str) -> None:
        polls_before = len(self.tg.calls_to("getUpdates"))
        log_file = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            FREMAD,
            "run",
            *args,
            env=self.env,
            stdout=log_file,
            stderr=log_file,
            stdin=asyncio.subprocess.DEVNULL,
        )
        log_file.close()
        started = await self.tg.wait_for(
            lambda: (
                len(self.tg.calls_to("getUpdates")) > polls_before
                or (self.process is not None and self.process.returncode is not None)
            ),
            timeout=60,
        )
        if not started or self.process.returncode is not None:
            raise AssertionError(f"fremad run did not start polling:\n{self.log_text()}")

    async def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when a machine dies."""
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout=20)
            except TimeoutError:
                await self.kill()

    def log_text(self) -> str:
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if (self.log_path.exists())
            else ""
        )


def live_env(tg: FakeTelegram, base_url: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FREMAD_")}
    env.update(
        {
            "BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": base_url,
            "DATABASE_URL": database_url,
            "BOT_USERNAME": tg.bot_username,
            "LOG_LEVEL": "DEBUG",
        }
    )
    env.update(extra)
    return env


@asynccontextmanager
async def live_bot(
    database_url: str, log_path: Path, *, rate_limits: bool = False, **extra_env: str
) -> AsyncIterator[LiveBot]:
    """``rate_limits``: the fake enforces Telegram's flood limits in real time (a reply burst
    waits out a 429 of at least a second). Off by default so a long conversation does not spend
    the suite's minutes sleeping; pacing is tested on fake time in tests/scheduling, and the
    crisis test in test_safety_live keeps the real limits on, over HTTP."""
    tg = FakeTelegram(rate_limits=rate_limits)
    async with FakeTelegramServer(tg) as server:
        bot = LiveBot(
            tg, server.base_url, live_env(tg, server.base_url, database_url, **extra_env), log_path
        )
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()


def checkin_time_away_from_now() -> str:
    """The onboarding time button furthest from the current Copenhagen time, so a test that
    ticks the scheduler 'now' never also meets the youth's own check-in."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.telegram.keyboards import CHECKIN_TIME_CHOICES

    now = datetime.now(ZoneInfo("Europe/Copenhagen"))
    minutes_now = now.hour * 60 + now.minute

    def distance(label: str) -> int:
        hour, minute = (int(part) for part in label.split(":"))
        gap = abs(hour * 60 + minute - minutes_now)
        return min(gap, 24 * 60 - gap)

    return max(CHECKIN_TIME_CHOICES, key=distance)
