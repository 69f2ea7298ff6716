"""/sos, the answers to a crisis message ("I'm safe" / "I need help now" / "You misunderstood",
then "may your contact person read it?"), the safety plan, and edited messages."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.dialogs import send_turn, show_open_question
from bot.runtime import Runtime
from bot.services.crisis_response import CrisisService
from bot.services.dialog_runner import DialogRunner
from bot.services.motivation import Motivation
from bot.services.safety_plan import SafetyPlanService
from bot.telegram import crisis_messages as texts
from bot.telegram.safety_keyboards import (
    CrisisAnswer,
    CrisisShare,
    SafetyPlanStart,
    crisis_share_keyboard,
    safety_plan_keyboard,
)
from storage.models import CrisisResponse, Person


async def on_sos(
    message: Message, person: Person | None, runtime: Runtime, safety_plans: SafetyPlanService
) -> None:
    is_youth = person is not None and person.is_youth
    plan = await safety_plans.plan_of(person) if person is not None and is_youth else None
    text = texts.sos_text(
        runtime.crisis_lines, runtime.i18n.current_locale, runtime.clock.now(), plan
    )
    markup = safety_plan_keyboard(plan is not None and not plan.empty) if is_youth else None
    await message.answer(text, reply_markup=markup)


async def on_crisis_answer(
    call: CallbackQuery,
    callback_data: CrisisAnswer,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    crisis: CrisisService,
    dialogs: DialogRunner,
    runtime: Runtime,
) -> None:
    if person is None or callback_data.answer not in set(CrisisResponse):
        await call.answer(_("That button has expired."))
        return
    answer = CrisisResponse(callback_data.answer)
    flag = await crisis.respond(person, callback_data.flag, answer)
    if flag is None:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if answer is CrisisResponse.HELP:
        text = texts.help_now_text(
            runtime.crisis_lines, runtime.i18n.current_locale, runtime.clock.now()
        )
    else:
        text = texts.response_thanks(answer.value)
    await bot.send_message(person.telegram_id, text)
    if flag.share_text is None and flag.text:
        await bot.send_message(
            person.telegram_id, texts.share_question(), reply_markup=crisis_share_keyboard(flag.id)
        )
        return
    await show_open_question(bot, person, state, dialogs)


async def on_crisis_share(
    call: CallbackQuery,
    callback_data: CrisisShare,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    crisis: CrisisService,
    dialogs: DialogRunner,
) -> None:
    flag = (
        await crisis.decide_sharing(person, callback_data.flag, callback_data.share)
        if (person is not None)
        else None
    )
    if flag is None or flag.share_text is not callback_data.share:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await call.message.answer(texts.share_thanks(callback_data.share))
    if person is not None:  # a script the crisis interrupted goes on where it was
        await show_open_question(bot, person, state, dialogs)


async def on_safety_plan(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    safety_plans: SafetyPlanService,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    if person is None or not person.is_youth:
        if event.from_user is None:
            return
        await bot.send_message(
            event.from_user.id,
            _("The safety plan is for young people in the programme. /sos shows the help lines."),
        )
        return
    run = await safety_plans.begin(person, state)
    await send_turn(bot, person, run, runtime, motivation)


async def on_edited_message(message: Message) -> None:
    """Edits are not answers (the first version was); they are still crisis-screened."""


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_sos, Command("sos"))
    router.message.register(on_safety_plan, Command("safetyplan"))
    router.callback_query.register(on_crisis_answer, CrisisAnswer.filter())
    router.callback_query.register(on_crisis_share, CrisisShare.filter())
    router.callback_query.register(on_safety_plan, SafetyPlanStart.filter())
    router.edited_message.register(on_edited_message, F.chat.type == "private")
    return router
