from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckinDay, CheckinStatus


class CheckinDaysRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int, day: date) -> CheckinDay | None:
        result = await self.session.execute(
            select(CheckinDay).where(
                CheckinDay.person_id == person_id, CheckinDay.local_date == day
            )
        )
        return result.scalar_one_or_none()

    async def get_or_create(self, person_id: int, day: date, status: CheckinStatus) -> CheckinDay:
        row = await self.get(person_id, day)
        if row is None:
            row = CheckinDay(person_id=person_id, local_date=day, status=status.value)
            self.session.add(row)
            await self.session.flush()
        return row

    async def set_values(
        self,
        person_id: int,
        day: date,
        values: dict[str, Any],
        *,
        answered_at: datetime | None = None,
    ) -> bool:
        """Sets columns of the day's row in ONE statement, without reading it first (the
        check-in hooks run on every tap). With ``answered_at``, a day still sent (or missed)
        becomes partly answered in the same statement. False if the day has no row."""
        if answered_at is not None:
            unanswered = CheckinDay.status.in_(
                (CheckinStatus.SENT.value, CheckinStatus.MISSED.value)
            )
            values = {
                **values,
                "status": case((unanswered, CheckinStatus.PARTIAL.value), else_=CheckinDay.status),
                "answered_at": case((unanswered, answered_at), else_=CheckinDay.answered_at),
            }
        result = await self.session.execute(
            update(CheckinDay)
            .where(CheckinDay.person_id == person_id, CheckinDay.local_date == day)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) > 0

    async def between(self, person_id: int, first: date, last: date) -> Sequence[CheckinDay]:
        result = await self.session.execute(
            select(CheckinDay)
            .where(
                CheckinDay.person_id == person_id,
                CheckinDay.local_date >= first,
                CheckinDay.local_date <= last,
            )
            .order_by(CheckinDay.local_date)
        )
        return result.scalars().all()

    async def settled(self, pairs: Sequence[tuple[int, date]]) -> set[tuple[int, date]]:
        """Of these (person, day) pairs, those needing no reminder: answered, skipped, snoozed."""
        if not pairs:
            return set()
        people = {person_id for person_id, _ in pairs}
        days = {day for _, day in pairs}
        result = await self.session.execute(
            select(CheckinDay.person_id, CheckinDay.local_date).where(
                CheckinDay.person_id.in_(people),
                CheckinDay.local_date.in_(days),
                (CheckinDay.status != CheckinStatus.SENT.value)
                | CheckinDay.snoozed_until.is_not(None),
            )
        )
        wanted = set(pairs)
        return {(row[0], row[1]) for row in result.all() if (row[0], row[1]) in wanted}

    async def close_open_days_before(self, person_id: int, day: date, now: datetime) -> int:
        """Check-ins asked on earlier days and never answered become missed."""
        result = await self.session.execute(
            update(CheckinDay)
            .where(
                CheckinDay.person_id == person_id,
                CheckinDay.local_date < day,
                CheckinDay.status == CheckinStatus.SENT.value,
            )
            .values(status=CheckinStatus.MISSED.value)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
