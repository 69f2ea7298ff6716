"""Migrations: up from empty, down to nothing, and in step with the models."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import migrate
from storage.db import create_engine
from storage.models import Base


def _diff(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def _inspect(url: str) -> tuple[list[object], set[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_diff), await conn.run_sync(_tables)
    finally:
        await engine.dispose()


def test_migrations_match_models_and_go_both_ways(any_database_url: str) -> None:
    # The fixture hands over a migrated database: it must equal what the models describe.
    diff, tables = asyncio.run(_inspect(any_database_url))
    assert diff == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    migrate.downgrade(any_database_url, "base")
    _, tables = asyncio.run(_inspect(any_database_url))
    assert tables <= {"alembic_version"}
    migrate.upgrade(any_database_url)
    diff, _ = asyncio.run(_inspect(any_database_url))
    assert diff == []
