from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.services.checkin_schedule import (
    DayStatus,
    KeptCount,
    checkin_due_at,
    current_streak,
    due_checkin_dates,
    kept_and_due,
    parse_schedule,
)
from tests.conftest import CPH


def _fires_per_minute(checkin_time: str, day: date) -> list[datetime]:
    """Sweeps the whole local day minute by minute: when does the check-in become due?"""
    schedule = parse_schedule(checkin_time, "1234567", "Europe/Copenhagen")
    # Steps in UTC: aware arithmetic in one zone is wall-clock arithmetic.
    moment = (datetime.combine(day, time(0), tzinfo=CPH) - timedelta(hours=1)).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=CPH).astimezone(UTC)
    fired = []
    while moment < end:
        nxt = moment + timedelta(minutes=1)
        if due_checkin_dates(schedule, moment, nxt):
            fired.append(nxt.astimezone(CPH))
        moment = nxt
    return fired


@pytest.mark.parametrize(
    "day", [date(2026, 3, d) for d in (28, 29, 30)] + [date(2026, 10, d) for d in (24, 25, 26)]
)
def test_0900_checkin_fires_once_at_0900_local_around_dst(day: date) -> None:
    [fired] = _fires_per_minute("09:00", day)
    assert (fired.date(), fired.time()) == (day, time(9, 0))


def test_time_in_spring_gap_fires_at_0300() -> None:
    [fired] = _fires_per_minute("02:30", date(2026, 3, 29))
    assert fired.time() == time(3, 0) and fired.utcoffset() == timedelta(hours=2)


def test_time_in_repeated_autumn_hour_fires_once_at_first_occurrence() -> None:
    [fired] = _fires_per_minute("02:30", date(2026, 10, 25))
    assert fired.time() == time(2, 30) and fired.utcoffset() == timedelta(hours=2)


def test_days_and_pause() -> None:
    schedule = parse_schedule(
        "09:00", "12345", "Europe/Copenhagen", date(2026, 11, 24), date(2026, 11, 25)
    )
    week = due_checkin_dates(
        schedule,
        datetime(2026, 11, 23, 0, 0, tzinfo=CPH),
        datetime(2026, 11, 30, 0, 0, tzinfo=CPH),
    )
    assert week == [date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 27)]
    assert checkin_due_at(schedule, date(2026, 11, 23)) == datetime(2026, 11, 23, 9, tzinfo=CPH)


def test_paused_day_is_neither_a_miss_nor_a_streak_break() -> None:
    records = [
        (date(2026, 11, 19), DayStatus.MISSED),
        (date(2026, 11, 20), DayStatus.KEPT),
        (date(2026, 11, 23), DayStatus.KEPT),
        (date(2026, 11, 24), DayStatus.PAUSED),
        (date(2026, 11, 25), DayStatus.PAUSED),
        (date(2026, 11, 26), DayStatus.KEPT),
        (date(2026, 11, 27), DayStatus.OPEN),
    ]
    assert current_streak(records) == 3
    assert kept_and_due(records) == KeptCount(kept=3, due=4)


def test_skipped_day_counts_as_due_but_does_not_break_the_streak() -> None:
    records = [
        (date(2026, 11, 23), DayStatus.KEPT),
        (date(2026, 11, 24), DayStatus.SKIPPED),
        (date(2026, 11, 25), DayStatus.KEPT),
    ]
    assert current_streak(records) == 2
    assert kept_and_due(records) == KeptCount(kept=2, due=3)
