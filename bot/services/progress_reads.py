"""Read APIs for the weekly mentor summary (and anything else that reports on a youth):

- `successes(youth_id, since, until)` → list[SuccessItem], oldest first; the youth's own words
  only where the youth shared them with the mentor (else `text` is None).
- `goal_steps_summary(youth_id, week)` → StepsSummary for the ISO week `week` falls in: steps
  done, dropped, still open (due by the week's end; `overdue` flags), goals reached.
- `rating_changes(youth_id, week)` → list[RatingChange]: per sub-goal and source (self /
  mentor) rated that week, the week's latest value and the latest before it.
- `belief_series(youth_id)` → list[BeliefPoint]: the mentor's belief (0–10) over time.

All are reads: no commit, no side effects.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import PromptLibrary
from bot.services.goals import GoalService, StepsSummary
from bot.services.ratings import BeliefPoint, RatingChange, RatingService, week_bounds
from bot.services.successes import SuccessItem, SuccessService
from storage.repositories.people import PeopleRepository

__all__ = [
    "BeliefPoint",
    "ProgressReads",
    "RatingChange",
    "StepsSummary",
    "SuccessItem",
]


class ProgressReads:
    def __init__(self, session: AsyncSession, clock: Clock, library: PromptLibrary) -> None:
        self.session = session
        self.clock = clock
        self.library = library

    async def successes(self, youth_id: int, since: date, until: date) -> list[SuccessItem]:
        return await SuccessService(self.session, self.clock).successes(
            youth_id, since, until, for_mentor=True
        )

    async def goal_steps_summary(self, youth_id: int, week: date) -> StepsSummary:
        youth = await PeopleRepository(self.session).by_id(youth_id)
        if youth is None:
            return StepsSummary(week_bounds(week)[0])
        return await GoalService(self.session, self.clock, self.library).steps_summary(youth, week)

    async def rating_changes(self, youth_id: int, week: date) -> list[RatingChange]:
        return await RatingService(self.session, self.clock).rating_changes(youth_id, week)

    async def belief_series(self, youth_id: int) -> list[BeliefPoint]:
        return await RatingService(self.session, self.clock).belief_series(youth_id)
