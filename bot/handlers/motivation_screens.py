"""The goal board and the list of successes: shown by /goals and /successes, and by a staff
script's `action: show_goals` / `action: show_successes`."""

from __future__ import annotations

from aiogram import Bot

from bot.runtime import Runtime
from bot.services.motivation import Motivation
from bot.telegram import motivation_keyboards as kb
from bot.telegram import motivation_views as views
from storage.models import Person


async def show_board(bot: Bot, person: Person, motivation: Motivation, runtime: Runtime) -> None:
    boards = await motivation.goals.boards(person)
    text = views.board_text(
        boards, runtime.catalogue, runtime.i18n.current_locale, motivation.goals.today(person)
    )
    await bot.send_message(person.telegram_id, text, reply_markup=kb.board_keyboard(boards))


async def show_successes(
    bot: Bot, person: Person, motivation: Motivation, runtime: Runtime
) -> None:
    items = await motivation.successes.for_youth(person, motivation.goals.today(person))
    text = views.successes_text(items, runtime.catalogue, runtime.i18n.current_locale)
    await bot.send_message(person.telegram_id, text, reply_markup=kb.successes_keyboard())
