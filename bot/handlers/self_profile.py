"""/mig: "what works for me" — shown to the young person, written and changed by them."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.dialogs import send_turn
from bot.runtime import Runtime
from bot.services.dialog_runner import DialogRunner
from bot.services.motivation import Motivation
from bot.services.self_profile import SelfProfiles
from bot.telegram.self_profile_texts import ProfileEdit, edit_keyboard, own_profile_text
from storage.models import Person

SUCCESSES_SHOWN = 3


async def on_mig(
    message: Message, person: Person | None, profiles: SelfProfiles, motivation: Motivation
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("/mig is for young people in the programme."))
        return
    items = await motivation.successes.for_youth(person, motivation.goals.today(person))
    successes = [item.text for item in items if item.text][-SUCCESSES_SHOWN:]
    text = own_profile_text(await profiles.own(person), successes)
    await message.answer(text, reply_markup=edit_keyboard())


async def on_edit(
    call: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    profiles: SelfProfiles,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    run = await profiles.begin(person, state, dialogs)
    await send_turn(bot, person, run, runtime, motivation)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_mig, Command("mig"))
    router.callback_query.register(on_edit, ProfileEdit.filter())
    return router
