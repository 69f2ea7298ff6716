"""Buttons for /settings and /pause."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.keyboards import CHECKIN_TIME_CHOICES


class SettingsAction(CallbackData, prefix="st"):
    # time | days | lang | pause | t.<HHMM|other> | d.<1-7|done> | l.<da|en> | p.<days|date>
    action: str


def weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def settings_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Change time"), callback_data=SettingsAction(action="time"))
    builder.button(text=_("Change days"), callback_data=SettingsAction(action="days"))
    builder.button(text=_("Language"), callback_data=SettingsAction(action="lang"))
    builder.button(text=_("Pause check-ins"), callback_data=SettingsAction(action="pause"))
    builder.adjust(2, 2)
    return builder.as_markup()


def staff_settings_menu(*, is_mentor: bool) -> InlineKeyboardMarkup:
    """A mentor's or staff member's settings: their language, and a mentor's summary."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Language"), callback_data=SettingsAction(action="lang"))
    if is_mentor:
        builder.button(
            text=_("Summary day and time"), callback_data=SettingsAction(action="summary")
        )
    builder.adjust(2)
    return builder.as_markup()


def time_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in CHECKIN_TIME_CHOICES:
        builder.button(
            text=choice, callback_data=SettingsAction(action="t." + choice.replace(":", ""))
        )
    builder.button(text=_("Another time"), callback_data=SettingsAction(action="t.other"))
    builder.adjust(3, 3, 1)
    return builder.as_markup()


def days_menu(days: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for number, name in enumerate(weekday_names(), start=1):
        mark = "✓ " if str(number) in days else ""
        builder.button(text=f"{mark}{name}", callback_data=SettingsAction(action=f"d.{number}"))
    builder.button(text=_("Done"), callback_data=SettingsAction(action="d.done"))
    builder.adjust(4, 3, 1)
    return builder.as_markup()


def language_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="Dansk", callback_data=SettingsAction(action="l.da"))
    builder.button(text="English", callback_data=SettingsAction(action="l.en"))
    builder.adjust(2)
    return builder.as_markup()


def pause_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Until tomorrow"), callback_data=SettingsAction(action="p.1"))
    builder.button(text=_("One week"), callback_data=SettingsAction(action="p.7"))
    builder.button(text=_("Two weeks"), callback_data=SettingsAction(action="p.14"))
    builder.button(text=_("Pick a date"), callback_data=SettingsAction(action="p.date"))
    builder.adjust(2, 2)
    return builder.as_markup()
