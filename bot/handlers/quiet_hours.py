"""`/quiet`: when a mentor's alerts wait. A crisis alert always comes at once."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.desk_taps import show_mentor_setting
from bot.services.mentor_desk import MentorDesk
from bot.telegram.reporting_keyboards import QUIET_SPANS, QuietPick, quiet_keyboard, quiet_span_key
from bot.telegram.reporting_texts import quiet_hours_text
from storage.models import Person

OFF = ("00:00", "00:00")  # equal times: no quiet hours


async def on_quiet(message: Message, person: Person | None, mentor_desk: MentorDesk) -> None:
    question = _("When should alerts wait?")
    await show_mentor_setting(
        message, person, mentor_desk, quiet_hours_text, question, quiet_keyboard()
    )


async def on_quiet_pick(
    call: CallbackQuery, callback_data: QuietPick, person: Person | None, mentor_desk: MentorDesk
) -> None:
    spans = {quiet_span_key(*span): span for span in QUIET_SPANS} | {"off": OFF}
    span = spans.get(callback_data.span)
    if person is None or not person.is_mentor or span is None:
        await call.answer(_("That button has expired."))
        return
    saved = await mentor_desk.set_quiet_hours(person, *span)
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_text(quiet_hours_text(saved))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_quiet, Command("quiet"))
    router.callback_query.register(on_quiet_pick, QuietPick.filter())
    return router
