"""Demands set by the contact person. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.demands import Demand, DemandStatus


class DemandsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Demand) -> Demand:
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, demand_id: int) -> Demand | None:
        return await self.session.get(Demand, demand_id)

    async def history(self, youth_id: int, subgoal: str | None = None) -> Sequence[Demand]:
        """Oldest first."""
        statement = select(Demand).where(Demand.youth_id == youth_id)
        if subgoal is not None:
            statement = statement.where(Demand.subgoal == subgoal)
        result = await self.session.execute(statement.order_by(Demand.id))
        return result.scalars().all()

    async def open_due_between(self, first: date, last: date) -> Sequence[Demand]:
        result = await self.session.execute(
            select(Demand)
            .where(
                Demand.status == DemandStatus.OPEN.value,
                Demand.due_on >= first,
                Demand.due_on <= last,
            )
            .order_by(Demand.id)
        )
        return result.scalars().all()

    async def overlapping(self, youth_id: int, first: date, last: date) -> Sequence[Demand]:
        result = await self.session.execute(
            select(Demand)
            .where(Demand.youth_id == youth_id, Demand.week_start <= last, Demand.due_on >= first)
            .order_by(Demand.id)
        )
        return result.scalars().all()
