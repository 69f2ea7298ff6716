"""Read what a youth typed or tapped into a typed answer — forgiving about form, strict about
range. Danish habits are accepted: "3,5", "8.30", "24/12", "ja"/"nej"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.dialogs.model import Step
from bot.dialogs.texts import TextKey
from bot.dialogs.time_input import parse_time_of_day

YES_WORDS = frozenset({"yes", "y", "ja", "j", "jo", "jep", "yep", "ok", "okay", "true"})
NO_WORDS = frozenset({"no", "n", "nej", "nope", "false"})
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DK_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?\.?$")


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why an answer was refused; `params` fill the placeholders of the re-ask text."""

    key: TextKey
    params: dict[str, object] = field(default_factory=dict)


def _fmt_number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def parse_number(step: Step, raw: str) -> int | float | Invalid:
    cleaned = raw.strip().replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return Invalid("invalid_number")
    if not math.isfinite(number) or (step.integer and not number.is_integer()):
        return Invalid("invalid_number")  # "nan"/"inf" parse as floats but are not answers
    value: int | float = int(number) if step.integer else number
    if step.min is not None and value < step.min:
        return Invalid("invalid_number_min", {"min": _fmt_number(step.min)})
    if step.max is not None and value > step.max:
        return Invalid("invalid_number_max", {"max": _fmt_number(step.max)})
    return value


def parse_scale(step: Step, raw: str) -> int | Invalid:
    lo, hi = int(step.min or 0), int(step.max or 0)
    try:
        value = int(raw.strip())
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        return Invalid("invalid_scale", {"min": lo, "max": hi})
    return value


def parse_yes_no(raw: str) -> bool | Invalid:
    word = raw.strip().lower().rstrip("!.")
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return Invalid("invalid_yes_no")


def parse_time(raw: str) -> str | Invalid:
    return parse_time_of_day(raw) or Invalid("invalid_time")


def _read_date(text: str, today: date) -> date | None:
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DK_DATE.match(text):
            day, month = int(m.group(1)), int(m.group(2))
            if m.group(3) is None:
                # "24/12" means the next 24 December, not one in the past.
                candidate = date(today.year, month, day)
                return candidate if candidate >= today else date(today.year + 1, month, day)
            year = int(m.group(3))
            return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    return None


# Date quick buttons: the value is also the engine-text key of the label.
DATE_BUTTONS: dict[TextKey, int] = {"today": 0, "tomorrow": 1, "in_week": 7}


def parse_date(step: Step, raw: str, today: date) -> str | Invalid:
    text = raw.strip().lower()
    offsets = {str(key): days for key, days in DATE_BUTTONS.items()}
    if text in offsets:
        value: date | None = today + timedelta(days=offsets[text])
    else:
        value = _read_date(text, today)
    if value is None:
        return Invalid("invalid_date")
    if step.min_days is not None and value < today + timedelta(days=step.min_days):
        first = today + timedelta(days=step.min_days)
        return Invalid("date_too_early", {"date": first.strftime("%d-%m-%Y")})
    if step.max_days is not None and value > today + timedelta(days=step.max_days):
        last = today + timedelta(days=step.max_days)
        return Invalid("date_too_late", {"date": last.strftime("%d-%m-%Y")})
    return value.isoformat()


def parse_text(step: Step, raw: str) -> str | Invalid:
    text = raw.strip()
    if not text:
        return Invalid("text_empty")
    if len(text) > step.max_length:
        return Invalid("text_too_long", {"max": step.max_length, "length": len(text)})
    return text
