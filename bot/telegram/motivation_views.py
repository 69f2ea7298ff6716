"""How the motivation feature reads: the goal board, suggestions, successes, progression.
Every user value is escaped; every sentence goes through gettext."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import SubgoalCatalogue
from bot.dialogs.render import pick_locale
from bot.services.goals import GoalBoard
from bot.services.progression import CHECKIN_KEPT, Series, SubgoalProgress
from bot.services.ratings import BeliefPoint
from bot.services.step_ladder import Suggestion, is_missed
from bot.services.successes import SuccessItem
from bot.telegram import figure_format
from storage.models import StepStatus, SuccessKind

SUCCESS_LIST_LIMIT = 20
SUCCESS_TEXT_CHARS = 140


def _e(text: str) -> str:
    return html.escape(text, quote=False)


escape = _e


def day_label(day: date) -> str:
    return figure_format.day_label(day)


def board_text(
    boards: Sequence[GoalBoard], catalogue: SubgoalCatalogue, locale: str, today: date
) -> str:
    if not boards:
        return _(
            "You have no goals yet. A good goal is small enough to reach and big enough to "
            "matter to you. Tap <b>New goal</b> to set one."
        )
    lines = [_("<b>Your goals</b>")]
    for board in boards:
        lines.append("")
        subgoal = _e(catalogue.youth_name(board.goal.subgoal, locale))
        lines.append(f"🎯 <b>{_e(board.goal.text)}</b> · <i>{subgoal}</i>")
        for step in board.steps:
            if step.status == StepStatus.DONE.value:
                lines.append(f"  ✅ {_e(step.text)}")
            elif is_missed(step, today):
                lines.append(
                    "  ◻️ "
                    + _("{step} — the date has passed; pick a new one or let it go").format(
                        step=_e(step.text)
                    )
                )
            else:
                lines.append(
                    "  ◻️ "
                    + _("{step} — by {date}").format(
                        step=_e(step.text), date=day_label(step.due_date)
                    )
                )
        if board.suggestion is not None:
            lines.append("  💡 " + suggestion_text(board.suggestion, locale))
    lines.append("")
    lines.append(_("Tap a step to tick it off, give it a new date or let it go."))
    return "\n".join(lines)


def suggestion_text(suggestion: Suggestion, locale: str) -> str:
    step = _e(pick_locale(suggestion.text, locale))
    return {
        "start": _("A first step could be: {step}"),
        "up": _("Next, a little bigger: {step}"),
        "same": _("Next, same size: {step}"),
        "down": _("Next, a bit smaller: {step}"),
    }[suggestion.direction].format(step=step)


def goal_menu_text(text: str) -> str:
    return _("🎯 <b>{goal}</b>\nWhat would you like to do?").format(goal=_e(text))


def step_menu_text(text: str, due: date) -> str:
    return _("<b>{step}</b>\nPlanned for {date}. What would you like to do?").format(
        step=_e(text), date=day_label(due)
    )


def step_done_text(text: str, suggestion: Suggestion | None, locale: str) -> str:
    lines = [_("✅ Done: <b>{step}</b>. You did that — well done!").format(step=_e(text))]
    if suggestion is not None:
        lines += [
            "",
            suggestion_text(suggestion, locale),
            _("Only if you want to — it's your call."),
        ]
    return "\n".join(lines)


def step_dropped_text(suggestion: Suggestion | None, locale: str) -> str:
    lines = [
        _("OK, it's off your list. Not every step fits — trying is how you find the ones that do.")
    ]
    if suggestion is not None:
        lines += ["", suggestion_text(suggestion, locale)]
    return "\n".join(lines)


def successes_text(items: Sequence[SuccessItem], catalogue: SubgoalCatalogue, locale: str) -> str:
    if not items:
        return _(
            "Your list of successes is still empty — the first one is close. Tick off a step "
            "in /goals, or add something you're proud of yourself."
        )
    shown = list(items)[-SUCCESS_LIST_LIMIT:]
    lines = [_("<b>Look how far you have come</b> 🌱"), ""]
    if len(items) > len(shown):
        earlier = len(items) - len(shown)
        lines.append(
            ngettext(
                "… and {count} earlier success", "… and {count} earlier successes", earlier
            ).format(count=earlier)
        )
    lines += [
        f"{day_label(item.local_date)} · {success_line(item, catalogue, locale)}" for item in shown
    ]
    return "\n".join(lines)


def success_line(item: SuccessItem, catalogue: SubgoalCatalogue, locale: str) -> str:
    text = _e(_clip(item.text or ""))
    # The list is the young person's own (/successes): the sub-goal in their words.
    subgoal = _e(catalogue.youth_name(item.subgoal, locale)) if item.subgoal else ""
    if item.kind is SuccessKind.STEP_DONE:
        return "✅ " + text
    if item.kind is SuccessKind.GOAL_REACHED:
        return "🏁 " + _("Goal reached: {goal}").format(goal=text)
    if item.kind is SuccessKind.RATING_ROSE:
        return "📈 " + _("{subgoal} went up from {before} to {after}").format(
            subgoal=subgoal, before=item.previous_value, after=item.value
        )
    if item.kind is SuccessKind.ATTENDED_WEEK:
        return "📅 " + _("A whole week of showing up")
    if item.kind is SuccessKind.STREAK:
        return "🔥 " + ngettext(
            "{count} check-in in a row", "{count} check-ins in a row", item.value or 0
        ).format(count=item.value)
    if item.kind is SuccessKind.MENTOR:
        return "💬 " + _("From your mentor: {text}").format(text=text)
    return "⭐ " + text


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUCCESS_TEXT_CHARS else text[: SUCCESS_TEXT_CHARS - 1] + "…"


def series_line(label: str, series: Series) -> str | None:
    """The series' latest points; a change only once there are two points to compare."""
    change = series.change
    if change is None:
        return None
    points = " → ".join(figure_format.number(value) for _day, value in series.points[-6:])
    if len(series.points) < 2:
        return f"{label}: {points}"
    parts = [_("{change} since start").format(change=figure_format.signed(change.since_start))]
    if change.since_last_month is not None:
        parts.append(
            _("{change} since last month").format(
                change=figure_format.signed(change.since_last_month)
            )
        )
    return f"{label}: {points} ({', '.join(parts)})"


