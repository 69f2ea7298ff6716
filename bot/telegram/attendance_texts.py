"""The words of the plan and of /attendance, through the translation layer. User values are
escaped here, once."""

from __future__ import annotations

import html
from datetime import date
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.dialogs.time_input import TIME_NOT_UNDERSTOOD
from bot.services.attendance_measures import AttendanceOverview, Outcome, Stability, WeekStats
from bot.services.attendance_plan import Occurrence, parse_weekdays
from bot.services.plan_form import Step
from bot.telegram import figure_format
from storage.models.attendance import Activity, ActivityKind

CHART_WEEKS = 8
BAR_WIDTH = 10


def kind_label(kind: str) -> str:
    return {
        ActivityKind.INTERNSHIP.value: _("Internship"),
        ActivityKind.CLASS.value: _("Class"),
        ActivityKind.APPOINTMENT.value: _("Appointment"),
        ActivityKind.INTERVIEW.value: _("Job interview"),
        ActivityKind.EXERCISE.value: _("Exercise"),
        ActivityKind.TREATMENT.value: _("Treatment"),
    }.get(kind, _("Other"))


def weekday_name(iso_weekday: int) -> str:
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))[iso_weekday - 1]


def when_text(activity: Activity) -> str:
    times = f"{activity.start_time}–{activity.end_time}"
    if activity.on_date is not None:
        day = activity.on_date
        return f"{weekday_name(day.isoweekday())} {figure_format.day_label(day)} {times}"
    days = ", ".join(weekday_name(d) for d in sorted(parse_weekdays(activity.weekdays)))
    return _("Every {days} {times}").format(days=days, times=times)


def activity_card(activity: Activity, tells_mentor: bool) -> str:
    lines = [
        f"<b>{html.escape(activity.title)}</b> · {kind_label(activity.kind)}",
        when_text(activity),
    ]
    if activity.place:
        lines.append(_("Place: {place}").format(place=html.escape(activity.place)))
    if activity.travel_minutes is None:
        lines.append(_("“Leave in 20 minutes” reminder: off"))
    else:
        lines.append(
            _("“Leave in 20 minutes” reminder: on ({minutes} min travel)").format(
                minutes=activity.travel_minutes
            )
        )
    lines.append(
        _("Your mentor hears at once if you're late or can't come: {answer}").format(
            answer=_("yes") if tells_mentor else _("no")
        )
    )
    return "\n".join(lines)


def plan_text(activities: list[Activity], youth_name: str | None = None) -> str:
    if youth_name is None:
        title = _("<b>Your plan</b>")
    else:
        title = _("<b>{name}'s plan</b>").format(name=html.escape(youth_name))
    if not activities:
        return (
            title
            + "\n\n"
            + _(
                "Nothing planned yet. Add your internship, classes, appointments or exercise — "
                "then I can help you get there."
            )
        )
    lines = [f"• <b>{html.escape(a.title)}</b> — {when_text(a)}" for a in activities]
    return title + "\n\n" + "\n".join(lines) + "\n\n" + _("Tap an activity to change it.")


def step_prompt(step: Step) -> str:
    return {
        Step.KIND: _("What kind of activity is it?"),
        Step.TITLE: _(
            "What do you call it? Write a short name, e.g. “Praktik hos Bager Jensen” — "
            "or tap to use the kind as its name."
        ),
        Step.REPEAT: _("Is it every week, or one time?"),
        Step.DAYS: _("Which days? Tap the days, then “Done”."),
        Step.DATE: _("Which day? Tap one, or write a date like 24.12."),
        Step.START: _("When does it start? Tap a time or write one, e.g. 8:30."),
        Step.END: _("And when does it end?"),
        Step.PLACE: _("Where is it? Write the place — or skip."),
    }[step]


def step_problem(step: Step) -> str:
    if step is Step.DATE:
        return _("I couldn't use that date. Write it like 24.12 — today or later.")
    if step in (Step.START, Step.END):
        return _(TIME_NOT_UNDERSTOOD)
    if step is Step.DAYS:
        return _("Pick at least one day, then tap “Done”.")
    return _("Please tap one of the buttons.")


def saved_text(activity: Activity, tells_mentor: bool, is_new: bool) -> str:
    head = _("Added to your plan. 👍") if is_new else _("Saved. 👍")
    return head + "\n\n" + activity_card(activity, tells_mentor)


def mentor_changed_text(activity: Activity, change: str) -> str:
    """What the youth is told when their mentor changed their plan (in the youth's language)."""
    head = {
        "added": _("Your mentor added this to your plan:"),
        "changed": _("Your mentor changed this in your plan:"),
        "deleted": _("Your mentor removed this from your plan:"),
    }[change]
    return f"{head}\n<b>{html.escape(activity.title)}</b> — {when_text(activity)}\n\n" + _(
        "/plan shows your whole plan."
    )


