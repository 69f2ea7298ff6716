"""Active sub-goals per youth, ratings, the mentor's belief, and the tagged daily answers
progression is derived from. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, MentorBelief, SubgoalRating, YouthSubgoal


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def subgoal_overrides(self, youth_id: int) -> Sequence[YouthSubgoal]:
        result = await self.session.execute(
            select(YouthSubgoal).where(YouthSubgoal.youth_id == youth_id)
        )
        return result.scalars().all()

    async def subgoal_override(self, youth_id: int, subgoal: str) -> YouthSubgoal | None:
        result = await self.session.execute(
            select(YouthSubgoal).where(
                YouthSubgoal.youth_id == youth_id, YouthSubgoal.subgoal == subgoal
            )
        )
        return result.scalar_one_or_none()

    async def add(self, row: SubgoalRating | MentorBelief | YouthSubgoal) -> None:
        self.session.add(row)
        await self.session.flush()

    async def ratings(
        self, youth_id: int, *, subgoal: str | None = None, source: str | None = None
    ) -> Sequence[SubgoalRating]:
        """Oldest first (by local date, then entry order)."""
        query = select(SubgoalRating).where(SubgoalRating.youth_id == youth_id)
        if subgoal is not None:
            query = query.where(SubgoalRating.subgoal == subgoal)
        if source is not None:
            query = query.where(SubgoalRating.source == source)
        result = await self.session.execute(
            query.order_by(SubgoalRating.local_date, SubgoalRating.id)
        )
        return result.scalars().all()

    async def beliefs(self, youth_id: int) -> Sequence[MentorBelief]:
        result = await self.session.execute(
            select(MentorBelief)
            .where(MentorBelief.youth_id == youth_id)
            .order_by(MentorBelief.local_date, MentorBelief.id)
        )
        return result.scalars().all()

    async def tagged_answers(
        self, youth_id: int, first: date, last: date, *, metric: str | None = None
    ) -> Sequence[Answer]:
        """Answers tagged with a sub-goal or with `metric`, about days in [first, last]."""
        query = select(Answer).where(
            Answer.person_id == youth_id,
            Answer.local_date >= first,
            Answer.local_date <= last,
            Answer.skipped.is_(False),
        )
        if metric is not None:
            query = query.where(Answer.metric == metric)
        else:
            query = query.where(Answer.subgoal.is_not(None))
        result = await self.session.execute(query.order_by(Answer.local_date, Answer.id))
        return result.scalars().all()
