"""The weekly summary to each mentor, and reading a youth's data as a mentor or staff.

The rules, in plain words:
- Each mentor gets one summary per ISO week, at the weekday and local time they chose (default
  Monday 08:00, in the mentor's own zone; across DST the local time holds). The ledger's slot
  key is the ISO week ("2026-W48"), so a week never gets two, even if the mentor moves the day.
- A summary covers the 7 local days before the day it is sent, per youth in the youth's zone.
- Only the youth's current mentor (or staff) may read a youth's data; every read is written to
  the audit log with its purpose.
- What each summary said about each youth is stored word for word, so the youth can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.checkin_schedule import local_moment
from bot.services.figures import (
    Period,
    ReportSources,
    WeekFacts,
    WeeklySeries,
    gather_week_facts,
    weekly_series,
)
from storage.models import Person, SentSummary
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import SentSummariesRepository

SUMMARY_DELIVERY = "summary"
CHART_WEEKS = 12


def week_key(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def summary_moments(
    weekday: int, at: str, timezone: str, since: datetime, until: datetime
) -> list[tuple[str, datetime]]:
    """(ISO week, UTC moment) of each summary due in (since, until]."""
    zone = ZoneInfo(timezone)
    hours, minutes = (int(part) for part in at.split(":"))
    first = since.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    moments = []
    day = first
    while day <= last:
        if day.isoweekday() == weekday:
            moment = local_moment(day, time(hours, minutes), zone)
            if since < moment <= until:
                moments.append((week_key(day), moment))
        day += timedelta(days=1)
    return moments


@dataclass(frozen=True)
class YouthReport:
    youth: Person
    facts: WeekFacts


class ReportAccessDenied(Exception):
    """The reader is neither the youth's current mentor nor staff."""


class SummaryService:
    def __init__(self, session: AsyncSession, clock: Clock, sources: ReportSources) -> None:
        self.session = session
        self.clock = clock
        self.sources = sources
        self.people = PeopleRepository(session)
        self.audit = AuditRepository(session)

    async def youths_of(self, mentor: Person) -> list[Person]:
        return [y for y in await self.people.youths_of(mentor.id) if y.left_at is None]

    async def weekly_reports(self, mentor: Person, sent_at: datetime) -> list[YouthReport]:
        """Facts for each of the mentor's youths, for the 7 days before ``sent_at``."""
        reports = []
        for youth in await self.youths_of(mentor):
            local_day = sent_at.astimezone(ZoneInfo(youth.timezone)).date()
            facts = await gather_week_facts(
                self.session, youth, Period.week_before(local_day), self.sources
            )
            reports.append(YouthReport(youth, facts))
        return reports

    async def record_sent(
        self, mentor: Person, youth: Person, week: str, text: str, purpose: str
    ) -> SentSummary:
        now = self.clock.now()
        row = await SentSummariesRepository(self.session).record(
            mentor.id, youth.id, week, text, now
        )
        await self.audit.add(
            "data.read", now, actor_id=mentor.id, subject_id=youth.id, purpose=purpose, week=week
        )
        return row

    async def stored_summary(self, reader: Person, youth_id: int, week: str) -> SentSummary:
        """A summary already sent to this mentor (the digest's buttons open these)."""
        youth = await self.readable_youth(reader, youth_id, "summary_from_digest")
        row = await SentSummariesRepository(self.session).get(reader.id, youth.id, week)
        if row is None:
            raise ReportAccessDenied
        return row

    async def readable_youth(self, reader: Person, youth_id: int, purpose: str) -> Person:
        """The youth, if ``reader`` is their current mentor or staff (AccessService decides and
        audits; a youth reads their own reports with /mysummary, not through these tools)."""
        access = AccessService(self.session, self.clock)
        youth = await access.youth_for_mentor_work(reader, youth_id, purpose)
        if youth is None:
            await self.session.commit()  # keep the audit trail of the refusal
            raise ReportAccessDenied
        return youth

    async def current_status(self, reader: Person, youth_id: int) -> YouthReport:
        """The last 7 days up to today, on demand."""
        youth = await self.readable_youth(reader, youth_id, "status")
        today = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        facts = await gather_week_facts(
            self.session, youth, Period.last_days(today), self.sources, today=today
        )
        await self.session.commit()
        return YouthReport(youth, facts)

    async def series(self, youth: Person, last_day: date) -> WeeklySeries:
        return await weekly_series(self.session, youth, last_day, CHART_WEEKS, self.sources)

    async def latest_for_youth(self, youth: Person) -> SentSummary | None:
        """The youth's own view: what their mentor's latest summary said about them."""
        return await SentSummariesRepository(self.session).latest_for_youth(youth.id)
