"""Reports as Telegram messages: a youth's summary with its chart, the digest for a mentor with
many youths, alerts with their buttons. Call inside the reader's locale."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import SubgoalCatalogue
from bot.services.report_chart import ChartLabels
from bot.services.weekly_summary import YouthReport
from bot.telegram.reporting_keyboards import alert_keyboard, digest_keyboard, summary_keyboard
from bot.telegram.send_queue import SendMethod
from bot.telegram.summary_texts import digest_line, headline, split_message
from storage.models import Alert, AlertKind, Person

DIGEST_YOUTHS_PER_MESSAGE = 20


def chart_labels(
    name: str, catalogue: SubgoalCatalogue, locale: str, *, for_youth: bool = False
) -> ChartLabels:
    return ChartLabels(
        title=name,
        mood=_("Mood (1–5), weekly average"),
        attendance=_("Attendance %"),
        ratings=_("Sub-goal ratings (1–10)"),
        week_prefix=_("W"),
        no_data=_("No data yet"),
        subgoal_names={s.id: catalogue.name_for(s.id, locale, youth=for_youth) for s in catalogue},
    )


def youth_summary_messages(
    chat_id: int, report: YouthReport, text: str, chart_png: bytes, locale: str
) -> list[SendMethod]:
    """The chart (captioned with the youth's name and the week), then the summary text."""
    methods: list[SendMethod] = [
        SendPhoto(
            chat_id=chat_id,
            photo=BufferedInputFile(chart_png, filename=f"fremad-{report.youth.id}.png"),
            caption=headline(report.facts, locale),
        )
    ]
    parts = split_message(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        methods.append(
            SendMessage(
                chat_id=chat_id,
                text=part,
                reply_markup=summary_keyboard(report.youth.id) if last else None,
            )
        )
    return methods


def digest_messages(
    chat_id: int, reports: Sequence[YouthReport], week: str, locale: str
) -> list[SendMethod]:
    """One line per youth, with a button per youth; at most 20 youths per message."""
    methods: list[SendMethod] = []
    header = ngettext(
        "<b>Your weekly summary</b> · {count} young person\n"
        "Tap the name for the full summary and chart.",
        "<b>Your weekly summary</b> · {count} young people\n"
        "Tap a name for the full summary and chart.",
        len(reports),
    ).format(count=len(reports))
    for start in range(0, len(reports), DIGEST_YOUTHS_PER_MESSAGE):
        chunk = reports[start : start + DIGEST_YOUTHS_PER_MESSAGE]
        lines = [digest_line(report.facts, locale) for report in chunk]
        text = "\n".join([header, "", *lines] if start == 0 else lines)
        for part in split_message(text)[:-1]:
            methods.append(SendMessage(chat_id=chat_id, text=part))
        methods.append(
            SendMessage(
                chat_id=chat_id,
                text=split_message(text)[-1],
                reply_markup=digest_keyboard([report.youth for report in chunk], week),
            )
        )
    return methods


def alert_text(alert: Alert, youth: Person, *, escalated: bool = False) -> str:
    detail = json.loads(alert.detail or "{}")
    name = html.escape(youth.first_name)
    days = detail.get("days", "?")
    count = days if isinstance(days, int) else 2  # an old alert without a count reads "?"
    texts = {
        AlertKind.MISSED_CHECKINS.value: ngettext(
            "⚠️ <b>{name}</b> has not answered the last check-in. A short, warm message "
            "from you can be the way back.",
            "⚠️ <b>{name}</b> has not answered the last {days} check-ins. A short, warm message "
            "from you can be the way back.",
            count,
        ),
        AlertKind.LOW_MOOD.value: ngettext(
            "⚠️ <b>{name}</b> had low mood at the last check-in. Maybe a call today?",
            "⚠️ <b>{name}</b> has had low mood {days} check-ins in a row. Maybe a call today?",
            count,
        ),
        AlertKind.BLOCKED.value: _(
            "⚠️ <b>{name}</b> has blocked Fremad, so check-ins no longer arrive. Reach out "
            "another way."
        ),
        AlertKind.CRISIS.value: crisis_alert_text(detail),
        AlertKind.ATTENDANCE.value: ngettext(
            "⚠️ <b>{name}</b>: attendance needs attention ({days} absence or a low week).",
            "⚠️ <b>{name}</b>: attendance needs attention ({days} absences in a row or a low "
            "week).",
            count,
        ),
        AlertKind.RUNNING_LATE.value: _(
            "ℹ️ <b>{name}</b> let you know they are running late or can't come today."
        ),
    }
    text = texts.get(alert.kind, _("⚠️ <b>{name}</b>: an alert needs your attention.")).format(
        name=name, days=html.escape(str(days))
    )
    if escalated:
        text = _("🚨 <b>Not acknowledged yet</b> — sent to all staff.") + "\n" + text
    return text


def crisis_category_label(category: str | None) -> str:
    """What a crisis hit was about, in words for the mentor (never the youth's words)."""
    labels = {
        "passive_wish": _("a wish not to live"),
        "active_ideation": _("thoughts of suicide"),
        "method_seeking": _("looking for a way to take their life"),
        "plan_intent": _("a plan or intent to take their life"),
        "preparation_goodbye": _("saying goodbye or preparing"),
        "self_harm": _("self-harm"),
        "hopelessness_burden": _("hopelessness or feeling a burden"),
        "abuse_danger": _("violence or abuse by someone else"),
        "severe_intoxication": _("a possible overdose or dangerous intoxication"),
    }
    return labels.get(category or "", _("a possible crisis sign"))


def crisis_alert_text(detail: dict[str, object]) -> str:
    """The crisis alert: the category and how urgent, never the youth's words. ({name} is
    filled in by alert_text.)"""
    category = html.escape(crisis_category_label(str(detail.get("category") or "")))
    urgency = detail.get("urgency")
    if urgency == "acute":
        head = _("🚨🚨 <b>URGENT</b> — <b>{name}</b> wrote something that points to {what}.")
        ask = _("Contact {name} now. If you cannot reach them and fear for their life, call 112.")
    elif urgency == "normal":
        head = _("🚨 <b>{name}</b> wrote something that points to {what}.")
        ask = _("Please contact {name} today.")
    else:
        head = _("🚨 <b>{name}</b> wrote something that points to {what}.")
        ask = _("Please contact {name} now.")
    return "\n".join(
        [head.replace("{what}", category), ask, _("(Their words are not shown here.)")]
    )


def alert_messages(
    chat_id: int, alert: Alert, youth: Person, *, escalated: bool = False
) -> list[SendMethod]:
    return [
        SendMessage(
            chat_id=chat_id,
            text=alert_text(alert, youth, escalated=escalated),
            reply_markup=alert_keyboard(alert.id, youth.id),
        )
    ]
