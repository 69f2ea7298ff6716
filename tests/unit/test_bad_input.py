"""Bad input survived through the production dispatcher: every odd kind of update gets a
sensible reply or is ignored on purpose — never an error, never a lost or doubled record — and
nothing anyone wrote reaches the logs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import func, select

from bot.local_telegram import FakeUser
from bot.logging_setup import QUIET_LOGGERS
from storage.models import Answer, CrisisFlag, ProcessedUpdate, Role
from tests.harness import Harness

SECRET_WORDS = "min hemmelige qwxyzzy-tekst"


async def _emit(h: Harness, user: FakeUser, **content: Any) -> dict[str, Any]:
    chat = h.tg.private_chat(user)
    message = {
        "message_id": chat.new_message_id(),
        "date": h.tg.now(),
        "chat": chat.to_api(),
        "from": user.to_api(),
        **content,
    }
    return await h.tg.emit_update("message", message)


async def _count(h: Harness, model: type, *where: Any) -> int:  # type: ignore[type-arg]
    async with h.app.sessionmaker() as session:
        return int(
            (
                await session.execute(select(func.count()).select_from(model).where(*where))
            ).scalar_one()
        )


def _capture(caplog: pytest.LogCaptureFixture) -> None:
    """Everything at DEBUG, with the production clamps on noisy libraries (as setup_logging)."""
    for name, level in QUIET_LOGGERS.items():
        caplog.set_level(level, logger=name)
    caplog.set_level(logging.DEBUG)  # last: it also sets the capturing handler's level


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_odd_messages_get_a_kind_reply_and_no_error(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    _capture(caplog)
    ada = harness.user(600, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    odd: list[dict[str, Any]] = [
        {"voice": {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}},
        {"contact": {"phone_number": "+4512345678", "first_name": "Mor"}},
        {
            "text": "hej",
            "forward_origin": {"type": "hidden_user", "date": 1, "sender_user_name": "X"},
        },
        {"dice": {"emoji": "🎲", "value": 3}},
    ]
    before = len(ada.messages)
    await ada.send_sticker()
    await ada.send_photo()
    await ada.send_location()
    await ada.send_document("a.pdf", b"%PDF-1.4", mime_type="application/pdf")
    for content in odd:
        await _emit(harness, ada, **content)
    for text in ("😀😀😀", "مرحبا كيف حالك", "a\x00b\x00c", "x" * 4000, "   ", SECRET_WORDS):
        await ada.send_text(text)
    replies = ada.messages[before:]
    assert len(replies) == 4 + len(odd) + 6  # one kind reply each, none twice
    # A kind reply that says what they can do (a text gets the warm acknowledgement).
    assert all("/help" in (m.text or "") or "/checkin" in (m.text or "") for m in replies)
    assert _errors(caplog) == []
    assert SECRET_WORDS not in caplog.text and "x" * 100 not in caplog.text


async def test_groups_unknown_users_and_edits_are_handled_on_purpose(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    _capture(caplog)
    ada = harness.user(601, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await harness.tg.group_chat_message(ada, "/checkin", chat_id=-1001)
    assert "privat" in harness.tg.messages_in(-1001)[-1].text
    await harness.tg.group_chat_message(ada, "hej alle", chat_id=-1001)
    assert len(harness.tg.messages_in(-1001)) == 1  # the bot does not chatter in a group
    sent = await ada.send_text("hej")
    before = len(ada.messages)
    await ada.edit_message(sent, "hej igen")  # an edit is not an answer: ignored on purpose
    assert len(ada.messages) == before
    stranger = harness.user(602, "X")
    await stranger.send_sticker()
    assert "invitation" in stranger.last_text
    assert _errors(caplog) == []


async def test_fast_double_tap_and_redelivered_update_record_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    _capture(caplog)
    ada = harness.user(603, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    mood = ada.keyboard_message()
    await asyncio.gather(ada.click("4", in_message=mood), ada.click("4", in_message=mood))
    assert await _count(harness, Answer, Answer.person_id == person.id, Answer.key == "mood") == 1
    assert any(a.text == "Den knap er udløbet." for a in ada.callback_answers)
    await ada.click("3")
    await ada.click(ada.buttons()[0])
    update = await ada.send_text(SECRET_WORDS)  # the note
    before = len(ada.messages)
    bot = harness.app.bot
    await harness.app.dp.feed_update(bot, Update.model_validate(update, context={"bot": bot}))
    assert len(ada.messages) == before  # Telegram redelivered it: ignored
    await ada.click("Nej, kun til mig")
    assert await _count(harness, Answer, Answer.person_id == person.id, Answer.key == "note") == 1
    assert await _count(harness, ProcessedUpdate) > 5
    assert _errors(caplog) == [] and SECRET_WORDS not in caplog.text


async def test_a_reused_update_id_with_new_content_is_not_taken_for_a_redelivery(
    harness: Harness,
) -> None:
    ada = harness.user(604, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    update = await ada.send_text("hej")
    chat = harness.tg.private_chat(ada)
    reused = {
        "update_id": update["update_id"],
        "message": {
            **update["message"],
            "message_id": chat.new_message_id(),
            "text": "I want to die",
        },
    }
    bot = harness.app.bot
    await harness.app.dp.feed_update(bot, Update.model_validate(reused, context={"bot": bot}))
    assert await _count(harness, CrisisFlag, CrisisFlag.person_id == person.id) == 1


async def test_logs_carry_no_words_tokens_or_names_across_many_flows(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    _capture(caplog)
    mentor = harness.user(610, "Mettezyx")
    await harness.onboard(mentor, Role.MENTOR)
    ada = harness.user(611, "Adazyx")
    await harness.onboard(ada, Role.YOUTH, mentor=610)
    await ada.send_command("checkin")
    await ada.click("4")
    await ada.click("3")
    await ada.click(ada.buttons()[0])
    await ada.send_text(SECRET_WORDS)
    await ada.click("Ja, det må de")
    await ada.send_text("I want to die " + SECRET_WORDS)
    await ada.click("Jeg har brug for hjælp nu")
    await ada.click("Ja, de må gerne læse det")
    await ada.send_command("safetyplan")
    await ada.send_text("plan " + SECRET_WORDS)
    await ada.send_command("sos")
    await ada.send_command("mydata")
    await ada.send_command("delete")
    await ada.click("Nej, behold mine data")
    await ada.send_text(SECRET_WORDS)
    from bot.scheduling.tick import run_tick

    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    logs = caplog.text
    assert caplog.records  # something was logged
    for secret in (
        SECRET_WORDS,
        "qwxyzzy",
        "Adazyx",
        "Mettezyx",
        harness.tg.token,
        harness.tg.token.split(":", 1)[1],
    ):
        assert secret not in logs, f"{secret!r} reached the logs"
    assert _errors(caplog) == []
