"""/mydata (everything stored, as files) and /delete (erasure, confirmed by staff in the bot)."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.texts import code_problem_text
from bot.services.onboarding import CodeProblem
from bot.services.privacy import PrivacyService
from bot.telegram.safety_keyboards import ErasureConfirm, ErasureDecide, erasure_confirm_keyboard
from storage.models import Person


async def on_mydata(message: Message, person: Person | None, privacy: PrivacyService) -> None:
    if person is None:
        await message.answer(code_problem_text(CodeProblem.MISSING))
        return
    export = await privacy.export(person, _)
    await message.answer_document(
        BufferedInputFile(export.as_json, filename="fremad-my-data.json"),
        caption=_("Everything Fremad stores about you, as data (JSON)."),
    )
    await message.answer_document(
        BufferedInputFile(export.as_text, filename="fremad-my-data.txt"),
        caption=_("The same, as readable text — including who looked at your data, when and why."),
    )


async def on_delete(message: Message, person: Person | None) -> None:
    if person is None or not person.is_youth:
        await message.answer(
            _(
                "Deleting data in the bot is for young people. Please ask staff "
                "if you want your data deleted."
            )
        )
        return
    await message.answer(
        _(
            "<b>Delete everything about you?</b>\n\nYour check-ins, goals, answers and settings "
            "will be removed for good, and Fremad stops writing to you. A staff member confirms "
            "it first."
        ),
        reply_markup=erasure_confirm_keyboard(),
    )


async def on_erasure_confirm(
    call: CallbackQuery,
    callback_data: ErasureConfirm,
    bot: Bot,
    person: Person | None,
    privacy: PrivacyService,
) -> None:
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    if person is None or not person.is_youth:
        return
    if not callback_data.confirm:
        await bot.send_message(person.telegram_id, _("OK, nothing is deleted."))
        return
    await privacy.request_erasure(person)
    await bot.send_message(
        person.telegram_id,
        _(
            "Your request is sent. A staff member confirms it, and then everything about you is "
            "deleted. I'll tell you when it's done."
        ),
    )


async def on_erasure_decide(
    call: CallbackQuery,
    callback_data: ErasureDecide,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    privacy: PrivacyService,
    i18n: I18n,
) -> None:
    decision = await privacy.decide_erasure(person, callback_data.request, callback_data.approve)
    if decision is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
    chat = decision.youth_telegram_id
    if decision.approved:
        await FSMContext(state.storage, StorageKey(bot.id, chat, chat)).clear()
    with i18n.use_locale(decision.youth_locale or i18n.default_locale):
        told = (
            _("Everything Fremad stored about you is now deleted. Take care — and good luck. 🌱")
            if decision.approved
            else _(
                "Your data was not deleted yet. Please talk to your contact person or a staff "
                "member about it."
            )
        )
    with suppress(TelegramAPIError):  # they may have blocked the bot: the decision stands
        await bot.send_message(chat, told)
    reply = (
        _("Deleted. Nothing about this person is left in Fremad.")
        if decision.approved
        else _("Not deleted. The young person has been told to talk to you.")
    )
    await bot.send_message(call.from_user.id, reply)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_mydata, Command("mydata"))
    router.message.register(on_delete, Command("delete"))
    router.callback_query.register(on_erasure_confirm, ErasureConfirm.filter())
    router.callback_query.register(on_erasure_decide, ErasureDecide.filter())
    return router
