"""Named successes: the list the bot shows back ("look how far you have come") and the weekly
summary lists. Some are noted automatically from data (a step done, a goal reached, a rating
that rose, a check-in streak milestone, a week of showing up); the youth and the mentor can add
their own. The youth's own words are shown to the mentor only when the youth shared them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.checkin_schedule import DayStatus, current_streak
from bot.services.figures import day_status
from bot.services.script_triggers import emit_event
from storage.models import Person, Success, SuccessKind
from storage.repositories.checkins import CheckinDaysRepository
from storage.repositories.motivation import MotivationRepository
from storage.repositories.progress import ProgressRepository

STREAK_MILESTONES = (5, 10, 20, 30, 50, 75, 100)
# Attendance answers (metric "attendance") that count as showing up; "cancelled" is neutral.
SHOWED_UP = frozenset({"attended", "late", "left_early"})
ATTENDED_WEEK_MINIMUM = 3


@dataclass(frozen=True)
class SuccessItem:
    """One success as a reader sees it. `text` is None for number-only successes, and for the
    youth's own words when shown to the mentor without the youth's consent."""

    id: int
    kind: SuccessKind
    local_date: date
    subgoal: str | None
    text: str | None
    value: int | None
    previous_value: int | None
    added_by_mentor: bool


def local_day(person: Person, now: datetime) -> date:
    return now.astimezone(ZoneInfo(person.timezone)).date()


def iso_week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class SuccessService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = MotivationRepository(session)

    async def note(
        self,
        youth: Person,
        kind: SuccessKind,
        *,
        ref: str | None,
        subgoal: str | None = None,
        text: str | None = None,
        value: int | None = None,
        previous_value: int | None = None,
        by: Person | None = None,
        shared: bool = True,
    ) -> bool:
        """Records a success (once per kind and ref). Does not commit."""
        now = self.clock.now()
        added = await self.repo.add_success_once(
            Success(
                youth_id=youth.id,
                kind=kind.value,
                ref=ref,
                subgoal=subgoal,
                text=text,
                value=value,
                previous_value=previous_value,
                local_date=local_day(youth, now),
                created_at=now,
                created_by_id=by.id if by else None,
                shared_with_mentor=shared,
            )
        )
        if added:
            await emit_event(self.session, youth.id, "success", now, ref=f"{kind.value}:{ref}")
        return added

    async def add_written(
        self, youth: Person, text: str, *, by: Person | None = None, shared: bool = True
    ) -> None:
        """A success in someone's own words: the youth's, or the mentor's (then by=mentor)."""
        kind = SuccessKind.MENTOR if by is not None and by.id != youth.id else SuccessKind.OWN
        await self.note(youth, kind, ref=None, text=text.strip()[:500], by=by, shared=shared)
        await self.session.commit()

    async def refresh_from_data(self, youth: Person, today: date) -> None:
        """Notes the successes that show in the data: a check-in streak milestone reached
        today, and a week (the last 7 days) of showing up. Does not commit."""
        days = await CheckinDaysRepository(self.session).between(
            youth.id, today - timedelta(days=200), today
        )
        records = [(row.local_date, day_status(row.status, row.local_date, today)) for row in days]
        streak = current_streak(records)
        kept_today = any(d == today and s is DayStatus.KEPT for d, s in records)
        if kept_today and streak in STREAK_MILESTONES:
            await self.note(
                youth,
                SuccessKind.STREAK,
                ref=f"streak:{streak}:{today}",
                value=streak,
                subgoal="motivation",
            )
        if await self.attended_week(youth.id, today):
            await self.note(
                youth,
                SuccessKind.ATTENDED_WEEK,
                ref=f"attendance:{iso_week_key(today)}",
                subgoal="responsibility",
            )

    async def attended_week(self, youth_id: int, today: date) -> bool:
        """At least three planned activities in the last 7 days, and showed up to each
        (late or leaving early still counts; a cancellation with notice is neutral)."""
        answers = await ProgressRepository(self.session).tagged_answers(
            youth_id, today - timedelta(days=6), today, metric="attendance"
        )
        values = [json.loads(a.value) for a in answers]
        counted = [v for v in values if v != "cancelled"]
        return len(counted) >= ATTENDED_WEEK_MINIMUM and all(v in SHOWED_UP for v in counted)

    async def for_youth(self, youth: Person, today: date) -> list[SuccessItem]:
        """The youth's whole list, with what today's data shows noted first."""
        await self.refresh_from_data(youth, today)
        await self.session.commit()
        return await self.successes(youth.id, for_mentor=False)

    async def successes(
        self,
        youth_id: int,
        since: date | None = None,
        until: date | None = None,
        *,
        for_mentor: bool = True,
    ) -> list[SuccessItem]:
        """The youth's successes with a local date in [since, until], oldest first."""
        rows = await self.repo.successes(youth_id, since, until)
        return [
            SuccessItem(
                id=row.id,
                kind=SuccessKind(row.kind),
                local_date=row.local_date,
                subgoal=row.subgoal,
                text=row.text if (row.shared_with_mentor or not for_mentor) else None,
                value=row.value,
                previous_value=row.previous_value,
                added_by_mentor=row.kind == SuccessKind.MENTOR.value,
            )
            for row in rows
        ]
