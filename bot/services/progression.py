"""Progression per sub-goal: the youth's and the mentor's rating series, and weekly series
derived from daily data that scripts tag with a sub-goal (mood → handling mental illness,
attendance → responsibility, check-in kept → motivation, …).

Changes are latest minus first ("since start") and latest minus the latest value at least
LAST_MONTH_DAYS days old ("since last month"; None when there is none yet).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.checkin_schedule import DayStatus, kept_and_due
from bot.services.figures import SHOWED_UP_SHARE, day_status
from storage.models import RatingSource, SubgoalRating
from storage.repositories.checkins import CheckinDaysRepository
from storage.repositories.progress import ProgressRepository

LAST_MONTH_DAYS = 28
HISTORY_DAYS = 366
# Metrics kept elsewhere or not a measure of progress.
NOT_SIGNALS = frozenset(
    {"self_rating", "success", "note", "attendance_note", "goal", "support_offer"}
)
CHECKIN_KEPT = "checkin_kept"

Point = tuple[date, float]


@dataclass(frozen=True)
class Change:
    first: float
    latest: float
    since_start: float
    since_last_month: float | None


@dataclass(frozen=True)
class Series:
    """One series: rating points (by day) or a daily-data metric as weekly means (by Monday)."""

    name: str
    points: list[Point]
    change: Change | None


@dataclass
class SubgoalProgress:
    subgoal: str
    self_rating: Series
    mentor_rating: Series
    signals: list[Series] = field(default_factory=list)


def change_of(points: Sequence[Point], today: date) -> Change | None:
    if not points:
        return None
    first, latest = points[0][1], points[-1][1]
    cutoff = today - timedelta(days=LAST_MONTH_DAYS)
    older = [value for day, value in points if day <= cutoff]
    month = latest - older[-1] if older else None
    return Change(first, latest, latest - first, month)


def weekly_means(values: Sequence[Point]) -> list[Point]:
    """Mean per ISO week, keyed by the week's Monday, oldest first."""
    weeks: dict[date, list[float]] = defaultdict(list)
    for day, value in values:
        weeks[day - timedelta(days=day.weekday())].append(value)
    return [(monday, round(sum(v) / len(v), 2)) for monday, v in sorted(weeks.items())]


def signal_value(metric: str | None, raw: object) -> float | None:
    """A tagged answer as a number: scales and numbers as they are, yes/no as 100/0,
    attendance as a share of showing up (late counts as showing up, as in the summary);
    other choices are not measures."""
    if isinstance(raw, bool):
        return 100.0 if raw else 0.0
    if isinstance(raw, int | float):
        return float(raw)
    if metric == "attendance" and isinstance(raw, str):
        share = SHOWED_UP_SHARE.get(raw)  # the same rule as every attendance figure
        return None if share is None else 100.0 * share
    return None


class ProgressionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ProgressRepository(session)

    async def progression(
        self, youth_id: int, subgoals: Sequence[str], today: date
    ) -> list[SubgoalProgress]:
        """Every sub-goal in `subgoals` (in that order) with its series and changes."""
        ratings = await self.repo.ratings(youth_id)
        result = {
            s: SubgoalProgress(
                s,
                self._rating_series(ratings, s, RatingSource.SELF, today),
                self._rating_series(ratings, s, RatingSource.MENTOR, today),
            )
            for s in subgoals
        }
        for (subgoal, metric), points in (await self._signals(youth_id, today)).items():
            if subgoal in result:
                weekly = weekly_means(points)
                result[subgoal].signals.append(Series(metric, weekly, change_of(weekly, today)))
        if "motivation" in result:
            weekly = await self._checkin_kept(youth_id, today)
            if weekly:
                result["motivation"].signals.append(
                    Series(CHECKIN_KEPT, weekly, change_of(weekly, today))
                )
        return [result[s] for s in subgoals]

    @staticmethod
    def _rating_series(
        ratings: Sequence[SubgoalRating], subgoal: str, source: RatingSource, today: date
    ) -> Series:
        points: list[Point] = [
            (r.local_date, float(r.value))
            for r in ratings
            if r.subgoal == subgoal and r.source == source.value
        ]
        return Series(source.value, points, change_of(points, today))

    async def _signals(self, youth_id: int, today: date) -> dict[tuple[str, str], list[Point]]:
        answers = await self.repo.tagged_answers(
            youth_id, today - timedelta(days=HISTORY_DAYS), today
        )
        out: dict[tuple[str, str], list[Point]] = defaultdict(list)
        for answer in answers:
            if answer.subgoal is None or answer.metric is None or answer.metric in NOT_SIGNALS:
                continue
            value = signal_value(answer.metric, json.loads(answer.value))
            if value is not None:
                out[(answer.subgoal, answer.metric)].append((answer.local_date, value))
        return out

    async def _checkin_kept(self, youth_id: int, today: date) -> list[Point]:
        """Share of due check-ins kept, per week, in percent."""
        rows = await CheckinDaysRepository(self.session).between(
            youth_id, today - timedelta(days=HISTORY_DAYS), today
        )
        weeks: dict[date, list[tuple[date, DayStatus]]] = defaultdict(list)
        for row in rows:
            monday = row.local_date - timedelta(days=row.local_date.weekday())
            weeks[monday].append((row.local_date, day_status(row.status, row.local_date, today)))
        points: list[Point] = []
        for monday, records in sorted(weeks.items()):
            count = kept_and_due(records)
            if count.due:
                points.append((monday, round(100.0 * count.kept / count.due, 1)))
        return points
