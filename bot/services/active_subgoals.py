"""Which sub-goals are active for a youth: the catalogue's defaults (sobriety is off unless a
municipality's catalogue says otherwise), with per-youth switches made by staff or the mentor."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue
from storage.models import GoalStatus, Person, YouthSubgoal
from storage.repositories.goals import GoalsRepository
from storage.repositories.progress import ProgressRepository

# The weekly self-rating asks about this many sub-goals at most.
WEEKLY_RATING_MAX = 3


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

    async def working_on(self, youth_id: int, limit: int = WEEKLY_RATING_MAX) -> list[str]:
        """The active sub-goals the young person is working on, at most ``limit``, for the
        weekly self-rating (the full set belongs to the periodic review with the mentor).

        First the sub-goals of their open goals, then the ones their mentor switched on for
        them, then the ones they rated longest ago (never rated first) — so over the weeks
        every active sub-goal still comes round. In catalogue order."""
        active = await self.of(youth_id)
        chosen: list[str] = []

        def take(subgoal: str | None) -> None:
            if subgoal in active and subgoal not in chosen and len(chosen) < limit:
                chosen.append(subgoal)

        for goal in await GoalsRepository(self.session).goals_of(youth_id, [GoalStatus.ACTIVE]):
            take(goal.subgoal)
        for row in await self.repo.subgoal_overrides(youth_id):
            if row.active:
                take(row.subgoal)
        last_rated: dict[str, date] = {}
        for rating in await self.repo.ratings(youth_id, source="self"):
            last_rated[rating.subgoal] = rating.local_date
        longest_ago = sorted(active, key=lambda s: (last_rated.get(s, date.min), active.index(s)))
        for subgoal in longest_ago:
            take(subgoal)
        return self.catalogue.ordered(sorted(chosen))

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
