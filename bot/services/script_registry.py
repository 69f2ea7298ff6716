"""Which version of each script (and of the prompt library) is live. The database holds every
published version; the files in dialogs/scripts/ are the first version of each, registered the
first time it is needed.

The active version is looked up in the database every time (never cached), so a publish or a
rollback in one process reaches every process at once. Parsed versions are cached per
(id, version): a version never changes once published.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import DialogError, LintMessage, PromptLibrary, Script, check_bytes
from bot.dialogs.lint import CheckResult
from storage.models import ScriptVersion
from storage.repositories.dialogs import ScriptVersionsRepository

LIBRARY_KIND = "prompt_library"
PROMPTS_ID = "prompts"

Document = Script | PromptLibrary
"""What a stored version holds: a script, or the prompt library."""


@dataclass(frozen=True)
class LiveScript:
    script: Script
    version: int


@dataclass(frozen=True)
class LiveDocument:
    document: Document
    row: ScriptVersion

    @property
    def version(self) -> int:
        return self.row.version


class UnknownScript(LookupError):
    pass


_CHECKED: dict[tuple[str, str, bool], CheckResult] = {}


def checked_source(source: str, name: str, *, require_en: bool = False) -> CheckResult:
    """Lint result of a script text, kept per process by content (a text never changes its
    result; the sub-goal catalogue is read once at start)."""
    key = (hashlib.sha256(source.encode("utf-8")).hexdigest(), name, require_en)
    if key not in _CHECKED:
        _CHECKED[key] = check_bytes(source.encode("utf-8"), name, require_en=require_en)
    return _CHECKED[key]


def _parse_source(source: str, name: str) -> Document:
    result = checked_source(source, name)
    document: Document | None = result.script or result.library
    if not result.ok or document is None:
        msgs = result.messages or [LintMessage(name, 1, 1, "this is not a dialog script")]
        raise DialogError(msgs)
    return document


class ScriptRegistry:
    def __init__(self, scripts_dir: Path) -> None:
        self.scripts_dir = scripts_dir
        self._cache: dict[tuple[str, int], Document] = {}

    def shipped_path(self, script_id: str) -> Path:
        return self.scripts_dir / f"{script_id}.yaml"

    def shipped_ids(self) -> list[str]:
        """Ids of the shipped files (scripts and the prompt library), by file name."""
        return sorted(p.stem for p in self.scripts_dir.glob("*.yaml"))

    async def active(self, session: AsyncSession, script_id: str, now: datetime) -> LiveScript:
        """The script new conversations use now."""
        live = await self.active_document(session, script_id, now)
        if live is None or not isinstance(live.document, Script):
            raise UnknownScript(script_id)
        return LiveScript(live.document, live.version)

    async def prompt_library(
        self, session: AsyncSession, now: datetime, library_id: str = PROMPTS_ID
    ) -> PromptLibrary:
        """The prompt library in use now (the shipped prompts.yaml until staff publish one)."""
        live = await self.active_document(session, library_id, now)
        if live is None or not isinstance(live.document, PromptLibrary):
            raise UnknownScript(library_id)
        return live.document

    async def active_document(
        self, session: AsyncSession, script_id: str, now: datetime
    ) -> LiveDocument | None:
        """The active version of a script or library; None when nothing by that id exists."""
        row = await ScriptVersionsRepository(session).active(script_id)
        if row is None:
            row = await self._register_shipped(session, script_id, now)
        if row is None:
            return None
        return LiveDocument(self.parse(row), row)

    async def version(self, session: AsyncSession, script_id: str, version: int) -> Script:
        cached = self._cache.get((script_id, version))
        if isinstance(cached, Script):
            return cached
        row = await ScriptVersionsRepository(session).get(script_id, version)
        if row is None:
            raise UnknownScript(f"{script_id} v{version}")
        document = self.parse(row)
        if not isinstance(document, Script):
            raise UnknownScript(f"{script_id} v{version}")
        return document

    def forget(self, script_id: str, version: int) -> None:
        """Drops a parsed version (only the preview's throw-away database rewrites one)."""
        self._cache.pop((script_id, version), None)

    def parse(self, row: ScriptVersion) -> Document:
        key = (row.script_id, row.version)
        if key not in self._cache:
            self._cache[key] = _parse_source(row.source, f"{row.script_id}.yaml")
        return self._cache[key]

    async def _register_shipped(
        self, session: AsyncSession, script_id: str, now: datetime
    ) -> ScriptVersion | None:
        path = self.shipped_path(script_id)
        if not path.is_file():
            return None
        source = path.read_text(encoding="utf-8")
        checked = checked_source(source, str(path))
        document: Document | None = checked.script or checked.library
        if not checked.ok or document is None:
            raise DialogError(checked.messages)
        row = ScriptVersion(
            script_id=document.id,
            version=document.version,
            kind=document.kind if isinstance(document, Script) else LIBRARY_KIND,
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


async def check_all_scripts(
    registry: ScriptRegistry, session: AsyncSession, now: datetime
) -> tuple[list[LintMessage], list[LintMessage]]:
    """Every shipped file (stored the first time) and every stored active version, linted.

    Returns (shipped problems, published problems): errors only, each naming file:line.
    """
    shipped: list[LintMessage] = []
    for script_id in registry.shipped_ids():
        path = registry.shipped_path(script_id)
        checked = checked_source(path.read_text(encoding="utf-8"), str(path), require_en=True)
        shipped += [m for m in checked.messages if m.severity == "error"]
        if checked.ok:
            await registry.active_document(session, script_id, now)
    published: list[LintMessage] = []
    for row in await ScriptVersionsRepository(session).all_active():
        result = checked_source(row.source, _stored_name(row))
        published += [m for m in result.messages if m.severity == "error"]
    return shipped, published


def _stored_name(row: ScriptVersion) -> str:
    return f"{row.script_id}.yaml (version {row.version}, published)"
