"""Callback-data codecs. Every payload stays under Telegram's 64 bytes (checked in tests).

Buttons never carry authority: a handler re-checks the tapping person's role and state in the
database, so a forged or replayed payload cannot act on someone else's data.
"""

from __future__ import annotations

from datetime import date, datetime

from aiogram.filters.callback_data import CallbackData


class LanguagePick(CallbackData, prefix="ol"):
    locale: str


class ConsentAnswer(CallbackData, prefix="oc"):
    accept: bool


class CheckinTimePick(CallbackData, prefix="ot"):
    # "HHMM" or "other" (type a time)
    value: str


class InviteRolePick(CallbackData, prefix="ir"):
    role: str


def pack_day(day: date) -> str:
    """A date in callback data: YYYYMMDD (8 bytes)."""
    return day.strftime("%Y%m%d")


def unpack_day(packed: str) -> date | None:
    """The date from pack_day, or None when the payload is not one (a forged button)."""
    try:
        return datetime.strptime(packed, "%Y%m%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return None
