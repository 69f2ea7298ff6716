"""The reads the script-trigger scheduler makes: who may get a script, and silent spells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import CheckinDay, MentorLink, Person, Role, YouthSettings


@dataclass(frozen=True)
class TriggerCandidate:
    """A reachable, onboarded person of one role, with what schedule triggers look at."""

    person_id: int
    timezone: str
    joined_at: datetime
    checkin_time: str | None
    checkin_days: str | None
    paused_from: date | None
    paused_until: date | None
    mentor_name: str | None


_ROLE_COLUMN = {
    Role.YOUTH: Person.is_youth,
    Role.MENTOR: Person.is_mentor,
    Role.STAFF: Person.is_staff,
}


class TriggerCandidatesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def people(self, role: Role) -> list[TriggerCandidate]:
        mentor = aliased(Person)
        result = await self.session.execute(
            select(
                Person.id,
                Person.timezone,
                Person.onboarded_at,
                YouthSettings.checkin_time,
                YouthSettings.checkin_days,
                YouthSettings.paused_from,
                YouthSettings.paused_until,
                mentor.first_name,
            )
            .outerjoin(YouthSettings, YouthSettings.person_id == Person.id)
            .outerjoin(
                MentorLink, and_(MentorLink.youth_id == Person.id, MentorLink.ended_at.is_(None))
            )
            .outerjoin(mentor, mentor.id == MentorLink.mentor_id)
            .where(
                _ROLE_COLUMN[role].is_(True),
                Person.onboarded_at.is_not(None),
                Person.left_at.is_(None),
                Person.unreachable_since.is_(None),
            )
            .order_by(Person.id)
        )
        return [
            TriggerCandidate(row[0], row[1], row[2], *row[3:])
            for row in result.all()
            if row[2] is not None
        ]

    async def recent_days(
        self, person_ids: Sequence[int], since: date
    ) -> dict[int, list[tuple[date, str]]]:
        """Check-in days (date, status) per person since `since`, newest first."""
        out: dict[int, list[tuple[date, str]]] = {pid: [] for pid in person_ids}
        if not person_ids:
            return out
        result = await self.session.execute(
            select(CheckinDay.person_id, CheckinDay.local_date, CheckinDay.status)
            .where(CheckinDay.person_id.in_(list(person_ids)), CheckinDay.local_date >= since)
            .order_by(CheckinDay.local_date.desc())
        )
        for person_id, day, status in result.all():
            out[person_id].append((day, status))
        return out
