"""Which sub-goals are active for a youth: the catalogue's defaults (sobriety is off unless a
municipality's catalogue says otherwise), with per-youth switches made by staff or the mentor."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue
from storage.models import Person, YouthSubgoal
from storage.repositories.progress import ProgressRepository


class ActiveSubgoals:
    def __init__(self, session: AsyncSession, catalogue: SubgoalCatalogue, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.catalogue = catalogue
        self.repo = ProgressRepository(session)

    async def of(self, youth_id: int) -> list[str]:
        """Active sub-goal ids in catalogue order."""
        active = set(self.catalogue.default_active())
        for row in await self.repo.subgoal_overrides(youth_id):
            if row.active:
                active.add(row.subgoal)
            else:
                active.discard(row.subgoal)
        return self.catalogue.ordered(sorted(active))

    async def switch(self, youth: Person, subgoal: str, active: bool, by: Person | None) -> None:
        """Switches one sub-goal on or off for this youth (staff or the mentor decide)."""
        now = self.clock.now()
        if subgoal not in self.catalogue:
            raise ValueError(f"unknown sub-goal {subgoal}")
        row = await self.repo.subgoal_override(youth.id, subgoal)
        if row is None:
            row = YouthSubgoal(youth_id=youth.id, subgoal=subgoal, active=active, changed_at=now)
            await self.repo.add(row)
        row.active = active
        row.changed_at = now
        row.changed_by_id = by.id if by else None
        if not active:
            row.dropped_on = now.astimezone(ZoneInfo(youth.timezone)).date()
        await self.session.commit()
