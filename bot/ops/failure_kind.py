"""Why an update failed decides whether Telegram may deliver it again.

* An **infrastructure failure** (the database, Redis, the network or Telegram itself away or
  slow) says nothing about the update: it will work once the outage is over. Such an update is
  *not acknowledged* (webhook 500, polling offset left before it) so Telegram delivers it again.
* Anything else is a **bug** (or an update we cannot understand): delivering it again would
  fail the same way forever and hold up everyone behind it. It is acknowledged, quarantined by
  ids and types only, counted and reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa_errors

_INFRASTRUCTURE: tuple[type[BaseException], ...] = (
    # The database: connection refused or cut, pool exhausted, "database is locked".
    sa_errors.OperationalError,
    sa_errors.InterfaceError,
    sa_errors.DisconnectionError,
    sa_errors.TimeoutError,
    # Redis (FSM storage, chat locks, pacing).
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.BusyLoadingError,
    # Telegram or the way to it.
    TelegramNetworkError,
    TelegramServerError,
    TelegramRetryAfter,
    # Sockets (asyncpg raises these directly while connecting).
    ConnectionError,
    TimeoutError,
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _asyncpg_connection_error(exc: BaseException) -> bool:
    try:
        from asyncpg import exceptions as pg_errors  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(
        exc,
        pg_errors.PostgresConnectionError
        | pg_errors.CannotConnectNowError
        | pg_errors.AdminShutdownError
        | pg_errors.ConnectionDoesNotExistError
        | pg_errors.InterfaceError,
    )


def is_infrastructure_failure(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is an outage rather than a bug."""
    for link in _chain(exc):
        if isinstance(link, _INFRASTRUCTURE) or _asyncpg_connection_error(link):
            return True
        if isinstance(link, sa_errors.DBAPIError) and link.connection_invalidated:
            return True
    return False
