"""Danish crisis lines with weekly opening hours, and the list a young person is shown.

The rule is: 112 always comes first and is always open; other lines are marked open or closed
from their weekly schedule in Danish time (a period may run past midnight); a line whose hours
we have not confirmed is never called "open now". Data lives in ``dialogs/crisis/lines.yaml``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

__all__ = [
    "CrisisLines",
    "CrisisLinesError",
    "Line",
    "OpeningPeriod",
    "crisis_lines_from_mapping",
    "load_crisis_lines",
]

EMERGENCY_NUMBER = "112"
DEFAULT_LOCALE = "da"
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_GROUPS = {
    "daily": _DAY_KEYS,
    "weekdays": _DAY_KEYS[:5],
    "weekend": _DAY_KEYS[5:],
    **{day: (day,) for day in _DAY_KEYS},
}
_PERIOD = re.compile(r"^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$")
_MINUTES_PER_DAY = 24 * 60
_ID = re.compile(r"^[a-z0-9_]+$")


class CrisisLinesError(ValueError):
    """The crisis lines file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    """Opens on `weekday` (0 = Monday) at `start` minutes after midnight, local time, for
    `end - start` minutes; `end` may exceed 1440 when the period runs past midnight."""

    weekday: int
    start: int
    end: int

    def contains(self, weekday: int, minute: int) -> bool:
        if weekday == self.weekday and self.start <= minute < min(self.end, _MINUTES_PER_DAY):
            return True
        next_day = (self.weekday + 1) % 7
        return weekday == next_day and minute < self.end - _MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class Line:
    line_id: str
    name: Mapping[str, str]
    number: str
    always_open: bool = False
    periods: tuple[OpeningPeriod, ...] = ()
    hours_known: bool = True
    hours_text: Mapping[str, str] | None = None
    note: Mapping[str, str] | None = None
    website: str | None = None

    def is_open(self, local: datetime) -> bool:
        """Open at this Europe/Copenhagen wall-clock time? Unknown hours count as closed."""
        if self.always_open:
            return True
        minute = local.hour * 60 + local.minute
        return any(p.contains(local.weekday(), minute) for p in self.periods)

    def next_opening(self, local: datetime) -> datetime | None:
        """The next local opening time after `local` within a week, or None."""
        if not self.periods:
            return None
        candidates = []
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            for period in self.periods:
                if period.weekday == day.weekday():
                    hour, minute = divmod(period.start, 60)
                    opening = datetime.combine(day, time(hour, minute), tzinfo=local.tzinfo)
                    if opening > local:
                        candidates.append(opening)
        return min(candidates, default=None)

    def text(self, field: Mapping[str, str] | None, locale: str) -> str | None:
        if field is None:
            return None
        return field.get(locale) or field.get(DEFAULT_LOCALE)


def _identity(text: str) -> str:
    return text


class CrisisLines:
    """The loaded list of lines, 112 first."""

    def __init__(self, lines: Sequence[Line], zone: ZoneInfo) -> None:
        self.lines = tuple(sorted(lines, key=lambda line: line.number != EMERGENCY_NUMBER))
        self.zone = zone

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(self.zone)

    def open_lines(self, now: datetime) -> list[Line]:
        """Lines open at `now` (any aware datetime), 112 first."""
        local = self._local(now)
        return [line for line in self.lines if line.is_open(local)]

    def get(self, line_id: str) -> Line | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def ordered(self, first: Sequence[str] = (), *, only: bool = False) -> list[Line]:
        """112, then the lines named in `first` (in that order), then — unless `only` — the
        rest in file order. Unknown ids are skipped."""
        emergency = [line for line in self.lines if line.number == EMERGENCY_NUMBER]
        picked = [line for line_id in first if (line := self.get(line_id)) is not None]
        picked = [line for line in picked if line not in emergency]
        rest = [] if only else [ln for ln in self.lines if ln not in emergency + picked]
        return emergency + picked + rest

    def render(
        self,
        locale: str,
        now: datetime,
        gettext: Callable[[str], str] = _identity,
        *,
        first: Sequence[str] = (),
        only: bool = False,
    ) -> str:
        """Telegram-HTML list of the lines, 112 first, each marked open or closed now: the
        lines named in `first` come next (a crisis answer puts the lines that fit first), and
        with `only` the others are left out.

        `gettext` translates the few fixed words; every value from the data file is escaped.
        """
        local = self._local(now)
        blocks = []
        for line in self.ordered(first, only=only):
            name = line.text(line.name, locale) or line.line_id
            rows = [f"<b>{html.escape(line.number)}</b> — {html.escape(name)}"]
            rows.append(_status(line, local, gettext))
            for extra in (line.text(line.hours_text, locale), line.text(line.note, locale)):
                if extra:
                    rows.append(html.escape(extra))
            if line.website:
                rows.append(html.escape(line.website))
            blocks.append("\n".join(rows))
        return "\n\n".join(blocks)


