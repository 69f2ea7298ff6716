"""Answers to staff scripts: a tapped button or typed text goes to the open run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.dialogs.engine import NO
from bot.handlers.free_text import warm_acknowledgement
from bot.handlers.motivation_screens import show_board, show_successes
from bot.runtime import Runtime
from bot.services.dialog_runner import DIALOG_STATE, DialogRunner, RunTurn, Stale
from bot.services.motivation import Motivation
from bot.telegram.dialog_render import DialogAnswer, turn_messages
from bot.telegram.talk_messages import support_offer_keyboard
from storage.models import Person


async def send_turn(
    bot: Bot, person: Person, run: RunTurn, runtime: Runtime, motivation: Motivation
) -> None:
    """Sends a turn's messages in order, with what its actions ask for (the help lines, the
    goal board, the list of successes) before the turn's next question: the question is always
    the last message, so its buttons are never buried above a long list."""
    chat_id = person.telegram_id
    methods = turn_messages(chat_id, run)
    question = methods.pop() if methods and methods[-1].reply_markup is not None else None
    for method in methods:
        await bot(method)
    actions = run.turn.actions
    if "show_sos" in actions:
        await bot.send_message(
            chat_id,
            runtime.crisis_lines.render(runtime.i18n.current_locale, runtime.clock.now(), _),
        )
    if "show_goals" in actions:
        await show_board(bot, person, motivation, runtime)
    if "show_successes" in actions:
        await show_successes(bot, person, motivation, runtime)
    if "offer_talk" in actions:
        offer = support_offer_keyboard("checkin")
        offer_text = _("If you'd like, your contact person can call you. One tap is enough.")
        if question is not None and isinstance(question.reply_markup, InlineKeyboardMarkup):
            # One open question: the offer rides on the next question, below its own answers
            # (the answers stay right under the words they answer).
            await bot.send_message(chat_id, offer_text)
            question.reply_markup = InlineKeyboardMarkup(
                inline_keyboard=[*question.reply_markup.inline_keyboard, *offer.inline_keyboard]
            )
        else:
            await bot.send_message(chat_id, offer_text, reply_markup=offer)
    if question is not None:
        await bot(question)


async def show_open_question(
    bot: Bot, person: Person, state: FSMContext, dialogs: DialogRunner
) -> None:
    """Asks a script's open question again, last on screen, after something else (a crisis
    answer) took the one open keyboard; nothing when no run is open."""
    run = await dialogs.resume(person, state)
    if run is None or run.turn.finished:
        return
    methods = turn_messages(person.telegram_id, run)
    if methods:
        await bot(methods[-1])


async def on_dialog_button(
    call: CallbackQuery,
    callback_data: DialogAnswer,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
    webhook_reply: bool = False,
) -> AnswerCallbackQuery | None:
    """The next question first: the turn is stored, then its messages leave first and, beside
    them, the tap is answered and the answered question's keyboard taken off (neither adds a
    message, so the chat's order stays). Behind a webhook the tap's answer rides on the webhook
    response instead (bot/webhook.py): one round trip less."""
    if person is None:
        return await _answer_tap(call, webhook_reply, _("That button has expired."))
    result = await dialogs.reply(
        person, state, callback_data.value, token=callback_data.token, seq=callback_data.seq
    )
    if not isinstance(result, RunTurn):
        return await _answer_tap(call, webhook_reply, _("That button has expired."))
    beside: list[Awaitable[object]] = []
    if not webhook_reply:
        beside.append(call.answer())
    if isinstance(call.message, Message) and result.turn.error is None:
        beside.append(call.message.edit_reply_markup(reply_markup=None))
    await next_question_first(send_turn(bot, person, result, runtime, motivation), beside)
    return call.answer() if webhook_reply else None


async def _answer_tap(
    call: CallbackQuery, webhook_reply: bool, text: str
) -> AnswerCallbackQuery | None:
    if webhook_reply:
        return call.answer(text)
    await call.answer(text)
    return None


async def _coroutine(call: Awaitable[object]) -> object:
    """aiogram's methods are awaitable, not coroutines: gather needs the latter."""
    return await call


async def next_question_first(question: Awaitable[None], beside: list[Awaitable[object]]) -> None:
    """Starts sending the question first, runs the rest beside it and waits for all; the first
    failure is raised once every call has finished (none is left running on the update)."""
    outcomes = await asyncio.gather(
        question, *(_coroutine(call) for call in beside), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


async def on_dialog_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
    crisis_flagged: bool = False,
) -> None:
    if person is None:
        return
    result = await dialogs.reply(person, state, message.text or "")
    if crisis_flagged and isinstance(result, RunTurn) and result.turn.input == "share":
        # The crisis answer that follows asks about sharing itself (once, with its own
        # buttons): the script's own "may your mentor read this?" would be a second keyboard.
        result = await dialogs.reply(person, state, NO)
    if isinstance(result, RunTurn):
        await send_turn(bot, person, result, runtime, motivation)
    elif isinstance(result, Stale) or result is None:
        await message.answer(warm_acknowledgement(person))


def create_button_router() -> Router:
    """Taps on script buttons, the busiest update there is: routed by their prefix before every
    other router (bot/handlers/__init__.py), so a tap passes one filter, not every handler's."""
    router = Router(name=f"{__name__}.buttons")
    router.callback_query.register(on_dialog_button, DialogAnswer.filter())
    return router


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_dialog_text, StateFilter(DIALOG_STATE), F.text)
    return router
