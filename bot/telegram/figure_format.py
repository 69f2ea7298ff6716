"""Numbers, percentages and dates as the reader reads them: one style per locale, by Babel.

Every figure a person reads is formatted here, so a Danish reader never sees "58.33" or
"06-12-2026" beside "67 %" and "6. dec.". ``locale`` defaults to the locale of the current
update or job (aiogram's i18n context).
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import get_i18n
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

__all__ = [
    "day_label",
    "format_decimal",
    "listed",
    "number",
    "percent",
    "quoted",
    "signed",
    "weekday_short",
]

# One date style per locale: "6. dec." / "6 Dec"; with the year when it is not this year.
_DATE = {"da": "d. MMM", "en": "d MMM"}
_DATE_YEAR = {"da": "d. MMM yyyy", "en": "d MMM yyyy"}
# Quotes around a person's own words and around titles: one style per locale, as in the
# catalogues — „…“ in Danish, “…” in English.
_QUOTES = {"da": ("„", "“"), "en": ("“", "”")}


def current_locale(locale: str | None = None) -> str:
    if locale:
        return locale
    try:
        return get_i18n().current_locale
    except LookupError:
        return "da"


def _lang(locale: str) -> str:
    return "en" if locale.startswith("en") else "da"


def day_label(day: date, locale: str | None = None, *, with_year: bool = False) -> str:
    lang = _lang(current_locale(locale))
    pattern = (_DATE_YEAR if with_year else _DATE)[lang]
    return format_date(day, pattern, locale=lang)


def weekday_short(day: date, locale: str | None = None) -> str:
    return format_date(day, "EEE", locale=_lang(current_locale(locale)))


def number(value: float, locale: str | None = None) -> str:
    """One decimal at most, in the reader's style: 4,5 / 4.5; whole numbers without a decimal."""
    lang = _lang(current_locale(locale))
    rounded = round(value, 1)
    pattern = "0" if rounded == int(rounded) else "0.0"
    return format_decimal(rounded, pattern, locale=lang)


def signed(value: float, locale: str | None = None) -> str:
    text = number(abs(value), locale)
    if round(value, 1) > 0:
        return f"+{text}"
    if round(value, 1) < 0:
        return f"−{text}"
    return text


def percent(share: float, locale: str | None = None) -> str:
    """A share 0..1 as a whole percentage: "67 %" / "67%"."""
    return format_percent(share, "0 %" if _lang(current_locale(locale)) == "da" else "0%",
                          locale=_lang(current_locale(locale)))  # fmt: skip


def quoted(text: str, locale: str | None = None) -> str:
    opening, closing = _QUOTES[_lang(current_locale(locale))]
    return f"{opening}{text}{closing}"


def listed(items: list[str], locale: str | None = None) -> str:
    """ "a, b og c" / "a, b and c"."""
    return format_list(items, locale=_lang(current_locale(locale)))
