"""/calm and the exercise buttons offered after a hard check-in: a one-minute staff script for
right now (grounding, breathing, a first tiny step) — always beside "I'd like to talk"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.dialogs import send_turn
from bot.runtime import Runtime
from bot.services.dialog_runner import DialogRunner
from bot.services.motivation import Motivation
from bot.telegram.talk_messages import CopingPick, coping_labels, support_offer_keyboard
from storage.models import Person

COPING_PURPOSE = "coping"


async def on_calm(message: Message, person: Person | None) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("/calm is for young people in the programme."))
        return
    await message.answer(
        _("Pick what fits right now. Your contact person is one tap away too."),
        reply_markup=support_offer_keyboard("coping"),
    )


async def on_pick(
    call: CallbackQuery,
    callback_data: CopingPick,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth or callback_data.script not in coping_labels():
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    today = runtime.clock.now().astimezone(ZoneInfo(person.timezone)).date()
    run = await dialogs.begin(
        person, state, callback_data.script, purpose=COPING_PURPOSE, for_date=today
    )
    await send_turn(bot, person, run, runtime, motivation)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_calm, Command("calm"))
    router.callback_query.register(on_pick, CopingPick.filter())
    return router
