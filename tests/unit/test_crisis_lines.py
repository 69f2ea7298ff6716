"""Crisis lines: opening hours across midnight and DST, 112 first, safe HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.crisis_lines import (
    CrisisLines,
    CrisisLinesError,
    crisis_lines_from_mapping,
    load_crisis_lines,
)

LINES = Path(__file__).resolve().parents[2] / "dialogs" / "crisis" / "lines.yaml"
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture(scope="module")
def lines() -> CrisisLines:
    return load_crisis_lines(LINES)


def _ids(lines: CrisisLines, now: datetime) -> list[str]:
    return [line.line_id for line in lines.open_lines(now)]


def _local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CPH)


def test_112_is_first_and_always_open(lines: CrisisLines) -> None:
    assert lines.lines[0].number == "112"
    for hour in range(24):
        assert _ids(lines, _local(2026, 6, 10, hour, 30))[0] == "emergency_112"


def test_file_contains_the_required_lines(lines: CrisisLines) -> None:
    numbers = {line.number for line in lines.lines}
    assert {"112", "70 201 201", "116 111", "1813", "1888", "80 200 585", "70 23 27 50"} <= numbers


@pytest.mark.parametrize(
    ("local", "is_open"),
    [
        ((2026, 6, 10, 10, 59), False),
        ((2026, 6, 10, 11, 0), True),
        ((2026, 6, 10, 23, 59), True),
        ((2026, 6, 11, 0, 0), True),  # past midnight: still yesterday's 11–05 period
        ((2026, 6, 11, 4, 59), True),
        ((2026, 6, 11, 5, 0), False),
        ((2026, 6, 14, 2, 0), True),  # Sunday night after Saturday's opening
        ((2026, 6, 15, 2, 0), True),  # Monday night after Sunday's opening (week wrap)
    ],
)
def test_livslinien_hours_cross_midnight(
    lines: CrisisLines, local: tuple[int, int, int, int, int], is_open: bool
) -> None:
    assert ("livslinien" in _ids(lines, _local(*local))) is is_open


def test_open_lines_accepts_any_aware_timezone(lines: CrisisLines) -> None:
    # 2026-06-10 09:30 UTC is 11:30 summer time in Copenhagen.
    assert "livslinien" in _ids(lines, datetime(2026, 6, 10, 9, 30, tzinfo=UTC))
    assert "livslinien" not in _ids(lines, datetime(2026, 6, 10, 8, 30, tzinfo=UTC))


def test_naive_datetime_is_refused(lines: CrisisLines) -> None:
    with pytest.raises(ValueError, match="aware"):
        lines.open_lines(datetime(2026, 6, 10, 12, 0))


def test_livslinien_hours_on_spring_dst_day(lines: CrisisLines) -> None:
    # 29 March 2026: clocks jump 02:00 → 03:00. The night period still ends at 05:00 local.
    assert "livslinien" in _ids(lines, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert "livslinien" in _ids(lines, datetime(2026, 3, 29, 2, 30, tzinfo=UTC))  # 04:30 CEST
    assert "livslinien" not in _ids(lines, datetime(2026, 3, 29, 3, 0, tzinfo=UTC))  # 05:00
    assert "livslinien" in _ids(lines, datetime(2026, 3, 29, 9, 0, tzinfo=UTC))  # 11:00 CEST


def test_livslinien_hours_on_autumn_dst_day(lines: CrisisLines) -> None:
    # 25 October 2026: clocks fall back 03:00 → 02:00; 02:30 happens twice, both open.
    assert "livslinien" in _ids(lines, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 02:30 CEST
    assert "livslinien" in _ids(lines, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 CET
    assert "livslinien" in _ids(lines, datetime(2026, 10, 25, 3, 59, tzinfo=UTC))  # 04:59 CET
    assert "livslinien" not in _ids(lines, datetime(2026, 10, 25, 4, 0, tzinfo=UTC))  # 05:00
    assert "livslinien" not in _ids(lines, datetime(2026, 10, 25, 9, 59, tzinfo=UTC))  # 10:59
    assert "livslinien" in _ids(lines, datetime(2026, 10, 25, 10, 0, tzinfo=UTC))  # 11:00 CET


def test_unknown_hours_are_never_called_open(lines: CrisisLines) -> None:
    for hour in range(24):
        ids = _ids(lines, _local(2026, 6, 10, hour, 0))
        assert "alkolinjen" not in ids and "sind_raadgivning" not in ids


def test_render_marks_open_and_closed_with_112_first(lines: CrisisLines) -> None:
    text = lines.render("da", _local(2026, 3, 29, 10, 0))
    assert text.startswith("<b>112</b>")
    livslinien = text.split("<b>70 201 201</b>")[1].split("\n\n")[0]
    assert "closed now — opens at 11:00" in livslinien
    assert "open now" in text.split("\n\n")[0]
    assert len(text) < 4096


def test_render_uses_gettext_and_locale(lines: CrisisLines) -> None:
    words = {"open now": "åben nu", "closed now — opens at {time}": "lukket — åbner kl. {time}"}
    text = lines.render("en", _local(2026, 6, 10, 6, 0), gettext=lambda s: words.get(s, s))
    assert "Emergency 112" in text
    assert "åben nu" in text and "lukket — åbner kl. 11:00" in text
    assert lines.render("xx", _local(2026, 6, 10, 6, 0)).count("Alarm 112") == 1  # falls back


def test_render_is_valid_simple_html(lines: CrisisLines) -> None:
    text = lines.render("en", _local(2026, 6, 10, 12, 0))
    tags = re.findall(r"</?([a-z]+)", text)
    assert set(tags) <= {"b"}
    assert "&" not in text.replace("&amp;", "").replace("&#x27;", "").replace("&quot;", "")


def _minimal(**extra: Any) -> dict[str, Any]:
    line = {
        "id": "x",
        "name": {"da": "X <&>"},
        "number": "99",
        "hours": {"daily": ["22:00-02:00"]},
    }
    line.update(extra)
    return {
        "lines": [line, {"id": "e", "name": {"da": "Alarm"}, "number": "112", "hours": "always"}]
    }


def test_user_values_are_escaped_and_112_moved_first() -> None:
    lines = crisis_lines_from_mapping(_minimal())
    text = lines.render("da", _local(2026, 6, 10, 12, 0))
    assert text.startswith("<b>112</b>")
    assert "X &lt;&amp;&gt;" in text


def test_closed_line_opening_later_today_shows_the_time() -> None:
    lines = crisis_lines_from_mapping(_minimal())
    assert "opens at 22:00" in lines.render("da", _local(2026, 6, 10, 12, 0))
    assert [line.line_id for line in lines.open_lines(_local(2026, 6, 11, 1, 0))] == ["e", "x"]


@pytest.mark.parametrize(
    "bad",
    [
        {"hours": {"daily": ["25:00-02:00"]}},
        {"hours": {"someday": ["10:00-12:00"]}},
        {"hours": {"daily": ["10-12"]}},
        {"name": {"en": "only english"}},
        {"number": ""},
    ],
)
def test_malformed_line_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(CrisisLinesError):
        crisis_lines_from_mapping(_minimal(**bad))


def test_112_must_be_always_open() -> None:
    data = _minimal()
    data["lines"][1]["hours"] = {"daily": ["08:00-16:00"]}
    with pytest.raises(CrisisLinesError, match="112"):
        crisis_lines_from_mapping(data)
