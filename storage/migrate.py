"""Run Alembic migrations from code (`fremad db upgrade`, and SQLite's upgrade on start)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    # Alembic's env runs its own event loop for the async engine; keep it off ours.
    await asyncio.to_thread(upgrade, database_url, revision)


def sqlite_folder(database_url: str) -> Path:
    """The folder holding a SQLite database file (the working folder for an in-memory one)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path.cwd()


def ensure_sqlite_folder(database_url: str) -> None:
    """Makes the SQLite file's folder; one that cannot be made (a file in the way, no
    permission, a read-only file system) raises DatabaseUnreachable saying so."""
    if not database_url.startswith("sqlite"):
        return
    try:
        sqlite_folder(database_url).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from sqlalchemy.engine import make_url

        from storage.db import DatabaseUnreachable, why_sqlite_unusable

        raise DatabaseUnreachable(
            why_sqlite_unusable(make_url(database_url).database or "", exc)
        ) from exc


async def migration_state(database_url: str) -> tuple[str | None, str | None]:
    """(current revision, head revision) of the database; equal when it is up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from storage.db import create_engine

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision()
            )
    finally:
        await engine.dispose()
    return current, head
