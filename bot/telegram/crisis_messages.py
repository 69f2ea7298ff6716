"""The words a young person reads after a crisis hit and in /sos: calm, 112 first, the Danish
crisis lines marked open or closed now, and the honest line that nobody reads along live."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _

from bot.services.crisis_lines import CrisisLines
from bot.services.safety_plan import PlanView


def lines_block(lines: CrisisLines, locale: str, now: datetime) -> str:
    return lines.render(locale, now, _)


def nobody_reads_live() -> str:
    return _(
        "I'm a bot, and nobody reads along here live — so if you need a person right now, "
        "call one of the numbers above."
    )


def crisis_text(lines: CrisisLines, locale: str, now: datetime, *, flagged: bool) -> str:
    """The first answer to a crisis hit. `flagged`: a contact person is being told."""
    parts = [
        _("Thank you for writing it. What you wrote sounds really hard, and you matter."),
        _("<b>If you are in danger right now, call 112.</b>"),
        lines_block(lines, locale, now),
        nobody_reads_live(),
    ]
    if flagged:
        parts.append(
            _(
                "I've let your contact person know that you may need support — without your "
                "words. How are you right now?"
            )
        )
    return "\n\n".join(parts)


def help_now_text(lines: CrisisLines, locale: str, now: datetime) -> str:
    return "\n\n".join(
        [
            _(
                "<b>Call 112 now</b> if you or someone else is in danger. You don't have to "
                "explain it well — just call."
            ),
            lines_block(lines, locale, now),
            _(
                "I've marked it urgent for your contact person. Nobody reads along live here, "
                "so please call if you need someone now."
            ),
        ]
    )


def response_thanks(answer: str) -> str:
    return {
        "safe": _("I'm glad to hear it. The numbers are in /sos whenever you need them."),
        "misunderstood": _(
            "Thanks for telling me — sorry for the worry. Your contact person still sees a "
            "note, marked as a misunderstanding, so they can check in with you calmly."
        ),
        "help": "",
    }.get(answer, "")


def share_question() -> str:
    return _(
        "May your contact person read what you wrote? It can help them understand. "
        "If you say no, it stays private."
    )


def share_thanks(shared: bool) -> str:
    if shared:
        return _("Thanks. Your contact person gets what you wrote.")
    return _("OK — it stays private. Your contact person only knows that you may need support.")


def sos_text(lines: CrisisLines, locale: str, now: datetime, plan: PlanView | None) -> str:
    parts = [
        _("<b>Help right now</b>"),
        _("<b>If you are in danger, call 112.</b>"),
        lines_block(lines, locale, now),
        nobody_reads_live(),
    ]
    if plan is not None and not plan.empty:
        rows = [_("<b>Your safety plan</b>")]
        for title, value in (
            (_("Signs it's getting hard:"), plan.warning_signs),
            (_("What calms me:"), plan.calming),
            (_("People I can call:"), plan.people_to_call),
        ):
            if value:
                rows.append(f"<i>{html.escape(title)}</i>\n{html.escape(value)}")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)
