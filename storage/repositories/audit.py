"""The audit log is append-only: this repository can add and read, never change or delete."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        action: str,
        now: datetime,
        actor_id: int | None = None,
        subject_id: int | None = None,
        **detail: Any,
    ) -> None:
        self.session.add(
            AuditEntry(
                at=now,
                actor_id=actor_id,
                action=action,
                subject_id=subject_id,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
            )
        )
        await self.session.flush()

    async def add_reads(
        self, now: datetime, actor_id: int, subject_ids: Sequence[int], **detail: Any
    ) -> None:
        """One "data.read" per subject, as `add` writes them, in one flush."""
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        self.session.add_all(
            AuditEntry(at=now, actor_id=actor_id, action="data.read", subject_id=s, detail=text)
            for s in subject_ids
        )
        await self.session.flush()

    async def for_subject(self, subject_id: int) -> Sequence[AuditEntry]:
        result = await self.session.execute(
            select(AuditEntry).where(AuditEntry.subject_id == subject_id).order_by(AuditEntry.id)
        )
        return result.scalars().all()

    async def recent(self, limit: int = 100) -> Sequence[AuditEntry]:
        result = await self.session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        )
        return result.scalars().all()
