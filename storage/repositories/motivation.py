"""Sent prompts and named successes. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SentPrompt, Success


class MotivationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def prompts_since(self, youth_id: int, since: date) -> Sequence[SentPrompt]:
        """Newest first."""
        result = await self.session.execute(
            select(SentPrompt)
            .where(SentPrompt.youth_id == youth_id, SentPrompt.local_date >= since)
            .order_by(SentPrompt.local_date.desc(), SentPrompt.id.desc())
        )
        return result.scalars().all()

    async def add_prompt_once(self, row: SentPrompt) -> bool:
        """False when a prompt for that youth and day exists already (another process)."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def add_success_once(self, row: Success) -> bool:
        """Automatic successes carry a ref; the same (kind, ref) is stored only once."""
        if row.ref is not None:
            existing = await self.session.execute(
                select(Success.id).where(
                    Success.youth_id == row.youth_id,
                    Success.kind == row.kind,
                    Success.ref == row.ref,
                )
            )
            if existing.first() is not None:
                return False
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def successes(
        self, youth_id: int, first: date | None = None, last: date | None = None
    ) -> Sequence[Success]:
        """Oldest first."""
        query = select(Success).where(Success.youth_id == youth_id)
        if first is not None:
            query = query.where(Success.local_date >= first)
        if last is not None:
            query = query.where(Success.local_date <= last)
        result = await self.session.execute(query.order_by(Success.local_date, Success.id))
        return result.scalars().all()
