"""Talk requests. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.talk_requests import TalkRequest


class TalkRequestsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: TalkRequest) -> TalkRequest:
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, request_id: int) -> TalkRequest | None:
        return await self.session.get(TalkRequest, request_id)

    async def open_for(self, youth_id: int) -> TalkRequest | None:
        """The youth's latest request that has no answer yet."""
        result = await self.session.execute(
            select(TalkRequest)
            .where(TalkRequest.youth_id == youth_id, TalkRequest.answered_at.is_(None))
            .order_by(TalkRequest.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def between(
        self, youth_id: int, since: datetime, until: datetime
    ) -> Sequence[TalkRequest]:
        result = await self.session.execute(
            select(TalkRequest)
            .where(
                TalkRequest.youth_id == youth_id,
                TalkRequest.requested_at >= since,
                TalkRequest.requested_at < until,
            )
            .order_by(TalkRequest.id)
        )
        return result.scalars().all()
