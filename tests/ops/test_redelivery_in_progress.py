"""A redelivered update that arrives while another instance is still handling it gets 500 from
the webhook (Telegram delivers it again later), never a 200 that would lose it if that instance
dies. Through the production web app and dispatcher; the other instance is its claim row."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.middlewares.update_dedup import update_fingerprint
from bot.webhook import WEBHOOK_PATH, create_web_app
from storage.models import Role
from storage.repositories.safety import ProcessedUpdatesRepository
from tests.harness import Harness

SECRET = "a-webhook-secret-of-enough-length"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
MOOD_QUESTION = "Hvordan har du det i dag?"


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(harness.app, SECRET))) as client:
        yield client


async def other_instance(harness: Harness, update: dict[str, Any], *, finished: bool) -> None:
    """Another instance claimed the update at this moment (and maybe finished it)."""
    from aiogram.types import Update

    bot, now = harness.app.bot, harness.clock.now()
    parsed = Update.model_validate(update, context={"bot": bot})
    async with harness.app.sessionmaker() as session:
        repo = ProcessedUpdatesRepository(session)
        assert await repo.claim(bot.id, parsed.update_id, update_fingerprint(parsed), now, now)
        if finished:
            await repo.finish(bot.id, parsed.update_id, now)
        await session.commit()


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


async def test_redelivery_while_another_instance_handles_it_gets_500_then_200(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 701)
    await other_instance(harness, update, finished=False)
    response = await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)
    assert response.status == 500  # Telegram will deliver it again
    assert asked(harness, 701) == 0
    # The other instance finished it (and asked the question itself): the retry is a duplicate.
    async with harness.app.sessionmaker() as session:
        await ProcessedUpdatesRepository(session).finish(
            harness.app.bot.id, update["update_id"], harness.clock.now()
        )
        await session.commit()
    response = await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)
    assert response.status == 200
    assert asked(harness, 701) == 0  # not handled a second time here


async def test_redelivery_after_the_other_instance_died_is_handled_here(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 702)
    await other_instance(harness, update, finished=False)
    assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 500
    harness.clock.advance(timedelta(minutes=3))  # past the claim's lease: that instance died
    response = await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)
    assert response.status == 200
    assert asked(harness, 702) == 1


async def test_a_finished_update_redelivered_gets_200_and_nothing_twice(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = await queued_checkin(harness, 703)
    await other_instance(harness, update, finished=True)
    for _ in range(2):
        assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
    assert asked(harness, 703) == 0
