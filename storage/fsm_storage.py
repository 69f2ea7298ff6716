"""aiogram FSM storage in the database, so a conversation survives restarts and other processes.

With REDIS_URL set the app uses aiogram's RedisStorage instead; both hold the same state/data.

Inside an update (storage/update_scope.py) the conversation is read and written in the update's
own session and transaction; the update commits it. Outside (the scheduler) each call has its
own session and commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import Table, bindparam, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ConversationState, Person
from storage.update_scope import current_update

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


_TABLE = cast(Table, ConversationState.__table__)
_READ = select(ConversationState.state, ConversationState.data).where(
    ConversationState.key == bindparam("row_key")
)
_DELETE = delete(ConversationState).where(ConversationState.key == bindparam("row_key"))
_DELETE_IF_EMPTY = delete(ConversationState).where(
    ConversationState.key == bindparam("row_key"),
    ConversationState.state.is_(None),
    or_(ConversationState.data == "{}", ConversationState.data.is_(None)),
)
_PERSON_AND_CONVERSATION = (
    select(Person, ConversationState.state, ConversationState.data)
    .outerjoin(ConversationState, ConversationState.key == bindparam("row_key"))
    .where(Person.telegram_id == bindparam("tid"))
)
# Built once per dialect and set of columns written (state, data or both), not per write.
_UPSERTS: dict[tuple[str, frozenset[str]], Any] = {}


def _upsert_statement(dialect: str, columns: frozenset[str]) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE of `columns`, the revision bumped."""
    statement = _UPSERTS.get((dialect, columns))
    if statement is None:
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_TABLE).values(
            key=bindparam("row_key"),
            state=bindparam("state"),
            data=bindparam("data"),
            revision=1,
            updated_at=bindparam("updated_at"),
        )
        changes: dict[str, Any] = {name: insert.excluded[name] for name in columns}
        changes["revision"] = _TABLE.c.revision + 1
        changes["updated_at"] = insert.excluded.updated_at
        statement = insert.on_conflict_do_update(index_elements=[_TABLE.c.key], set_=changes)
        _UPSERTS[(dialect, columns)] = statement
    return statement


class SqlStorage(BaseStorage):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: Callable[[], datetime]
    ) -> None:
        self.sessionmaker = sessionmaker
        self.now = now
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def _update_session(self) -> AsyncSession | None:
        """The current update's session when it writes to this storage's database."""
        scope = current_update()
        if scope is not None and self.shares_database(scope.session):
            return scope.session
        return None

    async def _write(self, key: StorageKey, **values: Any) -> None:
        session = self._update_session()
        if session is not None:  # the update commits it (before its next message leaves)
            await self._upsert(session, key, values)
            return
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
        if "state" in values and values["state"] is None and values.get("data") == "{}":
            # An ended conversation with nothing kept: the row goes (minimum data), one statement.
            await session.execute(_DELETE, {"row_key": row_key})
            return
        dialect = session.get_bind().dialect.name
        await session.execute(
            _upsert_statement(dialect, frozenset(values)),
            {
                "row_key": row_key,
                "state": values.get("state"),
                "data": values.get("data", "{}"),
                "updated_at": self.now(),
            },
        )
        if values.get("state") is not None:
            return  # a conversation with a state is not empty
        await session.execute(_DELETE_IF_EMPTY, {"row_key": row_key})

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]] | None:
        row_key = self._key(key)
        reads = _update_reads.get()
        if reads is not None and row_key in reads:
            record = reads[row_key]
        else:
            session = self._update_session()
            if session is not None:
                row = (await session.execute(_READ, {"row_key": row_key})).first()
            else:
                async with self.sessionmaker() as own:
                    row = (await own.execute(_READ, {"row_key": row_key})).first()
            record = None if row is None else (row.state, row.data)
            if reads is not None:
                reads[row_key] = record
        if record is None:
            return None
        # Parsed on every read: callers change the dict they get.
        loaded = json.loads(record[1] or "{}")
        return record[0], loaded if isinstance(loaded, dict) else {}

    async def person_and_conversation(
        self, session: AsyncSession, key: StorageKey, telegram_id: int
    ) -> Person | None:
        """The person with this Telegram id and their conversation in ONE read; the conversation
        is then not read again in this update. None (and nothing remembered) if there is no
        such person: the conversation is read when asked for."""
        row_key = self._key(key)
        row = (
            await session.execute(
                _PERSON_AND_CONVERSATION, {"row_key": row_key, "tid": telegram_id}
            )
        ).first()
        if row is None:
            return None
        reads = _update_reads.get()
        if reads is not None:
            empty = row.state is None and row.data is None
            reads[row_key] = None if empty else (row.state, row.data)
        person: Person = row[0]
        return person

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
