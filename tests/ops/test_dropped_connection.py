"""PostgreSQL connections are not pinged on every checkout (a round trip per update): when the
pooled connections died (a database restart, a failover), the update's first statement fails
and its transaction is retried once on a fresh connection. Nothing is lost, nobody is told
"sorry". Through the production dispatcher on a real PostgreSQL whose backends are killed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from storage.db import create_engine
from storage.models import Role
from tests.conftest import _truncate_and_dispose
from tests.harness import running_harness

MOOD_QUESTION = "Hvordan har du det i dag?"


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> str:
    asyncio.run(_truncate_and_dispose(create_engine(postgres_url)))
    return postgres_url


async def kill_other_backends(url: str) -> int:
    """Every other connection to this database is terminated by the server."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            return int(killed or 0)
    finally:
        await engine.dispose()


async def test_an_update_on_a_dropped_connection_is_retried_once_and_handled(
    fresh_postgres_url: str, clock: ManualClock
) -> None:
    async with running_harness(fresh_postgres_url, clock) as harness:
        ada = harness.user(720, "Ada")
        await harness.onboard(ada, Role.YOUTH)
        assert await kill_other_backends(fresh_postgres_url) >= 1  # the app's pooled ones
        await ada.send_command("checkin")
        assert MOOD_QUESTION in ada.last_text
        await ada.click("3")
        assert "Sorry" not in ada.last_text and "Undskyld" not in ada.last_text
