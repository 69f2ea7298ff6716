"""What nobody else handled: a kind word, never silence and never an exception.

This router is included last, so every feature router gets its chance first.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.texts import code_problem_text
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


async def on_anything_else(message: Message, person: Person | None) -> None:
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
    await message.answer(_("I didn't quite catch that. /help shows what I can do."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_help, Command("help"))
    router.callback_query.register(on_stale_button)
    router.message.register(on_anything_else)
    return router
