"""/settings (time, days, language), /pause and /resume for young people."""

from __future__ import annotations

import re
from datetime import date, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.clock import Clock
from bot.dialogs.time_input import TIME_NOT_UNDERSTOOD, parse_time_of_day
from bot.services.checkins import local_today
from bot.services.mentor_desk import MentorDesk
from bot.services.youth_settings import YouthSettingsService
from bot.telegram import figure_format
from bot.telegram.reporting_keyboards import weekday_keyboard
from bot.telegram.reporting_texts import quiet_hours_text, summary_day_text
from bot.telegram.reporting_texts import weekday_names as full_weekday_names
from bot.telegram.settings_keyboards import (
    SettingsAction,
    days_menu,
    language_menu,
    pause_menu,
    settings_menu,
    staff_settings_menu,
    time_menu,
    weekday_names,
)
from storage.models import Person, YouthSettings

_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})(?:[-./](\d{2,4}))?\s*$")


class SettingsInput(StatesGroup):
    time = State()
    pause_until = State()


def parse_day(raw: str, today: date) -> date | None:
    """'24-12', '24/12/2026' or '24.12.26' → a date on or after today (next year if passed)."""
    match = _DATE.match(raw)
    if not match:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    return candidate if candidate >= today else candidate.replace(year=today.year + 1)


def _summary(settings: YouthSettings) -> str:
    names = weekday_names()
    days = ", ".join(names[int(d) - 1] for d in settings.checkin_days)
    text = _("<b>Your check-in</b>\nTime: {time}\nDays: {days}").format(
        time=settings.checkin_time, days=days
    )
    if settings.paused_until is not None:
        text += "\n" + _("Paused until {date} — /resume starts again.").format(
            date=figure_format.day_label(settings.paused_until)
        )
    return text


# What a mentor or staff member can set here: their language; a mentor also the summary.
STAFF_ACTIONS = frozenset({"lang", "l", "summary"})


async def _staff_summary(person: Person, mentor_desk: MentorDesk) -> str:
    language = {"da": "Dansk", "en": "English"}.get(person.locale or "", "Dansk")
    lines = [_("<b>Your settings</b>"), _("Language: {language}").format(language=language)]
    if person.is_mentor:
        current = await mentor_desk.summary_settings(person)
        lines += [summary_day_text(current), quiet_hours_text(current)]
    return "\n".join(lines)


async def on_settings(
    message: Message,
    person: Person | None,
    youth_settings: YouthSettingsService,
    mentor_desk: MentorDesk,
) -> None:
    if person is None:
        await message.answer(_("Settings are for young people in the programme."))
        return
    if not person.is_youth:
        await message.answer(
            await _staff_summary(person, mentor_desk),
            reply_markup=staff_settings_menu(is_mentor=person.is_mentor),
        )
        return
    settings = await youth_settings.get(person)
    await message.answer(_summary(settings), reply_markup=settings_menu())


async def on_pause(message: Message, person: Person | None) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("Settings are for young people in the programme."))
        return
    await message.answer(
        _("Need a break — ill, on holiday, in hospital? Until when should I pause?"),
        reply_markup=pause_menu(),
    )


async def on_resume(
    message: Message, person: Person | None, youth_settings: YouthSettingsService
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("Settings are for young people in the programme."))
        return
    resumed = await youth_settings.resume(person)
    await message.answer(
        _("Welcome back! Check-ins start again. 🌱")
        if resumed
        else _("Nothing is paused right now.")
    )


