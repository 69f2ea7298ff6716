"""Attendance through the real `fremad run` over HTTP: a youth plans an activity by tapping, a
`fremad tick --at` pass (another process) asks the follow-up after its end, and the answer
reaches the running bot and is recorded."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.live import FREMAD, LiveBot
from tests.e2e.test_onboarding_live import cli_invite, db_rows, say, tap

CPH = ZoneInfo("Europe/Copenhagen")


async def fremad_tick(live: LiveBot, at: datetime) -> None:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "tick",
        "--at",
        at.isoformat(),
        env=live.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def test_plan_and_follow_up_over_http(live: LiveBot) -> None:
    ada = live.tg.user(61, "Ada", language_code="en")
    await ada.send_command("start", await cli_invite(live, "youth"))
    await ada.wait_for_messages()
    await tap(ada, "English")
    await tap(ada, "Yes, I agree")
    await tap(ada, "09:00")

    assert "Nothing planned yet" in await say(ada, "/plan")
    await tap(ada, "➕ Add an activity")
    await tap(ada, "Internship")
    await say(ada, "Praktik hos Bager Jensen")
    assert "Which days?" in await tap(ada, "Every week")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        await ada.click(day)
        await live.tg.wait_until_idle()
    await tap(ada, "Done")
    await tap(ada, "10:00")
    assert "Every Mon, Tue, Wed, Thu, Fri, Sat, Sun 10:00–11:00" in await tap(ada, "11:00")
    [(activity_id, title_at_rest)] = db_rows(live, "SELECT id, title FROM activities")
    assert "Bager" not in str(title_at_rest)

    tomorrow = datetime.now(CPH).date() + timedelta(days=1)
    end = datetime.combine(tomorrow, datetime.min.time().replace(hour=11), CPH)
    await fremad_tick(live, end)
    await ada.wait_for_messages()
    assert ada.last_text == "Did you make it to Praktik hos Bager Jensen today?"
    assert "I'm running late" not in " ".join(ada.buttons())
    await tap(ada, "Yes, but I was late")
    assert "You made it, and that counts" in ada.last_text
    assert db_rows(
        live,
        "SELECT activity_id, status, source FROM attendance_records "
        f"WHERE local_date = '{tomorrow.isoformat()}'",
    ) == [(activity_id, "late", "followup")]
    assert db_rows(
        live,
        "SELECT status FROM deliveries WHERE kind = 'attendance_followup' "
        f"AND slot_key = '{activity_id}:{tomorrow.isoformat()}'",
    ) == [("sent",)]
