"""Engine and session factory, and the check that the database is reachable."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from storage.sqlite_driver import OneHopDbapi


class DatabaseUnreachable(Exception):
    """The database could not be reached; the message says which and what to set."""


def create_engine(url: str, *, sqlite_on_loop: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        # One thread hop per statement instead of five (storage/sqlite_driver.py). Statements on
        # the event loop (`sqlite_on_loop`) measured no better: same CPU per update and lower
        # throughput under load, since SQLite's own work no longer runs beside the loop on the
        # other core (bench_updates, docs/benchmarks/updates-2026-12-05.json). Kept as an option.
        # A pool as large as the connections updates use at once: an overflow connection is
        # closed on return and a new one costs a thread and four PRAGMAs (measured ~7 ms).
        dbapi = OneHopDbapi(busy_timeout=30, on_loop=sqlite_on_loop)
        engine = create_async_engine(
            url,
            module=dbapi,
            connect_args={"timeout": 30},
            pool_size=20,
            max_overflow=20,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cursor = dbapi_conn.cursor()
            # WAL lets the scheduler and handlers read while one writes; FKs make cascades real.
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL is corruption-safe and skips an fsync per commit; a power cut
            # may lose the last commits, never the file (https://sqlite.org/pragma.html).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={dbapi.busy_timeout_pragma}")
            cursor.close()

        return engine
    # No ping on every checkout (a round trip per update): an update whose pooled connection
    # died is retried once on a fresh one (bot/middlewares/database.py).
    return create_async_engine(url, pool_size=10, max_overflow=10)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def describe_url(url: str) -> str:
    """The URL without a password, safe to show."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def check_reachable(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnreachable(
            f"Cannot reach the database at {describe_url(str(engine.url))}: "
            "check that it is running, or set DATABASE_URL to one that is."
        ) from exc
