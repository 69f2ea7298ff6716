"""aiogram FSM storage in the database, so a conversation survives restarts and other processes.

With REDIS_URL set the app uses aiogram's RedisStorage instead; both hold the same state/data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ConversationState


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
        row_key = self._key(key)
        for attempt in range(2):
            async with self.sessionmaker() as session:
                row = await session.get(ConversationState, row_key)
                if row is None:
                    row = ConversationState(key=row_key, data="{}", revision=0)
                    session.add(row)
                for name, value in values.items():
                    setattr(row, name, value)
                if row.state is None and row.data in ("{}", None):
                    # A finished conversation leaves no row behind (minimum data kept).
                    if row in session.new:
                        return
                    await session.delete(row)
                    await session.commit()
                    return
                row.revision = (row.revision or 0) + 1
                row.updated_at = self.now()
                try:
                    await session.commit()
                    return
                except IntegrityError:
                    # Another process inserted the same key first; update it instead.
                    if attempt:
                        raise

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.sessionmaker() as session:
            row = await session.get(ConversationState, self._key(key))
            return row.state if row is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=json.dumps(dict(data), ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.sessionmaker() as session:
            row = await session.get(ConversationState, self._key(key))
            if row is None:
                return {}
            loaded = json.loads(row.data or "{}")
            return loaded if isinstance(loaded, dict) else {}

    async def close(self) -> None:
        return None
