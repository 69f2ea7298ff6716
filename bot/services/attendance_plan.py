"""When a youth's planned activities happen. Pure: no I/O, no clock.

The rules, in plain words:
- A weekly activity happens on each of its weekdays, a one-off on its date; only occurrences
  ending after ``valid_from`` (when it was added or re-timed) exist, so no past is made up.
  Times are local, in the youth's own zone.
- A Danish public holiday (the ``holidays`` package, country DK) cancels an occurrence, and so
  does a paused period (from/until inclusive, an open end pauses until resumed). A cancelled
  occurrence is neither attended nor missed; it is shown, not counted.
- Daylight saving: a start that does not exist that day moves to the end of the gap; a time that
  happens twice is the first one (as for check-ins).
- An end time at or before the start means "past midnight" (a night shift ends the next day).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.services.checkin_schedule import local_moment

# The "leave in 20 minutes" nudge comes this long before the youth has to leave.
NUDGE_LEAD_MINUTES = 20


class Cancelled(StrEnum):
    HOLIDAY = "holiday"
    PAUSED = "paused"


@dataclass(frozen=True)
class ActivitySpec:
    """The schedule facts of one activity, as the occurrence math needs them."""

    activity_id: int
    youth_id: int
    weekdays: frozenset[int]  # ISO weekdays; empty for a one-off
    on_date: date | None
    start: time
    end: time
    valid_from: datetime
    zone: ZoneInfo
    travel_minutes: int | None = None
    paused_from: date | None = None
    paused_until: date | None = None

    @property
    def is_weekly(self) -> bool:
        return self.on_date is None

    def is_paused(self, day: date) -> bool:
        if self.paused_from is None and self.paused_until is None:
            return False
        after_start = self.paused_from is None or day >= self.paused_from
        before_end = self.paused_until is None or day <= self.paused_until
        return after_start and before_end


@dataclass(frozen=True)
class Occurrence:
    activity_id: int
    youth_id: int
    local_date: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    cancelled: Cancelled | None = None

    @property
    def key(self) -> str:
        """The ledger slot of this occurrence: "<activity id>:<local date>"."""
        return f"{self.activity_id}:{self.local_date.isoformat()}"


def parse_clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def parse_weekdays(value: str | None) -> frozenset[int]:
    return frozenset(int(digit) for digit in (value or "") if digit in "1234567")


def parse_occurrence_key(key: str) -> tuple[int, date]:
    activity, day = key.split(":", 1)
    return int(activity), date.fromisoformat(day[:10])


@lru_cache(maxsize=64)
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_public_holiday(day: date) -> bool:
    """A Danish public holiday (New Year, Easter, Ascension, Whit Monday, Christmas, …)."""
    return day in _danish_holidays(day.year)


def happens_on(spec: ActivitySpec, day: date) -> bool:
    """Planned for ``day`` at all (before holidays and pauses are applied)."""
    if spec.on_date is not None:
        return day == spec.on_date
    return day.isoweekday() in spec.weekdays


def occurrence_on(spec: ActivitySpec, day: date) -> Occurrence:
    starts_at = local_moment(day, spec.start, spec.zone)
    end_day = day if spec.end > spec.start else day + timedelta(days=1)
    ends_at = local_moment(end_day, spec.end, spec.zone)
    cancelled = None
    if is_public_holiday(day):
        cancelled = Cancelled.HOLIDAY
    elif spec.is_paused(day):
        cancelled = Cancelled.PAUSED
    return Occurrence(spec.activity_id, spec.youth_id, day, starts_at, ends_at, cancelled)


def occurrences(spec: ActivitySpec, first: date, last: date) -> list[Occurrence]:
    """Every occurrence with a local date in [first, last], cancelled ones included."""
    first = max(first, spec.valid_from.astimezone(spec.zone).date() - timedelta(days=1))
    found = (occurrence_on(spec, day) for day in _days(first, last) if happens_on(spec, day))
    return [occ for occ in found if occ.ends_at > spec.valid_from]


def occurrences_of(specs: Iterable[ActivitySpec], first: date, last: date) -> list[Occurrence]:
    found = [occ for spec in specs for occ in occurrences(spec, first, last)]
    return sorted(found, key=lambda occ: (occ.starts_at, occ.activity_id))


def nudge_due_at(spec: ActivitySpec, occurrence: Occurrence) -> datetime | None:
    """When to say "leave in 20 minutes": 20 minutes before the youth has to leave."""
    if spec.travel_minutes is None:
        return None
    return occurrence.starts_at - timedelta(minutes=spec.travel_minutes + NUDGE_LEAD_MINUTES)


def due_in_window(
    specs: Iterable[ActivitySpec],
    since: datetime,
    now: datetime,
    moment: str,
    delay: timedelta = timedelta(0),
) -> list[tuple[ActivitySpec, Occurrence, datetime]]:
    """Occurrences (not cancelled) whose ``moment`` ("nudge", "end") + ``delay`` falls in
    (since, now], with that due time."""
    due: list[tuple[ActivitySpec, Occurrence, datetime]] = []
    if now <= since:
        return due
    for spec in specs:
        # Widen by the delay and a day each side: local dates and UTC instants differ.
        first = (since - delay).astimezone(spec.zone).date() - timedelta(days=2)
        last = now.astimezone(spec.zone).date() + timedelta(days=2)
        for occ in occurrences(spec, first, last):
            if occ.cancelled is not None:
                continue
            base = nudge_due_at(spec, occ) if moment == "nudge" else occ.ends_at
            if base is None:
                continue
            at = base + delay
            if since < at <= now:
                due.append((spec, occ, at))
    return due


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
