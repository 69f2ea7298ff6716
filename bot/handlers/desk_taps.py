"""Shared steps of the mentor-desk and reporting taps: acknowledge the tap, find the message to
answer under, and turn a refused report access into a plain sentence."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from aiogram.types import CallbackQuery, Message

from bot.services.weekly_summary import ReportAccessDenied
from storage.models import Person

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
