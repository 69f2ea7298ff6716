"""A mentor's desk: `/youths`, a youth's status on demand, a note after a talk, pause, hand-over.
Thin: MentorDesk decides who may do what; texts come from bot/telegram."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.desk_taps import tapped_message, unless_refused
from bot.runtime import Runtime
from bot.services.mentor_desk import MentorDesk
from bot.services.self_profile import SelfProfiles
from bot.services.weekly_summary import ReportAccessDenied
from bot.telegram.mentor_texts import handover_text, pause_text_for_youth, youths_text
from bot.telegram.reporting_keyboards import (
    HandoverPick,
    PauseChoice,
    YouthAction,
    export_keyboard,
    handover_keyboard,
    pause_keyboard,
    youth_actions_keyboard,
    youths_keyboard,
)
from bot.telegram.self_profile_texts import handover_profile_text
from bot.telegram.summary_texts import split_message, youth_summary
from storage.models import Person


class NoteForm(StatesGroup):
    text = State()


async def on_youths(message: Message, person: Person | None, mentor_desk: MentorDesk) -> None:
    if person is None or not (person.is_mentor or person.is_staff):
        await message.answer(_("This is for mentors."))
        return
    youths = await mentor_desk.youths(person)
    if not youths:
        await message.answer(_("You have no young people yet. /invite makes a link for one."))
        return
    alerts = await mentor_desk.open_alert_counts(youths)
    await message.answer(youths_text(youths, alerts), reply_markup=youths_keyboard(youths))


async def on_youth_action(
    call: CallbackQuery,
    callback_data: YouthAction,
    state: FSMContext,
    person: Person | None,
    mentor_desk: MentorDesk,
    runtime: Runtime,
) -> None:
    message = await tapped_message(call, person)
    if message is None or person is None:
        return
    try:
        await _youth_action(message, callback_data, state, person, mentor_desk, runtime)
    except ReportAccessDenied:
        await message.answer(_("That young person is not on your list."))


async def _youth_action(
    message: Message,
    data: YouthAction,
    state: FSMContext,
    person: Person,
    desk: MentorDesk,
    runtime: Runtime,
) -> None:
    if data.action == "status":
        report = await desk.summaries.current_status(person, data.youth_id)
        locale = runtime.i18n.current_locale
        parts = split_message(youth_summary(report.facts, locale, runtime.catalogue))
        for part in parts[:-1]:
            await message.answer(part)
        await message.answer(parts[-1], reply_markup=youth_actions_keyboard(data.youth_id))
    elif data.action == "note":
        youth = await desk.may_act(person, data.youth_id, "note")
        await state.set_state(NoteForm.text)
        await state.set_data({"note_youth": youth.id})
        await message.answer(
            _(
                "Write your note from the talk with {name}. It is stored encrypted and shown in "
                "your next summaries; {name} can read it with /mysummary."
            ).format(name=html.escape(youth.first_name))
        )
    elif data.action == "pause":
        youth = await desk.may_act(person, data.youth_id, "pause")
        await message.answer(
            _("Pause check-ins for {name} for how long?").format(
                name=html.escape(youth.first_name)
            ),
            reply_markup=pause_keyboard(youth.id),
        )
    elif data.action == "handover":
        mentors = await desk.other_mentors(person, data.youth_id)
        if not mentors:
            await message.answer(_("There is no other mentor to hand over to yet."))
            return
        await message.answer(
            _("Who should be the new contact person?"),
            reply_markup=handover_keyboard(data.youth_id, mentors),
        )
    elif data.action == "export":
        await desk.may_act(person, data.youth_id, "export")
        await message.answer(
            _("Export the last 12 weeks for the case file as:"),
            reply_markup=export_keyboard(data.youth_id),
        )


async def on_note_text(
    message: Message, state: FSMContext, person: Person | None, mentor_desk: MentorDesk
) -> None:
    data = await state.get_data()
    await state.clear()
    if person is None or not message.text or "note_youth" not in data:
        return
    try:
        youth = await mentor_desk.add_note(person, int(data["note_youth"]), message.text)
    except ReportAccessDenied:
        await message.answer(_("That young person is not on your list."))
        return
    await message.answer(
        _("Saved. Your note about {name} will be in your next summary.").format(
            name=html.escape(youth.first_name)
        )
    )


async def on_pause(
    call: CallbackQuery,
    callback_data: PauseChoice,
    bot: Bot,
    person: Person | None,
    mentor_desk: MentorDesk,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    message = await tapped_message(call, person)
    if message is None or person is None:
        return
    work = mentor_desk.pause(person, callback_data.youth_id, callback_data.weeks)
    outcome = await unless_refused(message, work, _("That young person is not on your list."))
    if outcome is None:
        return
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        _("Done. {name} has been told kindly.").format(name=html.escape(outcome.youth.first_name))
    )
    with i18n.use_locale(outcome.youth.locale or runtime.settings.default_locale):
        await _tell(bot, outcome.youth, pause_text_for_youth(outcome.until, outcome.youth))


async def on_handover(
    call: CallbackQuery,
    callback_data: HandoverPick,
    bot: Bot,
    person: Person | None,
    mentor_desk: MentorDesk,
    profiles: SelfProfiles,
    i18n: I18n,
    runtime: Runtime,
) -> None:
    message = await tapped_message(call, person)
    if message is None or person is None:
        return
    work = mentor_desk.hand_over(person, callback_data.youth_id, callback_data.mentor_id)
    handover = await unless_refused(message, work, _("That hand-over is not possible."))
    if handover is None:
        return
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        _("Done. {name} now has {mentor} as contact person.").format(
            name=html.escape(handover.youth.first_name),
            mentor=html.escape(handover.new_mentor.first_name),
        )
    )
    default = runtime.settings.default_locale
    for person, for_youth in ((handover.new_mentor, False), (handover.youth, True)):
        locale = person.locale or default
        with i18n.use_locale(locale):
            await _tell(bot, person, handover_text(handover, for_youth=for_youth, locale=locale))
    # "What works for me" goes with the young person — only with their yes.
    profile = await profiles.shared(handover.youth.id)
    if profile is not None and not profile.empty:
        with i18n.use_locale(handover.new_mentor.locale or default):
            await _tell(
                bot,
                handover.new_mentor,
                handover_profile_text(handover.youth.first_name, profile),
            )


async def _tell(bot: Bot, person: Person, text: str) -> None:
    if person.unreachable_since is not None:
        return
    for part in split_message(text):
        try:
            await bot.send_message(person.telegram_id, part)
        except TelegramForbiddenError:
            return


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_youths, Command("youths"))
    router.callback_query.register(on_youth_action, YouthAction.filter())
    router.message.register(on_note_text, StateFilter(NoteForm.text), F.text)
    router.callback_query.register(on_pause, PauseChoice.filter())
    router.callback_query.register(on_handover, HandoverPick.filter())
    return router
