from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, ScriptVersion


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
