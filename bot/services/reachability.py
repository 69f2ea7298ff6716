"""Who can be reached: a 403 or a block marks a person unreachable; coming back clears it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository


class ReachabilityService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def mark_unreachable(self, telegram_id: int) -> None:
        now = self.clock.now()
        person = await PeopleRepository(self.session).by_telegram_id(telegram_id)
        if person is None or person.unreachable_since is not None:
            return
        person.unreachable_since = now
        await AuditRepository(self.session).add("person.unreachable", now, subject_id=person.id)
        await self.session.commit()

    async def mark_reachable(self, telegram_id: int) -> None:
        person = await PeopleRepository(self.session).by_telegram_id(telegram_id)
        if person is None or person.unreachable_since is None:
            return
        person.unreachable_since = None
        await AuditRepository(self.session).add(
            "person.reachable", self.clock.now(), subject_id=person.id
        )
        await self.session.commit()
