"""Which version of each script is live. The database holds every published version; the files
in dialogs/scripts/ are version 1 of each script, registered the first time it is needed.

Parsed scripts are cached per (id, version): a version never changes once published.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Script, load_script, load_script_bytes
from storage.models import ScriptVersion
from storage.repositories.dialogs import ScriptVersionsRepository


@dataclass(frozen=True)
class LiveScript:
    script: Script
    version: int


class UnknownScript(LookupError):
    pass


class ScriptRegistry:
    def __init__(self, scripts_dir: Path) -> None:
        self.scripts_dir = scripts_dir
        self._cache: dict[tuple[str, int], Script] = {}

    def shipped_path(self, script_id: str) -> Path:
        return self.scripts_dir / f"{script_id}.yaml"

    async def active(self, session: AsyncSession, script_id: str, now: datetime) -> LiveScript:
        repo = ScriptVersionsRepository(session)
        row = await repo.active(script_id)
        if row is None:
            row = await self._register_shipped(session, script_id, now)
        return LiveScript(self._parse(row), row.version)

    async def version(self, session: AsyncSession, script_id: str, version: int) -> Script:
        cached = self._cache.get((script_id, version))
        if cached is not None:
            return cached
        row = await ScriptVersionsRepository(session).get(script_id, version)
        if row is None:
            raise UnknownScript(f"{script_id} v{version}")
        return self._parse(row)

    def _parse(self, row: ScriptVersion) -> Script:
        key = (row.script_id, row.version)
        if key not in self._cache:
            script = load_script_bytes(row.source.encode("utf-8"), f"{row.script_id}.yaml")
            self._cache[key] = script
        return self._cache[key]

    async def _register_shipped(
        self, session: AsyncSession, script_id: str, now: datetime
    ) -> ScriptVersion:
        path = self.shipped_path(script_id)
        if not path.is_file():
            raise UnknownScript(script_id)
        source = path.read_text(encoding="utf-8")
        script = load_script(path)
        row = ScriptVersion(
            script_id=script.id,
            version=script.version,
            kind=script.kind,
            source=source,
            sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
            is_active=True,
            published_at=now,
        )
        try:
            async with session.begin_nested():
                await ScriptVersionsRepository(session).add(row)
        except IntegrityError:
            # Another process registered it first; use theirs.
            existing = await ScriptVersionsRepository(session).active(script_id)
            if existing is None:
                raise
            return existing
        return row
