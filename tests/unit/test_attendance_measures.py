"""The pure rules: occurrences (holidays, pauses, DST, night shifts) and the measures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.attendance_measures import (
    OccurrenceOutcome,
    Outcome,
    consecutive_absences,
    current_run,
    overview,
    tally,
    trend,
)
from bot.services.attendance_plan import (
    ActivitySpec,
    Cancelled,
    due_in_window,
    is_public_holiday,
    occurrences,
)
from bot.services.plan_form import Step, choose, new_draft, next_step, parse_date

CPH = ZoneInfo("Europe/Copenhagen")


def spec(**overrides: object) -> ActivitySpec:
    values: dict[str, object] = {
        "activity_id": 1,
        "youth_id": 1,
        "weekdays": frozenset({1, 3, 5}),
        "on_date": None,
        "start": time(8, 0),
        "end": time(12, 0),
        "valid_from": datetime(2026, 1, 1, tzinfo=UTC),
        "zone": CPH,
    }
    values.update(overrides)
    return ActivitySpec(**values)  # type: ignore[arg-type]


def test_danish_public_holidays_cancel_and_ordinary_days_do_not() -> None:
    assert is_public_holiday(date(2026, 4, 3)) and is_public_holiday(date(2026, 5, 14))
    assert is_public_holiday(date(2026, 12, 25)) and not is_public_holiday(date(2026, 12, 23))
    found = occurrences(spec(), date(2026, 4, 1), date(2026, 4, 6))
    assert [(o.local_date.day, o.cancelled) for o in found] == [
        (1, None),
        (3, Cancelled.HOLIDAY),
        (6, Cancelled.HOLIDAY),
    ]


def test_paused_days_cancel_with_an_open_end() -> None:
    found = occurrences(
        spec(paused_from=date(2026, 11, 25)), date(2026, 11, 23), date(2026, 11, 30)
    )
    assert [o.cancelled for o in found] == [
        None,
        Cancelled.PAUSED,
        Cancelled.PAUSED,
        Cancelled.PAUSED,
    ]


def test_occurrence_times_follow_local_time_through_both_dst_changes() -> None:
    daily = spec(weekdays=frozenset(range(1, 8)))
    march = {o.local_date.day: o for o in occurrences(daily, date(2026, 3, 28), date(2026, 3, 30))}
    assert [march[d].starts_at.hour for d in (28, 29, 30)] == [7, 6, 6]  # UTC
    october = {
        o.local_date.day: o for o in occurrences(daily, date(2026, 10, 24), date(2026, 10, 26))
    }
    assert [october[d].ends_at.hour for d in (24, 25, 26)] == [10, 11, 11]
    assert all(o.ends_at - o.starts_at == timedelta(hours=4) for o in october.values())
    # 02:30 does not exist on 29 March: it starts when the day reaches it (03:00 local).
    gap = occurrences(
        spec(weekdays=frozenset({7}), start=time(2, 30), end=time(4, 0)),
        date(2026, 3, 29),
        date(2026, 3, 29),
    )[0]
    assert gap.starts_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_night_shift_ends_the_next_day_and_nothing_before_valid_from_exists() -> None:
    night = spec(
        weekdays=frozenset({1}),
        start=time(22, 0),
        end=time(6, 0),
        valid_from=datetime(2026, 11, 23, 23, 0, tzinfo=UTC),
    )
    [occ] = occurrences(night, date(2026, 11, 16), date(2026, 11, 30))[:1]
    assert occ.local_date == date(2026, 11, 23)  # 23 Nov ends 24 Nov 05:00 UTC: after
    assert occ.ends_at == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    late = spec(valid_from=datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert [
        o.local_date.day for o in occurrences(late, date(2026, 11, 23), date(2026, 11, 25))
    ] == [25]


def test_due_in_window_sees_each_end_once_and_skips_cancelled() -> None:
    s = spec()
    since = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    found = due_in_window([s], since, since + timedelta(days=8), "end")
    assert [o.local_date.day for _s, o, _at in found] == [1, 8]  # 3 and 6 April: holidays
    assert due_in_window([s], since, since + timedelta(days=7), "nudge") == []
    nudged = due_in_window([spec(travel_minutes=30)], since, since + timedelta(days=8), "nudge")
    assert [at.astimezone(CPH).time() for _s, _o, at in nudged] == [time(7, 10)]


def _outcomes(*items: tuple[int, str]) -> list[OccurrenceOutcome]:
    first = date(2026, 11, 2)
    return [
        OccurrenceOutcome(1, first + timedelta(days=n), Outcome(status)) for n, status in items
    ]


def test_rate_counts_late_and_left_early_as_showing_up_and_leaves_out_notice_and_unknown() -> None:
    counted = tally(
        _outcomes(
            (0, "attended"),
            (1, "late"),
            (2, "left_early"),
            (3, "absent"),
            (4, "cancelled"),
            (5, "unknown"),
            (6, "open"),
            (7, "holiday"),
        )
    )
    assert (counted.showed_up, counted.expected, counted.planned) == (3, 4, 7)
    assert counted.rate == 0.75 and counted.on_time_rate == 0.25


def test_runs_step_over_cancelled_unknown_and_open_and_end_at_an_absence() -> None:
    items = _outcomes(
        (0, "attended"),
        (1, "absent"),
        (2, "attended"),
        (3, "cancelled"),
        (4, "late"),
        (5, "unknown"),
        (6, "left_early"),
        (7, "open"),
    )
    assert current_run(items) == 3 and consecutive_absences(items) == 0
    absent = _outcomes((0, "attended"), (1, "absent"), (2, "unknown"), (3, "absent"))
    assert consecutive_absences(absent) == 2 and current_run(absent) == 0


def test_weekly_success_and_trend_over_4_and_12_weeks() -> None:
    first = date(2026, 9, 14)  # a Monday: the 12th week back from 2 December
    items = []
    for week in range(12):
        for day in (0, 2):
            status = "absent" if week < 8 and day == 2 else "attended"
            items.append(
                OccurrenceOutcome(1, first + timedelta(weeks=week, days=day), Outcome(status))
            )
    view = overview(items, date(2026, 12, 2)).overall
    assert len(view.weeks) == 12 and view.weeks[0].week_start == first
    assert [w.is_success for w in view.weeks] == [False] * 8 + [True] * 4
    assert view.rate_4w == 1.0 and view.rate_12w == 16 / 24
    assert view.trend == "up" and trend(0.5, 0.8) == "down" and trend(None, 1.0) is None


def test_plan_form_asks_only_what_is_missing_and_parses_dates() -> None:
    draft = new_draft(1)
    for step, value in [
        (Step.KIND, "class"),
        (Step.TITLE, "  Dansk   VUC "),
        (Step.REPEAT, "once"),
        (Step.DATE, "24.12"),
        (Step.START, "0900"),
        (Step.END, "9:00"),
        (Step.END, "11:30"),
    ]:
        assert next_step(draft) is step
        ok = choose(draft, step, value, date(2026, 11, 23))
        assert ok is not (step is Step.END and value == "9:00")
    assert draft["title"] == "Dansk VUC" and draft["date"] == "2026-12-24"
    assert next_step(draft) is Step.PLACE
    assert parse_date("2.1", date(2026, 11, 23)) == date(2027, 1, 2)
    assert parse_date("30.02", date(2026, 11, 23)) is None
    assert not choose(
        new_draft(1) | {"kind": "x", "title": "t", "repeat": "once"},
        Step.DATE,
        "1.1.2020",
        date(2026, 11, 23),
    )
