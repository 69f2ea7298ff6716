"""When a youth's check-ins are due, and honest streaks and counts. Pure: no I/O, no clock.

The rules, in plain words:
- A check-in is due at the youth's chosen local time on each chosen weekday, in their own zone.
- Daylight saving: a time that does not exist that day (02:30 when clocks jump 02:00 → 03:00)
  fires when the day reaches it, at 03:00 local; a time that happens twice (02:30 when clocks go
  03:00 → 02:00) fires once, at the first 02:30. Every other time fires at that local time.
- A paused day (from/until inclusive) has no check-in; it is neither a miss nor a streak break.
- The reminder is due ``reminder_delay_minutes`` after the check-in, if it is still unanswered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# Longest real-world DST gap is one hour; a little slack for zones that skipped more.
_MAX_GAP_MINUTES = 180


@dataclass(frozen=True)
class CheckinSchedule:
    at: time
    weekdays: frozenset[int]  # ISO weekdays, Monday=1
    zone: ZoneInfo
    paused_from: date | None = None
    paused_until: date | None = None

    def is_paused(self, day: date) -> bool:
        """Paused from..until inclusive; an open end pauses until resumed."""
        if self.paused_from is None and self.paused_until is None:
            return False
        after_start = self.paused_from is None or day >= self.paused_from
        before_end = self.paused_until is None or day <= self.paused_until
        return after_start and before_end

    def is_checkin_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and not self.is_paused(day)


def parse_schedule(
    checkin_time: str,
    checkin_days: str,
    timezone: str,
    paused_from: date | None = None,
    paused_until: date | None = None,
) -> CheckinSchedule:
    """From the stored settings: time "HH:MM", days "12345", an IANA zone name."""
    hours, minutes = checkin_time.split(":")
    weekdays = frozenset(int(digit) for digit in checkin_days if digit in "1234567")
    return CheckinSchedule(
        time(int(hours), int(minutes)), weekdays, ZoneInfo(timezone), paused_from, paused_until
    )


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local ``day`` ``at`` (first occurrence; end of a DST gap)."""
    wall = datetime.combine(day, at)
    for minute in range(_MAX_GAP_MINUTES + 1):
        candidate = wall + timedelta(minutes=minute)
        aware = candidate.replace(tzinfo=zone, fold=0)
        as_utc = aware.astimezone(UTC)
        if as_utc.astimezone(zone).replace(tzinfo=None) == candidate:
            return as_utc
    raise ValueError(f"no valid local time near {wall} in {zone}")


def checkin_due_at(schedule: CheckinSchedule, day: date) -> datetime:
    return local_moment(day, schedule.at, schedule.zone)


def due_checkin_dates(schedule: CheckinSchedule, start: datetime, end: datetime) -> list[date]:
    """Local dates whose check-in moment falls in (start, end], oldest first."""
    if end <= start:
        return []
    first = start.astimezone(schedule.zone).date() - timedelta(days=1)
    last = end.astimezone(schedule.zone).date() + timedelta(days=1)
    return [
        day
        for day in _days(first, last)
        if schedule.is_checkin_day(day) and start < checkin_due_at(schedule, day) <= end
    ]


def next_checkin_day(schedule: CheckinSchedule, now: datetime) -> date | None:
    """The local date of the first check-in after ``now`` (None: no day is chosen)."""
    days = due_checkin_dates(schedule, now, now + timedelta(days=15))
    return days[0] if days else None


def reminder_due_at(checkin_due: datetime, reminder_delay_minutes: int) -> datetime:
    return checkin_due + timedelta(minutes=reminder_delay_minutes)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


class DayStatus(StrEnum):
    """How one scheduled check-in day went."""

    KEPT = "kept"  # answered (late answers count for their own day)
    MISSED = "missed"  # due and not answered
    SKIPPED = "skipped"  # the youth chose "skip today": due, not kept, not a break
    PAUSED = "paused"  # no check-in that day: neither due nor a break
    OPEN = "open"  # due today and still open: not counted yet


@dataclass(frozen=True)
class KeptCount:
    kept: int
    due: int


def current_streak(records: Iterable[tuple[date, DayStatus]]) -> int:
    """Kept days in a row, counted back from the latest day; only a missed day ends a streak.

    Paused, skipped and still-open days are stepped over: they neither add nor break.
    """
    streak = 0
    for _day, status in sorted(records, key=lambda record: record[0], reverse=True):
        if status is DayStatus.MISSED:
            break
        if status is DayStatus.KEPT:
            streak += 1
    return streak


def kept_and_due(records: Iterable[tuple[date, DayStatus]]) -> KeptCount:
    """Kept out of due: paused and still-open days are not due; skipped days are."""
    kept = due = 0
    for _day, status in records:
        if status in (DayStatus.PAUSED, DayStatus.OPEN):
            continue
        due += 1
        kept += status is DayStatus.KEPT
    return KeptCount(kept, due)
