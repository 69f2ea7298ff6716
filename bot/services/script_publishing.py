"""Staff publish dialog scripts (and the prompt library) by sending the YAML file to the bot.

The rules:
- Only staff (the role in the database) may publish or roll back; anyone else's upload is
  refused kindly and written to the audit log.
- A file is refused before it is downloaded when its name is not `.yaml`/`.yml` or it is larger
  than 256 KB. After download it must lint without errors (the same linter as
  `fremad dialogs lint`). Danish is required; English may be missing in an upload (a
  municipality's own script), and the summary warns that English speakers then see Danish.
- The file's `version` must be higher than every stored version of that script, and a script
  keeps its kind (the check-in stays a check-in).
- The staff member sees what changed against the active version and confirms. Publishing stores
  the new version and makes it the only active one: new conversations use it at once, in every
  process; conversations under way finish on the version they began with.
- Staff can make any stored version active again (roll back). Publish and rollback are audited.
- The sub-goal catalogue is not published in the bot (it is read at start and shapes the
  municipality's settings); it is changed in `dialogs/subgoals.local.yaml`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import LintMessage, PromptLibrary, Script, SubgoalCatalogue, check_bytes
from bot.dialogs.lint import YAML_SUFFIXES
from bot.dialogs.loader import MAX_BYTES
from bot.dialogs.model import Localized
from bot.services.dialog_runner import ConversationStore
from bot.services.script_changes import (
    LibraryChanges,
    ScriptChanges,
    compare_libraries,
    compare_scripts,
    script_languages,
)
from bot.services.script_registry import LIBRARY_KIND, Document, ScriptRegistry
from storage.models import Person, ScriptVersion
from storage.repositories.audit import AuditRepository
from storage.repositories.dialogs import ScriptVersionsRepository

DRAFT_KEY = "script_draft"
MAX_UPLOAD_BYTES = MAX_BYTES


class UploadProblem(StrEnum):
    NOT_STAFF = "not_staff"
    NOT_YAML = "not_yaml"
    TOO_LARGE = "too_large"
    INVALID = "invalid"
    NOT_PUBLISHABLE = "not_publishable"
    VERSION_NOT_HIGHER = "version_not_higher"
    KIND_CHANGED = "kind_changed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Refused:
    problem: UploadProblem
    messages: tuple[LintMessage, ...] = ()
    version: int | None = None
    """The uploaded file's version (VERSION_NOT_HIGHER)."""
    highest: int | None = None
    """The highest stored version (VERSION_NOT_HIGHER)."""
    kind: str | None = None
    """The active version's kind (KIND_CHANGED)."""


@dataclass(frozen=True)
class Draft:
    """A checked upload waiting for the staff member's "Publish"."""

    name: str
    script_id: str
    kind: str
    title: Localized
    version: int
    active_version: int | None
    source: str
    sha256: str
    changes: ScriptChanges | LibraryChanges
    languages: tuple[str, ...]
    missing_en: tuple[LintMessage, ...]
    warnings: tuple[LintMessage, ...]

    @property
    def token(self) -> str:
        """Names this exact upload on its buttons (an older upload's button cannot publish)."""
        return self.sha256[:12]


@dataclass(frozen=True)
class Published:
    script_id: str
    title: Localized
    version: int
    previous_version: int | None


@dataclass(frozen=True)
class ScriptOverview:
    script_id: str
    title: Localized
    kind: str
    active_version: int
    published_at: datetime
    versions: int


@dataclass(frozen=True)
class VersionInfo:
    version: int
    published_at: datetime
    is_active: bool
    shipped: bool


def upload_name(filename: str | None) -> str:
    """The file's own name, without any folder part."""
    return PurePosixPath((filename or "").replace("\\", "/")).name or "upload.yaml"


def problem_before_download(filename: str | None, file_size: int | None) -> UploadProblem | None:
    """Refuse what is plainly not a script file without downloading it."""
    if not upload_name(filename).lower().endswith(YAML_SUFFIXES):
        return UploadProblem.NOT_YAML
    if file_size is not None and file_size > MAX_UPLOAD_BYTES:
        return UploadProblem.TOO_LARGE
    return None


def _title(document: Document) -> Localized:
    return document.title