def nudge_text(activity: Activity, occurrence: Occurrence, zone: ZoneInfo) -> str:
    starts = occurrence.starts_at.astimezone(zone).strftime("%H:%M")
    return _(
        "⏰ Leave in 20 minutes for <b>{title}</b> — it starts at {time}. You've got this!"
    ).format(title=html.escape(activity.title), time=starts)


def heads_up_text(late: bool, recorded: bool, mentor_told: bool) -> str:
    if not recorded:
        return _("That activity is already over or answered — nothing to change.")
    if late:
        text = _("Noted — you're on your way, and that's what counts. 🚶")
    else:
        text = _(
            "Noted that you can't come today. Thanks for saying so — that's taking "
            "responsibility. Remember to tell the place too."
        )
    if mentor_told:
        text += "\n" + _("I've let your mentor know.")
    return text


def _bar(rate: float | None) -> str:
    if rate is None:
        return "·" * BAR_WIDTH
    filled = round(rate * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _pct(rate: float | None) -> str:
    return "–" if rate is None else figure_format.percent(rate)


def _week_line(week: WeekStats) -> str:
    number = week.week_start.isocalendar().week
    mark = " ✓" if week.is_success else ""
    label = _("Week {number}").format(number=number)
    return f"<code>{label:<8} {_bar(week.rate)} {_pct(week.rate):>5}</code>{mark}"


def _success_line(stats: Stability, today: date) -> str | None:
    this_week, last_week = stats.weeks[-1], stats.weeks[-2]
    if this_week.is_success:
        week = this_week
        text = ngettext(
            "🎉 This week is a success: you showed up {n} of {m} time. That's how you "
            "become someone people can count on.",
            "🎉 This week is a success: you showed up {n} of {m} times. That's how you "
            "become someone people can count on.",
            this_week.tally.expected,
        )
    elif last_week.is_success:
        week = last_week
        text = ngettext(
            "🎉 Last week was a success: you showed up {n} of {m} time. Well done!",
            "🎉 Last week was a success: you showed up {n} of {m} times. Well done!",
            last_week.tally.expected,
        )
    else:
        return None
    return text.format(n=week.tally.showed_up, m=week.tally.expected)


def overview_text(view: AttendanceOverview, titles: dict[int, str], today: date) -> str:
    overall = view.overall
    if not any(week.tally.planned for week in overall.weeks):
        return (
            _("<b>Your attendance</b>")
            + "\n\n"
            + _(
                "Nothing to show yet. Add your activities with /plan, and after each one I'll "
                "ask how it went."
            )
        )
    week = overall.this_week.tally
    lines = [
        _("<b>Your attendance</b>"),
        "",
        _(
            "This week: attended {attended}, late {late}, left early {left}, absent {absent}, "
            "cancelled with notice {cancelled}."
        ).format(
            attended=week.count(Outcome.ATTENDED),
            late=week.count(Outcome.LATE),
            left=week.count(Outcome.LEFT_EARLY),
            absent=week.count(Outcome.ABSENT),
            cancelled=week.count(Outcome.CANCELLED),
        ),
        "",
    ]
    shown = list(overall.weeks[-CHART_WEEKS:])
    while shown and not shown[0].tally.planned:
        shown.pop(0)  # weeks before the plan began say nothing
    lines += [_week_line(w) for w in shown]
    lines.append("")
    if overall.current_run:
        run = overall.current_run
        lines.append(
            ngettext(
                "You showed up last time. 💪",
                "You've shown up {n} times in a row. 💪",
                run,
            ).format(n=run)
        )
    lines.append(
        _("Last 4 weeks: {four} · last 12 weeks: {twelve}").format(
            four=_pct(overall.rate_4w), twelve=_pct(overall.rate_12w)
        )
        + _trend_words(overall.trend)
    )
    if len(view.per_activity) > 1:
        for activity_id, stats in view.per_activity.items():
            if stats.rate_12w is None:
                continue
            title = html.escape(titles.get(activity_id, "–"))
            lines.append(f"• {title}: {_pct(stats.rate_4w)} / {_pct(stats.rate_12w)}")
    success = _success_line(overall, today)
    if success:
        lines += ["", success]
    return "\n".join(lines)


def _trend_words(trend: str | None) -> str:
    if trend == "up":
        return " — " + _("going up ↗")
    if trend == "down":
        return " — " + _("a little down; a new week is a new try ↘")
    if trend == "steady":
        return " — " + _("steady →")
    return ""
