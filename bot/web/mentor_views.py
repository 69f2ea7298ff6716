"""What the mentor pages show, gathered through the same functions as the Telegram summary
(bot/services/figures.py: gather_week_facts, weekly_series) so the figures agree.

Every youth shown was handed out by AccessService (a "data.read" in the audit log per youth and
page, so /mydata lists console reads); this module never reads a youth it was not given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.figures import (
    MentorNoteFact,
    Period,
    ReportSources,
    WeekFacts,
    WeeklySeries,
    gather_week_facts,
    weekly_series,
)
from bot.services.ratings import youths_for
from storage.models import Alert, AlertKind, MentorBelief, Person, SentSummary
from storage.repositories.progress import ProgressRepository
from storage.repositories.reporting import ReportReadsRepository, SentSummariesRepository
from storage.repositories.web import ConsoleReadsRepository

CHART_WEEKS = 12
OVERVIEW_PURPOSE = "web_overview"
YOUTH_PURPOSE = "web_youth"


@dataclass(frozen=True)
class YouthRow:
    """One row of "My young people"."""

    youth: Person
    facts: WeekFacts
    open_alerts: int
    belief: int | None
    attention: int

    @property
    def last_note(self) -> MentorNoteFact | None:
        return self.facts.mentor_notes[-1] if self.facts.mentor_notes else None

    @property
    def moods(self) -> list[float | None]:
        return [float(mood) for _day, mood in self.facts.checkins.moods]

    @property
    def steps_done(self) -> int | None:
        steps = self.facts.goal_steps
        return len(steps.done) if steps is not None else None

    @property
    def steps_due(self) -> int | None:
        steps = self.facts.goal_steps
        return len(steps.due) if steps is not None else None


def attention_score(facts: WeekFacts, open_alerts: int) -> int:
    """Higher first: open alerts (a crisis above all), missed check-ins and low mood in a row,
    a blocked bot, then check-ins kept this week (fewer kept ranks higher)."""
    concerns = facts.concerns
    score = 1000 if AlertKind.CRISIS.value in concerns.open_alerts else 0
    score += 100 * open_alerts
    score += 20 * concerns.missed_run + 20 * concerns.low_mood_run
    score += 50 if concerns.unreachable_since is not None else 0
    score += max(0, facts.checkins.asked - facts.checkins.kept)
    return score


SORTS = ("attention", "name", "checkins", "mood")


def sort_rows(rows: list[YouthRow], by: str) -> list[YouthRow]:
    if by == "name":
        return sorted(rows, key=lambda r: (r.youth.first_name.lower(), r.youth.id))
    if by == "checkins":
        return sorted(rows, key=lambda r: (r.facts.checkins.kept, r.youth.first_name.lower()))
    if by == "mood":
        return sorted(
            rows,
            key=lambda r: (
                r.facts.checkins.mood_average is None,
                r.facts.checkins.mood_average or 0.0,
            ),
        )
    return sorted(rows, key=lambda r: (-r.attention, r.youth.first_name.lower(), r.youth.id))


def local_today(youth: Person, clock: Clock) -> date:
    return clock.now().astimezone(ZoneInfo(youth.timezone)).date()


def this_week(youth: Person, clock: Clock) -> Period:
    """The last 7 days up to today: the same period as the bot's "status now"."""
    return Period.last_days(local_today(youth, clock))


async def overview_rows(
    session: AsyncSession, clock: Clock, sources: ReportSources, reader: Person
) -> list[YouthRow]:
    """The reader's young people (a mentor's own; staff: everyone active), each read through
    AccessService. Not committed: the caller commits the audit entries."""
    access = AccessService(session, clock)
    reads = ReportReadsRepository(session)
    candidates = [y for y in await youths_for(session, reader) if y.left_at is None]
    readable = await access.youths_for_mentor_work(reader, candidates, OVERVIEW_PURPOSE)
    alert_counts = await reads.open_alert_counts([y.id for y in readable])
    beliefs = await ConsoleReadsRepository(session).latest_beliefs([y.id for y in readable])
    rows = []
    for youth in readable:
        facts = await gather_week_facts(
            session, youth, this_week(youth, clock), sources, brief=True
        )
        open_alerts = alert_counts.get(youth.id, 0)
        rows.append(
            YouthRow(
                youth,
                facts,
                open_alerts,
                beliefs.get(youth.id),
                attention_score(facts, open_alerts),
            )
        )
    return rows


@dataclass(frozen=True)
class YouthPage:
    youth: Person
    facts: WeekFacts
    series: WeeklySeries
    mentor_ratings: dict[str, tuple[float | None, ...]]
    beliefs: tuple[float | None, ...]
    summaries: Sequence[SentSummary]
    alerts: Sequence[Alert]
    today: date


def per_week(
    dated: Sequence[tuple[date, float]], week_starts: Sequence[date]
) -> tuple[float | None, ...]:
    """The latest value in each week (None where there is none); `dated` oldest first."""
    latest: dict[date, float] = {}
    for day, value in dated:
        monday = day - timedelta(days=day.weekday())
        latest[monday] = value
    return tuple(latest.get(start) for start in week_starts)


async def youth_page(
    session: AsyncSession, clock: Clock, sources: ReportSources, youth: Person
) -> YouthPage:
    """Everything the page about one youth shows; `youth` must come from AccessService."""
    today = local_today(youth, clock)
    facts = await gather_week_facts(session, youth, Period.last_days(today), sources)
    series = await weekly_series(session, youth, today, CHART_WEEKS, sources)
    progress = ProgressRepository(session)
    mentor_rows = await progress.ratings(youth.id, source="mentor")
    by_subgoal: dict[str, list[tuple[date, float]]] = {}
    for row in mentor_rows:
        by_subgoal.setdefault(row.subgoal, []).append((row.local_date, float(row.value)))
    mentor_ratings = {
        subgoal: per_week(points, series.week_starts) for subgoal, points in by_subgoal.items()
    }
    beliefs: Sequence[MentorBelief] = await progress.beliefs(youth.id)
    belief_points = [(row.local_date, float(row.value)) for row in beliefs]
    alerts = await ReportReadsRepository(session).alerts(
        youth.id, today - timedelta(weeks=CHART_WEEKS), today
    )
    summaries = await SentSummariesRepository(session).for_youth(youth.id)
    return YouthPage(
        youth=youth,
        facts=facts,
        series=series,
        mentor_ratings=mentor_ratings,
        beliefs=per_week(belief_points, series.week_starts),
        summaries=list(reversed(summaries)),
        alerts=sorted(alerts, key=lambda a: (a.acknowledged_at is not None, -a.id)),
        today=today,
    )
