"""The seam between reporting and the attendance and goals features: small adapters from their
read APIs (AttendanceService.week_summary; ProgressReads.successes / goal_steps_summary /
rating_changes; the stored sub-goal ratings) to reporting's facts.

Attendance is counted over exactly the period's dates (AttendanceService.period_summary); the
goals feature's read APIs are per ISO week, and report the ISO week the period ends in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import PromptLibrary
from bot.services.attendance import AttendanceService
from bot.services.attendance_measures import weekly
from bot.services.figures import (
    Absence,
    AttendanceFacts,
    GoalStepFacts,
    Period,
    RatingChange,
    ReportSources,
    Success,
)
from bot.services.progress_reads import ProgressReads
from storage.models import Person
from storage.repositories.progress import ProgressRepository


class AttendanceFromFeature:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def period(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> AttendanceFacts | None:
        week = await AttendanceService(session, self.clock).period_summary(
            youth.id, period.first, period.last
        )
        counts = week.counts
        return AttendanceFacts(
            expected=week.showed_up + counts.get("absent", 0),
            attended=counts.get("attended", 0) + counts.get("left_early", 0),
            late=counts.get("late", 0),
            absent=counts.get("absent", 0),
            absences=tuple(
                Absence(a.local_date, a.activity_kind, a.reason) for a in week.absences
            ),
        )

    async def weekly_rates(
        self, session: AsyncSession, youth: Person, week_starts: Sequence[date]
    ) -> list[float | None]:
        """One read of the whole range, then per-week rates (as the attendance feature counts)."""
        if not week_starts:
            return []
        last = week_starts[-1] + timedelta(days=6)
        found, _records = await AttendanceService(session, self.clock).outcomes(
            youth, week_starts[0], last
        )
        by_start = {w.week_start: w.rate for w in weekly(found, last, len(week_starts))}
        return [by_start.get(start) for start in week_starts]


class GoalsFromFeature:
    def __init__(self, clock: Clock, library: PromptLibrary) -> None:
        self.clock = clock
        self.library = library

    def _reads(self, session: AsyncSession) -> ProgressReads:
        return ProgressReads(session, self.clock, self.library)

    async def steps(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> GoalStepFacts | None:
        summary = await self._reads(session).goal_steps_summary(youth.id, period.last)
        return GoalStepFacts(
            done=tuple(line.step_text for line in summary.done),
            due=tuple((line.due_date, line.step_text) for line in summary.open),
        )

    async def rating_changes(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[RatingChange]:
        changes = await self._reads(session).rating_changes(youth.id, period.last)
        return [
            RatingChange(c.subgoal, c.source.value, c.previous, c.value)
            for c in changes
            if c.previous != c.value
        ]

    async def successes(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[Success]:
        items = await self._reads(session).successes(youth.id, period.first, period.last)
        found = []
        for item in items:
            if item.kind.value == "step_done" and item.text:
                found.append(Success("step_done", text=item.text))
            elif item.kind.value == "rating_rose" and item.subgoal:
                found.append(Success("rating_up", item.value, item.subgoal))
            elif item.kind.value in ("own", "mentor") and item.text:
                found.append(Success("named", text=item.text))
        return found

    async def rating_series(
        self, session: AsyncSession, youth: Person, week_starts: Sequence[date]
    ) -> dict[str, list[float | None]]:
        """Per sub-goal, the latest self-rating given in each week (None: not rated)."""
        rows = await ProgressRepository(session).ratings(youth.id, source="self")
        series: dict[str, list[float | None]] = {}
        for row in rows:
            values = series.setdefault(row.subgoal, [None] * len(week_starts))
            for index, start in enumerate(week_starts):
                if start <= row.local_date <= start + timedelta(days=6):
                    values[index] = float(row.value)
        return series


def register_report_sources(sources: ReportSources, clock: Clock, library: PromptLibrary) -> None:
    sources.attendance = AttendanceFromFeature(clock)
    sources.goals = GoalsFromFeature(clock, library)
