"""One bad update never stops the bot, and nothing anyone wrote reaches a log line.

Polling: a message aiogram cannot parse (no ``chat``), in the middle of 100 good ones, is
quarantined by ids and types; the 100 are answered. Webhook: a malformed body gets 400, an
unknown update type and a poison update 200 (acknowledged), a lone UTF-16 surrogate is
cleaned at the edge; ``setWebhook`` and ``getUpdates`` name the update types the bot handles.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from bot.local_telegram.server import SECRET_HEADER
from storage.db import create_engine
from storage.models import Role
from tests.e2e.live import live_bot
from tests.e2e.test_onboarding_live import db_rows
from tests.e2e.test_safety_live import SECRET, webhook_bot
from tests.faults.live_support import invite_codes, onboard, words_in_log
from tests.faults.support import report
from tests.harness import TEST_ENCRYPTION_KEY

pytestmark = pytest.mark.faults

WRITERS = 5
TEXTS_EACH = 20
POISON_NAME = "Zqvpoisonname"
POISON_TEXT = "giftig besked zqvgift"


def poison_message(update_id: int | None = None) -> dict[str, object]:
    """A message without ``chat``: aiogram (pydantic) refuses it, as with Bot API drift."""
    return {
        "message_id": 99_999,
        "date": 1_800_000_000,
        "text": POISON_TEXT,
        "from": {"id": 8_999, "is_bot": False, "first_name": POISON_NAME},
    }


async def test_poison_update_among_100_good_ones_is_quarantined(
    fault_database_url: str, tmp_path: Path
) -> None:
    log_path = tmp_path / "fremad.log"
    async with live_bot(
        fault_database_url, log_path, rate_limits=False, ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
        SCHEDULER_ENABLED="false", CRISIS_OUTBOX_PATH=str(tmp_path / "outbox.jsonl"),
    ) as live:  # fmt: skip
        codes = await invite_codes(fault_database_url, [(Role.YOUTH, None)] * WRITERS)
        youths = [live.tg.user(8100 + i, f"Zqvskriver{i}") for i in range(WRITERS)]
        await asyncio.gather(
            *(onboard(y, c, youth=True) for y, c in zip(youths, codes, strict=True))
        )
        await live.tg.wait_until_idle()
        marks = {y.id: len(y.messages) for y in youths}
        texts = [f"dagens tanke nummer {n}, zqvtekst{n}" for n in range(WRITERS * TEXTS_EACH)]
        for n, said in enumerate(texts):
            if n == len(texts) // 2:
                await live.tg.emit_update("message", poison_message())
            await youths[n % WRITERS].send_text(said)
        answered = await live.tg.wait_for(
            lambda: all(len(y.messages) - marks[y.id] >= TEXTS_EACH for y in youths), timeout=90
        )
        await live.tg.wait_until_idle()
        handled = sum(min(len(y.messages) - marks[y.id], TEXTS_EACH) for y in youths)
        polls = live.tg.calls_to("getUpdates")
        allowed = polls[-1].params.get("allowed_updates")
        await live.stop()
    engine = create_engine(fault_database_url)
    try:
        async with engine.connect() as conn:
            quarantined = (
                await conn.execute(
                    text("SELECT update_type, stage, error FROM quarantined_updates")
                )
            ).all()
    finally:
        await engine.dispose()
    leaked = words_in_log(
        log_path, [POISON_NAME, "zqvgift", "zqvtekst", *[y.first_name for y in youths]]
    )
    report(
        "poison update in 100 good ones (polling)",
        good=len(texts), handled=handled, quarantined=len(quarantined),
        unconfirmed=len(live.tg.pending_updates), words_in_logs=len(leaked),
    )  # fmt: skip
    assert answered and handled == len(texts)
    assert [tuple(row) for row in quarantined] == [("message", "parse", "ValidationError")]
    assert live.tg.pending_updates == [], "polling moved past the poison update"
    assert leaked == []
    assert isinstance(allowed, list) and "message" in allowed and "callback_query" in allowed


def _message(update_id: int, user_id: int, text_json: str) -> str:
    """A raw update body; ``text_json`` is already JSON (so it can hold a lone surrogate)."""
    user = f'{{"id": {user_id}, "is_bot": false, "first_name": "Zqvwebnavn"}}'
    return (
        f'{{"update_id": {update_id}, "message": {{"message_id": {update_id}, '
        f'"date": 1800000000, "text": {text_json}, "from": {user}, '
        f'"chat": {{"id": {user_id}, "type": "private", "first_name": "Zqvwebnavn"}}}}}}'
    )


async def test_webhook_answers_by_what_the_update_is(database_url: str, tmp_path: Path) -> None:
    log_path = tmp_path / "fremad.log"
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with (
        webhook_bot(database_url, log_path, WEBHOOK_SECRET=SECRET) as (live, _server, url),
        aiohttp.ClientSession(headers=headers) as http,
    ):

        async def post(body: str) -> int:
            async with http.post(url, data=body.encode("utf-8", "surrogatepass")) as response:
                return response.status

        stranger = live.tg.user(8_801, "Zqvwebnavn")
        other = live.tg.user(8_802, "Zqvwebnavn")
        live.tg.private_chat(stranger)
        live.tg.private_chat(other)
        statuses = {
            "not json": await post("{not json"),
            "not an update": await post("[1, 2, 3]"),
            "update_id not a number": await post('{"update_id": "7"}'),
            "unknown type": await post('{"update_id": 900001, "brand_new_kind": {"x": 1}}'),
            "poison": await post(json.dumps({"update_id": 900002, "message": poison_message()})),
            "lone surrogate": await post(_message(900003, 8_801, '"hej \\ud800 der"')),
            "control characters": await post(_message(900004, 8_802, '"hej\\u0000\\u0007 der"')),
        }
        await live.tg.wait_until_idle()
        allowed = live.tg.calls_to("setWebhook")[-1].params.get("allowed_updates")
        await live.stop()
    replies = [m.text for m in stranger.messages + other.messages]
    leaked = words_in_log(log_path, [POISON_NAME, "zqvgift", "Zqvwebnavn"])
    report("webhook answers", **{k.replace(" ", "_"): v for k, v in statuses.items()},
           quarantined=len(db_rows(live, "SELECT * FROM quarantined_updates")))  # fmt: skip
    assert statuses == {
        "not json": 400,
        "not an update": 400,
        "update_id not a number": 400,
        "unknown type": 200,
        "poison": 200,
        "lone surrogate": 200,
        "control characters": 200,
    }
    assert db_rows(live, "SELECT update_id, stage FROM quarantined_updates") == [(900002, "parse")]
    assert len(replies) == 2 and not any(
        "gik galt" in reply or "went wrong" in reply for reply in replies
    )
    assert isinstance(allowed, list) and "message" in allowed and "chat_member" not in allowed
    assert leaked == []
