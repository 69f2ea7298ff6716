from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, ScriptVersion, StepShown


class ScriptVersionsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self, script_id: str) -> ScriptVersion | None:
        result = await self.session.execute(
            select(ScriptVersion).where(
                ScriptVersion.script_id == script_id, ScriptVersion.is_active.is_(True)
            )
        )
        return result.scalar_one_or_none()

    async def get(self, script_id: str, version: int) -> ScriptVersion | None:
        result = await self.session.execute(
            select(ScriptVersion).where(
                ScriptVersion.script_id == script_id, ScriptVersion.version == version
            )
        )
        return result.scalar_one_or_none()

    async def history(self, script_id: str) -> Sequence[ScriptVersion]:
        result = await self.session.execute(
            select(ScriptVersion)
            .where(ScriptVersion.script_id == script_id)
            .order_by(ScriptVersion.version.desc())
        )
        return result.scalars().all()

    async def all_active(self) -> Sequence[ScriptVersion]:
        result = await self.session.execute(
            select(ScriptVersion)
            .where(ScriptVersion.is_active.is_(True))
            .order_by(ScriptVersion.script_id)
        )
        return result.scalars().all()

    async def highest_version(self, script_id: str) -> int:
        result = await self.session.execute(
            select(func.max(ScriptVersion.version)).where(ScriptVersion.script_id == script_id)
        )
        return int(result.scalar_one_or_none() or 0)

    async def add(self, version: ScriptVersion) -> ScriptVersion:
        self.session.add(version)
        await self.session.flush()
        return version

    async def activate(self, script_id: str, version: int) -> None:
        """Exactly one active version per script."""
        await self.session.execute(
            update(ScriptVersion)
            .where(ScriptVersion.script_id == script_id)
            .values(is_active=(ScriptVersion.version == version))
            .execution_options(synchronize_session=False)
        )


class AnswersRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_all(self, answers: Iterable[Answer]) -> None:
        self.session.add_all(list(answers))
        await self.session.flush()

    async def for_person(self, person_id: int) -> Sequence[Answer]:
        result = await self.session.execute(
            select(Answer).where(Answer.person_id == person_id).order_by(Answer.id)
        )
        return result.scalars().all()


class StepStatsRepository:
    """The rows script analytics count: questions shown and answers given, since a moment."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_shown(self, row: StepShown) -> None:
        self.session.add(row)

    async def shown_since(
        self, script_id: str, since: datetime
    ) -> list[tuple[str, str, datetime]]:
        """(run, step, shown at) of every question of the script shown since `since`."""
        result = await self.session.execute(
            select(StepShown.run_id, StepShown.step_id, StepShown.shown_at)
            .where(StepShown.script_id == script_id, StepShown.shown_at >= since)
            .order_by(StepShown.shown_at)
        )
        return [(run, step, at) for run, step, at in result.all()]

    async def answered_since(
        self, script_id: str, since: datetime
    ) -> list[tuple[str, str, datetime, bool]]:
        """(run, step, answered at, skipped) of every answer to the script since `since`."""
        result = await self.session.execute(
            select(Answer.run_id, Answer.step_id, Answer.answered_at, Answer.skipped)
            .where(Answer.script_id == script_id, Answer.answered_at >= since)
            .order_by(Answer.answered_at)
        )
        return [(run, step, at, bool(skipped)) for run, step, at, skipped in result.all()]
