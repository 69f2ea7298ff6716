"""What nobody else handled: a kind word, never silence and never an exception.

This router is included last, so every feature router gets its chance first.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.texts import code_problem_text
from bot.services.onboarding import CodeProblem
from storage.models import Person


def help_text(person: Person) -> str:
    lines = [_("<b>What I can do</b>")]
    if person.is_youth:
        lines += [
            _("/checkin — take today's check-in"),
            _("/settings — your check-in time and days"),
            _("/sos — help right now"),
            _("/safetyplan — your own safety plan"),
            _("/mydata — everything stored about you"),
            _("/delete — ask for everything about you to be deleted"),
        ]
    if person.is_mentor:
        lines += [_("/invite — a link for a young person"), _("/youths — your young people")]
    if person.is_staff:
        lines += [_("/invite — invite someone"), _("/scripts — dialog scripts")]
    return "\n".join(lines)


async def on_help(message: Message, person: Person | None) -> None:
    if person is None:
        await message.answer(code_problem_text(CodeProblem.MISSING))
        return
    await message.answer(help_text(person))


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
