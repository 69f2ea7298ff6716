"""The youth's side of the motivation feature: /goals (tick off, new date, let go, next step),
/successes, /rating (the weekly self-rating now) and /progress."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.dialogs import send_turn
from bot.handlers.motivation_screens import show_board, show_successes
from bot.runtime import Runtime
from bot.services.dialog_runner import RunTurn
from bot.services.motivation import Motivation
from bot.telegram import motivation_keyboards as kb
from bot.telegram import motivation_views as views
from bot.telegram.motivation_keyboards import GoalAct
from storage.models import Person


def _locale(runtime: Runtime) -> str:
    return runtime.i18n.current_locale


async def _youth(event: Message | CallbackQuery, person: Person | None) -> Person | None:
    """The person when they are a youth; anyone else is told goals are for young people."""
    if person is not None and person.is_youth:
        return person
    await event.answer(_("Goals and successes are for young people in the programme."))
    return None


async def on_goals(
    message: Message, bot: Bot, person: Person | None, motivation: Motivation, runtime: Runtime
) -> None:
    if (youth := await _youth(message, person)) is not None:
        await show_board(bot, youth, motivation, runtime)


async def on_successes(
    message: Message, bot: Bot, person: Person | None, motivation: Motivation, runtime: Runtime
) -> None:
    if (youth := await _youth(message, person)) is not None:
        await show_successes(bot, youth, motivation, runtime)


async def on_rating(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    if (youth := await _youth(message, person)) is not None:
        today = motivation.goals.today(youth)
        run = await motivation.flows.begin_self_rating(youth, state, today)
        await send_turn(bot, youth, run, runtime, motivation)


async def on_progress(
    message: Message, person: Person | None, motivation: Motivation, runtime: Runtime
) -> None:
    if person is not None and not person.is_youth and (person.is_mentor or person.is_staff):
        youths = await motivation.ratings.youths_for(person)
        await message.answer(_("Whose progress?"), reply_markup=kb.youths_keyboard("prog", youths))
        return
    person = await _youth(message, person)
    if person is None:
        return
    active = await motivation.active.of(person.id)
    progress = await motivation.progression.progression(
        person.id, active, motivation.goals.today(person)
    )
    await message.answer(
        views.progression_text(
            person.first_name, progress, runtime.catalogue, _locale(runtime), for_youth=True
        )
    )


async def on_step(
    call: CallbackQuery, callback_data: GoalAct, person: Person | None, motivation: Motivation
) -> None:
    person = await _youth(call, person)
    if person is None:
        return
    step = await motivation.goals.step(person, callback_data.id)
    await call.answer()
    if step is None or step.status != "open" or not isinstance(call.message, Message):
        return
    await call.message.answer(
        views.step_menu_text(step.text, step.due_date), reply_markup=kb.step_keyboard(step.id)
    )


async def on_step_close(
    call: CallbackQuery,
    callback_data: GoalAct,
    person: Person | None,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    """Ticks a step off ("done") or lets it go ("drop"), then suggests a next step."""
    person = await _youth(call, person)
    if person is None:
        return
    done = callback_data.action == "done"
    close = motivation.goals.complete_step if done else motivation.goals.drop_step
    result = await close(person, callback_data.id)
    await _closed_reply(call, result is not None)
    if result is not None and isinstance(call.message, Message):
        text = (
            views.step_done_text(result.step.text, result.suggestion, _locale(runtime))
            if done
            else views.step_dropped_text(result.suggestion, _locale(runtime))
        )
        await call.message.answer(text, reply_markup=kb.next_step_keyboard(result.goal.id))


async def on_step_move(call: CallbackQuery, callback_data: GoalAct) -> None:
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=kb.move_keyboard(callback_data.id))


async def on_step_moved(
    call: CallbackQuery, callback_data: GoalAct, person: Person | None, motivation: Motivation
) -> None:
    person = await _youth(call, person)
    if person is None:
        return
    step = await motivation.goals.move_step(person, callback_data.id, callback_data.arg)
    await _closed_reply(call, step is not None)
    if step is not None and isinstance(call.message, Message):
        await call.message.answer(
            _("New date: {date}. Moving a step is fine — it's still yours. 👍").format(
                date=views.day_label(step.due_date)
            )
        )


async def _closed_reply(call: CallbackQuery, ok: bool) -> None:
    if not ok:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)


async def on_goal(
    call: CallbackQuery, callback_data: GoalAct, person: Person | None, motivation: Motivation
) -> None:
    person = await _youth(call, person)
    if person is None:
        return
    goal = await motivation.goals.goal(person, callback_data.id)
    await call.answer()
    if goal is not None and goal.status == "active" and isinstance(call.message, Message):
        await call.message.answer(
            views.goal_menu_text(goal.text), reply_markup=kb.goal_keyboard(goal.id)
        )


async def on_goal_close(
    call: CallbackQuery, callback_data: GoalAct, person: Person | None, motivation: Motivation
) -> None:
    person = await _youth(call, person)
    if person is None:
        return
    reached = callback_data.action == "reach"
    goal = await motivation.goals.close_goal(person, callback_data.id, reached)
    await _closed_reply(call, goal is not None)
    if goal is not None and isinstance(call.message, Message):
        await call.message.answer(
            _("🏁 Goal reached! That's going on your list of successes (/successes).")
            if reached
            else _("OK, the goal is put aside. Plans change — that's part of finding your way.")
        )


async def on_begin(
    call: CallbackQuery,
    callback_data: GoalAct,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    motivation: Motivation,
    runtime: Runtime,
) -> None:
    """New goal, next step, or a success in own words: each is a staff script."""
    person = await _youth(call, person)
    if person is None:
        return
    flows = motivation.flows
    run: RunTurn | None
    if callback_data.action == "new":
        run = await flows.begin_goal(person, state)
    elif callback_data.action == "addsucc":
        run = await flows.begin_success(person, state)
    else:
        run = await flows.begin_next_step(person, state, callback_data.id)
    await call.answer()
    if run is not None:
        await send_turn(bot, person, run, runtime, motivation)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_goals, Command("goals"))
    router.message.register(on_successes, Command("successes"))
    router.message.register(on_rating, Command("rating"))
    router.message.register(on_progress, Command("progress"))
    router.callback_query.register(on_step, GoalAct.filter(F.action == "step"))
    router.callback_query.register(on_step_close, GoalAct.filter(F.action.in_({"done", "drop"})))
    router.callback_query.register(on_step_move, GoalAct.filter(F.action == "move"))
    router.callback_query.register(on_step_moved, GoalAct.filter(F.action == "mv"))
    router.callback_query.register(on_goal, GoalAct.filter(F.action == "goal"))
    router.callback_query.register(on_goal_close, GoalAct.filter(F.action.in_({"reach", "gdrop"})))
    router.callback_query.register(
        on_begin, GoalAct.filter(F.action.in_({"new", "next", "addsucc"}))
    )
    return router
