"""/focus: this week's short question about one of the young person's focus sub-goals."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.dialogs import send_turn
from bot.runtime import Runtime
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.dialog_runner import DialogRunner
from bot.services.joint_review import JointReviews
from bot.services.motivation import Motivation
from bot.services.subgoal_measures import MEASURE_PURPOSE, measure_script, next_unanswered
from storage.models import Person


async def on_focus(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    person: Person | None,
    dialogs: DialogRunner,
    motivation: Motivation,
    reviews: JointReviews,
    runtime: Runtime,
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("/focus is for young people in the programme."))
        return
    today = runtime.clock.now().astimezone(ZoneInfo(person.timezone)).date()
    active = await ActiveSubgoals(session, runtime.catalogue, runtime.clock).of(person.id)
    # The focus agreed at the last joint review; before the first review, every active one.
    focus = [s for s in await reviews.latest_focus(person.id) if s in active]
    subgoal = await next_unanswered(session, person.id, today, focus or active)
    if subgoal is None:
        await message.answer(
            _("You've answered this week's questions. Nice work — see you next week!")
        )
        return
    run = await dialogs.begin(
        person,
        state,
        measure_script(subgoal),
        purpose=MEASURE_PURPOSE,
        for_date=today,
        ref=subgoal,
    )
    await send_turn(bot, person, run, runtime, motivation)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_focus, Command("focus"))
    return router
