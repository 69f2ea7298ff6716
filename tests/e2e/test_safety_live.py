"""Safety and access through the real `fremad run` over HTTP: a crisis message gets 112 and the
lines, /sos works, logs carry no words; webhook mode refuses requests without the secret."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.local_telegram import FakeTelegram, FakeTelegramServer
from tests.e2e.live import FREMAD, LiveBot, live_bot, live_env
from tests.e2e.test_onboarding_live import cli_invite, db_rows, say, tap

SECRET = "s3cret_" + "x" * 30
CRISIS = "jeg vil ikke vågne op igen, qwxyzzy"


async def test_crisis_message_and_sos_over_http(database_url: str, tmp_path: Path) -> None:
    # Telegram's flood limits stay on here: the crisis reply arrives whole even when the bot's
    # replies come faster than a chat's limit (a 429 is waited out, never dropped).
    async with live_bot(
        database_url, tmp_path / "fremad.log", rate_limits=True, SCHEDULER_ENABLED="false"
    ) as live:
        mentor = live.tg.user(61, "Mette")
        await mentor.send_command("start", await cli_invite(live, "mentor"))
        await mentor.wait_for_messages()
        await tap(mentor, "Dansk")
        await tap(mentor, "Ja, det er fint")
        ada = live.tg.user(62, "Ada")
        await ada.send_command("start", await cli_invite(live, "youth", "--mentor", "61"))
        await ada.wait_for_messages()
        await tap(ada, "Dansk")
        await tap(ada, "Ja, det er fint")
        await tap(ada, "09:00")
        reply = await say(ada, CRISIS)
        assert reply.index("112") < reply.index("Livslinien") and "live" in reply
        assert "Jeg er i sikkerhed lige nu" in ada.buttons()
        await tap(ada, "Du har misforstået mig", replies=2)
        assert db_rows(live, "SELECT category, response FROM crisis_flags") == [
            ("passive_wish", "misunderstood")
        ]
        assert db_rows(live, "SELECT kind FROM alerts") == [("crisis",)]
        assert "112" in await say(ada, "/sos")
        await live.stop()
        logs = live.log_text()
        assert "qwxyzzy" not in logs and live.tg.token not in logs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def webhook_bot(
    database_url: str, log_path: Path, **extra: str
) -> AsyncIterator[tuple[LiveBot, FakeTelegramServer, str]]:
    tg = FakeTelegram(rate_limits=False)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    async with FakeTelegramServer(tg, push_webhooks=True) as server:
        env = live_env(
            tg,
            server.base_url,
            database_url,
            WEBHOOK_URL=url,
            WEBHOOK_PORT=str(port),
            WEBHOOK_HOST="127.0.0.1",
            **extra,
        )
        bot = LiveBot(tg, server.base_url, env, log_path)
        with log_path.open("ab") as log_file:
            bot.process = await asyncio.create_subprocess_exec(
                FREMAD,
                "run",
                "--webhook",
                env=env,
                stdout=log_file,
                stderr=log_file,
                stdin=asyncio.subprocess.DEVNULL,
            )
        try:
            assert await tg.wait_for(lambda: tg.webhook_url == url, timeout=60), bot.log_text()
            await _wait_listening(port)
            yield bot, server, url
        finally:
            await bot.stop()


async def _wait_listening(port: int) -> None:
    for _ in range(1200):  # up to a minute on a busy machine
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("the webhook server did not start listening")


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Eve", "language_code": "da"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "text": text,
            "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
        },
    }


async def test_webhook_refuses_requests_without_the_right_secret(
    database_url: str, tmp_path: Path
) -> None:
    async with webhook_bot(database_url, tmp_path / "webhook.log", WEBHOOK_SECRET=SECRET) as (
        bot,
        server,
        url,
    ):
        assert bot.tg.webhook_secret == SECRET
        eve = bot.tg.user(71, "Eve")
        bot.tg.private_chat(eve)  # Eve's chat exists; her updates are built by hand below
        eve_chat_messages = lambda: len(bot.tg.messages_in(71))  # noqa: E731
        statuses = [
            await server.deliver_webhook(_update(1, 71, "/start"), secret=None),
            await server.deliver_webhook(_update(2, 71, "/start"), secret="wrong-secret"),
            await server.deliver_webhook(_update(3, 71, "/start"), secret=SECRET[:-1]),
        ]
        assert all(status in (401, 403) for status in statuses), statuses
        async with aiohttp.ClientSession() as client, client.post(url, data=b"{}") as response:
            assert response.status in (401, 403)
        assert eve_chat_messages() == 0  # no handler ran
        assert db_rows(bot, "SELECT COUNT(*) FROM processed_updates") == [(0,)]
        # With the secret: handled once; the same update again is ignored.
        assert await server.deliver_webhook(_update(4, 71, "/sos")) == 200
        assert eve_chat_messages() == 1, bot.log_text()[-3000:]
        assert "112" in eve.last_text
        assert await server.deliver_webhook(_update(4, 71, "/sos")) == 200
        assert eve_chat_messages() == 1


async def test_webhook_mode_refuses_to_start_without_a_secret(
    database_url: str, tmp_path: Path
) -> None:
    tg = FakeTelegram(rate_limits=False)
    env = live_env(
        tg,
        "http://127.0.0.1:9",
        database_url,
        WEBHOOK_URL="https://fremad.example.dk/telegram/webhook",
    )
    env.pop("WEBHOOK_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "run",
        "--webhook",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2 and b"WEBHOOK_SECRET" in err
