"""The words and charts of the mentor pages, from the same text functions as the Telegram
summary (bot/telegram/summary_texts.py, report_messages.py), shown safely as HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web
from babel.dates import format_date
from markupsafe import Markup

from bot.services.goals import GoalService
from bot.services.motivation import live_library
from bot.telegram.report_messages import alert_text
from bot.telegram.summary_texts import (
    concern_texts,
    number,
    opening_line,
    percent,
    success_text,
)
from bot.web.app import console_of, db, locale_of
from bot.web.charts import PALETTE, Line, bar, line_chart, sparkline
from bot.web.mentor_views import YouthPage
from storage.models import Alert, Person

TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "s", "code", "pre"})


class _TelegramToHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in TELEGRAM_TAGS:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in TELEGRAM_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data))


def telegram_html(text: str) -> Markup:
    """A bot message (Telegram's HTML subset) as safe HTML: bold, italics and code kept; every
    other tag dropped and every text escaped, whatever the message holds."""
    parser = _TelegramToHtml()
    parser.feed(text)
    parser.close()
    return Markup("".join(parser.out))


def day_text(day: date, locale: str) -> str:
    return format_date(day, "d. MMM y" if locale == "da" else "d MMM y", locale=locale)


def register_filters(env: Any) -> None:
    env.filters["tg"] = telegram_html
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["day"] = day_text
    env.globals["sparkline"] = sparkline
    env.globals["bar"] = bar


@dataclass(frozen=True)
class AlertItem:
    alert: Alert
    text: Markup
    open: bool


def alert_item(alert: Alert, youth: Person) -> AlertItem:
    return AlertItem(alert, telegram_html(alert_text(alert, youth)), alert.acknowledged_at is None)


def week_labels(page: YouthPage, locale: str) -> list[str]:
    return [
        _("w{week}").format(week=start.isocalendar().week) for start in page.series.week_starts
    ]


def charts(page: YouthPage, locale: str, catalogue: Any) -> list[Markup]:
    """Mood, attendance, each rated sub-goal (self vs mentor) and belief, 12 weeks."""
    labels = week_labels(page, locale)
    series = page.series
    out = [
        line_chart([Line(_("Mood (week average)"), series.mood)], labels, 1, 5, title=_("Mood"))
    ]
    if series.attendance is not None:
        rates = [None if v is None else v * 100 for v in series.attendance]
        out.append(
            line_chart(
                [Line(_("Attendance"), rates, PALETTE[2])],
                labels,
                0,
                100,
                title=_("Attendance"),
                unit="%",
            )
        )
    subgoals = sorted(set(series.ratings) | set(page.mentor_ratings))
    for subgoal in subgoals:
        own = series.ratings.get(subgoal, (None,) * len(labels))
        mentor = page.mentor_ratings.get(subgoal, (None,) * len(labels))
        out.append(
            line_chart(
                [
                    Line(_("Self"), own, PALETTE[0]),
                    Line(_("Mentor"), mentor, PALETTE[1], dashed=True),
                ],
                labels,
                1,
                10,
                title=catalogue.name(subgoal, locale),
            )
        )
    out.append(
        line_chart(
            [Line(_("Belief"), page.beliefs, PALETTE[3])],
            labels,
            0,
            10,
            title=_("Your belief that they will reach job or education"),
        )
    )
    return out


async def youth_page_context(request: web.Request, page: YouthPage) -> dict[str, Any]:
    console = console_of(request)
    runtime = console.app.runtime
    locale = locale_of(request)
    catalogue = runtime.catalogue
    facts = page.facts
    goals = GoalService(db(request), runtime.clock, live_library(db(request), runtime))
    boards = await goals.boards(page.youth)
    return {
        "youth": page.youth,
        "page": page,
        "facts": facts,
        "charts": charts(page, locale, catalogue),
        "successes": [telegram_html(success_text(s, locale, catalogue)) for s in facts.successes],
        "concerns": [telegram_html(text) for text in concern_texts(facts, locale)],
        "opening": opening_line(facts, catalogue, locale),
        "moods": [float(mood) for _day, mood in facts.checkins.moods],
        "alerts": [alert_item(alert, page.youth) for alert in page.alerts],
        "boards": boards,
        "subgoals": [(s.id, catalogue.name(s.id, locale)) for s in catalogue],
        "saved": request.query.get("saved", ""),
        "export_first": (page.today.replace(day=1)).isoformat(),
        "export_last": page.today.isoformat(),
    }
