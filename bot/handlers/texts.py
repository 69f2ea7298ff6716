"""Longer texts shared by several handlers, built through the translation layer."""

from __future__ import annotations

import html
from datetime import date, timedelta

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.services.onboarding import CodeProblem
from bot.telegram.figure_format import current_locale
from storage.models import Role


def consent_text(role: Role) -> str:
    if role is Role.YOUTH:
        return _(
            "<b>Before we start — what Fremad stores</b>\n\n"
            "• Your answers to the daily check-in (mood, energy, your plan), your attendance "
            "and your goals.\n"
            "• <b>Your contact person sees numbers and flags</b> — not what you write in your own "
            "words, unless you choose to share that entry.\n"
            "• <b>Nobody reads along live.</b> If you need help right now, call 112 or use /sos.\n"
            "• Data from Fremad is never used for sanctions on your benefits.\n"
            "• You can see everything stored about you (/mydata) and ask for it to be deleted "
            "(/delete) at any time.\n\n"
            "Is that OK with you?"
        )
    return _(
        "<b>Before we start — what Fremad stores</b>\n\n"
        "• Your Telegram id, your name and your language.\n"
        "• What you do in Fremad as {role} (for example reading a young person's summary) is "
        "written to an audit log.\n"
        "• Young people's own words are shown to you only when they choose to share them.\n\n"
        "Is that OK with you?"
    ).format(role=role_name(role))


def role_name(role: Role) -> str:
    return {Role.YOUTH: _("young person"), Role.MENTOR: _("mentor"), Role.STAFF: _("staff")}[role]


def code_problem_text(problem: CodeProblem) -> str:
    return {
        CodeProblem.MISSING: _(
            "Hi! Fremad works with an invitation from your contact person. "
            "Ask them for your link or code, and send the code here."
        ),
        CodeProblem.UNKNOWN: _(
            "I couldn't find that code. Check it for typos and send it again — "
            "or ask your contact person for a new one."
        ),
        CodeProblem.USED: _(
            "That code has already been used. Codes work once — "
            "ask your contact person for a new one."
        ),
        CodeProblem.EXPIRED: _(
            "That code has expired. No problem — ask your contact person for a new one."
        ),
    }[problem]


def first_day_text(first: date | None, today: date) -> str:
    """When the first check-in comes, as a person says it: today, tomorrow, on Monday."""
    if first is None:
        return _("when you choose days in /settings")
    if first == today:
        return _("today")
    if first == today + timedelta(days=1):
        return _("tomorrow")
    return _("on {weekday}").format(weekday=format_date(first, "EEEE", locale=current_locale()))


def welcome_text(
    role: Role, first_name: str, checkin_time: str | None = None, first_day: str | None = None
) -> str:
    if role is Role.YOUTH:
        return _(
            "Welcome, {name}! 🎉\n\n"
            "I'll check in with you at {time} on weekdays — the first time {first}. It takes "
            "a minute: tap the buttons, no long texts needed.\n\n"
            "You can change the time with /settings, start a check-in with /checkin, "
            "and /help shows everything."
        ).format(
            name=html.escape(first_name),
            time=checkin_time or "09:00",
            first=first_day or _("tomorrow"),
        )
    if role is Role.MENTOR:
        return _(
            "Welcome, {name}! You're set up as a mentor.\n\n"
            "• /invite — a link for a young person you follow\n"
            "• /youths — your young people and how they are doing\n"
            "• /help — everything else\n\n"
            "Your weekly summary comes on Monday at 08:00."
        ).format(name=html.escape(first_name))
    return _(
        "Welcome, {name}! You're set up as staff.\n\n"
        "• /invite — invite mentors, staff or young people\n"
        "• /scripts — the dialog scripts and their versions\n"
        "• /help — everything else"
    ).format(name=html.escape(first_name))
