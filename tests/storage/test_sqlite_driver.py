"""The SQLite adapter (storage/sqlite_driver.py): statements on the event loop (no thread hop)
falling back to the connection's thread only when another process holds the lock; on the thread
(`sqlite_on_loop=False`) one hop per statement; no commit or rollback with nothing open; and
writers queued in the process instead of sleeping in SQLite's busy handler, with SQLite's
transactions unchanged."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_sessionmaker
from storage.models import Person
from storage.sqlite_driver import OneHopDbapi


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call aiosqlite sends to its connection thread, by function name."""
    sent: list[str] = []
    stock = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await stock(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    yield sent


@pytest.fixture
async def loop_sessionmaker(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Statements on the event loop (the `sqlite_on_loop` option)."""
    engine = create_engine(database_url, sqlite_on_loop=True)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def thread_sessionmaker(
    database_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Statements on the connection's thread (one hop each), not on the loop."""
    engine = create_engine(database_url, sqlite_on_loop=False)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def people(maker: async_sessionmaker[AsyncSession]) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


def new_person(telegram_id: int) -> Person:
    return Person(
        telegram_id=telegram_id,
        first_name="Ung",
        locale="da",
        is_youth=True,
        created_at=datetime(2026, 11, 23, 7, 0, tzinfo=UTC),
    )


async def test_a_read_costs_one_hop_and_a_read_only_session_no_rollback(
    thread_sessionmaker: async_sessionmaker[AsyncSession], hops: list[str]
) -> None:
    await people(thread_sessionmaker)  # the pool's connection is made outside the count
    hops.clear()
    async with thread_sessionmaker() as session:
        await session.execute(select(Person).where(Person.telegram_id == 1))
    assert hops == ["_run_statement"]


async def test_a_write_costs_one_hop_and_one_commit(
    thread_sessionmaker: async_sessionmaker[AsyncSession], hops: list[str]
) -> None:
    await people(thread_sessionmaker)
    hops.clear()
    async with thread_sessionmaker() as session:
        session.add(new_person(1))
        await session.commit()
    assert hops == ["_run_statement", "_commit"]
    assert await people(thread_sessionmaker) == 1


async def test_uncommitted_writes_are_invisible_and_rolled_back(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as writer:
        writer.add(new_person(1))
        await writer.flush()
        assert await people(sessionmaker) == 0  # another connection does not see it
        await writer.rollback()
    assert await people(sessionmaker) == 0


async def test_failed_statement_rolls_back_and_lets_the_next_writer_in(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        session.add(new_person(1))
        await session.commit()
    async with sessionmaker() as session:
        session.add(new_person(1))  # the same telegram id: unique
        with pytest.raises(IntegrityError):
            await session.commit()
    async with sessionmaker() as session:
        session.add(new_person(2))
        await session.commit()
    assert await people(sessionmaker) == 2


async def test_writers_wait_their_turn_instead_of_failing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Twenty sessions write at once, each holding its transaction across awaits: all land,
    and never two write transactions are open at the same time."""
    open_now: list[int] = []
    most_open = 0

    async def write(n: int) -> None:
        nonlocal most_open
        async with sessionmaker() as session:
            session.add(new_person(1000 + n))
            await session.flush()
            open_now.append(n)
            most_open = max(most_open, len(open_now))
            for _ in range(3):
                await asyncio.sleep(0)  # let the others try while this transaction is open
            open_now.remove(n)
            await session.commit()

    await asyncio.gather(*(write(n) for n in range(20)))
    assert await people(sessionmaker) == 20
    assert most_open == 1


async def test_a_waiting_writer_queues_in_the_process_not_in_sqlite(
    thread_sessionmaker: async_sessionmaker[AsyncSession], hops: list[str]
) -> None:
    """While one transaction writes, a second writer's statement is not sent to SQLite (where
    it would sleep in the busy handler); it goes the moment the first commits."""
    await asyncio.gather(
        people(thread_sessionmaker), people(thread_sessionmaker)
    )  # two pooled connections
    async with thread_sessionmaker() as holder:
        holder.add(new_person(1))
        await holder.flush()

        async def late_writer() -> None:
            async with thread_sessionmaker() as session:
                session.add(new_person(2))
                await session.commit()

        sent_before = len(hops)
        waiting = asyncio.create_task(late_writer())
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(hops) == sent_before
        assert not waiting.done()
        await holder.commit()
    await waiting
    assert await people(thread_sessionmaker) == 2


@pytest.fixture
async def short_wait_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url, module=OneHopDbapi(busy_timeout=0.2))
    yield engine
    await engine.dispose()


async def test_a_writer_that_never_gets_its_turn_fails_like_sqlite_would(
    short_wait_engine: AsyncEngine,
) -> None:
    maker = create_sessionmaker(short_wait_engine)
    async with maker() as holder:
        holder.add(new_person(1))
        await holder.flush()  # holds the write lock, never commits in time
        async with maker() as late:
            late.add(new_person(2))
            with pytest.raises(OperationalError, match="database is locked"):
                await late.flush()
        await holder.commit()
    assert await people(maker) == 1


async def test_on_the_loop_a_read_and_a_write_make_no_thread_hop(
    loop_sessionmaker: async_sessionmaker[AsyncSession], hops: list[str]
) -> None:
    await people(loop_sessionmaker)
    hops.clear()
    async with loop_sessionmaker() as session:
        session.add(new_person(1))
        await session.commit()
    assert await people(loop_sessionmaker) == 1
    assert hops == []


async def test_on_the_loop_a_write_another_process_holds_up_waits_on_the_thread(
    database_url: str, hops: list[str]
) -> None:
    """SQLite says "busy" at once on the loop (busy timeout zero); the statement then waits on
    the connection's thread with the full busy timeout, and lands after the other commits."""
    ours = create_engine(database_url, sqlite_on_loop=True)
    other = create_engine(database_url)
    try:
        our_maker, other_maker = create_sessionmaker(ours), create_sessionmaker(other)
        await people(our_maker)
        async with other_maker() as holder:
            holder.add(new_person(1))
            await holder.flush()  # the other process holds the write lock
            hops.clear()
            waiting = asyncio.create_task(write_one(our_maker, 2))
            for _ in range(5000):  # until our write went to the thread to wait
                if "_patiently" in hops:
                    break
                await asyncio.sleep(0.001)
            assert "_patiently" in hops
            assert not waiting.done()
            await holder.commit()
        await waiting
        assert await people(our_maker) == 2
    finally:
        await ours.dispose()
        await other.dispose()


async def write_one(maker: async_sessionmaker[AsyncSession], telegram_id: int) -> None:
    async with maker() as session:
        session.add(new_person(telegram_id))
        await session.commit()


async def test_other_processes_still_meet_sqlites_own_lock(database_url: str) -> None:
    """A second engine (as in another process, e.g. `fremad tick`) is not in this queue:
    SQLite's own lock and busy timeout decide, so its write waits for the first commit."""
    first, second = create_engine(database_url), create_engine(database_url)
    try:
        first_maker, second_maker = create_sessionmaker(first), create_sessionmaker(second)

        async def other_process() -> None:
            async with second_maker() as session:
                session.add(new_person(2))
                await session.commit()

        async with first_maker() as holder:
            holder.add(new_person(1))
            await holder.flush()
            waiting = asyncio.create_task(other_process())
            await holder.commit()
        await waiting
        assert await people(first_maker) == 2
    finally:
        await first.dispose()
        await second.dispose()
