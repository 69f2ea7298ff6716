"""A tap on a script button: the next question leaves first; the tap's answer and the answered
question's keyboard removal go beside it; behind a webhook the answer rides on the response.
Through the production dispatcher and web app, against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import BodyPartReader, MultipartReader
from aiohttp.test_utils import TestClient, TestServer

from bot.webhook import WEBHOOK_PATH, create_web_app
from storage.models import Role
from tests.harness import Harness

SECRET = "a-webhook-secret-of-enough-length"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
MOOD_QUESTION = "Hvordan har du det i dag?"


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(create_web_app(harness.app, SECRET))) as client:
        yield client


async def test_the_next_question_leaves_before_the_tap_is_answered(harness: Harness) -> None:
    ada = harness.user(610, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    mood_question = ada.keyboard_message()
    assert MOOD_QUESTION in mood_question.text
    mark = len(harness.tg.calls)
    await ada.click("3")
    calls = [call.method for call in harness.tg.calls[mark:]]
    assert calls[0] == "sendMessage"  # what the young person waits for
    assert sorted(calls) == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    # The chat's order is kept: the answered question (its keyboard gone), then the next one.
    texts = [m.text for m in ada.messages]
    assert texts.index(mood_question.text) < len(texts) - 1
    assert not mood_question.buttons()
    assert ada.keyboard_message() is ada.messages[-1]


async def test_behind_a_webhook_the_tap_is_answered_in_the_webhook_response(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    ada = harness.user(611, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    held: list[dict[str, Any]] = []

    async def hold(update: dict[str, Any]) -> None:
        held.append(update)

    harness.tg.set_update_sink(hold)
    await ada.click("3")
    mark = len(harness.tg.calls)
    response = await client.post(WEBHOOK_PATH, json=held[0], headers=HEADERS)
    assert response.status == 200
    reply: dict[str, str] = {}
    reader = MultipartReader.from_response(response)  # type: ignore[arg-type]
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader) and part.name
        reply[part.name] = (await part.read(decode=True)).decode()
    assert reply["method"] == "answerCallbackQuery"
    assert reply["callback_query_id"] == held[0]["callback_query"]["id"]
    # The bot made two requests of its own for the tap, not three.
    assert sorted(c.method for c in harness.tg.calls[mark:]) == [
        "editMessageReplyMarkup",
        "sendMessage",
    ]
