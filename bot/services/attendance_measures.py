"""Attendance stability as numbers. Pure: no I/O, no clock.

The rules, in plain words:
- Showing up is attended, late or left early; each is counted on its own too.
- The attendance rate is showed-up ÷ (showed-up + absent). Cancelled with notice is not an
  absence, "unknown" (nobody answered within a day) is not an absence, and an occurrence still
  waiting for its answer does not count yet; none of them is in the rate.
- A public holiday or a paused day cancels an occurrence: it is not counted at all.
- The current run is how many occurrences in a row the youth showed up, counted back from the
  latest; only an absence ends it (cancelled, unknown and open ones are stepped over).
- Consecutive absences are counted back the same way; only showing up ends them.
- Weeks run Monday to Sunday by local date. A week is a success when the youth showed up at
  least once and the rate is at least 80 %.
- Trend: the rate over the last 4 weeks against the last 12; "up"/"down" when they differ by
  at least 5 percentage points, else "steady"; None without data from before the last 4 weeks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.services.attendance_plan import week_start
from storage.models.attendance import AttendanceStatus

SUCCESS_RATE = 0.8
TREND_MARGIN = 0.05


class Outcome(StrEnum):
    """An occurrence's outcome for counting: a recorded status, or one of these."""

    ATTENDED = AttendanceStatus.ATTENDED.value
    LATE = AttendanceStatus.LATE.value
    LEFT_EARLY = AttendanceStatus.LEFT_EARLY.value
    ABSENT = AttendanceStatus.ABSENT.value
    CANCELLED = AttendanceStatus.CANCELLED.value
    UNKNOWN = AttendanceStatus.UNKNOWN.value
    OPEN = "open"  # started, not answered yet, less than a day after its end
    HOLIDAY = "holiday"
    PAUSED = "paused"


_SHOWED = {Outcome.ATTENDED, Outcome.LATE, Outcome.LEFT_EARLY}


@dataclass(frozen=True)
class OccurrenceOutcome:
    activity_id: int
    local_date: date
    outcome: Outcome
    order: float = 0.0  # the start as a timestamp: orders occurrences on one day


@dataclass(frozen=True)
class Tally:
    """Counts per outcome over some occurrences, and the rate they give."""

    counts: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return self.counts.get(outcome.value, 0)

    @property
    def showed_up(self) -> int:
        return sum(self.count(outcome) for outcome in _SHOWED)

    @property
    def expected(self) -> int:
        """Occurrences the rate is about: showed up or absent."""
        return self.showed_up + self.count(Outcome.ABSENT)

    @property
    def rate(self) -> float | None:
        return self.showed_up / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.count(Outcome.ATTENDED) / self.expected if self.expected else None

    @property
    def planned(self) -> int:
        """Occurrences that were on (holidays and paused days left out)."""
        return sum(
            n for key, n in self.counts.items() if key not in (Outcome.HOLIDAY, Outcome.PAUSED)
        )


def tally(outcomes: Iterable[OccurrenceOutcome]) -> Tally:
    return Tally(dict(Counter(item.outcome.value for item in outcomes)))


@dataclass(frozen=True)
class WeekStats:
    week_start: date
    tally: Tally

    @property
    def rate(self) -> float | None:
        return self.tally.rate

    @property
    def is_success(self) -> bool:
        rate = self.tally.rate
        return self.tally.showed_up > 0 and rate is not None and rate >= SUCCESS_RATE


@dataclass(frozen=True)
class Stability:
    """One activity's (or all activities') measures as of a day."""

    weeks: tuple[WeekStats, ...]  # oldest first, the current week last
    current_run: int
    consecutive_absences: int
    rate_4w: float | None
    rate_12w: float | None
    trend: str | None

    @property
    def this_week(self) -> WeekStats:
        return self.weeks[-1]


@dataclass(frozen=True)
class AttendanceOverview:
    overall: Stability
    per_activity: dict[int, Stability]


def _ordered(outcomes: Iterable[OccurrenceOutcome]) -> list[OccurrenceOutcome]:
    return sorted(outcomes, key=lambda item: (item.local_date, item.order, item.activity_id))


def current_run(outcomes: Iterable[OccurrenceOutcome]) -> int:
    run = 0
    for item in reversed(_ordered(outcomes)):
        if item.outcome is Outcome.ABSENT:
            break
        run += item.outcome in _SHOWED
    return run


def consecutive_absences(outcomes: Iterable[OccurrenceOutcome]) -> int:
    absences = 0
    for item in reversed(_ordered(outcomes)):
        if item.outcome in _SHOWED:
            break
        absences += item.outcome is Outcome.ABSENT
    return absences


def weekly(outcomes: Sequence[OccurrenceOutcome], today: date, weeks: int) -> list[WeekStats]:
    """The last ``weeks`` weeks up to ``today``'s, oldest first."""
    current = week_start(today)
    starts = [current - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    by_week: dict[date, list[OccurrenceOutcome]] = {start: [] for start in starts}
    for item in outcomes:
        bucket = by_week.get(week_start(item.local_date))
        if bucket is not None:
            bucket.append(item)
    return [WeekStats(start, tally(by_week[start])) for start in starts]


def _rate_over(weeks: Sequence[WeekStats]) -> float | None:
    showed = sum(week.tally.showed_up for week in weeks)
    expected = sum(week.tally.expected for week in weeks)
    return showed / expected if expected else None


def trend(rate_4w: float | None, rate_12w: float | None) -> str | None:
    if rate_4w is None or rate_12w is None:
        return None
    if rate_4w >= rate_12w + TREND_MARGIN:
        return "up"
    if rate_4w <= rate_12w - TREND_MARGIN:
        return "down"
    return "steady"


def stability(outcomes: Sequence[OccurrenceOutcome], today: date) -> Stability:
    weeks = weekly(outcomes, today, 12)
    rate_4w, rate_12w = _rate_over(weeks[-4:]), _rate_over(weeks)
    # A trend compares the last 4 weeks with what came before: none without earlier weeks
    # (one week of data is not "steady").
    earlier = any(week.tally.expected for week in weeks[:-4])
    return Stability(
        weeks=tuple(weeks),
        current_run=current_run(outcomes),
        consecutive_absences=consecutive_absences(outcomes),
        rate_4w=rate_4w,
        rate_12w=rate_12w,
        trend=trend(rate_4w, rate_12w) if earlier else None,
    )


def overview(outcomes: Sequence[OccurrenceOutcome], today: date) -> AttendanceOverview:
    """Overall and per activity, as of ``today`` (pass only occurrences that have started)."""
    activity_ids = sorted({item.activity_id for item in outcomes})
    return AttendanceOverview(
        overall=stability(outcomes, today),
        per_activity={
            activity_id: stability(
                [item for item in outcomes if item.activity_id == activity_id], today
            )
            for activity_id in activity_ids
        },
    )
