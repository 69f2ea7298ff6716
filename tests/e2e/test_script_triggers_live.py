"""Script triggers through the real `fremad run` over HTTP: staff publish a new script in the
bot; its command is in the menu and answers at once, and `fremad tick` (another process) starts
its schedule once — no restart."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.live import live_bot
from tests.e2e.test_checkin_live import _tick
from tests.e2e.test_onboarding_live import cli_invite, tap

SCRIPT = b"""id: afternoon_hello
version: 1
kind: other
title: {da: Eftermiddagshej}
triggers:
  - schedule: {days: every_day, at: "15:00"}
  - command: hej
    roles: [youth]
    description: {da: sig hej til Fremad}
steps:
  - id: how
    type: yes_no
    key: fine
    text: {da: "Hej {first_name}! Har du det okay?"}
  - id: bye
    type: message
    text: {da: Tak for svaret.}
"""


async def test_published_command_and_schedule_work_in_the_running_bot(
    database_url: str, tmp_path: Path
) -> None:
    async with live_bot(database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false") as live:
        sam = live.tg.user(71, "Sam")
        await sam.send_command("start", await cli_invite(live, "staff"))
        await sam.wait_for_messages()
        await tap(sam, "Dansk")
        await tap(sam, "Ja, det er fint")
        ada = live.tg.user(72, "Ada")
        await ada.send_command("start", await cli_invite(live, "youth"))
        await ada.wait_for_messages()
        await tap(ada, "Dansk")
        await tap(ada, "Ja, det er fint")
        await tap(ada, "09:00")

        await sam.send_document("afternoon_hello.yaml", SCRIPT)
        await sam.wait_for_messages()
        assert "er i orden" in sam.last_text
        await tap(sam, "Udgiv version 1")
        menu = live.tg.commands[(json.dumps({"type": "default"}), "da")]
        assert {"command": "hej", "description": "sig hej til Fremad"} in menu

        await ada.send_command("hej")
        await ada.wait_for_messages()
        assert "Hej Ada! Har du det okay?" in ada.last_text
        await tap(ada, "Ja")
        assert "Tak for svaret." in ada.last_text

        day = datetime.now(ZoneInfo("Europe/Copenhagen")).date() + timedelta(days=1)
        await _tick(live, f"{day.isoformat()}T15:00")
        await ada.wait_for_messages()
        await _tick(live, f"{day.isoformat()}T15:05")
        asked = [m for m in ada.messages if "Har du det okay?" in (m.text or "")]
        assert len(asked) == 2  # the command's, and the schedule's — once