def _status(line: Line, local: datetime, gettext: Callable[[str], str]) -> str:
    if not line.hours_known:
        return html.escape(gettext("check the opening hours before you call"))
    if line.is_open(local):
        return "✅ " + html.escape(gettext("open now"))
    opening = line.next_opening(local)
    if opening is not None and opening - local <= timedelta(hours=24):
        text = gettext("closed now — opens at {time}").format(time=opening.strftime("%H:%M"))
        return html.escape(text)
    return html.escape(gettext("closed now"))


# ---- loading ---------------------------------------------------------------------------------


def _parse_periods(raw: Any, where: str) -> tuple[OpeningPeriod, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise CrisisLinesError(f"{where}: hours must be 'always', 'unknown' or a schedule")
    periods: list[OpeningPeriod] = []
    for key, spans in raw.items():
        if key not in _DAY_GROUPS:
            raise CrisisLinesError(f"{where}: unknown day {key!r}")
        if not isinstance(spans, list) or not spans:
            raise CrisisLinesError(f"{where}: {key} needs a list like ['09:00-15:00']")
        for span in spans:
            start, end = _parse_span(str(span), where)
            periods.extend(OpeningPeriod(_DAY_KEYS.index(d), start, end) for d in _DAY_GROUPS[key])
    return tuple(periods)


def _parse_span(span: str, where: str) -> tuple[int, int]:
    found = _PERIOD.match(span.strip())
    if not found:
        raise CrisisLinesError(f"{where}: bad period {span!r}, write it like '11:00-05:00'")
    sh, sm, eh, em = (int(g) for g in found.groups())
    start, end = sh * 60 + sm, eh * 60 + em
    if sh > 23 or eh > 24 or sm > 59 or em > 59 or end > _MINUTES_PER_DAY:
        raise CrisisLinesError(f"{where}: bad time in {span!r}")
    if end <= start:  # runs past midnight into the next day
        end += _MINUTES_PER_DAY
    return start, end


def _localised(raw: Any, where: str, *, required: bool) -> Mapping[str, str] | None:
    if raw is None and not required:
        return None
    if (
        not isinstance(raw, Mapping)
        or DEFAULT_LOCALE not in raw
        or not all(isinstance(v, str) and v.strip() for v in raw.values())
    ):
        raise CrisisLinesError(f"{where}: needs text for at least '{DEFAULT_LOCALE}'")
    return {str(k): str(v).strip() for k, v in raw.items()}


def _build_line(raw: Any, index: int) -> Line:
    if not isinstance(raw, Mapping):
        raise CrisisLinesError(f"lines[{index}]: must be a mapping")
    line_id = raw.get("id")
    if not isinstance(line_id, str) or not _ID.match(line_id):
        raise CrisisLinesError(f"lines[{index}]: 'id' must be lower-case letters, digits and _")
    number = raw.get("number")
    if not isinstance(number, str | int) or not str(number).strip():
        raise CrisisLinesError(f"{line_id}: needs a number")
    hours = raw.get("hours")
    website = raw.get("website")
    if website is not None and not isinstance(website, str):
        raise CrisisLinesError(f"{line_id}: website must be text")
    return Line(
        line_id=line_id,
        name=_localised(raw.get("name"), f"{line_id}.name", required=True) or {},
        number=str(number).strip(),
        always_open=hours == "always",
        periods=() if hours in ("always", "unknown") else _parse_periods(hours, line_id),
        hours_known=hours != "unknown",
        hours_text=_localised(raw.get("hours_text"), f"{line_id}.hours_text", required=False),
        note=_localised(raw.get("note"), f"{line_id}.note", required=False),
        website=website,
    )


def crisis_lines_from_mapping(data: Any) -> CrisisLines:
    """Validate the parsed YAML document; 112 must be present and always open."""
    if not isinstance(data, Mapping) or not isinstance(data.get("lines"), list):
        raise CrisisLinesError("the file needs a 'lines' list")
    lines = [_build_line(raw, i) for i, raw in enumerate(data["lines"])]
    ids = [line.line_id for line in lines]
    if len(set(ids)) != len(ids):
        raise CrisisLinesError("line ids must be unique")
    emergency = [line for line in lines if line.number == EMERGENCY_NUMBER]
    if len(emergency) != 1 or not emergency[0].always_open:
        raise CrisisLinesError("exactly one line must be 112 with hours: always")
    return CrisisLines(lines, ZoneInfo(str(data.get("timezone", "Europe/Copenhagen"))))


def load_crisis_lines(path: str | Path) -> CrisisLines:
    """Read the crisis lines file; raise CrisisLinesError if it is malformed."""
    with Path(path).open(encoding="utf-8") as handle:
        return crisis_lines_from_mapping(yaml.safe_load(handle))
