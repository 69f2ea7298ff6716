"""Texts of reporting settings and the staff overview. Call inside the reader's locale."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_percent

from bot.services.cohort import CohortRow
from storage.models import MentorSettings


def weekday_names() -> list[str]:
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]


def summary_day_text(settings: MentorSettings) -> str:
    return _("Your weekly summary comes every {day} at {time}.").format(
        day=weekday_names()[settings.summary_weekday - 1].lower(), time=settings.summary_time
    )


def quiet_hours_text(settings: MentorSettings) -> str:
    if settings.quiet_from == settings.quiet_until:
        return _("Alerts come at any time of day. A crisis alert always comes at once.")
    return _(
        "Alerts that come between {start} and {end} wait until {end}. "
        "A crisis alert always comes at once."
    ).format(start=settings.quiet_from, end=settings.quiet_until)


def _rate(value: float | None, locale: str) -> str:
    return "–" if value is None else format_percent(value, "0 %", locale=locale)


def cohort_text(rows: Sequence[CohortRow], locale: str) -> str:
    """One block per mentor, the overall line last; short enough for a phone."""
    lines = [_("<b>Cohort, last 7 days</b>")]
    for row in rows:
        name = html.escape(row.mentor_name) if row.mentor_id is not None else _("<b>All</b>")
        line = _("{name}: {active} · check-ins {checkins} · attendance {attendance} · {alerts}")
        lines.append(
            line.format(
                name=name,
                active=ngettext("{count} active", "{count} active", row.youths_active).format(
                    count=row.youths_active
                ),
                checkins=_rate(row.checkin_rate, locale),
                attendance=_rate(row.attendance_rate, locale),
                alerts=ngettext(
                    "{count} open alert", "{count} open alerts", row.alerts_open
                ).format(count=row.alerts_open),
            )
        )
        if row.reviewed_twice:
            lines[-1] += " · " + _("🧭 moved up since first review: {moved} of {reviewed}").format(
                moved=row.moved_up, reviewed=row.reviewed_twice
            )
    return "\n".join(lines)
