"""Activities, attendance records and attendance settings. Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, YouthSettings
from storage.models.attendance import Activity, AttendanceRecord, AttendanceSettings


@dataclass(frozen=True)
class PlannedActivity:
    """An active activity with what its schedule needs from its youth."""

    activity: Activity
    timezone: str
    paused_from: date | None
    paused_until: date | None


class ActivitiesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, activity: Activity) -> Activity:
        self.session.add(activity)
        await self.session.flush()
        return activity

    async def get(self, activity_id: int) -> Activity | None:
        return await self.session.get(Activity, activity_id)

    async def of_youth(self, youth_id: int, *, with_deleted: bool = False) -> Sequence[Activity]:
        statement = select(Activity).where(Activity.youth_id == youth_id)
        if not with_deleted:
            statement = statement.where(Activity.deleted_at.is_(None))
        result = await self.session.execute(statement.order_by(Activity.id))
        return result.scalars().all()

    async def planned(self, youth_id: int | None = None) -> list[PlannedActivity]:
        """Active activities of onboarded youths who have not left and can be reached."""
        statement = (
            select(
                Activity, Person.timezone, YouthSettings.paused_from, YouthSettings.paused_until
            )
            .join(Person, Person.id == Activity.youth_id)
            .outerjoin(YouthSettings, YouthSettings.person_id == Activity.youth_id)
            .where(
                Activity.deleted_at.is_(None),
                Person.onboarded_at.is_not(None),
                Person.left_at.is_(None),
                Person.unreachable_since.is_(None),
            )
            .order_by(Activity.id)
        )
        if youth_id is not None:
            statement = statement.where(Activity.youth_id == youth_id)
        result = await self.session.execute(statement)
        return [PlannedActivity(*row) for row in result.all()]


class AttendanceRecordsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, activity_id: int, day: date) -> AttendanceRecord | None:
        result = await self.session.execute(
            select(AttendanceRecord).where(
                AttendanceRecord.activity_id == activity_id, AttendanceRecord.local_date == day
            )
        )
        return result.scalar_one_or_none()

    async def get_or_create(self, activity_id: int, youth_id: int, day: date) -> AttendanceRecord:
        row = await self.get(activity_id, day)
        if row is None:
            row = AttendanceRecord(activity_id=activity_id, youth_id=youth_id, local_date=day)
            self.session.add(row)
            await self.session.flush()
        return row

    async def of_youth_between(
        self, youth_id: int, first: date, last: date
    ) -> Sequence[AttendanceRecord]:
        result = await self.session.execute(
            select(AttendanceRecord)
            .where(
                AttendanceRecord.youth_id == youth_id,
                AttendanceRecord.local_date >= first,
                AttendanceRecord.local_date <= last,
            )
            .order_by(AttendanceRecord.local_date, AttendanceRecord.id)
        )
        return result.scalars().all()


class AttendanceSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, youth_id: int, now: datetime) -> AttendanceSettings:
        """The stored settings, or the defaults (not added to the session: reading never
        writes)."""
        settings = await self.session.get(AttendanceSettings, youth_id)
        if settings is None:
            settings = AttendanceSettings(
                youth_id=youth_id,
                tell_mentor=False,
                absence_alert_after=2,
                weekly_rate_alert_below=50,
                updated_at=now,
            )
        return settings

    async def get_or_create(self, youth_id: int, now: datetime) -> AttendanceSettings:
        settings = await self.get(youth_id, now)
        if settings not in self.session:
            self.session.add(settings)
            await self.session.flush()
        return settings
