"""Fixtures of the fault-injection suite: its own PostgreSQL (one per session, a fresh database
per test, migrated by Alembic) and its own Redis (one per test)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from storage import migrate
from tests.faults.servers import OwnPostgres, OwnRedis, available


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[OwnPostgres]:
    reason = available()
    if reason is not None:
        pytest.skip(f"fault servers unavailable: {reason}")
    server = OwnPostgres()
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def fault_database_url(own_postgres: OwnPostgres) -> str:
    """A fresh, migrated database on the suite's own PostgreSQL."""
    url = own_postgres.create_database(f"faults_{uuid.uuid4().hex[:10]}")
    migrate.upgrade(url)
    return url


@pytest.fixture
async def own_redis() -> AsyncIterator[OwnRedis]:
    reason = available()
    if reason is not None:
        pytest.skip(f"fault servers unavailable: {reason}")
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()
