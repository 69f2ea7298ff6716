"""The in-process front door: the production app (build_app → create_dispatcher) talking to the
fake Telegram core through FakeSession, with an injected clock and a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.local_telegram import FakeSession, FakeTelegram, FakeUser
from bot.services.onboarding import OnboardingService
from storage.models import Invite, Person, Role
from storage.repositories.people import PeopleRepository

# A fixed Fernet key for tests (never used anywhere else).
TEST_ENCRYPTION_KEY = "x2ZkQ1hVb0lXcTNHc0N3ZGRlWlV5b0V3d2xqZ0ZzS1E="


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": FakeTelegram().token,
        "database_url": database_url,
        "bot_username": "fremad_test_bot",
        "telegram_api_url": "http://fake-telegram.invalid",
        "encryption_key": TEST_ENCRYPTION_KEY,
        "scheduler_enabled": False,
        # Tests move the clock themselves; pacing is tested in tests/scheduling with real limits.
        "send_chat_interval_seconds": 0.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Harness:
    app: App
    tg: FakeTelegram
    clock: ManualClock

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def user(
        self, telegram_id: int, first_name: str = "Ada", language_code: str = "da"
    ) -> FakeUser:
        return self.tg.user(telegram_id, first_name=first_name, language_code=language_code)

    async def invite(
        self,
        role: Role,
        *,
        mentor: int | None = None,
        name: str | None = None,
    ) -> Invite:
        async with self.app.sessionmaker() as session:
            return await OnboardingService(session, self.clock).create_invite(
                role, mentor_telegram_id=mentor, name=name
            )

    async def person(self, telegram_id: int) -> Person | None:
        async with self.app.sessionmaker() as session:
            return await PeopleRepository(session).by_telegram_id(telegram_id)

    async def onboard(
        self,
        user: FakeUser,
        role: Role,
        *,
        mentor: int | None = None,
        locale_label: str = "Dansk",
        checkin_time: str = "09:00",
    ) -> Person:
        """Walks a person through onboarding exactly as they would, by tapping buttons."""
        invite = await self.invite(role, mentor=mentor)
        await user.send_command("start", invite.code)
        await user.click(locale_label)
        await user.click("Ja, det er fint" if locale_label == "Dansk" else "Yes, I agree")
        if role is Role.YOUTH:
            await user.click(checkin_time)
        person = await self.person(user.id)
        assert person is not None and person.onboarded_at is not None
        return person


@asynccontextmanager
async def running_harness(
    database_url: str, clock: ManualClock, *, rate_limits: bool = False, **settings: Any
) -> AsyncIterator[Harness]:
    tg = FakeTelegram(rate_limits=rate_limits)
    app = await build_app(make_settings(database_url, **settings), clock, FakeSession(tg))
    tg.feed_dispatcher(app.dp, app.bot)
    try:
        yield Harness(app, tg, clock)
    finally:
        await app.close()
