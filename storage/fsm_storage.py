"""aiogram FSM storage in the database, so a conversation survives restarts and other processes.

With REDIS_URL set the app uses aiogram's RedisStorage instead; both hold the same state/data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ConversationState

# Conversation rows read during the current update: key → (state, data JSON), or None if absent.
_update_reads: ContextVar[dict[str, tuple[str | None, str | None] | None] | None] = ContextVar(
    "fremad_conversation_reads", default=None
)


@contextmanager
def one_read_per_update() -> Iterator[None]:
    """Inside this scope (one update) a conversation row is read from the database once: aiogram
    reads the state before any handler runs, and the handler then reads state and data again.
    A write through this storage forgets the row, so a read after it goes to the database."""
    token = _update_reads.set({})
    try:
        yield
    finally:
        _update_reads.reset(token)


def _dialect_insert(session: AsyncSession) -> Any:
    """INSERT with ON CONFLICT for the dialect in use (SQLite or PostgreSQL)."""
    bind = session.get_bind()
    return postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert


class SqlStorage(BaseStorage):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: Callable[[], datetime]
    ) -> None:
        self.sessionmaker = sessionmaker
        self.now = now
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        async with self.sessionmaker() as session:
            await self._upsert(session, key, values)
            await session.commit()

    async def _upsert(
        self, session: AsyncSession, key: StorageKey, values: dict[str, Any]
    ) -> None:
        """No read first: an upsert of the given columns (the revision bumped), then the row
        removed if the conversation is now empty (minimum data kept). The upsert is atomic on
        SQLite and PostgreSQL, so two processes writing the same key both land. Never commits."""
        row_key = self._key(key)
        reads = _update_reads.get()
        if reads is not None:
            reads.pop(row_key, None)
        table = ConversationState.__table__
        insert = _dialect_insert(session)(table).values(
            key=row_key,
            state=values.get("state"),
            data=values.get("data", "{}"),
            revision=1,
            updated_at=self.now(),
        )
        changes: dict[str, Any] = {name: insert.excluded[name] for name in values}
        changes["revision"] = table.c.revision + 1
        changes["updated_at"] = insert.excluded.updated_at
        await session.execute(
            insert.on_conflict_do_update(index_elements=[table.c.key], set_=changes)
        )
        if values.get("state") is not None:
            return  # a conversation with a state is not empty
        await session.execute(
            delete(ConversationState).where(
                ConversationState.key == row_key,
                ConversationState.state.is_(None),
                or_(ConversationState.data == "{}", ConversationState.data.is_(None)),
            )
        )

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]] | None:
        row_key = self._key(key)
        reads = _update_reads.get()
        if reads is not None and row_key in reads:
            record = reads[row_key]
        else:
            async with self.sessionmaker() as session:
                row = (
                    await session.execute(
                        select(ConversationState.state, ConversationState.data).where(
                            ConversationState.key == row_key
                        )
                    )
                ).first()
            record = None if row is None else (row.state, row.data)
            if reads is not None:
                reads[row_key] = record
        if record is None:
            return None
        # Parsed on every read: callers change the dict they get.
        loaded = json.loads(record[1] or "{}")
        return record[0], loaded if isinstance(loaded, dict) else {}

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data in one read (the dialog runner needs both)."""
        return await self._read(key) or (None, {})

    async def set_record(
        self,
        key: StorageKey,
        state: StateType,
        data: Mapping[str, Any],
        session: AsyncSession | None = None,
    ) -> None:
        """State and data in one write. With `session` (on this storage's database) the write
        joins that transaction and the caller commits: the dialog runner stores a turn's answers
        and where the conversation stands in one commit."""
        value = state.state if isinstance(state, State) else state
        values = {"state": value, "data": json.dumps(dict(data), ensure_ascii=False)}
        if session is not None:
            await self._upsert(session, key, values)
            return
        await self._write(key, **values)

    def shares_database(self, session: AsyncSession) -> bool:
        """True when `session` writes to this storage's database (set_record may join it)."""
        bind = self.sessionmaker.kw.get("bind")
        return bind is not None and session.bind is bind

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record[0] if record is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=json.dumps(dict(data), ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return record[1] if record is not None else {}

    async def close(self) -> None:
        return None
