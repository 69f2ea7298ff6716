"""Inline keyboards. Labels come through the translation layer; payloads through callbacks.py."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.callbacks import CheckinTimePick, ConsentAnswer, InviteRolePick, LanguagePick

CHECKIN_TIME_CHOICES = ("08:00", "09:00", "10:00", "11:00", "12:00", "14:00")


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    # Language names are shown in their own language, whatever the current locale.
    builder.button(text="Dansk", callback_data=LanguagePick(locale="da"))
    builder.button(text="English", callback_data=LanguagePick(locale="en"))
    builder.adjust(2)
    return builder.as_markup()


def consent_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, I agree"), callback_data=ConsentAnswer(accept=True))
    builder.button(text=_("No thanks"), callback_data=ConsentAnswer(accept=False))
    builder.adjust(1)
    return builder.as_markup()


def checkin_time_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in CHECKIN_TIME_CHOICES:
        builder.button(text=choice, callback_data=CheckinTimePick(value=choice.replace(":", "")))
    builder.button(text=_("Another time"), callback_data=CheckinTimePick(value="other"))
    builder.adjust(3, 3, 1)
    return builder.as_markup()


def invite_role_keyboard(roles: list[str]) -> InlineKeyboardMarkup:
    labels = {"youth": _("Young person"), "mentor": _("Mentor"), "staff": _("Staff")}
    builder = InlineKeyboardBuilder()
    for role in roles:
        builder.button(text=labels[role], callback_data=InviteRolePick(role=role))
    builder.adjust(1)
    return builder.as_markup()
