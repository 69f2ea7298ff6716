"""Onboarding through the real `fremad run`, polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.local_telegram import FakeUser
from tests.e2e.live import FREMAD, LiveBot


async def cli_invite(live: LiveBot, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "invite",
        *args,
        "--json",
        env=live.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    invite = json.loads(out)
    assert invite["link"] == f"https://t.me/{live.tg.bot_username}?start={invite['code']}"
    return str(invite["code"])


async def say(user: FakeUser, text: str, replies: int = 1) -> str:
    await user.send_text(text)
    await user.wait_for_messages(replies)
    return user.last_text


async def tap(user: FakeUser, label: str, replies: int = 1) -> str:
    await user.click(label)
    await user.wait_for_messages(replies)
    return user.last_text


def db_rows(live: LiveBot, query: str) -> list[tuple[object, ...]]:
    path = live.env["DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return conn.execute(query).fetchall()


async def test_each_role_onboards_over_http(live: LiveBot) -> None:
    staff = live.tg.user(11, "Sam", language_code="en")
    await staff.send_command("start", await cli_invite(live, "staff"))
    await staff.wait_for_messages()
    await tap(staff, "English")
    assert "set up as staff" in await tap(staff, "Yes, I agree")

    mentor = live.tg.user(12, "Mette")
    await mentor.send_command("start", await cli_invite(live, "mentor", "--name", "Mette"))
    await mentor.wait_for_messages()
    await tap(mentor, "Dansk")
    assert "sat op som mentor" in await tap(mentor, "Ja, det er fint")

    youth = live.tg.user(13, "Ada")
    await youth.send_command("start", await cli_invite(live, "youth", "--mentor", "12"))
    await youth.wait_for_messages()
    await tap(youth, "Dansk")
    await tap(youth, "Ja, det er fint")
    assert "kl. 08:00" in await tap(youth, "08:00")

    assert db_rows(
        live, "SELECT telegram_id, is_youth, is_mentor, is_staff FROM people ORDER BY telegram_id"
    ) == [(11, 0, 0, 1), (12, 0, 1, 0), (13, 1, 0, 0)]
    links = db_rows(
        live,
        "SELECT y.telegram_id, m.telegram_id FROM mentor_links l "
        "JOIN people y ON y.id = l.youth_id JOIN people m ON m.id = l.mentor_id",
    )
    assert links == [(13, 12)]


async def test_bad_codes_and_strangers_over_http(live: LiveBot) -> None:
    stranger = live.tg.user(21, "X")
    await stranger.send_command("start")
    await stranger.wait_for_messages()
    assert "invitation" in stranger.last_text
    assert "kunne ikke finde" in await say(stranger, "/start ZZZZZZZZZZ")
    assert "Fremad bruges med en invitation" in await say(stranger, "hej")
    code = await cli_invite(live, "youth")
    first = live.tg.user(22, "Y")
    await first.send_command("start", code)
    await first.wait_for_messages()
    await tap(first, "Dansk")
    await tap(first, "Ja, det er fint")
    assert "allerede brugt" in await say(stranger, f"/start {code}")
    assert db_rows(live, "SELECT COUNT(*) FROM people WHERE telegram_id = 21") == [(0,)]


async def test_restart_mid_onboarding_continues_where_it_stopped(live: LiveBot) -> None:
    ada = live.tg.user(31, "Ada")
    await ada.send_command("start", await cli_invite(live, "youth"))
    await ada.wait_for_messages()
    await tap(ada, "Dansk")  # consent question is showing now
    await live.kill()
    await live.start()
    assert "Hvornår" in await tap(ada, "Ja, det er fint")
    await live.kill()
    await live.start()
    assert "Velkommen, Ada" in await tap(ada, "11:00")


async def test_stale_button_and_blocked_user_over_http(live: LiveBot) -> None:
    ada = live.tg.user(41, "Ada")
    await ada.send_command("start", await cli_invite(live, "youth"))
    await ada.wait_for_messages()
    await tap(ada, "Dansk")
    first_consent = ada.keyboard_message()
    [no_thanks] = [b for b in first_consent.buttons() if b.text == "Nej tak"]
    await say(ada, "hvad betyder det?", replies=2)
    await tap(ada, "Ja, det er fint")
    await ada.tap_in_flight(first_consent, no_thanks)
    assert await live.tg.wait_for(
        lambda: any(a.text == "Den knap er udløbet." for a in ada.callback_answers), timeout=10
    )
    await tap(ada, "09:00")

    await ada.block()
    await live.tg.wait_until_idle()
    assert db_rows(
        live, "SELECT unreachable_since IS NOT NULL FROM people WHERE telegram_id = 41"
    ) == [(1,)]
    assert live.process is not None and live.process.returncode is None


async def test_logs_carry_no_token_and_no_message_text(live: LiveBot) -> None:
    ada = live.tg.user(51, "Ada")
    secret_words = "min hemmelige tekst om mit liv"
    await ada.send_command("start", await cli_invite(live, "youth"))
    await ada.wait_for_messages()
    await say(ada, secret_words)
    await live.stop()
    logs = live.log_text()
    assert "getUpdates" in logs or "Fremad starts polling" in logs  # it did log something
    assert live.tg.token not in logs
    assert live.tg.token.split(":", 1)[1] not in logs
    assert secret_words not in logs
