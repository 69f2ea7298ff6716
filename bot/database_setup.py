"""The database as a command finds it: reachable, and migrated (SQLite upgrades itself;
PostgreSQL must be upgraded on purpose, with `fremad db upgrade`).

Kept apart from bot.app so the operator commands (`fremad people`, `fremad export`) start
without importing the Telegram framework.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import ConfigError, Settings
from storage import migrate
from storage.db import check_reachable, create_engine, create_sessionmaker, describe_url


async def prepare_database(settings: Settings, engine: AsyncEngine) -> None:
    """Reachable, and migrated: SQLite upgrades itself; PostgreSQL must be upgraded on purpose."""
    await check_reachable(engine)
    if settings.is_sqlite:
        await migrate.upgrade_async(settings.database_url)
        return
    current, head = await migrate.migration_state(settings.database_url)
    if current != head:
        raise ConfigError(
            f"The database at {describe_url(settings.database_url)} is not up to date "
            f"(at {current or 'nothing'}, needs {head}): run `fremad db upgrade` first."
        )


@asynccontextmanager
async def operator_database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the prepared database, for one command; the engine is closed after."""
    migrate.ensure_sqlite_folder(settings.database_url)
    engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    try:
        await prepare_database(settings, engine)
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()
