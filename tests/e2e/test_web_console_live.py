"""The web console served by the real `fremad run` (WEB_PORT set) over HTTP: /web in the bot
gives a link, the link signs the mentor in, the overview shows their young person; and the
console refuses to start on a plain-http WEB_BASE_URL without WEB_INSECURE_HTTP."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import unused_port

from tests.e2e.live import live_bot, live_env
from tests.e2e.test_onboarding_live import cli_invite, tap

FREMAD = str(Path(sys.executable).parent / "fremad")


async def test_console_in_fremad_run_signs_a_mentor_in_over_http(
    database_url: str, tmp_path: Path
) -> None:
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    async with live_bot(
        database_url,
        tmp_path / "fremad.log",
        SCHEDULER_ENABLED="false",
        WEB_PORT=str(port),
        WEB_BASE_URL=base,
        WEB_INSECURE_HTTP="1",
    ) as live:
        mentor = live.tg.user(71, "Mette")
        await mentor.send_command("start", await cli_invite(live, "mentor", "--name", "Mette"))
        await mentor.wait_for_messages()
        await tap(mentor, "Dansk")
        await tap(mentor, "Ja, det er fint")
        ada = live.tg.user(72, "Ada")
        await ada.send_command("start", await cli_invite(live, "youth", "--mentor", "71"))
        await ada.wait_for_messages()
        await tap(ada, "Dansk")
        await tap(ada, "Ja, det er fint")
        await tap(ada, "09:00")

        await mentor.send_command("web")
        await mentor.wait_for_messages()
        found = re.search(r"(http://\S+/login/[A-Za-z0-9_-]+)", mentor.last_text)
        assert found is not None, mentor.last_text
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
            async with browser.get(found.group(1)) as signed:
                assert signed.status == 200
            async with browser.get(f"{base}/") as overview:
                page = await overview.text()
                assert overview.status == 200
                assert "Mine unge" in page and "Ada" in page
                assert overview.headers["X-Frame-Options"] == "DENY"
            async with browser.get(found.group(1)) as again:
                assert again.status == 403  # single use


async def test_console_refuses_to_start_on_plain_http(database_url: str, tmp_path: Path) -> None:
    from bot.local_telegram import FakeTelegram

    tg = FakeTelegram()
    env = live_env(
        tg,
        "http://127.0.0.1:9",
        database_url,
        WEB_PORT=str(unused_port()),
        WEB_BASE_URL="http://fremad.example.dk",
    )
    process = await asyncio.create_subprocess_exec(
        FREMAD, "web", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "WEB_BASE_URL must start with https://" in err.decode()