def signal_label(metric: str) -> str:
    return {
        "mood": _("Mood, weekly average (1–5)"),
        "energy": _("Energy, weekly average (1–5)"),
        "attendance": _("Showing up, weekly (%)"),
        CHECKIN_KEPT: _("Check-ins kept, weekly (%)"),
    }.get(metric, metric)


def progression_text(
    name: str,
    progress: Sequence[SubgoalProgress],
    catalogue: SubgoalCatalogue,
    locale: str,
    beliefs: Sequence[BeliefPoint] = (),
    *,
    for_youth: bool,
) -> str:
    """/progress: the young person's own (``for_youth``) or a mentor's view of one youth."""
    lines = [_("<b>Progress — {name}</b>").format(name=_e(name))]
    shown = 0
    for item in progress:
        rows = [
            series_line(_("Own rating"), item.self_rating),
            series_line(_("Mentor's rating"), item.mentor_rating),
            *(series_line(signal_label(s.name), s) for s in item.signals),
        ]
        found = [row for row in rows if row]
        if not found:
            continue
        shown += 1
        subgoal = catalogue.name_for(item.subgoal, locale, youth=for_youth)
        lines += ["", f"<b>{_e(subgoal)}</b>", *found]
    if beliefs:
        points = " → ".join(str(b.value) for b in beliefs[-8:])
        lines += [
            "",
            _("Mentor's belief in job or education (0–10): {points}").format(points=points),
        ]
    if not shown and not beliefs:
        lines += ["", _("No ratings yet. The weekly self-rating starts the picture (/rating).")]
    return "\n".join(lines)


def belief_series_text(name: str, beliefs: Sequence[BeliefPoint]) -> str:
    points = " → ".join(f"{b.value} ({day_label(b.local_date)})" for b in beliefs[-10:])
    return _(
        "Saved. Your belief that {name} will reach a job or education, over time: {points}"
    ).format(name=_e(name), points=points)


def belief_question(name: str) -> str:
    return _(
        "How strongly do you believe that {name} will reach a job or education?\n"
        "0 = not at all · 5 = maybe · 10 = completely"
    ).format(name=_e(name))


def rating_question(name: str, subgoal: str) -> str:
    return _(
        "Where do you see {name} on <b>{subgoal}</b> right now?\n"
        "1 = stuck · 3 = accepting help · 5 = believing and trying · 8 = learning what works · "
        "10 = managing on their own"
    ).format(name=_e(name), subgoal=_e(subgoal))


def rating_saved_text(name: str, subgoal: str, own: Sequence[int], mentor: Sequence[int]) -> str:
    lines = [_("Saved: {subgoal} for {name}.").format(subgoal=_e(subgoal), name=_e(name))]
    lines.append(_("Your ratings: {points}").format(points=" → ".join(map(str, mentor[-8:]))))
    if own:
        lines.append(
            _("{name}'s own ratings: {points}").format(
                name=_e(name), points=" → ".join(map(str, own[-8:]))
            )
        )
    return "\n".join(lines)
