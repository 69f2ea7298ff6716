"""Joint reviews and their ratings. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MentorLink, Person
from storage.models.joint_reviews import JointRating, JointReview


class JointReviewsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: JointReview | JointRating) -> None:
        self.session.add(row)
        await self.session.flush()

    async def get(self, review_id: int) -> JointReview | None:
        return await self.session.get(JointReview, review_id)

    async def open_for(self, youth_id: int) -> JointReview | None:
        result = await self.session.execute(
            select(JointReview)
            .where(JointReview.youth_id == youth_id, JointReview.closed_at.is_(None))
            .order_by(JointReview.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def closed_for(self, youth_ids: Sequence[int]) -> Sequence[JointReview]:
        """Closed reviews of these youths, oldest first."""
        if not youth_ids:
            return []
        result = await self.session.execute(
            select(JointReview)
            .where(JointReview.youth_id.in_(youth_ids), JointReview.closed_at.is_not(None))
            .order_by(JointReview.closed_at, JointReview.id)
        )
        return result.scalars().all()

    async def ratings(self, review_ids: Sequence[int]) -> Sequence[JointRating]:
        if not review_ids:
            return []
        result = await self.session.execute(
            select(JointRating)
            .where(JointRating.review_id.in_(review_ids))
            .order_by(JointRating.id)
        )
        return result.scalars().all()

    async def youths_with_mentor(self) -> Sequence[tuple[Person, int, datetime]]:
        """(youth, mentor id, link start) for every current link to a youth who has not left."""
        result = await self.session.execute(
            select(Person, MentorLink.mentor_id, MentorLink.started_at)
            .join(MentorLink, MentorLink.youth_id == Person.id)
            .where(
                MentorLink.ended_at.is_(None), Person.left_at.is_(None), Person.is_youth.is_(True)
            )
            .order_by(Person.id)
        )
        return [(row[0], row[1], row[2]) for row in result.all()]
