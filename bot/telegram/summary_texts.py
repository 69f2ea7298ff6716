"""How a mentor's weekly summary reads: a few short lines per youth that fit a phone screen and
a minute's reading, ending with one suggested opening line for the next talk.

The opening line is built from a success and shows belief, not pity (METHOD.md): it names what
went well and asks how the youth did it. Every user value is HTML-escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs import SubgoalCatalogue
from bot.services.figures import Success, WeekFacts
from bot.telegram import figure_format
from bot.telegram.method_texts import method_lines

TELEGRAM_TEXT_LIMIT = 4096
SHARED_NOTES_SHOWN = 3
NOTE_CHARS = 300


def week_label(day: date, locale: str) -> str:
    return _("week {week}").format(week=day.isocalendar().week)


short_date = figure_format.day_label
weekday = figure_format.weekday_short
percent = figure_format.percent


def number(value: float, locale: str) -> str:
    """Averages keep one decimal (4,0), so a week reads the same from week to week."""
    return figure_format.format_decimal(round(value, 1), "0.0", locale=locale)


def trend_arrow(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    if now - before >= 0.3:
        return " ↑"
    if before - now >= 0.3:
        return " ↓"
    return " →"


def headline(facts: WeekFacts, locale: str) -> str:
    period = facts.period
    return _("<b>{name}</b> · {first}–{last}").format(
        name=html.escape(facts.first_name),
        first=short_date(period.first, locale),
        last=short_date(period.last, locale),
    )


def youth_summary(facts: WeekFacts, locale: str, catalogue: SubgoalCatalogue) -> str:
    """The full summary about one youth, as sent (and as stored for /mysummary)."""
    lines = [headline(facts, locale)]
    lines.append(_checkin_line(facts, locale))
    mood = _mood_line(facts, locale)
    if mood:
        lines.append(mood)
    if facts.attendance is not None:
        lines.append(_attendance_line(facts, locale))
    if facts.goal_steps is not None:
        lines.append(_steps_line(facts, locale))
    if facts.rating_changes:
        lines.append(_ratings_line(facts, locale, catalogue))
    lines += method_lines(facts.method, locale, catalogue)
    if facts.successes:
        names = " · ".join(success_text(s, locale, catalogue) for s in facts.successes[:3])
        lines.append(_("⭐ To name: {successes}").format(successes=names))
    concerns = concern_texts(facts, locale)
    if concerns:
        lines.append(_("⚠️ Watch: {concerns}").format(concerns=" · ".join(concerns)))
    for note in facts.shared_notes[-SHARED_NOTES_SHOWN:]:
        lines.append(
            _("💬 {name} shared ({day}): “{text}”").format(
                name=html.escape(facts.first_name),
                day=weekday(note.day, locale),
                text=html.escape(_clip(note.text)),
            )
        )
    for mentor_note in facts.mentor_notes[-2:]:
        lines.append(
            _("📝 Note from the talk ({day}): {text}").format(
                day=short_date(mentor_note.written_at.date(), locale),
                text=html.escape(_clip(mentor_note.text)),
            )
        )
    lines.append(
        _("💡 Try opening with: <i>{line}</i>").format(
            line=html.escape(opening_line(facts, catalogue, locale))
        )
    )
    return "\n".join(lines)


def digest_line(facts: WeekFacts, locale: str) -> str:
    """One line per youth in a digest: check-ins, mood, attendance, a warning sign."""
    parts = [_("✅ {kept}/{asked}").format(kept=facts.checkins.kept, asked=facts.checkins.asked)]
    if facts.checkins.mood_average is not None:
        parts.append(
            "🙂 "
            + number(facts.checkins.mood_average, locale)
            + trend_arrow(facts.checkins.mood_average, facts.checkins.previous_mood_average)
        )
    if facts.attendance is not None and facts.attendance.rate is not None:
        parts.append("📍 " + percent(facts.attendance.rate, locale))
    if concern_texts(facts, locale):
        parts.append("⚠️")
    return f"<b>{html.escape(facts.first_name)}</b> — " + " · ".join(parts)


def concern_texts(facts: WeekFacts, locale: str) -> list[str]:
    found: list[str] = []
    c = facts.concerns
    if c.missed_run >= 2:
        found.append(
            ngettext(
                "{count} check-in missed in a row",
                "{count} check-ins missed in a row",
                c.missed_run,
            ).format(count=c.missed_run)
        )
    if c.low_mood_run >= 2:
        found.append(
            ngettext(
                "low mood {count} day in a row",
                "low mood {count} days in a row",
                c.low_mood_run,
            ).format(count=c.low_mood_run)
        )
    if c.unreachable_since is not None:
        found.append(
            _("has blocked Fremad since {day}").format(
                day=short_date(c.unreachable_since.date(), locale)
            )
        )
    if c.paused_until is not None:
        found.append(_("paused until {day}").format(day=short_date(c.paused_until, locale)))
    elif c.paused_from is not None:
        found.append(_("paused"))
    if "crisis" in c.open_alerts:
        found.append(_("crisis alert not acknowledged"))
    elif c.crisis_acknowledged:
        found.append(
            ngettext(
                "{count} crisis alert this week (acknowledged)",
                "{count} crisis alerts this week (acknowledged)",
                c.crisis_acknowledged,
            ).format(count=c.crisis_acknowledged)
        )
    return found


def success_text(success: Success, locale: str, catalogue: SubgoalCatalogue) -> str:
    kind, value, text = success.kind, success.value, success.text
    count = int(value) if isinstance(value, int | float) else 0
    if kind == "all_checkins":
        return ngettext(
            "every check-in kept ({count} day)", "every check-in kept ({count} days)", count
        ).format(count=count)
    if kind == "checkins_kept":
        return ngettext("{count} check-in kept", "{count} check-ins kept", count).format(
            count=count
        )
    if kind == "mood_up":
        return _("mood went up")
    if kind == "came_back":
        return _("came back after missed days")
    if kind == "attendance_full":
        return ngettext(
            "showed up for everything planned ({count} time)",
            "showed up for everything planned ({count} times)",
            count,
        ).format(count=count)
    if kind == "step_done" and text:
        return _("did “{step}”").format(step=html.escape(text))
    if kind == "rating_up" and text:
        return _("rated {subgoal} higher").format(
            subgoal=html.escape(catalogue.name(text, locale) if text in catalogue else text)
        )
    return html.escape(text or kind)


def opening_line(facts: WeekFacts, catalogue: SubgoalCatalogue, locale: str) -> str:
    """One warm sentence for the start of the talk, built from the best success (plain text)."""
    name = facts.first_name
    for success in facts.successes:
        kind = success.kind
        if kind == "step_done" and success.text:
            return _(
                "You did it, {name}: “{step}”. How was it — and what made it possible?"
            ).format(name=name, step=success.text)
        if kind == "attendance_full":
            return _(
                "You showed up for everything you planned this week, {name}. That's "
                "exactly what a workplace notices. How did you pull it off?"
            ).format(name=name)
        if kind == "all_checkins":
            return _(
                "You kept every check-in this week, {name} — that's showing up, "
                "and it counts. What helped you keep it going?"
            ).format(name=name)
        if kind == "rating_up" and success.text:
            # Words to say to the young person: the sub-goal in their words.
            subgoal = (
                catalogue.youth_name(success.text, locale)
                if success.text in catalogue
                else (success.text)
            )
            return _(
                "You rated yourself higher on “{subgoal}” — I can see it too. What has changed?"
            ).format(subgoal=subgoal)
        if kind == "came_back":
            return _(
                "Good to have you back, {name}. Coming back is the hard part, and you "
                "did it. What helped?"
            ).format(name=name)
        if kind == "mood_up":
            return _(
                "Your week looked lighter than the one before, {name}. What do you think "
                "made the difference?"
            ).format(name=name)
        if kind == "checkins_kept":
            count = int(success.value or 0)
            return ngettext(
                "You checked in {count} day this week, {name}. I noticed — how did you "
                "manage that?",
                "You checked in {count} days this week, {name}. I noticed — how did you "
                "manage that?",
                count,
            ).format(count=count, name=name)
    return _(
        "I believe you can take the next step, {name}. What is one thing that went OK "
        "this week, however small?"
    ).format(name=name)


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Splits on line boundaries so each part fits Telegram's limit; a line longer than the
    limit on its own (never produced by the summary) is cut at the limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def _checkin_line(facts: WeekFacts, locale: str) -> str:
    c = facts.checkins
    if not c.asked:
        return _("✅ Check-ins: none due yet")
    line = ngettext(
        "✅ Check-ins: {kept} of {asked}", "✅ Check-ins: {kept} of {asked}", c.asked
    ).format(kept=c.kept, asked=c.asked)
    extras = []
    if c.partial:
        extras.append(
            ngettext("{count} unfinished", "{count} unfinished", c.partial).format(count=c.partial)
        )
    if c.skipped:
        extras.append(
            ngettext("{count} skipped", "{count} skipped", c.skipped).format(count=c.skipped)
        )
    if c.missed:
        extras.append(
            ngettext("{count} missed", "{count} missed", c.missed).format(count=c.missed)
        )
    return f"{line} ({', '.join(extras)})" if extras else line


def _mood_line(facts: WeekFacts, locale: str) -> str | None:
    c = facts.checkins
    if c.mood_average is None:
        return None
    days = " ".join(f"{weekday(day, locale)} {mood}" for day, mood in c.moods)
    line = _("🙂 Mood (1–5): {days} · average {average}").format(
        days=days, average=number(c.mood_average, locale)
    )
    if c.previous_mood_average is not None:
        line += _(" (week before {before}{arrow})").format(
            before=number(c.previous_mood_average, locale),
            arrow=trend_arrow(c.mood_average, c.previous_mood_average),
        )
    return line


def _attendance_line(facts: WeekFacts, locale: str) -> str:
    a = facts.attendance
    assert a is not None
    if not a.expected:
        return _("📍 Attendance: nothing planned")
    line = ngettext(
        "📍 Attendance: {rate} ({shown} of {expected}",
        "📍 Attendance: {rate} ({shown} of {expected}",
        a.expected,
    ).format(rate=percent(a.rate or 0, locale), shown=a.attended + a.late, expected=a.expected)
    if a.late:
        line += ngettext(", {count} late", ", {count} late", a.late).format(count=a.late)
    line += ")"
    if a.absences:
        reasons = ", ".join(
            f"{weekday(absence.day, locale)} {absence_reason(absence.reason)}"
            for absence in a.absences
        )
        line += _(" · absent: {reasons}").format(reasons=reasons)
    return line


def absence_reason(reason: str | None) -> str:
    return {
        "ill": _("ill"),
        "overslept": _("overslept"),
        "anxiety": _("anxiety"),
        "transport": _("transport"),
        "other": _("other reason"),
    }.get(reason or "", _("no reason given"))


def _steps_line(facts: WeekFacts, locale: str) -> str:
    steps = facts.goal_steps
    assert steps is not None
    done = len(steps.done)
    line = ngettext("🎯 Goal steps: {count} done", "🎯 Goal steps: {count} done", done).format(
        count=done
    )
    if steps.due:
        due = ", ".join(
            f"“{html.escape(_clip(text, 60))}” ({short_date(day, locale)})"
            for day, text in steps.due[:2]
        )
        line += _(" · next: {due}").format(due=due)
    return line


def _ratings_line(facts: WeekFacts, locale: str, catalogue: SubgoalCatalogue) -> str:
    changes = []
    for change in facts.rating_changes[:4]:
        name = (
            catalogue.name(change.subgoal, locale)
            if change.subgoal in catalogue
            else (change.subgoal)
        )
        who = _("self") if change.rater == "self" else _("mentor")
        before = "–" if change.before is None else str(change.before)
        changes.append(f"{html.escape(name)} {before} → {change.after} ({who})")
    return _("📈 Ratings: {changes}").format(changes="; ".join(changes))


def _clip(text: str, limit: int = NOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def join_sections(sections: Sequence[str]) -> str:
    return "\n\n".join(section for section in sections if section)
