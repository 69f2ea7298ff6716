"""Ratings per sub-goal (the youth's weekly self-rating, the mentor's own rating) and the
mentor's belief that the youth will reach job or education — all kept as series over time.

A self-rating that rose since the youth's previous one is noted as a success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.successes import SuccessService, local_day
from storage.models import MentorBelief, Person, RatingSource, Role, SubgoalRating, SuccessKind
from storage.repositories.people import PeopleRepository
from storage.repositories.progress import ProgressRepository

RATING_MIN, RATING_MAX = 1, 10
BELIEF_MIN, BELIEF_MAX = 0, 10


@dataclass(frozen=True)
class RatingChange:
    """The latest rating of a sub-goal in a week, against the latest one before that week."""

    subgoal: str
    source: RatingSource
    value: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class BeliefPoint:
    local_date: date
    value: int
    mentor_id: int | None


def week_bounds(week: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week `week` falls in."""
    monday = week - timedelta(days=week.weekday())
    return monday, monday + timedelta(days=6)


class NotYourYouth(PermissionError):
    """The mentor is not this youth's contact person (staff may act for anyone)."""


class RatingService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = ProgressRepository(session)

    async def record_self(self, youth: Person, subgoal: str, value: int, day: date) -> None:
        """The youth's own rating for `day`. Does not commit (runs inside the dialog hook)."""
        value = max(RATING_MIN, min(RATING_MAX, value))
        before = await self.repo.ratings(youth.id, subgoal=subgoal, source=RatingSource.SELF)
        await self.repo.add(
            SubgoalRating(
                youth_id=youth.id,
                subgoal=subgoal,
                source=RatingSource.SELF.value,
                rated_by_id=youth.id,
                value=value,
                local_date=day,
                rated_at=self.clock.now(),
            )
        )
        if before and value > before[-1].value:
            await SuccessService(self.session, self.clock).note(
                youth,
                SuccessKind.RATING_ROSE,
                ref=f"rating:{subgoal}:{day.isoformat()}",
                subgoal=subgoal,
                value=value,
                previous_value=before[-1].value,
            )

    async def record_mentor(self, mentor: Person, youth: Person, subgoal: str, value: int) -> None:
        await self._check_may_rate(mentor, youth)
        if not RATING_MIN <= value <= RATING_MAX:
            raise ValueError("rating out of range")
        now = self.clock.now()
        await self.repo.add(
            SubgoalRating(
                youth_id=youth.id,
                subgoal=subgoal,
                source=RatingSource.MENTOR.value,
                rated_by_id=mentor.id,
                value=value,
                local_date=local_day(youth, now),
                rated_at=now,
            )
        )
        await self.session.commit()

    async def record_belief(self, mentor: Person, youth: Person, value: int) -> None:
        await self._check_may_rate(mentor, youth)
        if not BELIEF_MIN <= value <= BELIEF_MAX:
            raise ValueError("belief out of range")
        now = self.clock.now()
        await self.repo.add(
            MentorBelief(
                youth_id=youth.id,
                mentor_id=mentor.id,
                value=value,
                local_date=local_day(youth, now),
                recorded_at=now,
            )
        )
        await self.session.commit()

    async def series(self, youth_id: int, subgoal: str, source: RatingSource) -> list[int]:
        rows = await self.repo.ratings(youth_id, subgoal=subgoal, source=source.value)
        return [row.value for row in rows]

    async def latest_self(self, youth_id: int) -> dict[str, int]:
        latest: dict[str, int] = {}
        for row in await self.repo.ratings(youth_id, source=RatingSource.SELF.value):
            latest[row.subgoal] = row.value
        return latest

    async def rating_changes(self, youth_id: int, week: date) -> list[RatingChange]:
        """Each sub-goal and source rated in the ISO week of `week`: the week's latest value
        and the latest value before the week (None the first time)."""
        monday, sunday = week_bounds(week)
        latest: dict[tuple[str, str], int] = {}
        before: dict[tuple[str, str], int] = {}
        for row in await self.repo.ratings(youth_id):
            key = (row.subgoal, row.source)
            if row.local_date < monday:
                before[key] = row.value
            elif row.local_date <= sunday:
                latest[key] = row.value
        return [
            RatingChange(subgoal, RatingSource(source), value, before.get((subgoal, source)))
            for (subgoal, source), value in latest.items()
        ]

    async def belief_series(self, youth_id: int) -> list[BeliefPoint]:
        """The mentors' belief over time, oldest first (a hand-over keeps the history whole)."""
        return [
            BeliefPoint(row.local_date, row.value, row.mentor_id)
            for row in await self.repo.beliefs(youth_id)
        ]

    async def youths_for(self, person: Person) -> list[Person]:
        return await youths_for(self.session, person)

    async def youth_for(self, person: Person | None, youth_id: int, purpose: str) -> Person | None:
        """The youth when ``person`` is their current mentor or staff, else None. AccessService
        decides and audits the read (with ``purpose``) or the refusal; committed at once."""
        access = AccessService(self.session, self.clock)
        youth = await access.youth_for_mentor_work(person, youth_id, purpose)
        await self.session.commit()
        return youth

    async def _check_may_rate(self, mentor: Person, youth: Person) -> None:
        if mentor.is_staff:
            return
        current = await PeopleRepository(self.session).current_mentor(youth.id)
        if not mentor.is_mentor or current is None or current.id != mentor.id:
            raise NotYourYouth()


async def youths_for(session: AsyncSession, person: Person) -> list[Person]:
    """The young people this person may rate and follow: a mentor's own; staff: everyone."""
    people = PeopleRepository(session)
    if person.is_staff:
        return [p for p in await people.with_role(Role.YOUTH) if p.left_at is None]
    if person.is_mentor:
        return list(await people.youths_of(person.id))
    return []
