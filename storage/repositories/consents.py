from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Consent


class ConsentsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, person_id: int, text_version: str, locale: str, now: datetime) -> None:
        self.session.add(
            Consent(person_id=person_id, text_version=text_version, locale=locale, given_at=now)
        )
        await self.session.flush()

    async def current(self, person_id: int) -> Consent | None:
        result = await self.session.execute(
            select(Consent)
            .where(Consent.person_id == person_id, Consent.withdrawn_at.is_(None))
            .order_by(Consent.given_at.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()
