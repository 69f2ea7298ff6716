from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import YouthSettings


class YouthSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_or_create(self, person_id: int, now: datetime) -> YouthSettings:
        settings = await self.session.get(YouthSettings, person_id)
        if settings is None:
            settings = YouthSettings(person_id=person_id, updated_at=now)
            self.session.add(settings)
            await self.session.flush()
        return settings
