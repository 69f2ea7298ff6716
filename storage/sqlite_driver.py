"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs every sqlite3 call on the connection's own thread, and each call is one hop there
and back (a queue put, a thread wake-up, a wake-up of the event loop). SQLAlchemy's stock
adapter makes four to five hops per statement (open cursor, enter it, execute, fetch, close) and
one more for the rollback when a connection goes back to the pool, even when nothing is open.
On a small machine a hop costs ~0.1 ms of CPU, so a check-in tap spent most of its time hopping
(benchmark (a) in tests/benchmarks).

This adapter keeps aiosqlite and its thread (SQLite stays off the event loop, so a slow query or
a lock held by another process never stalls the bot) but runs a whole statement (execute, fetch
every row, read description/rowcount/lastrowid, close) as one call on that thread, and skips
commit/rollback when SQLite says no transaction is open.

SQLite lets one connection write at a time; a second writer waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries, so under load a write waited 14–27 ms
for a lock that was free after one. Writers of this engine therefore queue on an asyncio lock
first (taken before a transaction's first write, given back at its commit or rollback) and are
woken the moment it is free. SQLite's own locking still guards against other processes (a
`fremad tick`, a second instance), and a writer that cannot get the lock within the busy
timeout fails with the same "database is locked" error SQLite would give.

With `on_loop` (an option, off by default: measured no faster, see storage/db.py) that hop
is skipped: a statement, commit or rollback runs on the event loop itself with SQLite's busy
timeout at zero, which is safe because it can then never wait (in-process writers already
queued above, and a WAL reader never waits for a writer). Only when another process holds the
write lock (SQLite answers "busy" at once) does the statement go to the connection's thread
and wait there with the full busy timeout, so the loop never sleeps in SQLite. Measured in
bench_updates (README): the same CPU per update as one hop, and less throughput under load,
since on the thread SQLite's own work runs beside the event loop.

The SQL and the transactions are unchanged; every SQLite test in the suite runs through this
adapter. Server-side cursors (not used by Fremad) keep SQLAlchemy's stock path.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# description, rows, rowcount, lastrowid, whether a transaction is open afterwards
_Outcome = tuple[Any, list[Any], int, int | None, bool]
_READS = ("SELECT", "PRAGMA", "EXPLAIN")


def _may_write(operation: str) -> bool:
    """Whether a statement may start a write transaction (anything but a plain read)."""
    return not operation.lstrip()[:7].upper().startswith(_READS)


def _busy(error: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY and its extended codes)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and (
        (code is not None and code & 0xFF == sqlite3.SQLITE_BUSY)
        or (code is None and "locked" in str(error))
    )


def _patiently(conn: sqlite3.Connection, timeout_ms: int, function: Any, *args: Any) -> Any:
    """Runs on the connection's thread: `function` with SQLite's busy timeout, then zero again."""
    conn.execute(f"PRAGMA busy_timeout={timeout_ms}")
    try:
        return function(conn, *args)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


def _commit(conn: sqlite3.Connection) -> None:
    conn.commit()


def _rollback(conn: sqlite3.Connection) -> None:
    conn.rollback()


def _run_statement(conn: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """Runs on aiosqlite's thread: the whole statement in one go."""
    cursor = conn.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid, conn.in_transaction
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, operation: str, seq_of_parameters: Any) -> _Outcome:
    cursor = conn.cursor()
    try:
        cursor.executemany(operation, seq_of_parameters)
        return None, [], cursor.rowcount, cursor.lastrowid, conn.in_transaction
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose rows are fetched with the statement (SQLAlchemy's stock
    aiosqlite cursor fetches them eagerly too); no sqlite3 cursor outlives a statement."""

    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: OneHopConnection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._rows = collections.deque()
        self._soft_closed_memoized = EMPTY_DICT
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        return None  # nothing is open on the thread after a statement

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None

    def nextset(self) -> None:
        return None

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._run(_run_statement, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            return await_(self._run(_run_many, operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, function: Any, operation: Any, parameters: Any) -> None:
        adapted = self._adapt_connection
        assert isinstance(adapted, OneHopConnection)
        async with adapted._execute_mutex:
            if _may_write(operation):
                await adapted.writers.take(adapted)
            try:
                outcome: _Outcome = await adapted.run(function, operation, parameters)
            except BaseException:
                adapted.transaction_open = True  # unknown after a failure: let rollback run
                raise
        self._description, rows, self._rowcount, self._lastrowid, open_after = outcome
        self._rows = collections.deque(rows)
        adapted.transaction_open = open_after
        if not open_after:
            adapted.writers.give_back(adapted)


class WriterQueue:
    """One writing connection at a time per engine, in arrival order. The holder is the
    connection (not the task): a transaction may span several tasks of one update."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._holder: OneHopConnection | None = None

    async def take(self, connection: OneHopConnection) -> None:
        if self._holder is connection:
            return
        try:
            await asyncio.wait_for(self._lock.acquire(), self.timeout)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._holder = connection

    def give_back(self, connection: OneHopConnection) -> None:
        if self._holder is connection:
            self._holder = None
            self._lock.release()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """Commit and rollback cost a hop only when SQLite has a transaction open."""

    __slots__ = ("transaction_open", "writers", "on_loop", "busy_timeout_ms")
    _cursor_cls = OneHopCursor  # type: ignore[assignment]

    def __init__(
        self, dbapi: Any, connection: Any, writers: WriterQueue, on_loop: bool, busy_timeout: float
    ) -> None:
        super().__init__(dbapi, connection)
        self.writers = writers
        self.transaction_open = True  # unknown until the first statement
        self.on_loop = on_loop
        self.busy_timeout_ms = int(busy_timeout * 1000)

    async def run(self, function: Any, *args: Any) -> Any:
        """`function(sqlite3_connection, *args)` on the loop (busy timeout zero), or on the
        connection's thread when another process holds the lock, or always on the thread."""
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        conn = driver._conn
        if self.on_loop:
            try:
                return function(conn, *args)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
            return await driver._execute(  # type: ignore[no-untyped-call]
                _patiently, conn, self.busy_timeout_ms, function, *args
            )
        return await driver._execute(function, conn, *args)  # type: ignore[no-untyped-call]

    def _end(self, function: Any) -> None:
        try:
            await_(self.run(function))
        except Exception as error:
            self._handle_exception(error)

    def commit(self) -> None:
        if self.transaction_open:
            self._end(_commit)
            self.transaction_open = False
        self.writers.give_back(self)

    def rollback(self) -> None:
        try:
            if self.transaction_open:
                self._end(_rollback)
                self.transaction_open = False
        finally:
            self.writers.give_back(self)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.writers.give_back(self)

    def terminate(self) -> None:
        try:
            super().terminate()
        finally:
            self.writers.give_back(self)


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """Pass as `module=` to create_async_engine for a sqlite+aiosqlite URL; one per engine
    (it holds that engine's writer queue)."""

    def __init__(self, busy_timeout: float = 30.0, *, on_loop: bool = False) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.writers = WriterQueue(busy_timeout)
        self.busy_timeout = busy_timeout
        self.on_loop = on_loop

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        if self.on_loop:
            kw["check_same_thread"] = False  # statements run on the loop's thread too
        stock = super().connect(*arg, **kw)
        return OneHopConnection(
            self, stock._connection, self.writers, self.on_loop, self.busy_timeout
        )

    @property
    def busy_timeout_pragma(self) -> int:
        """The connection's standing busy timeout (ms): zero on the loop (see above)."""
        return 0 if self.on_loop else int(self.busy_timeout * 1000)
