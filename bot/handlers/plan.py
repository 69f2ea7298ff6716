"""`/plan`: the youth's activities — add, change, delete in a few taps; a mentor does the same
for a youth they follow (the youth is told). The form's draft lives in the conversation store."""

from __future__ import annotations

import html
import logging
from datetime import date
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.filters.live_activity import LiveActivity
from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.services.attendance import AttendanceService
from bot.services.dialog_runner import DIALOG_STATE
from bot.services.plan_form import (
    Draft,
    Edit,
    Step,
    choose,
    draft_from,
    new_draft,
    next_step,
    skip_place,
    to_activity,
)
from bot.telegram import attendance_texts as texts
from bot.telegram.attendance_keyboards import (
    ABSENCE_LIMITS,
    RATE_THRESHOLDS,
    PlanTap,
    activity_keyboard,
    confirm_delete_keyboard,
    heads_up_row,
    plan_keyboard,
    step_keyboard,
    travel_keyboard,
    youth_picker,
)
from storage.models import Person
from storage.models.attendance import Activity

log = logging.getLogger(__name__)
PLAN_FORM = "plan:form"


def _today(person: Person, runtime: Runtime) -> date:
    return runtime.clock.now().astimezone(ZoneInfo(person.timezone)).date()


async def _drop_buttons(call: CallbackQuery) -> None:
    # Only a message that still has buttons (else Telegram says "message is not modified").
    if isinstance(call.message, Message) and call.message.reply_markup is not None:
        await call.message.edit_reply_markup(reply_markup=None)


async def _reply(call: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    await call.answer()
    await _drop_buttons(call)
    if isinstance(call.message, Message):
        await call.message.answer(text, reply_markup=markup)


async def _plan(
    person: Person, youth_id: int, attendance: AttendanceService
) -> tuple[str, InlineKeyboardMarkup] | None:
    view = await attendance.plan_view(person, youth_id)
    if view is None:
        return None
    for_mentor = person.id != youth_id
    today = [heads_up_row(a, occ.local_date, with_title=True) for a, occ in view.today]
    markup = plan_keyboard(
        youth_id,
        view.activities,
        [] if for_mentor else today,
        for_mentor=for_mentor,
        tell_mentor=view.settings.tell_mentor,
        absence_limit=view.settings.absence_alert_after,
        rate_threshold=view.settings.weekly_rate_alert_below,
    )
    name = view.youth.first_name if for_mentor else None
    return texts.plan_text(view.activities, name), markup


async def on_plan_command(
    message: Message, person: Person | None, attendance: AttendanceService
) -> None:
    if person is not None and person.is_youth:
        shown = await _plan(person, person.id, attendance)
        if shown is not None:
            await message.answer(shown[0], reply_markup=shown[1])
        return
    if person is not None and person.is_mentor:
        youths = [(y.id, y.first_name or str(y.id)) for y in await attendance.youths_of(person)]
        if youths:
            await message.answer(_("Whose plan?"), reply_markup=youth_picker(youths))
            return
        await message.answer(_("No young people are linked to you yet. /invite makes a link."))
        return
    await message.answer(_("The plan is for young people in the programme and their mentors."))


async def on_list(
    call: CallbackQuery,
    callback_data: PlanTap,
    person: Person | None,
    attendance: AttendanceService,
) -> None:
    shown = await _plan(person, callback_data.youth, attendance) if person else None
    if shown is None:
        await call.answer(_("That button has expired."))
        return
    await _reply(call, *shown)


async def _card(
    person: Person, activity: Activity, attendance: AttendanceService
) -> tuple[str, InlineKeyboardMarkup]:
    own = person.id == activity.youth_id
    youth = await attendance.youth(activity.youth_id)
    upcoming = await attendance.upcoming_today(youth) if (own and youth) else []
    today = next((occ.local_date for a, occ in upcoming if a.id == activity.id), None)
    text = texts.activity_card(activity, await attendance.tells_mentor(activity))
    return text, activity_keyboard(activity, today, activity.notify_mentor)


async def on_open(
    call: CallbackQuery,
    person: Person,
    activity: Activity,
    attendance: AttendanceService,
) -> None:
    await _reply(call, *await _card(person, activity, attendance))


async def on_add(
    call: CallbackQuery,
    callback_data: PlanTap,
    state: FSMContext,
    person: Person | None,
    attendance: AttendanceService,
    runtime: Runtime,
) -> None:
    if person is None or await attendance.plan_view(person, callback_data.youth) is None:
        await call.answer(_("That button has expired."))
        return
    await _start_form(call, state, new_draft(callback_data.youth), person, runtime)


async def on_edit(
    call: CallbackQuery,
    callback_data: PlanTap,
    state: FSMContext,
    person: Person,
    activity: Activity,
    runtime: Runtime,
) -> None:
    if callback_data.value not in set(Edit):
        await call.answer(_("That button has expired."))
        return
    await _start_form(
        call, state, draft_from(activity, Edit(callback_data.value)), person, runtime
    )


async def _start_form(
    call: CallbackQuery, state: FSMContext, draft: Draft, person: Person, runtime: Runtime
) -> None:
    await state.update_data(plan_draft=draft)
    await state.set_state(PLAN_FORM)
    step = next_step(draft)
    assert step is not None
    await _reply(
        call, texts.step_prompt(step), step_keyboard(step, draft, _today(person, runtime))
    )


async def _draft(state: FSMContext) -> Draft | None:
    draft = (await state.get_data()).get("plan_draft")
    return draft if isinstance(draft, dict) else None


async def on_form_tap(
    call: CallbackQuery,
    callback_data: PlanTap,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    attendance: AttendanceService,
    runtime: Runtime,
    i18n: I18n,
) -> None:
    draft = await _draft(state)
    step = next_step(draft) if draft is not None else None
    if (
        person is None
        or draft is None
        or step is None
        or (callback_data.action != f"f_{step.value}")
    ):
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    value = callback_data.value
    today = _today(person, runtime)
    if step is Step.DAYS and value != "done" and isinstance(call.message, Message):
        # A weekday tap ticks it in place; "Done" moves on.
        if choose(draft, step, value, today):
            await state.update_data(plan_draft=draft)
            await call.message.edit_reply_markup(reply_markup=step_keyboard(step, draft, today))
        return
    await _drop_buttons(call)
    if step is Step.TITLE and value == "kind_name":
        value = texts.kind_label(str(draft["kind"]))
    if step is Step.PLACE and value == "skip":
        skip_place(draft)
    elif not choose(draft, step, value, today):
        await bot.send_message(person.telegram_id, texts.step_problem(step))
    await _advance(bot, state, draft, person, attendance, runtime, i18n)


async def on_form_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    person: Person | None,
    attendance: AttendanceService,
    runtime: Runtime,
    i18n: I18n,
) -> None:
    draft = await _draft(state)
    step = next_step(draft) if draft is not None else None
    if person is None or draft is None or step is None:
        await _end_form(state)
        return
    if step in (Step.KIND, Step.REPEAT, Step.DAYS) or not choose(
        draft, step, message.text or "", _today(person, runtime)
    ):
        await message.answer(texts.step_problem(step))
    await _advance(bot, state, draft, person, attendance, runtime, i18n)