class ScriptPublishing:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        registry: ScriptRegistry,
        catalogue: SubgoalCatalogue,
    ) -> None:
        self.session = session
        self.clock = clock
        self.registry = registry
        self.catalogue = catalogue
        self.versions = ScriptVersionsRepository(session)
        self.audit = AuditRepository(session)

    async def refuse_non_staff(self, person: Person, file_size: int | None) -> Refused:
        """Someone without the staff role sent a script file: nothing is read, it is audited."""
        await self.audit.add(
            "script.upload_refused",
            self.clock.now(),
            actor_id=person.id,
            reason="not_staff",
            file_size=file_size,
        )
        await self.session.commit()
        return Refused(UploadProblem.NOT_STAFF)

    async def check_upload(self, raw: bytes, filename: str | None) -> Draft | Refused:
        """Lint the file and compare it with the active version; nothing is stored."""
        name = upload_name(filename)
        if len(raw) > MAX_UPLOAD_BYTES:
            return Refused(UploadProblem.TOO_LARGE)
        loose = check_bytes(raw, name, require_en=False, catalogue=self.catalogue)
        if not loose.ok:
            return Refused(UploadProblem.INVALID, tuple(loose.messages))
        document: Document | None = loose.script or loose.library
        if document is None:
            return Refused(UploadProblem.NOT_PUBLISHABLE)
        strict = check_bytes(raw, name, require_en=True, catalogue=self.catalogue)
        missing_en = tuple(m for m in strict.messages if m not in loose.messages)
        live = await self.registry.active_document(self.session, document.id, self.clock.now())
        highest = await self.versions.highest_version(document.id)
        if document.version <= highest:
            return Refused(
                UploadProblem.VERSION_NOT_HIGHER, version=document.version, highest=highest
            )
        kind = document.kind if isinstance(document, Script) else LIBRARY_KIND
        if live is not None and live.row.kind != kind:
            return Refused(UploadProblem.KIND_CHANGED, kind=live.row.kind)
        source = raw.decode("utf-8").removeprefix("\ufeff")
        return Draft(
            name=name,
            script_id=document.id,
            kind=kind,
            title=_title(document),
            version=document.version,
            active_version=live.version if live else None,
            source=source,
            sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
            changes=_changes(live.document if live else None, document),
            languages=_languages(document),
            missing_en=missing_en,
            warnings=tuple(m for m in loose.messages if m.severity == "warning"),
        )

    async def remember_draft(self, conversation: ConversationStore, draft: Draft) -> None:
        """Keeps the checked file with the staff member's conversation until they decide."""
        data = await conversation.get_data()
        data[DRAFT_KEY] = {"name": draft.name, "source": draft.source, "token": draft.token}
        await conversation.set_data(data)

    async def _take_draft(
        self, conversation: ConversationStore, token: str
    ) -> Mapping[str, str] | None:
        data = await conversation.get_data()
        draft = data.get(DRAFT_KEY)
        if not isinstance(draft, dict) or draft.get("token") != token:
            return None
        data.pop(DRAFT_KEY)
        await conversation.set_data(data)
        return draft

    async def cancel(self, conversation: ConversationStore, token: str) -> bool:
        return await self._take_draft(conversation, token) is not None

    async def publish(
        self, actor: Person, conversation: ConversationStore, token: str
    ) -> Published | Refused:
        """Stores the waiting upload as a new version and makes it the active one."""
        if not actor.is_staff:
            return Refused(UploadProblem.NOT_STAFF)
        stored = await self._take_draft(conversation, token)
        if stored is None:
            return Refused(UploadProblem.EXPIRED)
        # Checked again: someone may have published a higher version meanwhile.
        checked = await self.check_upload(stored["source"].encode("utf-8"), stored["name"])
        if isinstance(checked, Refused):
            return checked
        now = self.clock.now()
        row = ScriptVersion(
            script_id=checked.script_id,
            version=checked.version,
            kind=checked.kind,
            source=checked.source,
            sha256=checked.sha256,
            is_active=False,
            published_at=now,
            published_by_id=actor.id,
        )
        try:
            async with self.session.begin_nested():
                await self.versions.add(row)
        except IntegrityError:
            highest = await self.versions.highest_version(checked.script_id)
            return Refused(
                UploadProblem.VERSION_NOT_HIGHER, version=checked.version, highest=highest
            )
        await self.versions.activate(checked.script_id, checked.version)
        await self.audit.add(
            "script.published",
            now,
            actor_id=actor.id,
            subject_id=row.id,
            script_id=checked.script_id,
            version=checked.version,
            previous_version=checked.active_version,
            sha256=checked.sha256,
        )
        await self.session.commit()
        return Published(checked.script_id, checked.title, checked.version, checked.active_version)

    async def overview(self) -> list[ScriptOverview]:
        """Every script and library with its active version (shipped ones included)."""
        now = self.clock.now()
        ids = set(self.registry.shipped_ids())
        ids |= {row.script_id for row in await self.versions.all_active()}
        out = []
        for script_id in sorted(ids):
            live = await self.registry.active_document(self.session, script_id, now)
            if live is None:
                continue
            history = await self.versions.history(script_id)
            out.append(
                ScriptOverview(
                    script_id=script_id,
                    title=_title(live.document),
                    kind=live.row.kind,
                    active_version=live.version,
                    published_at=live.row.published_at,
                    versions=len(history),
                )
            )
        await self.session.commit()  # shipped files registered on the way are kept
        return out

    async def history(self, script_id: str) -> Sequence[VersionInfo]:
        return [
            VersionInfo(row.version, row.published_at, row.is_active, row.published_by_id is None)
            for row in await self.versions.history(script_id)
        ]

    async def activate(self, actor: Person, script_id: str, version: int) -> Published | None:
        """Rollback (or forward again): makes a stored version the only active one."""
        if not actor.is_staff:
            return None
        target = await self.versions.get(script_id, version)
        if target is None:
            return None
        current = await self.versions.active(script_id)
        previous = current.version if current is not None else None
        await self.versions.activate(script_id, version)
        await self.audit.add(
            "script.activated",
            self.clock.now(),
            actor_id=actor.id,
            subject_id=target.id,
            script_id=script_id,
            version=version,
            previous_version=previous,
        )
        await self.session.commit()
        return Published(script_id, _title(self.registry.parse(target)), version, previous)


def _changes(old: Document | None, new: Document) -> ScriptChanges | LibraryChanges:
    if isinstance(new, PromptLibrary):
        return compare_libraries(old if isinstance(old, PromptLibrary) else None, new)
    return compare_scripts(old if isinstance(old, Script) else None, new)


def _languages(document: Document) -> tuple[str, ...]:
    if isinstance(document, Script):
        return script_languages(document)
    langs = {lang for p in document.prompts for lang in p.text}
    return tuple(sorted(langs, key=lambda lang: (lang != "da", lang != "en", lang)))