async def on_settings_action(
    call: CallbackQuery,
    callback_data: SettingsAction,
    state: FSMContext,
    person: Person | None,
    clock: Clock,
    youth_settings: YouthSettingsService,
    mentor_desk: MentorDesk,
    i18n: I18n,
) -> None:
    action, _sep, value = callback_data.action.partition(".")
    allowed = person is not None and (person.is_youth or action in STAFF_ACTIONS)
    if person is None or not allowed or not isinstance(call.message, Message):
        await call.answer(_("That button has expired."))
        return
    await call.answer()
    message = call.message
    if not person.is_youth:
        await _staff_action(message, person, action, value, youth_settings, mentor_desk, i18n)
        return
    if action == "time":
        await message.edit_reply_markup(reply_markup=time_menu())
    elif action == "days":
        current = (await youth_settings.get(person)).checkin_days
        await message.edit_reply_markup(reply_markup=days_menu(current))
    elif action == "lang":
        await message.edit_reply_markup(reply_markup=language_menu())
    elif action == "pause":
        await message.edit_reply_markup(reply_markup=pause_menu())
    elif action == "t" and value == "other":
        await state.set_state(SettingsInput.time)
        await message.answer(_("Type the time you'd like, for example 9:30."))
    elif action == "t":
        chosen = parse_time_of_day(f"{value[:2]}:{value[2:]}")
        if chosen is not None:
            await youth_settings.set_time(person, chosen)
            await message.edit_text(_summary(await youth_settings.get(person)))
    elif action == "d" and value == "done":
        await message.edit_text(_summary(await youth_settings.get(person)))
    elif action == "d" and value.isdigit() and 1 <= int(value) <= 7:
        days = await youth_settings.toggle_day(person, int(value))
        await message.edit_reply_markup(reply_markup=days_menu(days))
    elif action == "l" and value in ("da", "en"):
        await youth_settings.set_locale(person, value)
        with i18n.use_locale(value):
            await message.edit_text(_summary(await youth_settings.get(person)))
    elif action == "p" and value == "date":
        await state.set_state(SettingsInput.pause_until)
        await message.answer(_("Until which date? For example 24-12."))
    elif action == "p" and value.isdigit() and len(value) <= 3:  # the service caps the date
        today = local_today(person, clock.now())
        await _paused(message, youth_settings, person, today + timedelta(days=int(value)))


async def _staff_action(
    message: Message,
    person: Person,
    action: str,
    value: str,
    youth_settings: YouthSettingsService,
    mentor_desk: MentorDesk,
    i18n: I18n,
) -> None:
    if action == "lang":
        await message.edit_reply_markup(reply_markup=language_menu())
    elif action == "summary" and person.is_mentor:
        await message.edit_text(
            _("Which day would you like it?"), reply_markup=weekday_keyboard(full_weekday_names())
        )
    elif action == "l" and value in ("da", "en"):
        await youth_settings.set_locale(person, value)
        with i18n.use_locale(value):
            await message.edit_text(
                await _staff_summary(person, mentor_desk),
                reply_markup=staff_settings_menu(is_mentor=person.is_mentor),
            )


async def _paused(
    message: Message, youth_settings: YouthSettingsService, person: Person, until: date
) -> None:
    result = await youth_settings.pause(person, until)
    if not result.ok:
        await message.answer(_("Please pick a date from today and at most half a year ahead."))
        return
    await message.answer(
        _(
            "Paused until {date}. Take care of yourself — I'll be here when you're back. "
            "/resume starts again earlier."
        ).format(date=figure_format.day_label(until))
    )


async def on_typed_time(
    message: Message,
    state: FSMContext,
    person: Person | None,
    youth_settings: YouthSettingsService,
) -> None:
    chosen = parse_time_of_day(message.text or "")
    if person is None or chosen is None:
        await message.answer(_(TIME_NOT_UNDERSTOOD))
        return
    await state.clear()
    await youth_settings.set_time(person, chosen)
    await message.answer(_summary(await youth_settings.get(person)))


async def on_typed_pause_date(
    message: Message,
    state: FSMContext,
    person: Person | None,
    clock: Clock,
    youth_settings: YouthSettingsService,
) -> None:
    if person is None:
        return
    until = parse_day(message.text or "", local_today(person, clock.now()))
    if until is None:
        await message.answer(_("I didn't catch that date. Try like this: 24-12."))
        return
    await state.clear()
    await _paused(message, youth_settings, person, until)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_settings, Command("settings"))
    router.message.register(on_pause, Command("pause"))
    router.message.register(on_resume, Command("resume"))
    router.callback_query.register(on_settings_action, SettingsAction.filter())
    router.message.register(on_typed_time, SettingsInput.time, F.text)
    router.message.register(on_typed_pause_date, SettingsInput.pause_until, F.text)
    return router
