"""Quarantined updates: ids and types only. Repositories never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import QuarantinedUpdate


class QuarantineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, bot_id: int, update_id: int, update_type: str, stage: str, error: str, now: datetime
    ) -> None:
        """Records the update once; a redelivery of the same update changes nothing."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self.session.execute(
            insert(QuarantinedUpdate)
            .values(
                bot_id=bot_id,
                update_id=update_id,
                update_type=update_type[:32],
                stage=stage[:16],
                error=error[:64],
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
        )

    async def count(self) -> int:
        result = await self.session.execute(select(func.count()).select_from(QuarantinedUpdate))
        return int(result.scalar_one())

    async def all(self) -> list[QuarantinedUpdate]:
        result = await self.session.execute(
            select(QuarantinedUpdate).order_by(QuarantinedUpdate.created_at)
        )
        return list(result.scalars())
