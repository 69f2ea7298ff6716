"""Texts of the mentor's desk: the `/youths` list, what a youth is told about a pause or a new
contact person, and what a new mentor gets at a hand-over. Call inside the reader's locale."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.services.mentor_desk import Handover
from storage.models import Person


def youths_text(youths: Sequence[Person], open_alerts: dict[int, int]) -> str:
    lines = [_("<b>Your young people</b> — tap a name for their status now.")]
    for youth in youths:
        flags = []
        if youth.unreachable_since is not None:
            flags.append(_("blocked Fremad"))
        alerts = open_alerts.get(youth.id, 0)
        if alerts:
            flags.append(
                ngettext("{count} open alert", "{count} open alerts", alerts).format(count=alerts)
            )
        line = f"• <b>{html.escape(youth.first_name)}</b>"
        lines.append(line + (" — ⚠️ " + ", ".join(flags) if flags else " — ✅"))
    return "\n".join(lines)


def pause_text_for_youth(until: date | None, youth: Person) -> str:
    if until is None:
        return _(
            "Hi {name}! Your check-ins are back on. Good to have you with us again. 🌱"
        ).format(name=html.escape(youth.first_name))
    return _(
        "Hi {name}. Your contact person has paused your check-ins until {day}. Take the time "
        "you need — nothing is lost, and I'll be here when you're back. 🌱"
    ).format(
        name=html.escape(youth.first_name),
        day=format_date(until, "d. MMMM", locale=youth.locale or "da"),
    )


def handover_text(handover: Handover, *, for_youth: bool, locale: str) -> str:
    youth, mentor = handover.youth, handover.new_mentor
    if for_youth:
        return _(
            "Hi {name}! From today {mentor} is your contact person in Fremad. Everything you "
            "have built stays as it is — your goals, your check-ins and your successes."
        ).format(name=html.escape(youth.first_name), mentor=html.escape(mentor.first_name))
    lines = [
        _(
            "<b>{name}</b> is now one of your young people{previous}. Their history comes with "
            "them: tap their name in /youths for the status; they are in your weekly summary."
        ).format(
            name=html.escape(youth.first_name),
            previous=_(" (handed over from {mentor})").format(
                mentor=html.escape(handover.previous_mentor.first_name)
            )
            if handover.previous_mentor
            else "",
        )
    ]
    if handover.notes:
        lines.append(_("<b>Notes from earlier talks</b>"))
        for note in handover.notes[-10:]:
            lines.append(
                f"• {format_date(note.written_at.date(), 'd. MMM yyyy', locale=locale)}: "
                f"{html.escape(note.text)}"
            )
    return "\n".join(lines)
