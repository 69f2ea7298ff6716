"""Callback-data codecs. Every payload stays under Telegram's 64 bytes (checked in tests).

Buttons never carry authority: a handler re-checks the tapping person's role and state in the
database, so a forged or replayed payload cannot act on someone else's data.
"""

from __future__ import annotations

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
