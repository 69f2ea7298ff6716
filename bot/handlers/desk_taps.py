"""Shared steps of the mentor-desk and reporting taps: acknowledge the tap, find the message to
answer under, turn a refused report access into a plain sentence, and show a mentor setting
with the buttons to change it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services.mentor_desk import MentorDesk
from bot.services.weekly_summary import ReportAccessDenied
from storage.models import MentorSettings, Person

T = TypeVar("T")


async def tapped_message(call: CallbackQuery, person: Person | None) -> Message | None:
    """Acknowledges the tap; the tapped message, when a known person tapped a live message."""
    await call.answer()
    if person is None or not isinstance(call.message, Message):
        return None
    return call.message


async def unless_refused(message: Message, work: Awaitable[T], refusal: str) -> T | None:
    """What ``work`` returns; None (after saying ``refusal``) when the access was refused."""
    try:
        return await work
    except ReportAccessDenied:
        await message.answer(refusal)
        return None


async def show_mentor_setting(
    message: Message,
    person: Person | None,
    mentor_desk: MentorDesk,
    describe: Callable[[MentorSettings], str],
    question: str,
    keyboard: InlineKeyboardMarkup,
) -> None:
    """The mentor's current setting, the question and the buttons; others are told it's for
    mentors."""
    if person is None or not person.is_mentor:
        await message.answer(_("This is for mentors."))
        return
    current = await mentor_desk.summary_settings(person)
    await message.answer(describe(current) + "\n\n" + question, reply_markup=keyboard)
