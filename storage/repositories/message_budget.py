"""What the unsolicited-message budget reads (bot/services/message_budget.py): the deliveries a
young person got today, the ones waiting beside one, and how long they have been silent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckinDay, CheckinStatus, Delivery, DeliveryStatus

_ANSWERED = (CheckinStatus.ANSWERED.value, CheckinStatus.PARTIAL.value)
_SILENT_LOOKBACK_DAYS = 21


class MessageBudgetReads:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def kinds_used(
        self, person_id: int, start: datetime, end: datetime, statuses: Sequence[str]
    ) -> list[str]:
        """Kinds of this person's deliveries due in [start, end) that left (or are leaving)."""
        result = await self.session.execute(
            select(Delivery.kind).where(
                Delivery.person_id == person_id,
                Delivery.due_at >= start,
                Delivery.due_at < end,
                Delivery.status.in_(statuses),
            )
        )
        return list(result.scalars())

    async def kinds_waiting(
        self, person_id: int, start: datetime, now: datetime, except_id: int
    ) -> list[str]:
        """Kinds of this person's other deliveries due today by ``now`` and not sent yet."""
        result = await self.session.execute(
            select(Delivery.kind).where(
                Delivery.person_id == person_id,
                Delivery.due_at >= start,
                Delivery.due_at <= now,
                Delivery.id != except_id,
                Delivery.status.in_((DeliveryStatus.PENDING.value, DeliveryStatus.CLAIMED.value)),
            )
        )
        return list(result.scalars())

    async def silent_checkin_days(self, person_id: int, today: date) -> int:
        """Check-in days in a row before ``today`` with no answer at all (latest first);
        skipped and paused days are stepped over, an answered day ends the run."""
        result = await self.session.execute(
            select(CheckinDay.status)
            .where(
                CheckinDay.person_id == person_id,
                CheckinDay.local_date < today,
                CheckinDay.local_date >= today - timedelta(days=_SILENT_LOOKBACK_DAYS),
            )
            .order_by(CheckinDay.local_date.desc())
        )
        run = 0
        for status in result.scalars():
            if status in _ANSWERED:
                break
            if status in (CheckinStatus.MISSED.value, CheckinStatus.SENT.value):
                run += 1
        return run
