from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.alerts import Alert


class AlertsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_once(
        self,
        youth_id: int,
        mentor_id: int | None,
        kind: str,
        local_date: date,
        now: datetime,
        detail: dict[str, Any],
    ) -> Alert | None:
        """The new alert, or None when this youth already had one of this kind that day."""
        alert = Alert(
            youth_id=youth_id,
            mentor_id=mentor_id,
            kind=kind,
            local_date=local_date,
            created_at=now,
            detail=json.dumps(detail, sort_keys=True),
        )
        try:
            async with self.session.begin_nested():
                self.session.add(alert)
                await self.session.flush()
        except IntegrityError:
            return None
        return alert

    async def get(self, alert_id: int) -> Alert | None:
        return await self.session.get(Alert, alert_id)

    async def for_youth(self, youth_id: int) -> Sequence[Alert]:
        result = await self.session.execute(
            select(Alert).where(Alert.youth_id == youth_id).order_by(Alert.id)
        )
        return result.scalars().all()

    async def of_day(self, youth_id: int, kind: str, local_date: date) -> Alert | None:
        result = await self.session.execute(
            select(Alert).where(
                Alert.youth_id == youth_id, Alert.kind == kind, Alert.local_date == local_date
            )
        )
        return result.scalars().first()