async def _advance(
    bot: Bot,
    state: FSMContext,
    draft: Draft,
    person: Person,
    attendance: AttendanceService,
    runtime: Runtime,
    i18n: I18n,
) -> None:
    """Asks the draft's next question, or saves it when it is complete."""
    step = next_step(draft)
    if step is not None:
        await state.update_data(plan_draft=draft)
        markup = step_keyboard(step, draft, _today(person, runtime))
        await bot.send_message(person.telegram_id, texts.step_prompt(step), reply_markup=markup)
        return
    await _end_form(state)
    editing = draft.get("activity_id")
    activity = await attendance.save(
        person, int(draft["youth_id"]), int(editing) if editing else None, to_activity(draft)
    )
    if activity is None:
        return
    card = texts.saved_text(activity, await attendance.tells_mentor(activity), not editing)
    await bot.send_message(
        person.telegram_id, card, reply_markup=(await _card(person, activity, attendance))[1]
    )
    if person.id != activity.youth_id:
        change = "changed" if editing else "added"
        await _tell_youth(bot, attendance, activity, change, runtime, i18n)


async def _end_form(state: FSMContext) -> None:
    """Leaves the form; an open script question (if any) takes typed answers again."""
    data = await state.get_data()
    data.pop("plan_draft", None)
    await state.set_data(data)
    await state.set_state(DIALOG_STATE if "dialog" in data else None)


async def on_cancel(call: CallbackQuery, state: FSMContext) -> None:
    await _end_form(state)
    await _reply(call, _("OK, nothing changed."), None)


async def _tell_youth(
    bot: Bot,
    attendance: AttendanceService,
    activity: Activity,
    change: str,
    runtime: Runtime,
    i18n: I18n,
) -> None:
    youth = await attendance.youth(activity.youth_id)
    if youth is None:
        return
    with i18n.use_locale(youth.locale or runtime.settings.default_locale):
        text = texts.mentor_changed_text(activity, change)
    try:
        await bot.send_message(youth.telegram_id, text)
    except TelegramAPIError as exc:
        log.info("could not tell youth %d about a plan change: %s", youth.id, type(exc).__name__)


