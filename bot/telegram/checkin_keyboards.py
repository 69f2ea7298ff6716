"""The check-in's own buttons beside the script's: later (snooze) and skip today."""

from __future__ import annotations

from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from bot.telegram.callbacks import pack_day


class CheckinControl(CallbackData, prefix="ck"):
    # "l30", "l60" (later) or "skip"; day as YYYYMMDD
    action: str
    day: str


def control_rows(day: date) -> list[list[InlineKeyboardButton]]:
    packed = pack_day(day)
    return [
        [
            InlineKeyboardButton(
                text=_("Later (30 min)"),
                callback_data=CheckinControl(action="l30", day=packed).pack(),
            ),
            InlineKeyboardButton(
                text=_("Later (1 h)"),
                callback_data=CheckinControl(action="l60", day=packed).pack(),
            ),
        ],
        [
            InlineKeyboardButton(
                text=_("Skip today"),
                callback_data=CheckinControl(action="skip", day=packed).pack(),
            )
        ],
    ]
