"""Update-id claims (the dedup of redelivered updates) on SQLite and PostgreSQL: one INSERT
... ON CONFLICT DO NOTHING decides, the takeover rules stay as they were."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from storage.db import create_engine, create_sessionmaker
from storage.repositories.safety import ProcessedUpdatesRepository

LEASE = timedelta(minutes=2)


@pytest.fixture
async def maker(any_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(any_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def claim(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock, update_id: int, fingerprint: str
) -> bool:
    async with maker() as session:
        now = clock.now()
        claimed = await ProcessedUpdatesRepository(session).claim(
            1, update_id, fingerprint, now, now - LEASE
        )
        await session.commit()
        return claimed


async def test_update_claimed_once_then_taken_over_only_by_rule(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    assert await claim(maker, clock, 10, "aaaa")
    # The same update again (a redelivery, unfinished but fresh): not ours.
    assert not await claim(maker, clock, 10, "aaaa")
    # A reused id with other content: a new update, ours.
    assert await claim(maker, clock, 10, "bbbb")
    # Unfinished past the lease (its instance died): may be taken over.
    clock.advance(LEASE + timedelta(seconds=1))
    assert await claim(maker, clock, 10, "bbbb")
    # Finished: never again, however late the redelivery.
    async with maker() as session:
        await ProcessedUpdatesRepository(session).finish(1, 10, clock.now())
        await session.commit()
    clock.advance(LEASE * 10)
    assert not await claim(maker, clock, 10, "bbbb")
    # Released (its handler failed): the retry runs.
    assert await claim(maker, clock, 11, "cccc")
    async with maker() as session:
        await ProcessedUpdatesRepository(session).release(1, 11)
        await session.commit()
    assert await claim(maker, clock, 11, "cccc")
