"""SqlStorage's one-statement reads and writes of state+data, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from storage.db import create_engine, create_sessionmaker
from storage.fsm_storage import SqlStorage
from storage.models import ConversationState

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


@pytest.fixture
async def maker(any_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(any_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def rows(maker: async_sessionmaker[AsyncSession]) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count()).select_from(ConversationState)) or 0)


async def test_record_written_inside_callers_transaction_lands_only_with_its_commit(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    storage = SqlStorage(maker, clock.now)
    async with maker() as session:
        assert storage.shares_database(session)
        await storage.set_record(KEY, "dialog:run", {"dialog": {"seq": 1}}, session=session)
        await session.rollback()
    assert await storage.get_record(KEY) == (None, {})
    async with maker() as session:
        await storage.set_record(KEY, "dialog:run", {"dialog": {"seq": 1}}, session=session)
        await session.commit()
    assert await storage.get_record(KEY) == ("dialog:run", {"dialog": {"seq": 1}})
    # Written again (the upsert path) and read back by the single-field calls too.
    await storage.set_record(KEY, "dialog:run", {"dialog": {"seq": 2}, "locale": "da"})
    assert await storage.get_state(KEY) == "dialog:run"
    assert await storage.get_data(KEY) == {"dialog": {"seq": 2}, "locale": "da"}


async def test_finished_conversation_leaves_no_row(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    storage = SqlStorage(maker, clock.now)
    await storage.set_record(KEY, "dialog:run", {"dialog": {"seq": 1}})
    await storage.set_record(KEY, None, {"locale": "en"})
    assert await storage.get_record(KEY) == (None, {"locale": "en"})
    assert await rows(maker) == 1
    await storage.set_record(KEY, None, {})
    assert await rows(maker) == 0
    # Emptying data alone (state already None) removes it too; an empty write adds nothing.
    await storage.set_data(KEY, {"x": 1})
    await storage.set_data(KEY, {})
    await storage.set_state(KEY, None)
    assert await rows(maker) == 0
