"""A time of day as young people type it — one reader for every place a time is typed: the
check-in time (onboarding, /settings), the times of a planned activity and a script's `time` step.

Accepted (any case, with or without "kl", "kl." or "klokken" in front):
"9", "9.30", "9:30", "09,30", "0930", "930", "9 30", "21.05", "9am", "9.30 pm",
"halv ti" (9:30 — Danish "half to ten"), "kvart over 8" (8:15), "kvart i 9" (8:45),
"10 over 8" (8:10), "20 i 9" (8:40), and in English "half past 9", "quarter past 8",
"quarter to 9". Words for the hours one to twelve work in both languages ("halv ti",
"quarter past eight"). Nothing else is guessed: a time we are not sure of is asked again.
"""

from __future__ import annotations

import re

from bot.dialogs.texts import N_

# One answer wherever a typed time was not understood: kind, with examples of what works.
TIME_NOT_UNDERSTOOD = N_(
    "I didn't catch that time — no problem. Write it like 9:30, 14:00 or half past 9."
)

_HOUR_WORDS = {
    "et": 1, "en": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_PREFIX = re.compile(r"^(?:klokken|kl\.?|at)\s*")
_DIGITS = re.compile(r"^(\d{1,2})(?:\s*[:.,]\s*|\s+)(\d{2})$")
_COMPACT = re.compile(r"^(\d{1,2})(\d{2})$")  # "0930", "930"
_HOUR_ONLY = re.compile(r"^(\d{1,2})$")
_AM_PM = re.compile(r"^(.*?)\s*([ap])\.?\s*m\.?$")
_HOUR = r"(\d{1,2}|[a-zé]+)"
_HALF_DA = re.compile(r"^halv\s+" + _HOUR + "$")  # halv ti = 9:30
_HALF_PAST = re.compile(r"^half\s+past\s+" + _HOUR + "$")
_QUARTER = re.compile(r"^(?:kvart|(?:a\s+)?quarter)\s+(over|past|i|to)\s+" + _HOUR + "$")
_MINUTES = re.compile(r"^(\d{1,2})\s+(?:min(?:utter)?\s+)?(over|past|i|to)\s+" + _HOUR + "$")


def _hour(word: str) -> int | None:
    if word.isdigit():
        value = int(word)
        return value if value <= 23 else None
    return _HOUR_WORDS.get(word)


def _clock(hour: int | None, minute: int) -> str | None:
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return f"{hour:02d}:{minute:02d}"


def _before(hour: int | None, minutes: int) -> str | None:
    """`minutes` before the full hour `hour` ("kvart i 9" → 08:45; "kvart i 12" → 11:45)."""
    if hour is None or not 0 < minutes < 60:
        return None
    return _clock((hour - 1) % 24, 60 - minutes)


def _words(text: str) -> str | None:
    if match := _HALF_DA.match(text):
        return _before(_hour(match.group(1)), 30)
    if match := _HALF_PAST.match(text):
        return _clock(_hour(match.group(1)), 30)
    if match := _QUARTER.match(text):
        hour = _hour(match.group(2))
        return _clock(hour, 15) if match.group(1) in ("over", "past") else _before(hour, 15)
    if match := _MINUTES.match(text):
        minutes, hour = int(match.group(1)), _hour(match.group(3))
        if not 0 < minutes < 30:
            return None
        return (
            _clock(hour, minutes) if match.group(2) in ("over", "past") else _before(hour, minutes)
        )
    return None


def _digits(text: str) -> str | None:
    if match := _DIGITS.match(text) or _COMPACT.match(text):
        return _clock(int(match.group(1)), int(match.group(2)))
    if match := _HOUR_ONLY.match(text):
        return _clock(int(match.group(1)), 0)
    return None


def _with_am_pm(text: str) -> str | None:
    match = _AM_PM.match(text)
    if not match:
        return None
    plain = _digits(match.group(1).strip()) or _words(match.group(1).strip())
    if plain is None:
        return None
    hour, minute = int(plain[:2]), plain[3:]
    if not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if match.group(2) == "p" else 0)
    return f"{hour:02d}:{minute}"


def parse_time_of_day(raw: str) -> str | None:
    """What a person typed as a time of day → "HH:MM"; None when we cannot be sure."""
    text = " ".join(raw.strip().lower().split()).rstrip(".!")
    text = _PREFIX.sub("", text).strip()
    if not text:
        return None
    return _digits(text) or _with_am_pm(text) or _words(text)
