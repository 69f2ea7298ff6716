"""Mentor reporting across processes over HTTP: `fremad tick` sends the weekly summary with its
chart, the running `fremad run` answers the mentor's buttons and the youth's /mysummary."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.live import live_bot
from tests.e2e.test_checkin_live import _tick
from tests.e2e.test_onboarding_live import cli_invite, tap

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_weekly_summary_over_http(database_url: str, tmp_path: Path) -> None:
    async with live_bot(database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false") as live:
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

        # Next Monday; the week before it has two kept check-ins and one missed.
        today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
        monday = today + timedelta(days=7 - today.weekday())
        path = database_url.split("///", 1)[1]
        with sqlite3.connect(path) as conn:
            (ada_id,) = conn.execute("SELECT id FROM people WHERE telegram_id = 72").fetchone()
            conn.executemany(
                "INSERT INTO checkin_days (person_id, local_date, status, mood) "
                "VALUES (?, ?, ?, ?)",
                [
                    (ada_id, (monday - timedelta(days=7)).isoformat(), "answered", 4),
                    (ada_id, (monday - timedelta(days=6)).isoformat(), "missed", None),
                    (ada_id, (monday - timedelta(days=5)).isoformat(), "answered", 2),
                ],
            )

        before = len(mentor.messages)
        report = await _tick(live, f"{monday.isoformat()}T08:00")
        assert int(str(report["sent"])) >= 1
        await mentor.wait_for_messages(2)
        new = mentor.messages[before:]
        photo = next(m for m in new if m.kind == "photo")
        assert photo.file is not None and photo.file.data.startswith(PNG_SIGNATURE)
        summary = next(m for m in new if m.kind == "text")
        assert "Check-ins: 2 af 3 (1 misset)" in summary.text
        # Again the same week: nothing more.
        assert (await _tick(live, f"{monday.isoformat()}T08:05"))["sent"] == 0

        # The running bot answers the summary's button and the youth's /mysummary.
        await tap(mentor, "👤 Status nu")
        assert "Ada" in mentor.last_text
        await ada.send_command("mysummary")
        # The same chart the mentor got, then the summary word for word.
        chart, *_texts = await ada.wait_for_messages(2)
        assert chart.kind == "photo"
        assert ada.last_text.endswith(summary.text)
