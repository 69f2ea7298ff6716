"""Engine and session factory, and the check that the database is reachable."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from storage.sqlite_driver import OneHopDbapi

log = logging.getLogger(__name__)
# "one_hop": Fremad's adapter (storage/sqlite_driver.py, which uses private parts of SQLAlchemy's
# aiosqlite dialect and of aiosqlite); "stock": SQLAlchemy's own sqlite+aiosqlite driver, slower
# (4–5 thread hops per statement) but relying on public APIs only. SQLITE_DRIVER picks one.
SQLITE_DRIVERS = ("one_hop", "stock")


class DatabaseUnreachable(Exception):
    """The database could not be reached; the message says which and what to set."""


def _one_hop_dbapi(on_loop: bool) -> OneHopDbapi | None:
    """Fremad's adapter, or None (with a warning) when it does not fit the installed SQLAlchemy
    or aiosqlite: then the stock driver is used rather than failing to start."""
    try:
        from storage.sqlite_driver import OneHopDbapi

        return OneHopDbapi(busy_timeout=30, on_loop=on_loop)
    except (ImportError, AttributeError, TypeError) as exc:
        log.warning(
            "the one-hop SQLite adapter does not fit the installed SQLAlchemy/aiosqlite (%s): "
            "using the stock sqlite+aiosqlite driver (set SQLITE_DRIVER=stock to silence this)",
            type(exc).__name__,
        )
        return None


def create_engine(
    url: str, *, sqlite_on_loop: bool = False, sqlite_driver: str = "one_hop"
) -> AsyncEngine:
    if sqlite_driver not in SQLITE_DRIVERS:
        raise ValueError(f"unknown SQLite driver {sqlite_driver!r}")
    if url.startswith("sqlite"):
        # One thread hop per statement instead of five (storage/sqlite_driver.py). Statements on
        # the event loop (`sqlite_on_loop`) measured no better: same CPU per update and lower
        # throughput under load, since SQLite's own work no longer runs beside the loop on the
        # other core (bench_updates, docs/benchmarks/updates-2026-12-05.json). Kept as an option.
        # A pool as large as the connections updates use at once: an overflow connection is
        # closed on return and a new one costs a thread and four PRAGMAs (measured ~7 ms).
        dbapi = _one_hop_dbapi(sqlite_on_loop) if sqlite_driver == "one_hop" else None
        busy_timeout_ms = dbapi.busy_timeout_pragma if dbapi is not None else 30_000
        module: dict[str, Any] = {"module": dbapi} if dbapi is not None else {}
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            pool_size=20,
            max_overflow=20,
            **module,
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
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
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
        raise DatabaseUnreachable(why_unreachable(str(engine.url), exc)) from exc


# PostgreSQL's SQLSTATE codes for the failures a person fixes in DATABASE_URL or on the server.
_NO_SUCH_DATABASE = "3D000"
_LOGIN_REFUSED = ("28P01", "28000")  # wrong password; unknown role or no pg_hba.conf entry


def why_unreachable(url: str, exc: BaseException) -> str:
    """One sentence for an operator: which database failed, why, and what to do; never the
    password. A server that is not there, a database that does not exist on it, a refused
    login and a SQLite file that cannot be made each get their own advice."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return why_sqlite_unusable(parsed.database or "", exc)
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if sqlstate == _NO_SUCH_DATABASE:
        return (
            f"Database '{parsed.database}' does not exist on the server at {server}: create it "
            f"(createdb {parsed.database}) or fix the name in DATABASE_URL."
        )
    if sqlstate in _LOGIN_REFUSED:
        return (
            f"The database server at {server} refused user '{parsed.username}': check the user "
            "name and password in DATABASE_URL (and that the server lets this user in)."
        )
    if isinstance(exc, socket.gaierror):
        return (
            f"Cannot find the database server '{parsed.host}': check the host name in "
            "DATABASE_URL."
        )
    if isinstance(exc, OSError | TimeoutError):
        return (
            f"Cannot reach the database server at {server}: is PostgreSQL running there, and "
            "are the host and port in DATABASE_URL right?"
        )
    return (
        f"Cannot use the database at {describe_url(url)} ({_first_line(exc)}): check the "
        "server and DATABASE_URL."
    )


def why_sqlite_unusable(database: str, exc: BaseException | None = None) -> str:
    """Why a SQLite file cannot be opened or made, read from the file system: no folder, a
    folder or file this user cannot write, or else SQLite's own words."""
    path = Path(database).resolve() if database and database != ":memory:" else Path(database)
    folder = path.parent
    if not folder.is_dir():
        in_the_way = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if in_the_way is not None and not in_the_way.is_dir():
            return (
                f"Cannot create the SQLite database at {path}: {in_the_way} is a file, not a "
                "folder; move it or set DATABASE_URL to a path in a folder."
            )
        # From ensure_sqlite_folder: why the folder could not be made (no permission, a
        # read-only file system).
        made = f" and cannot be made ({exc.strerror})" if isinstance(exc, OSError) else ""
        return (
            f"Cannot create the SQLite database at {path}: the folder {folder} does not "
            f"exist{made}; create it or set DATABASE_URL to a path in a folder that exists."
        )
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"Cannot create the SQLite database at {path}: this user may not write in the folder "
            f"{folder}; allow it or set DATABASE_URL to a writable folder."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return (
            f"Cannot open the SQLite database at {path}: this user may not read and write the "
            "file; fix its owner or permissions, or set DATABASE_URL to another file."
        )
    reason = f" ({_first_line(exc)})" if exc is not None else ""
    return (
        f"Cannot open the SQLite database at {path}{reason}: check the file and its folder, "
        "or set DATABASE_URL to another path."
    )


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (SQLAlchemy appends a background link)."""
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip().splitlines()
    return text_[0] if text_ else type(exc).__name__