async def on_delete(call: CallbackQuery, activity: Activity) -> None:
    await _reply(
        call,
        _("Delete “{title}” from the plan?").format(title=html.escape(activity.title)),
        confirm_delete_keyboard(activity),
    )


async def on_delete_yes(
    call: CallbackQuery,
    bot: Bot,
    person: Person,
    activity: Activity,
    attendance: AttendanceService,
    runtime: Runtime,
    i18n: I18n,
) -> None:
    await attendance.delete_activity(activity)
    shown = await _plan(person, activity.youth_id, attendance)
    await _reply(
        call,
        _("Deleted.") + "\n\n" + shown[0] if shown else _("Deleted."),
        shown[1] if shown else None,
    )
    if person.id != activity.youth_id:
        await _tell_youth(bot, attendance, activity, "deleted", runtime, i18n)


async def on_travel_menu(call: CallbackQuery, activity: Activity) -> None:
    await _reply(
        call,
        _(
            "How long does it take you to get there? I'll say “leave in 20 "
            "minutes” 20 minutes before you need to go."
        ),
        travel_keyboard(activity),
    )


async def on_travel(
    call: CallbackQuery,
    callback_data: PlanTap,
    person: Person,
    activity: Activity,
    attendance: AttendanceService,
) -> None:
    value = callback_data.value
    minutes = int(value) if value.isdigit() and int(value) <= 180 else None
    await attendance.set_travel(activity, minutes)
    await _reply(call, *await _card(person, activity, attendance))


async def on_notify(
    call: CallbackQuery,
    person: Person,
    activity: Activity,
    attendance: AttendanceService,
) -> None:
    await attendance.cycle_notify(activity)
    await _reply(call, *await _card(person, activity, attendance))


async def on_tell(
    call: CallbackQuery,
    callback_data: PlanTap,
    person: Person | None,
    attendance: AttendanceService,
    access: AccessService,
) -> None:
    if person is None or person.id != callback_data.youth or not person.is_youth:
        await access.refuse(person, "plan_tell_mentor", callback_data.youth)
        await call.answer(_("That button has expired."))
        return
    await attendance.toggle_tell_mentor(person.id)
    shown = await _plan(person, person.id, attendance)
    if shown is not None:
        await _reply(call, *shown)


async def on_alert_limit(
    call: CallbackQuery,
    callback_data: PlanTap,
    person: Person | None,
    attendance: AttendanceService,
) -> None:
    """Mentor: cycles the youth's alert limits (absences in a row; weekly rate)."""
    youth_id = callback_data.youth
    if (
        person is None
        or person.id == youth_id
        or not await attendance.may_manage(person, youth_id)
    ):
        await call.answer(_("That button has expired."))
        return
    settings = await attendance.settings(youth_id)
    if callback_data.action == "alert_abs":
        await attendance.set_alert_limits(
            youth_id, absences=_cycle(ABSENCE_LIMITS, settings.absence_alert_after)
        )
    else:
        await attendance.set_alert_limits(
            youth_id, rate_below=_cycle(RATE_THRESHOLDS, settings.weekly_rate_alert_below)
        )
    shown = await _plan(person, youth_id, attendance)
    if shown is not None:
        await _reply(call, *shown)


def _cycle(choices: tuple[int, ...], current: int) -> int:
    index = choices.index(current) if current in choices else -1
    return choices[(index + 1) % len(choices)]


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_plan_command, Command("plan"))
    tap = router.callback_query.register
    live = LiveActivity()  # hands these handlers the tapped activity, or says it has expired
    tap(on_form_tap, PlanTap.filter(F.action.startswith("f_")))
    tap(on_cancel, PlanTap.filter(F.action == "cancel"))
    tap(on_list, PlanTap.filter(F.action == "list"))
    tap(on_open, PlanTap.filter(F.action == "open"), live)
    tap(on_add, PlanTap.filter(F.action == "add"))
    tap(on_edit, PlanTap.filter(F.action == "edit"), live)
    tap(on_delete, PlanTap.filter(F.action == "delete"), live)
    tap(on_delete_yes, PlanTap.filter(F.action == "delete_yes"), live)
    tap(on_travel_menu, PlanTap.filter(F.action == "travel_menu"), live)
    tap(on_travel, PlanTap.filter(F.action == "travel"), live)
    tap(on_notify, PlanTap.filter(F.action == "notify"), live)
    tap(on_tell, PlanTap.filter(F.action == "tell"))
    tap(on_alert_limit, PlanTap.filter(F.action.in_({"alert_abs", "alert_rate"})))
    router.message.register(on_form_text, StateFilter(PLAN_FORM), F.text, ~F.text.startswith("/"))
    return router
