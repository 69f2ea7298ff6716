"""The web console's sign-in links and sessions, and the console's own aggregate reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Answer,
    ErasureRequest,
    ErasureStatus,
    MentorBelief,
    WebLoginLink,
    WebSession,
)


class WebSignInRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_link(
        self, person_id: int, token_hash: str, now: datetime, expires_at: datetime
    ) -> WebLoginLink:
        link = WebLoginLink(
            person_id=person_id, token_hash=token_hash, created_at=now, expires_at=expires_at
        )
        self.session.add(link)
        await self.session.flush()
        return link

    async def use_link(self, token_hash: str, now: datetime) -> WebLoginLink | None:
        """Marks an unused, unexpired link used and returns it; None for anything else. One
        UPDATE decides, so two clicks at once cannot both start a session."""
        result = await self.session.execute(
            update(WebLoginLink)
            .where(
                WebLoginLink.token_hash == token_hash,
                WebLoginLink.used_at.is_(None),
                WebLoginLink.expires_at > now,
            )
            .values(used_at=now)
            .returning(WebLoginLink.id)
        )
        link_id = result.scalar_one_or_none()
        return await self.session.get(WebLoginLink, link_id) if link_id is not None else None

    async def add_session(self, person_id: int, token_hash: str, now: datetime) -> WebSession:
        row = WebSession(
            person_id=person_id, token_hash=token_hash, created_at=now, last_seen_at=now
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def live_session(self, token_hash: str, idle_since: datetime) -> WebSession | None:
        result = await self.session.execute(
            select(WebSession).where(
                WebSession.token_hash == token_hash,
                WebSession.ended_at.is_(None),
                WebSession.last_seen_at > idle_since,
            )
        )
        return result.scalar_one_or_none()

    async def end_session(self, token_hash: str, now: datetime) -> None:
        await self.session.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash, WebSession.ended_at.is_(None))
            .values(ended_at=now)
        )

    async def forget_before(self, before: datetime) -> None:
        """Links and sessions that can no longer be used are not kept."""
        await self.session.execute(delete(WebLoginLink).where(WebLoginLink.expires_at < before))
        await self.session.execute(delete(WebSession).where(WebSession.last_seen_at < before))


class ConsoleReadsRepository:
    """Aggregates only the console shows: how far runs of a script get, open erasure requests."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def runs_per_step(self, script_id: str) -> dict[str, int]:
        """For each step id of a script: in how many runs it was answered (any version)."""
        result = await self.session.execute(
            select(Answer.step_id, func.count(func.distinct(Answer.run_id)))
            .where(Answer.script_id == script_id)
            .group_by(Answer.step_id)
        )
        return {step_id: int(count) for step_id, count in result.all()}

    async def runs_started(self, script_id: str) -> int:
        result = await self.session.execute(
            select(func.count(func.distinct(Answer.run_id))).where(Answer.script_id == script_id)
        )
        return int(result.scalar_one() or 0)

    async def latest_beliefs(self, youth_ids: Sequence[int]) -> dict[int, int]:
        """Each youth's latest recorded belief (by local date, then entry order)."""
        if not youth_ids:
            return {}
        result = await self.session.execute(
            select(MentorBelief.youth_id, MentorBelief.value)
            .where(MentorBelief.youth_id.in_(youth_ids))
            .order_by(MentorBelief.local_date, MentorBelief.id)
        )
        return {youth_id: value for youth_id, value in result.all()}

    async def open_erasure_requests(self) -> Sequence[ErasureRequest]:
        result = await self.session.execute(
            select(ErasureRequest)
            .where(ErasureRequest.status == ErasureStatus.REQUESTED.value)
            .order_by(ErasureRequest.requested_at)
        )
        return result.scalars().all()
