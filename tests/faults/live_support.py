"""The real `fremad run` for the fault suite: its own PostgreSQL database, people invited
straight in the database and onboarded over HTTP, and a log that must hold no words."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.clock import SystemClock
from bot.local_telegram import FakeUser
from bot.services.onboarding import OnboardingService
from storage import crypto
from storage.db import create_engine, create_sessionmaker
from storage.models import Role
from tests.e2e.live import checkin_time_away_from_now
from tests.harness import TEST_ENCRYPTION_KEY


async def invite_codes(database_url: str, roles: list[tuple[Role, int | None]]) -> list[str]:
    """One invite per (role, mentor telegram id), made in the database like `fremad invite`."""
    crypto.configure(TEST_ENCRYPTION_KEY)
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            service = OnboardingService(session, SystemClock())
            return [
                (await service.create_invite(role, mentor_telegram_id=mentor)).code
                for role, mentor in roles
            ]
    finally:
        await engine.dispose()


async def tap(user: FakeUser, label: str) -> None:
    await user.click(label)
    await user.wait_for_messages()


async def onboard(user: FakeUser, code: str, *, youth: bool) -> None:
    await user.send_command("start", code)
    await user.wait_for_messages()
    await tap(user, "Dansk")
    await tap(user, "Ja, det er fint")
    if youth:
        await tap(user, checkin_time_away_from_now())


def words_in_log(log_path: Path, words: list[str]) -> list[str]:
    """Every name or text of ``words`` that reached the log (should be none)."""
    text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    return [word for word in words if word in text]


async def gather_all(*coroutines: object) -> None:
    await asyncio.gather(*coroutines)  # type: ignore[arg-type]
