"""What nobody else handled: a kind word, never silence and never an exception.

This router is included last, so every feature router gets its chance first.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.dialogs import send_turn
from bot.handlers.free_text import warm_acknowledgement
from bot.handlers.texts import code_problem_text
from bot.runtime import Runtime
from bot.services.dialog_runner import DialogRunner
from bot.services.free_text_replies import PromptFollowUps
from bot.services.motivation import Motivation, prompt_service
from bot.services.onboarding import CodeProblem
from bot.telegram.commands import (
    ScriptCommand,
    commands_for,
    script_commands,
    script_commands_for,
)
from storage.models import Person


def help_text(person: Person, extra: Sequence[ScriptCommand] = (), locale: str = "da") -> str:
    lines = [_("<b>What I can do</b>")]
    lines += [f"/{info.name} — {_(info.description)}" for info in commands_for(person)]
    lines += [
        f"/{c.name} — {html.escape(c.text(locale))}" for c in script_commands_for(person, extra)
    ]
    lines.append(_("/help — this list"))
    return "\n".join(lines)


async def on_help(message: Message, person: Person | None, session: AsyncSession) -> None:
    if person is None:
        await message.answer(code_problem_text(CodeProblem.MISSING))
        return
    extra = await script_commands(session)
    await message.answer(help_text(person, extra, person.locale or "da"))


async def on_stale_button(call: CallbackQuery) -> None:
    await call.answer(_("That button has expired."), show_alert=False)


async def on_anything_else(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    dialogs: DialogRunner,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if person is None:
        await message.answer(code_problem_text(CodeProblem.MISSING))
        return
    if message.text is None:
        await message.answer(
            _(
                "I can only read text and button taps — but thank you for sharing! "
                "/help shows what I can do."
            )
        )
        return
    if message.text.startswith("/"):
        await message.answer(_("I don't know that command. /help shows what I can do."))
        return
    follow_ups = PromptFollowUps(runtime.clock, dialogs, prompt_service(dialogs.session, runtime))
    follow_up = await follow_ups.answer(person, state, message.text)
    if follow_up is not None:
        await send_turn(bot, person, follow_up, runtime, motivation)
        return
    await message.answer(warm_acknowledgement(person))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_help, Command("help"))
    router.callback_query.register(on_stale_button)
    router.message.register(on_anything_else)
    return router
