"""A redelivered update is handled exactly once, and never lost, through the production web app
and dispatcher. The update's claim is the first statement of its own transaction
(bot/middlewares/database.py), so:
- a redelivery while the update is still being handled waits (here: the per-chat lock; another
  instance: its uncommitted claim row) and is then ignored — no 500 needed;
- if the instance holding it dies (its transaction never commits), the waiting redelivery is
  handled here;
- a handler that fails rolls its claim back, so Telegram's redelivery is handled again.
The other instance is a real second connection to the same PostgreSQL holding the claim."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.clock import ManualClock
from bot.middlewares.update_dedup import update_fingerprint
from bot.webhook import WEBHOOK_PATH, create_web_app
from storage.db import create_engine
from storage.models import Role
from storage.repositories.safety import ProcessedUpdatesRepository
from tests.conftest import _truncate_and_dispose
from tests.harness import Harness, running_harness

SECRET = "a-webhook-secret-of-enough-length"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
MOOD_QUESTION = "Hvordan har du det i dag?"


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> str:
    asyncio.run(_truncate_and_dispose(create_engine(postgres_url)))
    return postgres_url


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(harness.app, SECRET))) as client:
        yield client


async def claim_as_other_instance(
    harness: Harness, session: AsyncSession, update: dict[str, Any], *, finished: bool = True
) -> None:
    """Another instance claims the update in `session` (its own transaction, not committed)."""
    bot, now = harness.app.bot, harness.clock.now()
    parsed = Update.model_validate(update, context={"bot": bot})
    repo = ProcessedUpdatesRepository(session)
    assert await repo.claim(
        bot.id, parsed.update_id, update_fingerprint(parsed), now, now, handled=finished
    )


async def queued_checkin(harness: Harness, user_id: int) -> dict[str, Any]:
    """A youth sends /checkin; the update is held back like Telegram holding it for a webhook."""
    youth = harness.user(user_id, "Ada")
    await harness.onboard(youth, Role.YOUTH)
    held: list[dict[str, Any]] = []

    async def hold(update: dict[str, Any]) -> None:
        held.append(update)

    harness.tg.set_update_sink(hold)
    await youth.send_command("checkin")
    return held[0]


def asked(harness: Harness, user_id: int) -> int:
    return sum(MOOD_QUESTION in m.text for m in harness.tg.messages_in(user_id))


async def waits_on_a_lock(conn: AsyncConnection) -> None:
    """Until some other PostgreSQL backend waits for a lock (our webhook's claim)."""
    for _ in range(2000):
        waiting = await conn.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
        if waiting:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the redelivery never waited for the other instance's claim")


async def test_the_same_update_twice_at_once_is_handled_once(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 700)
    first, second = await asyncio.gather(
        client.post(WEBHOOK_PATH, json=update, headers=HEADERS),
        client.post(WEBHOOK_PATH, json=update, headers=HEADERS),
    )
    assert (first.status, second.status) == (200, 200)  # the second waited for the first
    assert asked(harness, 700) == 1


@pytest.mark.parametrize("other_commits", [True, False], ids=["other-finishes", "other-dies"])
async def test_a_redelivery_waits_for_the_other_instance_then_is_ignored_or_handled(
    fresh_postgres_url: str, clock: ManualClock, other_commits: bool
) -> None:
    async with running_harness(fresh_postgres_url, clock) as harness:
        update = await queued_checkin(harness, 701)
        other = create_engine(fresh_postgres_url)
        try:
            async with (
                TestClient(TestServer(create_web_app(harness.app, SECRET))) as client,
                other.connect() as conn,
            ):
                await claim_as_other_instance(harness, AsyncSession(bind=conn), update)
                post = asyncio.create_task(client.post(WEBHOOK_PATH, json=update, headers=HEADERS))
                await waits_on_a_lock(conn)
                assert not post.done()
                if other_commits:
                    await conn.commit()  # the other instance handled it
                else:
                    await conn.invalidate()  # the other instance died mid-update
                response = await post
        finally:
            await other.dispose()
        assert response.status == 200
        assert asked(harness, 701) == (0 if other_commits else 1)


async def test_a_finished_update_redelivered_gets_200_and_nothing_twice(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 703)
    async with harness.app.sessionmaker() as session:
        await claim_as_other_instance(harness, session, update)
        await session.commit()
    for _ in range(2):
        assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
    assert asked(harness, 703) == 0


async def test_a_claim_an_older_version_left_unfinished_is_taken_over_after_its_lease(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 702)
    async with harness.app.sessionmaker() as session:
        await claim_as_other_instance(harness, session, update, finished=False)
        await session.commit()
    harness.clock.advance(timedelta(minutes=3))  # past the claim's lease: that instance died
    response = await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)
    assert response.status == 200
    assert asked(harness, 702) == 1


async def test_a_failed_update_rolls_its_claim_back_and_the_redelivery_is_handled(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 704)
    youth = harness.tg.users[704]
    youth.blocked = True  # the question cannot be sent: the update fails after its commit
    assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
    assert asked(harness, 704) == 0
    youth.blocked = False
    assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
    assert asked(harness, 704) == 1
