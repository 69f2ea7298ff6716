"""The staff overview: per mentor and overall — young people active, check-in rate, attendance
rate and alerts open, over the last 7 days.

"Active" means a youth with a current mentor link who has not left and is not paused today.
The check-in and attendance figures are the ones every report shows (bot/services/figures.py):
kept ÷ asked for check-ins (a partly answered check-in is kept, one still open today is not
asked yet), showed up ÷ expected for attendance (None while nothing was planned).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.figures import Period, ReportSources, checkin_facts
from bot.services.joint_review import moved_up_share
from storage.models import Person, YouthSettings
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import ReportReadsRepository


@dataclass(frozen=True)
class CheckinTally:
    youth_id: int
    asked: int
    kept: int


@dataclass(frozen=True)
class CohortRow:
    mentor_id: int | None  # None: the overall row
    mentor_name: str
    youths_active: int
    checkins_kept: int
    checkins_asked: int
    attendance_showed: int
    attendance_expected: int
    alerts_open: int
    # Joint reviews: youths with ≥ 1 sub-goal up since their first review, of those with ≥ 2.
    moved_up: int = 0
    reviewed_twice: int = 0

    @property
    def moved_up_share(self) -> float | None:
        return self.moved_up / self.reviewed_twice if self.reviewed_twice else None

    @property
    def checkin_rate(self) -> float | None:
        return self.checkins_kept / self.checkins_asked if self.checkins_asked else None

    @property
    def attendance_rate(self) -> float | None:
        return (
            self.attendance_showed / self.attendance_expected if self.attendance_expected else None
        )


class CohortService:
    def __init__(
        self, session: AsyncSession, clock: Clock, sources: ReportSources, timezone: str
    ) -> None:
        self.session = session
        self.clock = clock
        self.sources = sources
        self.zone = ZoneInfo(timezone)

    async def overview(self, reader: Person) -> list[CohortRow]:
        """Rows per mentor (by name), then the overall row. Staff only (the caller checks)."""
        reads = ReportReadsRepository(self.session)
        people = PeopleRepository(self.session)
        now = self.clock.now()
        links = await reads.current_links()
        youth_ids = sorted({youth_id for _mentor, youth_id in links})
        youths = {p.id: p for p in [await people.by_id(i) for i in youth_ids] if p is not None}
        active = {i for i in youth_ids if await self._is_active(youths[i])}
        today = now.astimezone(self.zone).date()
        period = Period.week_before(today + timedelta(days=1))
        tallies: dict[int, CheckinTally] = {}
        for youth_id in sorted(active):
            counted = await checkin_facts(
                self.session, youths[youth_id], period, self.sources.low_mood_max, today
            )
            tallies[youth_id] = CheckinTally(youth_id, counted.asked, counted.kept)
        alerts = await reads.open_alert_counts(youth_ids)
        attendance: dict[int, tuple[int, int]] = {}
        if self.sources.attendance is not None:
            for youth_id in sorted(active):
                facts = await self.sources.attendance.period(
                    self.session, youths[youth_id], period
                )
                if facts is not None:
                    attendance[youth_id] = (facts.attended + facts.late, facts.expected)
        by_mentor: dict[int, list[int]] = {}
        for mentor_id, youth_id in links:
            by_mentor.setdefault(mentor_id, []).append(youth_id)
        rows = []
        for mentor_id, ids in by_mentor.items():
            mentor = await people.by_id(mentor_id)
            row = _row(
                mentor_id,
                mentor.first_name if mentor else "?",
                ids,
                active,
                tallies,
                attendance,
                alerts,
            )
            moved, compared = await moved_up_share(self.session, ids)
            rows.append(replace(row, moved_up=moved, reviewed_twice=compared))
        rows.sort(key=lambda row: (row.mentor_name.lower(), row.mentor_id or 0))
        overall = _row(None, "", youth_ids, active, tallies, attendance, alerts)
        moved, compared = await moved_up_share(self.session, youth_ids)
        rows.append(replace(overall, moved_up=moved, reviewed_twice=compared))
        await AuditRepository(self.session).add(
            "cohort.read", now, actor_id=reader.id, youths=len(youth_ids)
        )
        await self.session.commit()
        return rows

    async def _is_active(self, youth: Person) -> bool:
        settings = await self.session.get(YouthSettings, youth.id)
        if settings is None or (settings.paused_from is None and settings.paused_until is None):
            return True
        today = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        after_start = settings.paused_from is None or today >= settings.paused_from
        before_end = settings.paused_until is None or today <= settings.paused_until
        return not (after_start and before_end)


def _row(
    mentor_id: int | None,
    name: str,
    youth_ids: list[int],
    active: set[int],
    tallies: dict[int, CheckinTally],
    attendance: dict[int, tuple[int, int]],
    alerts: dict[int, int],
) -> CohortRow:
    mine = [i for i in youth_ids if i in active]
    kept = sum(tallies[i].kept for i in mine if i in tallies)
    asked = sum(tallies[i].asked for i in mine if i in tallies)
    return CohortRow(
        mentor_id,
        name,
        len(mine),
        kept,
        asked,
        sum(attendance.get(i, (0, 0))[0] for i in mine),
        sum(attendance.get(i, (0, 0))[1] for i in mine),
        sum(alerts.get(i, 0) for i in youth_ids),
    )


def cohort_csv(rows: list[CohortRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "mentor",
            "youths_active",
            "checkins_kept",
            "checkins_asked",
            "checkin_rate",
            "attendance_rate",
            "alerts_open",
            "reviewed_twice",
            "moved_up",
            "moved_up_share",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.mentor_name if row.mentor_id is not None else "ALL",
                row.youths_active,
                row.checkins_kept,
                row.checkins_asked,
                "" if row.checkin_rate is None else f"{row.checkin_rate:.2f}",
                "" if row.attendance_rate is None else f"{row.attendance_rate:.2f}",
                row.alerts_open,
                row.reviewed_twice,
                row.moved_up,
                "" if row.moved_up_share is None else f"{row.moved_up_share:.2f}",
            ]
        )
    return buffer.getvalue().encode("utf-8")
