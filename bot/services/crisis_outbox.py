"""The crisis outbox of last resort: a local append-only file beside the process.

When a crisis text arrives while the database (or Redis) is away, the young person is answered
from memory at once, and what must still be stored — the flag and the mentor's alert — is
appended here (with fsync) before the update is let go. Each scheduler pass replays the
pending entries as soon as the database answers again; an entry is done once its flag exists.

Idempotent by update: the flag carries the update id, so the replay and a redelivery of the
same update by Telegram record one flag and one alert between them. The youth's words are
sealed with the same key as the database's encrypted columns; nothing else personal is here
(a Telegram user id, the rule that matched, times). Lines are never rewritten: a "done" line
follows its entry; a torn last line (a crash mid-write) is ignored.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services.crisis_detection import CrisisMatch, CrisisRules
from bot.services.crisis_response import CrisisService
from storage import crypto
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxEntry:
    key: str  # "<bot id>:<update id>"
    telegram_id: int
    update_id: int
    category: str
    rule_id: str
    source: str
    at: str  # ISO time of the text
    sealed_text: str | None


class CrisisOutbox:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: OutboxEntry) -> None:
        self._write({"entry": asdict(entry)})

    def mark_done(self, key: str) -> None:
        self._write({"done": key})

    def _write(self, record: dict[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def pending(self) -> list[OutboxEntry]:
        if not self.path.exists():
            return []
        entries: dict[str, OutboxEntry] = {}
        done: set[str] = set()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn line from a crash mid-write
            if "done" in record:
                done.add(str(record["done"]))
            elif "entry" in record:
                entry = OutboxEntry(**record["entry"])
                entries[entry.key] = entry
        return [entry for key, entry in entries.items() if key not in done]


def seal(text: str) -> str | None:
    try:
        return crypto.encrypt(text)
    except crypto.EncryptionNotConfigured:
        return None  # the flag is still recorded; only the words cannot be kept


def new_entry(
    bot_id: int, update_id: int, telegram_id: int, hit: CrisisMatch, source: str, at: datetime,
    text: str,
) -> OutboxEntry:  # fmt: skip
    return OutboxEntry(
        f"{bot_id}:{update_id}", telegram_id, update_id, hit.category, hit.rule_id, source,
        at.isoformat(), seal(text),
    )  # fmt: skip


async def complete_entry(
    entry: OutboxEntry,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    rules: CrisisRules,
) -> list[str]:
    """Records the entry's flag and alert (once); returns the alert's delivery slots."""
    async with sessionmaker() as session:
        person = await PeopleRepository(session).by_telegram_id(entry.telegram_id)
        if person is None or not person.is_youth:
            return []  # not a youth: the help lines were all there was to give
        text = crypto.decrypt(entry.sealed_text) if entry.sealed_text else ""
        service = CrisisService(session, clock, rules)
        flag = await service.record(
            person,
            CrisisMatch(entry.category, entry.rule_id),
            text,
            entry.source,
            update_id=entry.update_id,
        )
        return service.alert_slots(flag)


async def replay_outbox(
    outbox: CrisisOutbox,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    rules: CrisisRules,
) -> int:
    """Completes every pending entry it can; returns how many. Raises on the first failure
    (the database still away): the rest wait for the next pass."""
    completed = 0
    for entry in outbox.pending():
        await complete_entry(entry, sessionmaker, clock, rules)
        outbox.mark_done(entry.key)
        completed += 1
    if completed:
        log.warning("crisis outbox: %d entries completed after an outage", completed)
    return completed
