"""Crisis flags, safety plans, erasure requests and handled update ids. Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CrisisFlag, ErasureRequest, ErasureStatus, ProcessedUpdate, SafetyPlan


class CrisisFlagsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, flag: CrisisFlag) -> CrisisFlag:
        self.session.add(flag)
        await self.session.flush()
        return flag

    async def get(self, flag_id: int) -> CrisisFlag | None:
        return await self.session.get(CrisisFlag, flag_id)

    async def for_person(self, person_id: int) -> Sequence[CrisisFlag]:
        result = await self.session.execute(
            select(CrisisFlag).where(CrisisFlag.person_id == person_id).order_by(CrisisFlag.id)
        )
        return result.scalars().all()

    async def drop_undecided_texts(self, created_before: datetime) -> int:
        """Forgets held texts the youth never decided about (privacy by default)."""
        result = await self.session.execute(
            update(CrisisFlag)
            .where(
                CrisisFlag.share_text.is_(None),
                CrisisFlag.text.is_not(None),
                CrisisFlag.created_at < created_before,
            )
            .values(text=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class SafetyPlansRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> SafetyPlan | None:
        return await self.session.get(SafetyPlan, person_id)

    async def get_or_create(self, person_id: int, now: datetime) -> SafetyPlan:
        plan = await self.get(person_id)
        if plan is None:
            plan = SafetyPlan(person_id=person_id, updated_at=now)
            self.session.add(plan)
            await self.session.flush()
        return plan


class ErasureRequestsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, person_id: int, now: datetime) -> ErasureRequest:
        request = ErasureRequest(person_id=person_id, requested_at=now)
        self.session.add(request)
        await self.session.flush()
        return request

    async def get(self, request_id: int) -> ErasureRequest | None:
        return await self.session.get(ErasureRequest, request_id)

    async def open_for(self, person_id: int) -> ErasureRequest | None:
        result = await self.session.execute(
            select(ErasureRequest)
            .where(
                ErasureRequest.person_id == person_id,
                ErasureRequest.status == ErasureStatus.REQUESTED.value,
            )
            .limit(1)
        )
        return result.scalar_one_or_none()


def _claim_statement(insert: Any) -> Any:
    return (
        insert(cast(Table, ProcessedUpdate.__table__))
        .values(
            bot_id=bindparam("bot_id"),
            update_id=bindparam("update_id"),
            fingerprint=bindparam("fingerprint"),
            claimed_at=bindparam("claimed_at"),
            done_at=bindparam("done_at"),
        )
        .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
    )


# Built once: one claim per update is the hottest statement there is.
_CLAIMS = {
    "postgresql": _claim_statement(postgresql.insert),
    "sqlite": _claim_statement(sqlite.insert),
}


class ProcessedUpdatesRepository:
    """Claims on update ids. A claim is one row; the primary key makes a second claim fail."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self,
        bot_id: int,
        update_id: int,
        fingerprint: str,
        now: datetime,
        stale_before: datetime,
        *,
        handled: bool = False,
    ) -> bool:
        """True when this caller may handle the update: nobody claimed it; or the claim is for
        different content (a reused id); or it is unfinished and older than `stale_before`
        (its instance died). `handled`: the claim is written inside the update's own
        transaction, so it is stored as handled (done) when that transaction commits, and
        vanishes with it when it rolls back."""
        # One statement in the common case (no savepoint, no ORM flush): the primary key decides.
        dialect = self.session.get_bind().dialect.name
        done_at = now if handled else None
        inserted = await self.session.execute(
            _CLAIMS[dialect],
            {
                "bot_id": bot_id,
                "update_id": update_id,
                "fingerprint": fingerprint,
                "claimed_at": now,
                "done_at": done_at,
            },
        )
        if int(getattr(inserted, "rowcount", 0) or 0) == 1:
            return True
        result = await self.session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.bot_id == bot_id,
                ProcessedUpdate.update_id == update_id,
                or_(
                    ProcessedUpdate.fingerprint != fingerprint,
                    and_(
                        ProcessedUpdate.done_at.is_(None),
                        ProcessedUpdate.claimed_at < stale_before,
                    ),
                ),
            )
            .values(claimed_at=now, fingerprint=fingerprint, done_at=done_at)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def unfinished(self, bot_id: int, update_id: int) -> bool:
        """True while somebody holds the claim and has not finished the update."""
        result = await self.session.execute(
            select(ProcessedUpdate.update_id).where(
                ProcessedUpdate.bot_id == bot_id,
                ProcessedUpdate.update_id == update_id,
                ProcessedUpdate.done_at.is_(None),
            )
        )
        return result.first() is not None

    async def finish(self, bot_id: int, update_id: int, now: datetime) -> None:
        await self.session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id)
            .values(done_at=now)
        )

    async def release(self, bot_id: int, update_id: int) -> None:
        await self.session.execute(
            delete(ProcessedUpdate).where(
                ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id
            )
        )

    async def forget_before(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.claimed_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
