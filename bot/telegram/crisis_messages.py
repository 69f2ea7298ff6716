"""The words a young person reads after a crisis hit and in /sos: calm, 112 first, the Danish
crisis lines marked open or closed now, and the honest line that nobody reads along live."""

from __future__ import annotations

import html
from datetime import datetime

from aiogram.utils.i18n import gettext as _

from bot.services.crisis_lines import CrisisLines
from bot.services.safety_plan import PlanView

# Which crisis lines come right after 112 for each category (ids from dialogs/crisis/lines.yaml);
# the others follow, so every answer still shows every line.
LINES_FIRST: dict[str, tuple[str, ...]] = {
    "self_harm": ("livslinien",),
    "abuse_danger": ("lev_uden_vold", "bornetelefonen"),
    "friend_in_danger": ("livslinien", "bornetelefonen", "lev_uden_vold"),
}
DEFAULT_FIRST = ("livslinien", "bornetelefonen")
ACUTE = "acute"


def lines_block(
    lines: CrisisLines, locale: str, now: datetime, first: tuple[str, ...] = (), only: bool = False
) -> str:
    return lines.render(locale, now, _, first=first, only=only)


def nobody_reads_live() -> str:
    return _(
        "I'm a bot, and nobody reads along here live — so if you need a person right now, "
        "call one of the numbers above."
    )


def _line(lines: CrisisLines, line_id: str, locale: str) -> tuple[str, str]:
    """Name and number of a line as the data file has them (never a number typed here)."""
    line = lines.get(line_id)
    if line is None:
        return "", ""
    return html.escape(line.text(line.name, locale) or line_id), html.escape(line.number)


def _category_lines(
    lines: CrisisLines, locale: str, category: str | None, urgency: str | None
) -> list[str]:
    """The part of the first answer that fits what was written."""
    if urgency == ACUTE:
        parts = [
            _(
                "<b>Call 112 now.</b> You don't have to explain it well — just say that you "
                "are in danger."
            ),
            _("Thank you for writing it. You matter, and you should not be alone with this."),
        ]
        if category == "severe_intoxication":
            parts.append(
                _(
                    "If you have taken pills or something else: call 112 even if you feel okay "
                    "right now, and tell someone near you. Don't lock the door."
                )
            )
        else:
            parts.append(
                _(
                    "If you can, put what you could hurt yourself with out of reach, and go to "
                    "someone — or call someone — now."
                )
            )
        return parts
    if category == "self_harm":
        name, number = _line(lines, "livslinien", locale)
        parts = [
            _("Thank you for telling me. You are not bad for doing it, and you matter."),
            _(
                "<b>First aid:</b> press a clean cloth firmly on a wound that bleeds and keep "
                "pressing. If it will not stop, or the wound is deep: call 112. A burn: cool "
                "water (not ice-cold) for 20 minutes, then a clean, loose cover."
            ),
        ]
        if number:
            parts.append(
                _("You can talk anonymously with {name} on {number}.").format(
                    name=name, number=f"<b>{number}</b>"
                )
            )
        return parts
    if category == "abuse_danger":
        parts = [
            _("Thank you for telling me. It is never your fault when someone hurts you."),
            _("<b>If you are in danger right now, call 112.</b>"),
        ]
        violence_name, violence_number = _line(lines, "lev_uden_vold", locale)
        if violence_number:
            parts.append(
                _(
                    "{name} on {number}: if a partner or someone in your family hits, "
                    "threatens or controls you — free and anonymous."
                ).format(name=violence_name, number=f"<b>{violence_number}</b>")
            )
        child_name, child_number = _line(lines, "bornetelefonen", locale)
        if child_number:
            parts.append(
                _("If you are under 18: {name} on {number}, day and night.").format(
                    name=child_name, number=f"<b>{child_number}</b>"
                )
            )
        return parts
    return [
        _("Thank you for writing it. What you wrote sounds really hard, and you matter."),
        _("<b>If you are in danger right now, call 112.</b>"),
    ]


def crisis_text(
    lines: CrisisLines,
    locale: str,
    now: datetime,
    *,
    flagged: bool,
    category: str | None = None,
    urgency: str | None = None,
) -> str:
    """The first answer to a crisis hit, fitted to the category. `flagged`: a contact person
    is being told."""
    parts = _category_lines(lines, locale, category, urgency)
    parts += [
        lines_block(lines, locale, now, LINES_FIRST.get(category or "", DEFAULT_FIRST)),
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


def friend_text(lines: CrisisLines, locale: str, now: datetime) -> str:
    """For a young person worried about someone else: what to do and who to call. Nobody is
    alerted — it is about the friend, and the writer is not flagged for it."""
    return "\n\n".join(
        [
            _("It's good that you want to help. This is what you can do:"),
            "\n".join(
                [
                    _(
                        "• <b>Is your friend in danger right now</b> — has taken pills, is "
                        "unconscious, or says it will happen now? Call 112."
                    ),
                    _(
                        "• Take it seriously and ask straight out: «Are you thinking about taking "
                        "your life?» Asking does not make it worse."
                    ),
                    _("• Stay with your friend, or make sure someone else is there."),
                    _(
                        "• Tell an adult you trust. You may break a promise to keep it secret "
                        "when a life is in danger."
                    ),
                    _("• You can call the lines below for advice yourself, also about a friend."),
                ]
            ),
            lines_block(lines, locale, now, LINES_FIRST["friend_in_danger"], only=True),
            _(
                "Nobody is told about this message. It is a lot to carry for someone else — if it "
                "gets heavy for you too, write /sos or talk to your contact person."
            ),
        ]
    )


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
