"""The mentor's side: /rate (a youth's sub-goal 1–10), /belief (0–10 that the youth will
reach job or education), /subgoals (switch sub-goals on/off), /success (name a success for the
youth), and /progress for a youth. Staff may do the same for any young person."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.services.motivation import Motivation
from bot.services.ratings import BELIEF_MAX, RATING_MAX
from bot.telegram import motivation_keyboards as kb
from bot.telegram import motivation_views as views
from bot.telegram.motivation_keyboards import MentorPick
from storage.models import Person, RatingSource

FLOW_QUESTIONS = {"rate", "belief", "sg", "succ", "prog"}
# Each flow's purpose in the audit log when a mentor or staff member opens a youth's data.
FLOW_PURPOSES = {
    "rate": "rating",
    "belief": "belief",
    "sg": "subgoals",
    "succ": "success",
    "prog": "progress",
}


class MentorSuccess(StatesGroup):
    text = State()


def _follows(person: Person | None) -> bool:
    return person is not None and (person.is_mentor or person.is_staff)


async def _pick_youth(
    message: Message, flow: str, person: Person | None, motivation: Motivation
) -> None:
    if person is None or not _follows(person):
        await message.answer(_("This is for mentors and staff."))
        return
    youths = await motivation.ratings.youths_for(person)
    if not youths:
        await message.answer(_("You have no young people linked to you yet."))
        return
    await message.answer(_("Which young person?"), reply_markup=kb.youths_keyboard(flow, youths))


async def on_rate(message: Message, person: Person | None, motivation: Motivation) -> None:
    await _pick_youth(message, "rate", person, motivation)


async def on_belief(message: Message, person: Person | None, motivation: Motivation) -> None:
    await _pick_youth(message, "belief", person, motivation)


async def on_subgoals(message: Message, person: Person | None, motivation: Motivation) -> None:
    await _pick_youth(message, "sg", person, motivation)


async def on_success(message: Message, person: Person | None, motivation: Motivation) -> None:
    await _pick_youth(message, "succ", person, motivation)


async def on_pick(
    call: CallbackQuery,
    callback_data: MentorPick,
    state: FSMContext,
    person: Person | None,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    purpose = FLOW_PURPOSES[callback_data.flow]
    offered = _offered(callback_data, runtime)
    youth = await motivation.ratings.youth_for(person, callback_data.youth, purpose)
    if person is None or youth is None or not offered or not isinstance(call.message, Message):
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    text, markup = await views_for_pick(callback_data, person, youth, motivation, runtime)
    if callback_data.flow == "succ":
        await state.set_state(MentorSuccess.text)
        await state.update_data(success_youth=youth.id)
    if callback_data.flow == "sg" and callback_data.value >= 0:
        await call.message.edit_reply_markup(reply_markup=markup)
        return
    await call.message.answer(text, reply_markup=markup)


async def on_success_text(
    message: Message, state: FSMContext, person: Person | None, motivation: Motivation
) -> None:
    data = await state.get_data()
    await state.set_state(None)
    youth = await motivation.ratings.youth_for(
        person, int(data.get("success_youth", 0)), "success"
    )
    if person is None or youth is None or not message.text:
        await message.answer(_("That didn't work — start again with /success."))
        return
    await motivation.successes.add_written(youth, message.text, by=person)
    await message.answer(
        _("Added to {name}'s successes. They can see it with /successes.").format(
            name=views.escape(youth.first_name)
        )
    )


def _offered(data: MentorPick, runtime: Runtime) -> bool:
    """False for a payload no button of ours carries (an unknown sub-goal, a value off the
    scale): it gets the kind "expired" answer instead of an error."""
    if data.subgoal and data.subgoal not in runtime.catalogue:
        return False
    if data.flow == "rate":
        return data.value <= RATING_MAX
    if data.flow == "belief":
        return data.value <= BELIEF_MAX
    if data.flow == "sg":
        return data.value < 0 or bool(data.subgoal)
    return True


async def views_for_pick(
    data: MentorPick, person: Person, youth: Person, motivation: Motivation, runtime: Runtime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The next question of a mentor flow, or — once a value is picked — what was saved."""
    locale, catalogue = runtime.i18n.current_locale, runtime.catalogue
    name = views.escape(youth.first_name)
    if data.flow == "prog":
        active = await motivation.active.of(youth.id)
        today = motivation.goals.today(youth)
        progress = await motivation.progression.progression(youth.id, active, today)
        beliefs = await motivation.ratings.belief_series(youth.id)
        text = views.progression_text(
            youth.first_name, progress, catalogue, locale, beliefs, for_youth=False
        )
        return text, None
    if data.flow == "succ":
        return _("Write the success you want to name for {name}, in a sentence or two.").format(
            name=name
        ), None
    if data.flow == "sg":
        if data.value >= 0 and data.subgoal in catalogue:
            await motivation.active.switch(youth, data.subgoal, data.value == 1, person)
        active = await motivation.active.of(youth.id)
        text = _("Sub-goals for {name} — tap one to switch it on or off:").format(name=name)
        return text, kb.toggles_keyboard(youth.id, active, catalogue, locale)
    if data.flow == "belief":
        if data.value < 0:
            return views.belief_question(youth.first_name), kb.values_keyboard(
                "belief", youth.id, "", 0, 10
            )
        await motivation.ratings.record_belief(person, youth, data.value)
        beliefs = await motivation.ratings.belief_series(youth.id)
        return views.belief_series_text(youth.first_name, beliefs), None
    if not data.subgoal:
        active = await motivation.active.of(youth.id)
        text = _("Which sub-goal do you want to rate for {name}?").format(name=name)
        return text, kb.subgoals_keyboard("rate", youth.id, active, catalogue, locale)
    subgoal_name = catalogue.name(data.subgoal, locale)
    if data.value < 1:
        return views.rating_question(youth.first_name, subgoal_name), kb.values_keyboard(
            "rate", youth.id, data.subgoal, 1, 10
        )
    await motivation.ratings.record_mentor(person, youth, data.subgoal, data.value)
    own = await motivation.ratings.series(youth.id, data.subgoal, RatingSource.SELF)
    mentor = await motivation.ratings.series(youth.id, data.subgoal, RatingSource.MENTOR)
    return views.rating_saved_text(youth.first_name, subgoal_name, own, mentor), None


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_rate, Command("rate"))
    router.message.register(on_belief, Command("belief"))
    router.message.register(on_subgoals, Command("subgoals"))
    router.message.register(on_success, Command("success"))
    router.message.register(on_success_text, StateFilter(MentorSuccess.text), F.text)
    router.callback_query.register(on_pick, MentorPick.filter(F.flow.in_(FLOW_QUESTIONS)))
    return router
