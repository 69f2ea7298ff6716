"""Buttons of mentor reporting. Payloads carry ids only; handlers re-check who may act."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from storage.models import Person


class AlertAck(CallbackData, prefix="aa"):
    alert_id: int


class YouthAction(CallbackData, prefix="ry"):
    # status, note, pause, handover, export
    action: str
    youth_id: int


class SummaryOpen(CallbackData, prefix="rs"):
    youth_id: int
    week: str  # "2026-W48"


class PauseChoice(CallbackData, prefix="rp"):
    youth_id: int
    weeks: int  # 0 = end the pause


class HandoverPick(CallbackData, prefix="rh"):
    youth_id: int
    mentor_id: int


class ExportPick(CallbackData, prefix="rx"):
    youth_id: int
    format: str  # csv | pdf


class SummaryDayPick(CallbackData, prefix="rd"):
    weekday: int
    at: str  # "HHMM", or "" to choose the time next


class QuietPick(CallbackData, prefix="rq"):
    span: str  # "HHMM-HHMM" from QUIET_SPANS, or "off"


# Quiet hours a mentor can pick (from, until); a crisis alert comes at once regardless.
QUIET_SPANS = (("21:00", "07:00"), ("20:00", "08:00"), ("18:00", "08:00"), ("16:00", "09:00"))


def quiet_span_key(start: str, end: str) -> str:
    return f"{start.replace(':', '')}-{end.replace(':', '')}"


def quiet_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for start, end in QUIET_SPANS:
        builder.button(
            text=f"{start}–{end}", callback_data=QuietPick(span=quiet_span_key(start, end))
        )
    builder.button(text=_("No quiet hours"), callback_data=QuietPick(span="off"))
    builder.adjust(2, 2, 1)
    return builder.as_markup()


class CohortCsv(CallbackData, prefix="rc"):
    pass


SUMMARY_TIMES = ("07:00", "08:00", "09:00", "12:00", "15:00", "17:00")


def alert_keyboard(alert_id: int, youth_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Acknowledge"), callback_data=AlertAck(alert_id=alert_id).pack()
                ),
                InlineKeyboardButton(
                    text=_("👤 Status"),
                    callback_data=YouthAction(action="status", youth_id=youth_id).pack(),
                ),
            ]
        ]
    )


def summary_keyboard(youth_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("📝 Note after talk"),
                    callback_data=YouthAction(action="note", youth_id=youth_id).pack(),
                ),
                InlineKeyboardButton(
                    text=_("👤 Status now"),
                    callback_data=YouthAction(action="status", youth_id=youth_id).pack(),
                ),
            ]
        ]
    )


def youth_actions_keyboard(youth_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action, label in (
        ("note", _("📝 Note after talk")),
        ("pause", _("⏸ Pause")),
        ("handover", _("🔁 Hand over")),
        ("export", _("📄 Export")),
    ):
        builder.button(text=label, callback_data=YouthAction(action=action, youth_id=youth_id))
    builder.adjust(2)
    return builder.as_markup()


def youths_keyboard(youths: Sequence[Person]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for youth in youths:
        builder.button(
            text=youth.first_name or str(youth.id),
            callback_data=YouthAction(action="status", youth_id=youth.id),
        )
    builder.adjust(2)
    return builder.as_markup()


def digest_keyboard(youths: Sequence[Person], week: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for youth in youths:
        builder.button(
            text=youth.first_name or str(youth.id),
            callback_data=SummaryOpen(youth_id=youth.id, week=week),
        )
    builder.adjust(2)
    return builder.as_markup()


def pause_keyboard(youth_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for weeks, label in (
        (1, _("1 week")),
        (2, _("2 weeks")),
        (4, _("4 weeks")),
        (0, _("End the pause")),
    ):
        builder.button(text=label, callback_data=PauseChoice(youth_id=youth_id, weeks=weeks))
    builder.adjust(3, 1)
    return builder.as_markup()


def handover_keyboard(youth_id: int, mentors: Sequence[Person]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mentor in mentors:
        builder.button(
            text=mentor.first_name or str(mentor.id),
            callback_data=HandoverPick(youth_id=youth_id, mentor_id=mentor.id),
        )
    builder.adjust(2)
    return builder.as_markup()


def export_keyboard(youth_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("CSV (12 weeks)"), callback_data=ExportPick(youth_id=youth_id, format="csv")
    )
    builder.button(
        text=_("PDF (12 weeks)"), callback_data=ExportPick(youth_id=youth_id, format="pdf")
    )
    builder.adjust(2)
    return builder.as_markup()


def weekday_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for number, name in enumerate(names, start=1):
        builder.button(text=name, callback_data=SummaryDayPick(weekday=number, at=""))
    builder.adjust(4, 3)
    return builder.as_markup()


def summary_time_keyboard(weekday: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in SUMMARY_TIMES:
        builder.button(
            text=choice, callback_data=SummaryDayPick(weekday=weekday, at=choice.replace(":", ""))
        )
    builder.adjust(3)
    return builder.as_markup()


def cohort_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("⬇️ As CSV"), callback_data=CohortCsv())
    return builder.as_markup()
