"""The reads and writes of mentor reporting: settings, sent summaries, notes, the facts a summary
is built from, alert acknowledgement and escalation, the cohort counts. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Alert,
    Answer,
    CheckinDay,
    MentorLink,
    MentorNote,
    MentorSettings,
    Person,
    SentSummary,
)


@dataclass(frozen=True)
class SummaryRecipient:
    """A mentor who gets weekly summaries, with the settings the schedule needs."""

    person_id: int
    timezone: str
    weekday: int
    at: str


class MentorSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> MentorSettings | None:
        return await self.session.get(MentorSettings, person_id)

    async def get_or_create(self, person_id: int, now: datetime) -> MentorSettings:
        row = await self.get(person_id)
        if row is None:
            row = MentorSettings(
                person_id=person_id,
                summary_weekday=1,
                summary_time="08:00",
                quiet_from="21:00",
                quiet_until="07:00",
                updated_at=now,
            )
            self.session.add(row)
            await self.session.flush()
        return row

    async def summary_recipients(self) -> list[SummaryRecipient]:
        """Onboarded, reachable mentors who have not left; defaults where they set nothing."""
        result = await self.session.execute(
            select(
                Person.id,
                Person.timezone,
                func.coalesce(MentorSettings.summary_weekday, 1),
                func.coalesce(MentorSettings.summary_time, "08:00"),
            )
            .outerjoin(MentorSettings, MentorSettings.person_id == Person.id)
            .where(
                Person.is_mentor.is_(True),
                Person.onboarded_at.is_not(None),
                Person.left_at.is_(None),
                Person.unreachable_since.is_(None),
            )
            .order_by(Person.id)
        )
        return [SummaryRecipient(*row) for row in result.all()]


class SentSummariesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self, mentor_id: int, youth_id: int, week: str, text: str, now: datetime
    ) -> SentSummary:
        """Stores what was sent; a second summary for the same week replaces the words."""
        existing = await self.get(mentor_id, youth_id, week)
        if existing is not None:
            existing.text = text
            existing.sent_at = now
            return existing
        row = SentSummary(
            mentor_id=mentor_id, youth_id=youth_id, week=week, text=text, sent_at=now
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            again = await self.get(mentor_id, youth_id, week)
            assert again is not None
            return again
        return row

    async def get(self, mentor_id: int, youth_id: int, week: str) -> SentSummary | None:
        result = await self.session.execute(
            select(SentSummary).where(
                SentSummary.mentor_id == mentor_id,
                SentSummary.youth_id == youth_id,
                SentSummary.week == week,
            )
        )
        return result.scalar_one_or_none()

    async def latest_for_youth(self, youth_id: int) -> SentSummary | None:
        result = await self.session.execute(
            select(SentSummary)
            .where(SentSummary.youth_id == youth_id)
            .order_by(SentSummary.sent_at.desc(), SentSummary.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def for_youth(self, youth_id: int) -> Sequence[SentSummary]:
        result = await self.session.execute(
            select(SentSummary)
            .where(SentSummary.youth_id == youth_id)
            .order_by(SentSummary.sent_at, SentSummary.id)
        )
        return result.scalars().all()


class MentorNotesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, mentor_id: int, youth_id: int, text: str, now: datetime) -> MentorNote:
        note = MentorNote(mentor_id=mentor_id, youth_id=youth_id, text=text, created_at=now)
        self.session.add(note)
        await self.session.flush()
        return note

    async def for_youth(
        self, youth_id: int, since: datetime | None = None, until: datetime | None = None
    ) -> Sequence[MentorNote]:
        """All notes about a youth (whoever was the mentor then), oldest first."""
        statement = select(MentorNote).where(MentorNote.youth_id == youth_id)
        if since is not None:
            statement = statement.where(MentorNote.created_at >= since)
        if until is not None:
            statement = statement.where(MentorNote.created_at < until)
        result = await self.session.execute(statement.order_by(MentorNote.created_at))
        return result.scalars().all()


class ReportReadsRepository:
    """The records a summary, a status or an export is built from."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def checkin_days(self, youth_id: int, first: date, last: date) -> Sequence[CheckinDay]:
        result = await self.session.execute(
            select(CheckinDay)
            .where(
                CheckinDay.person_id == youth_id,
                CheckinDay.local_date >= first,
                CheckinDay.local_date <= last,
            )
            .order_by(CheckinDay.local_date)
        )
        return result.scalars().all()

    async def answers(
        self, youth_id: int, first: date, last: date, *, free_text: bool | None = None
    ) -> Sequence[Answer]:
        """Answers about days first..last; ``free_text`` True/False filters by kind."""
        statement = select(Answer).where(
            Answer.person_id == youth_id,
            Answer.local_date >= first,
            Answer.local_date <= last,
        )
        if free_text is not None:
            statement = statement.where(Answer.is_free_text.is_(free_text))
        result = await self.session.execute(statement.order_by(Answer.local_date, Answer.id))
        return result.scalars().all()

    async def alerts(self, youth_id: int, first: date, last: date) -> Sequence[Alert]:
        result = await self.session.execute(
            select(Alert)
            .where(Alert.youth_id == youth_id, Alert.local_date >= first, Alert.local_date <= last)
            .order_by(Alert.local_date, Alert.id)
        )
        return result.scalars().all()

    async def open_alerts(self, youth_id: int) -> Sequence[Alert]:
        result = await self.session.execute(
            select(Alert)
            .where(Alert.youth_id == youth_id, Alert.acknowledged_at.is_(None))
            .order_by(Alert.local_date, Alert.id)
        )
        return result.scalars().all()

    async def has_alert_since(self, youth_id: int, kind: str, since: datetime) -> bool:
        result = await self.session.execute(
            select(func.count())
            .select_from(Alert)
            .where(Alert.youth_id == youth_id, Alert.kind == kind, Alert.created_at >= since)
        )
        return int(result.scalar_one()) > 0

    async def open_alert_counts(self, youth_ids: Sequence[int]) -> dict[int, int]:
        if not youth_ids:
            return {}
        result = await self.session.execute(
            select(Alert.youth_id, func.count())
            .where(Alert.youth_id.in_(list(youth_ids)), Alert.acknowledged_at.is_(None))
            .group_by(Alert.youth_id)
        )
        return {row[0]: int(row[1]) for row in result.all()}

    async def current_links(self) -> list[tuple[int, int]]:
        """(mentor_id, youth_id) for every current link to a youth who has not left."""
        result = await self.session.execute(
            select(MentorLink.mentor_id, MentorLink.youth_id)
            .join(Person, Person.id == MentorLink.youth_id)
            .where(
                MentorLink.ended_at.is_(None), Person.left_at.is_(None), Person.is_youth.is_(True)
            )
            .order_by(MentorLink.mentor_id, MentorLink.youth_id)
        )
        return [(row[0], row[1]) for row in result.all()]

    async def mentor_history(self, youth_id: int) -> list[tuple[int, datetime, datetime | None]]:
        """(mentor_id, started, ended) for every link the youth has had, oldest first."""
        result = await self.session.execute(
            select(MentorLink.mentor_id, MentorLink.started_at, MentorLink.ended_at)
            .where(MentorLink.youth_id == youth_id)
            .order_by(MentorLink.started_at, MentorLink.id)
        )
        return [(row[0], row[1], row[2]) for row in result.all()]

    async def youths_unreachable_between(self, since: datetime, until: datetime) -> list[Person]:
        result = await self.session.execute(
            select(Person).where(
                Person.is_youth.is_(True),
                Person.left_at.is_(None),
                Person.unreachable_since > since,
                Person.unreachable_since <= until,
            )
        )
        return list(result.scalars().all())


class AlertActionsRepository:
    """Acknowledging and escalating alerts: conditional updates, so a double tap or a second
    instance changes nothing twice."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def acknowledge(self, alert_id: int, person_id: int, now: datetime) -> bool:
        """True when this call acknowledged it; False when it already was."""
        result = await self.session.execute(
            update(Alert)
            .where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by_id=person_id)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def mark_sent(self, alert_id: int, now: datetime) -> None:
        await self.session.execute(
            update(Alert)
            .where(Alert.id == alert_id, Alert.sent_at.is_(None))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )

    async def due_for_escalation(self, kind: str, created_before: datetime) -> Sequence[Alert]:
        result = await self.session.execute(
            select(Alert)
            .where(
                and_(
                    Alert.kind == kind,
                    Alert.acknowledged_at.is_(None),
                    Alert.escalated_at.is_(None),
                    Alert.created_at <= created_before,
                )
            )
            .order_by(Alert.id)
        )
        return result.scalars().all()

    async def mark_escalated(self, alert_ids: Sequence[int], now: datetime) -> None:
        if not alert_ids:
            return
        await self.session.execute(
            update(Alert)
            .where(Alert.id.in_(list(alert_ids)), Alert.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
