"""Goals and their steps. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Goal, GoalStatus, GoalStep, StepStatus


class GoalsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_goal(self, goal: Goal) -> Goal:
        self.session.add(goal)
        await self.session.flush()
        return goal

    async def add_step(self, step: GoalStep) -> GoalStep:
        self.session.add(step)
        await self.session.flush()
        return step

    async def goal(self, goal_id: int) -> Goal | None:
        return await self.session.get(Goal, goal_id)

    async def step(self, step_id: int) -> GoalStep | None:
        return await self.session.get(GoalStep, step_id)

    async def goals_of(self, youth_id: int, statuses: Sequence[GoalStatus]) -> Sequence[Goal]:
        result = await self.session.execute(
            select(Goal)
            .where(Goal.youth_id == youth_id, Goal.status.in_([s.value for s in statuses]))
            .order_by(Goal.id)
        )
        return result.scalars().all()

    async def steps_of_goals(self, goal_ids: Sequence[int]) -> Sequence[GoalStep]:
        if not goal_ids:
            return []
        result = await self.session.execute(
            select(GoalStep).where(GoalStep.goal_id.in_(goal_ids)).order_by(GoalStep.id)
        )
        return result.scalars().all()

    async def steps_touching(self, youth_id: int, first: date, last: date) -> Sequence[GoalStep]:
        """Steps closed in [first, last], or open and due on or before `last`."""
        result = await self.session.execute(
            select(GoalStep)
            .where(
                GoalStep.youth_id == youth_id,
                or_(
                    (GoalStep.closed_on >= first) & (GoalStep.closed_on <= last),
                    (GoalStep.status == StepStatus.OPEN.value) & (GoalStep.due_date <= last),
                ),
            )
            .order_by(GoalStep.id)
        )
        return result.scalars().all()

    async def recently_closed(
        self, youth_id: int, status: StepStatus, since: date
    ) -> Sequence[GoalStep]:
        result = await self.session.execute(
            select(GoalStep)
            .where(
                GoalStep.youth_id == youth_id,
                GoalStep.status == status.value,
                GoalStep.closed_on >= since,
            )
            .order_by(GoalStep.closed_at.desc(), GoalStep.id.desc())
        )
        return result.scalars().all()

    async def goals_by_id(self, goal_ids: Sequence[int]) -> dict[int, Goal]:
        if not goal_ids:
            return {}
        result = await self.session.execute(select(Goal).where(Goal.id.in_(set(goal_ids))))
        return {goal.id: goal for goal in result.scalars()}
