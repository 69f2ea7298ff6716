"""`/attendance` (the youth's own figures) and the one-tap heads-up: "running late" /
"can't come today"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.services.attendance import AttendanceService, HeadsUp
from bot.telegram import attendance_texts as texts
from bot.telegram.attendance_keyboards import HeadsUpTap
from bot.telegram.callbacks import unpack_day
from storage.models import Person


async def on_attendance_command(
    message: Message, person: Person | None, attendance: AttendanceService, runtime: Runtime
) -> None:
    if person is None or not person.is_youth:
        await message.answer(_("Attendance is for young people in the programme."))
        return
    view = await attendance.overview(person)
    titles = {a.id: a.title for a in await attendance.plan(person.id)}
    today = runtime.clock.now().astimezone(ZoneInfo(person.timezone)).date()
    await message.answer(texts.overview_text(view, titles, today))


async def on_heads_up(
    call: CallbackQuery,
    callback_data: HeadsUpTap,
    person: Person | None,
    attendance: AttendanceService,
    access: AccessService,
) -> None:
    activity = await attendance.activity(person, callback_data.activity) if person else None
    if person is not None and activity is not None and activity.youth_id != person.id:
        await access.refuse(person, "heads_up", activity.id)  # only the youth gives a heads-up
        activity = None
    day = unpack_day(callback_data.day)
    known = callback_data.what in {item.value for item in HeadsUp}
    if person is None or activity is None or not known or day is None:
        await call.answer(_("That button has expired."))
        return
    what = HeadsUp(callback_data.what)
    result = await attendance.heads_up(person, activity, day, what)
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.answer(
            texts.heads_up_text(what is HeadsUp.LATE, result.recorded, result.mentor_told)
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_attendance_command, Command("attendance"))
    router.callback_query.register(on_heads_up, HeadsUpTap.filter())
    return router
