"""A youth's own settings: check-in time and days, language, pauses.

A pause covers whole local days from `paused_from` to `paused_until` (inclusive): no check-in,
no reminder, no attendance question; the days are neither misses nor streak breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.checkins import local_today
from storage.models import Person, YouthSettings
from storage.repositories.audit import AuditRepository
from storage.repositories.youth_settings import YouthSettingsRepository

ALL_DAYS = "1234567"
MAX_PAUSE_DAYS = 180


@dataclass(frozen=True)
class PauseResult:
    ok: bool
    until: date | None = None


class YouthSettingsService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = YouthSettingsRepository(session)

    async def get(self, person: Person) -> YouthSettings:
        return await self.repo.get_or_create(person.id, self.clock.now())

    async def set_time(self, person: Person, time_of_day: str) -> None:
        settings = await self.get(person)
        settings.checkin_time = time_of_day
        settings.updated_at = self.clock.now()
        await self.session.commit()

    async def toggle_day(self, person: Person, weekday: int) -> str:
        """Adds or removes an ISO weekday (1=Monday); at least one day always stays."""
        settings = await self.get(person)
        days = set(settings.checkin_days)
        digit = str(weekday)
        if digit in days and len(days) > 1:
            days.remove(digit)
        else:
            days.add(digit)
        settings.checkin_days = "".join(sorted(days))
        settings.updated_at = self.clock.now()
        await self.session.commit()
        return settings.checkin_days

    async def set_locale(self, person: Person, locale: str) -> None:
        person.locale = locale
        await self.session.commit()

    async def pause(self, person: Person, until: date, by: Person | None = None) -> PauseResult:
        """Pauses from today until `until` (inclusive). By the youth, or by their mentor."""
        today = local_today(person, self.clock.now())
        if until < today or until > today + timedelta(days=MAX_PAUSE_DAYS):
            return PauseResult(False)
        settings = await self.get(person)
        settings.paused_from = today
        settings.paused_until = until
        settings.updated_at = self.clock.now()
        await AuditRepository(self.session).add(
            "youth.paused",
            self.clock.now(),
            actor_id=(by or person).id,
            subject_id=person.id,
            until=until.isoformat(),
        )
        await self.session.commit()
        return PauseResult(True, until)

    async def resume(self, person: Person, by: Person | None = None) -> bool:
        settings = await self.get(person)
        if settings.paused_until is None:
            return False
        settings.paused_from = None
        settings.paused_until = None
        settings.updated_at = self.clock.now()
        await AuditRepository(self.session).add(
            "youth.resumed", self.clock.now(), actor_id=(by or person).id, subject_id=person.id
        )
        await self.session.commit()
        return True

    def is_paused(self, settings: YouthSettings, day: date) -> bool:
        return (
            settings.paused_from is not None
            and settings.paused_until is not None
            and settings.paused_from <= day <= settings.paused_until
        )
