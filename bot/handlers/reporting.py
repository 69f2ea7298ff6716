"""Reporting for mentors, staff and youths: a digest's summary on tap, `/summaryday`,
`/mysummary`, the alert's acknowledge button, exports for the case file and `/cohort`."""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.desk_taps import show_mentor_setting, tapped_message, unless_refused
from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.services.alert_desk import AckResult, AlertDesk
from bot.services.cohort import CohortService, cohort_csv
from bot.services.figures import Period
from bot.services.mentor_desk import MentorDesk
from bot.services.report_chart import render_png
from bot.services.weekly_summary import ReportAccessDenied, SummaryService
from bot.telegram.case_file import build_export
from bot.telegram.report_messages import chart_labels
from bot.telegram.reporting_keyboards import (
    SUMMARY_TIMES,
    AlertAck,
    CohortCsv,
    ExportPick,
    SummaryDayPick,
    SummaryOpen,
    cohort_keyboard,
    summary_keyboard,
    summary_time_keyboard,
    weekday_keyboard,
)
from bot.telegram.reporting_texts import cohort_text, summary_day_text, weekday_names
from bot.telegram.summary_texts import split_message
from storage.models import Person

EXPORT_WEEKS = 12


async def on_summary_open(
    call: CallbackQuery,
    callback_data: SummaryOpen,
    person: Person | None,
    summaries: SummaryService,
    runtime: Runtime,
) -> None:
    message = await tapped_message(call, person)
    if message is None or person is None:
        return
    work = summaries.stored_summary(person, callback_data.youth_id, callback_data.week)
    stored = await unless_refused(message, work, _("That summary is not available to you."))
    if stored is None:
        return
    youth = await summaries.readable_youth(person, callback_data.youth_id, "chart")
    series = await summaries.series(youth, stored.sent_at.date() - timedelta(days=1))
    await summaries.session.commit()
    png = render_png(
        series, chart_labels(youth.first_name, runtime.catalogue, runtime.i18n.current_locale)
    )
    await message.answer_photo(
        BufferedInputFile(png, "fremad.png"), caption=f"<b>{html.escape(youth.first_name)}</b>"
    )
    parts = split_message(stored.text)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=summary_keyboard(youth.id))


async def on_summary_day(message: Message, person: Person | None, mentor_desk: MentorDesk) -> None:
    question, keyboard = _("Which day would you like it?"), weekday_keyboard(weekday_names())
    await show_mentor_setting(message, person, mentor_desk, summary_day_text, question, keyboard)


async def on_summary_day_pick(
    call: CallbackQuery,
    callback_data: SummaryDayPick,
    person: Person | None,
    mentor_desk: MentorDesk,
) -> None:
    times = {choice.replace(":", "") for choice in SUMMARY_TIMES}
    offered = 1 <= callback_data.weekday <= 7 and callback_data.at in times | {""}
    if person is None or not person.is_mentor or not offered:
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if not isinstance(call.message, Message):
        return
    if not callback_data.at:
        await call.message.edit_text(
            _("And at what time?"), reply_markup=summary_time_keyboard(callback_data.weekday)
        )
        return
    at = f"{callback_data.at[:2]}:{callback_data.at[2:]}"
    saved = await mentor_desk.set_summary_time(person, callback_data.weekday, at)
    await call.message.edit_text(summary_day_text(saved))


async def on_my_summary(
    message: Message, person: Person | None, summaries: SummaryService, runtime: Runtime
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("/mysummary is for young people in the programme."))
        return
    stored = await summaries.latest_for_youth(person)
    if stored is None:
        await message.answer(
            _(
                "Your contact person hasn't had a weekly summary about you yet. "
                "When they do, you can read it here — word for word."
            )
        )
        return
    # The same chart the mentor got with it: the 12 weeks up to the summary's last day.
    last_day = stored.sent_at.astimezone(ZoneInfo(person.timezone)).date() - timedelta(days=1)
    series = await summaries.series(person, last_day)
    locale = runtime.i18n.current_locale
    labels = chart_labels(person.first_name, runtime.catalogue, locale, for_youth=True)
    png = render_png(series, labels)
    await message.answer_photo(BufferedInputFile(png, filename="fremad.png"))
    intro = _(
        "This is what your contact person's latest summary said about you, word for word — "
        "only the sub-goals are in your words:"
    )
    # Word for word, but the programme's sub-goal names read as the young person's own.
    text = runtime.catalogue.in_youth_words(stored.text)
    for part in split_message(intro + "\n\n" + text):
        await message.answer(part)


async def on_alert_ack(
    call: CallbackQuery, callback_data: AlertAck, person: Person | None, alert_desk: AlertDesk
) -> None:
    if person is None:
        await call.answer(_("That button has expired."))
        return
    result = await alert_desk.acknowledge(callback_data.alert_id, person)
    if result is AckResult.NOT_ALLOWED:
        await call.answer(
            _("Only the mentor or staff can acknowledge this alert."), show_alert=True
        )
        return
    if result is AckResult.ALREADY:
        await call.answer(_("Already acknowledged."))
        return
    await call.answer(_("Acknowledged — thank you."))
    if isinstance(call.message, Message) and call.message.html_text:
        await call.message.edit_text(
            call.message.html_text
            + "\n\n"
            + _("✅ Acknowledged by {name}").format(name=html.escape(person.first_name)),
            reply_markup=None,
        )


async def on_export(
    call: CallbackQuery,
    callback_data: ExportPick,
    person: Person | None,
    summaries: SummaryService,
    runtime: Runtime,
) -> None:
    if person is None or callback_data.format not in ("csv", "pdf"):
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if not isinstance(call.message, Message):
        return
    try:
        youth = await summaries.readable_youth(person, callback_data.youth_id, "export")
    except ReportAccessDenied:
        await call.message.answer(_("That young person is not on your list."))
        return
    today = runtime.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
    period = Period(today - timedelta(weeks=EXPORT_WEEKS) + timedelta(days=1), today)
    name, content = await build_export(
        summaries.session,
        youth,
        period,
        callback_data.format,
        locale=runtime.i18n.current_locale,
        sources=runtime.report_sources,
        catalogue=runtime.catalogue,
    )
    await summaries.session.commit()
    await call.message.answer_document(
        BufferedInputFile(content, name), caption=_("For the case file.")
    )


async def on_cohort(
    message: Message, person: Person | None, cohort: CohortService, i18n: I18n
) -> None:
    if person is None or not person.is_staff:
        await message.answer(_("/cohort is for staff."))
        return
    rows = await cohort.overview(person)
    await message.answer(cohort_text(rows, i18n.current_locale), reply_markup=cohort_keyboard())


async def on_cohort_csv(
    call: CallbackQuery, person: Person | None, cohort: CohortService, access: AccessService
) -> None:
    if person is None or not person.is_staff:
        await access.refuse(person, "cohort", None)
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    if not isinstance(call.message, Message):
        return
    rows = await cohort.overview(person)
    await call.message.answer_document(BufferedInputFile(cohort_csv(rows), "fremad-cohort.csv"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_summary_open, SummaryOpen.filter())
    router.message.register(on_summary_day, Command("summaryday"))
    router.callback_query.register(on_summary_day_pick, SummaryDayPick.filter())
    router.message.register(on_my_summary, Command("mysummary"))
    router.callback_query.register(on_alert_ack, AlertAck.filter())
    router.callback_query.register(on_export, ExportPick.filter())
    router.message.register(on_cohort, Command("cohort"))
    router.callback_query.register(on_cohort_csv, CohortCsv.filter())
    return router
