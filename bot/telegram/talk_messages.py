"""Texts and buttons of "I'd like to talk". Call inside the reader's locale."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.talk_requests import TalkAsked, answer_slots
from storage.models import Person

_STAMP = "%Y%m%d%H%M"
# A request older than this when the mentor reads it waited over quiet hours: say when it came.
_HELD_NOTE_AFTER = timedelta(minutes=5)


class TalkAsk(CallbackData, prefix="tka"):
    source: str  # checkin | coping | demand


class TalkTime(CallbackData, prefix="tkt"):
    request: int
    at: str  # UTC YYYYmmddHHMM


def talk_button(source: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("🗣 I'd like to talk"), callback_data=TalkAsk(source=source).pack()
    )


def parse_stamp(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def when_text(moment: datetime, now: datetime, timezone: str) -> str:
    """ "now", "today at 14:00" or "tomorrow at 09:00" (or a date), in the reader's zone."""
    zone = ZoneInfo(timezone)
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    if moment <= now:
        return _("right away")
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return _("today at {time}").format(time=clock)
    if (local.date() - today).days == 1:
        return _("tomorrow at {time}").format(time=clock)
    return _("on {date} at {time}").format(date=local.strftime("%d.%m."), time=clock)


def request_for_mentor(
    asked: TalkAsked, youth: Person, mentor: Person, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """What the mentor reads, with the times they can answer with."""
    request = asked.request
    text = _(
        "🗣 <b>{name}</b> would like to talk. Answer with a time — {name} sees it at once."
    ).format(name=html.escape(youth.first_name))
    if now - request.requested_at > _HELD_NOTE_AFTER:
        text += "\n" + _("(Asked {when}, during your quiet hours.)").format(
            when=request.requested_at.astimezone(ZoneInfo(mentor.timezone)).strftime(
                "%d.%m. %H:%M"
            )
        )
    rows = []
    for slot in answer_slots(now, mentor.timezone):
        label = _("📞 Now") if slot == now else when_text(slot, now, mentor.timezone)
        rows.append(
            InlineKeyboardButton(
                text=label,
                callback_data=TalkTime(
                    request=request.id, at=slot.astimezone(UTC).strftime(_STAMP)
                ).pack(),
            )
        )
    keyboard = [rows[i : i + 2] for i in range(0, len(rows), 2)]
    return text, InlineKeyboardMarkup(inline_keyboard=keyboard)


def asked_text(asked: TalkAsked, mentor_name: str | None, youth: Person) -> str:
    """What the young person reads after tapping."""
    name = html.escape(mentor_name) if mentor_name else _("the staff")
    if asked.already_open:
        return _(
            "{name} already knows you'd like to talk and will answer with a time. "
            "If it can't wait: /sos."
        ).format(name=name[:1].upper() + name[1:])  # the name opens the sentence
    if asked.held_until is not None and not asked.tell_now:
        return _(
            "Good that you said it. {name} gets your message {when} and will answer with a "
            "time. If it can't wait: /sos."
        ).format(
            name=name, when=when_text(asked.held_until, asked.request.requested_at, youth.timezone)
        )
    return _("Sent to {name}. You'll get a time for a talk here.").format(name=name)


def answer_for_youth(mentor: Person, talk_at: datetime, now: datetime, youth: Person) -> str:
    return _("📞 {name} will call you {when}.").format(
        name=html.escape(mentor.first_name), when=when_text(talk_at, now, youth.timezone)
    )


def answer_confirmed(youth: Person, talk_at: datetime, now: datetime, mentor: Person) -> str:
    return _("Sent: you'll call {name} {when}.").format(
        name=html.escape(youth.first_name), when=when_text(talk_at, now, mentor.timezone)
    )


class CopingPick(CallbackData, prefix="cpk"):
    script: str  # one of COPING_SCRIPTS


def coping_labels() -> dict[str, str]:
    return {
        "coping_breathing": _("🫁 Breathe for a minute"),
        "coping_grounding": _("👀 5-4-3-2-1: land here"),
        "coping_first_step": _("👣 The very first tiny step"),
    }


def support_offer_keyboard(source: str) -> InlineKeyboardMarkup:
    """A person first: "I'd like to talk" on top, then a short exercise for right now."""
    rows = [[talk_button(source)]]
    rows += [
        [InlineKeyboardButton(text=label, callback_data=CopingPick(script=script).pack())]
        for script, label in coping_labels().items()
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)
