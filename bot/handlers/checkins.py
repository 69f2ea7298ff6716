"""`/checkin` any time; "later" and "skip today" on the scheduled check-in."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.handlers.dialogs import send_turn
from bot.runtime import Runtime
from bot.services.checkins import CheckinService, local_today
from bot.services.motivation import Motivation
from bot.telegram.callbacks import unpack_day
from bot.telegram.checkin_keyboards import CheckinControl
from storage.models import Person


async def on_checkin_command(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    checkins: CheckinService,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("The check-in is for young people in the programme."))
        return
    run = await checkins.begin(person, state, local_today(person, runtime.clock.now()))
    await send_turn(bot, person, run, runtime, motivation)


async def on_checkin_control(
    call: CallbackQuery,
    callback_data: CheckinControl,
    state: FSMContext,
    person: Person | None,
    checkins: CheckinService,
) -> None:
    day = unpack_day(callback_data.day)
    if person is None or not person.is_youth or day is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    if callback_data.action == "skip":
        await checkins.skip(person, state, day)
        if isinstance(call.message, Message):
            await call.message.answer(
                _("OK, no check-in today. That's fine — see you tomorrow. 🌱")
            )
        return
    minutes = 60 if callback_data.action == "l60" else 30
    await checkins.snooze(person, day, minutes)
    if isinstance(call.message, Message):
        await call.message.answer(
            ngettext(
                "Sure — I'll ask again in {minutes} minute.",
                "Sure — I'll ask again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes)
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_checkin_command, Command("checkin"))
    router.callback_query.register(on_checkin_control, CheckinControl.filter())
    return router
