"""Goals, the next-step suggestion, a celebrated step and the mentor's belief through the real
`fremad run` over HTTP (the prompt is sent by `fremad tick` from another process)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.live import LiveBot, checkin_time_away_from_now, live_bot
from tests.e2e.test_checkin_live import _tick
from tests.e2e.test_onboarding_live import cli_invite, say, tap


def _rows(live: LiveBot, query: str) -> list[tuple[object, ...]]:
    path = live.env["DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        return conn.execute(query).fetchall()


async def test_goal_step_ticked_off_then_celebrated_over_http(
    database_url: str, tmp_path: Path
) -> None:
    async with live_bot(database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false") as live:
        mette = live.tg.user(71, "Mette")
        await mette.send_command("start", await cli_invite(live, "mentor", "--name", "Mette"))
        await mette.wait_for_messages()
        await tap(mette, "Dansk")
        await tap(mette, "Ja, det er fint")
        ada = live.tg.user(72, "Ada")
        await ada.send_command("start", await cli_invite(live, "youth", "--mentor", "71"))
        await ada.wait_for_messages()
        await tap(ada, "Dansk")
        await tap(ada, "Ja, det er fint")
        await tap(ada, checkin_time_away_from_now())

        assert "Du har ingen mål endnu" in await say(ada, "/goals")
        await tap(ada, "➕ Nyt mål", replies=2)
        # The sub-goals in a young person's words, never the programme's names (issue 13).
        offered = ada.buttons()
        assert {"At tro på mig selv", "At blive hørt"} <= set(offered)
        assert not {"Tro på egne evner", "Ansvar og mødestabilitet"} & set(offered)
        await tap(ada, "At møde op og holde aftaler")
        await say(ada, "Møde til tiden")
        await say(ada, "Lægge tøj frem")
        await tap(ada, "I morgen")
        # The script's last message shows the goal board (action: show_goals).
        board = await tap(ada, "Ja", replies=2)
        assert "Gemt!" in ada.messages[-2].text
        assert "Lægge tøj frem" in board and "Næste, samme størrelse: Mød op 2 dage" in board
        await tap(ada, "◻️ Lægge tøj frem")
        done = await tap(ada, "✅ Klaret")
        assert "Næste, lidt større: Mød op 3 dage denne uge." in done
        assert _rows(live, "SELECT status, level FROM goal_steps") == [("done", 1)]

        # A check-in; the prompt after it is sent by `fremad tick` in another process.
        await say(ada, "/checkin", replies=2)
        await tap(ada, "4", replies=2)
        await tap(ada, "3")
        await tap(ada, "Praktik", replies=2)
        assert "gemt" in await tap(ada, "Spring over")
        at = datetime.now(ZoneInfo("Europe/Copenhagen")) + timedelta(minutes=1)
        report = await _tick(live, at.strftime("%Y-%m-%dT%H:%M"))
        assert report["sent"] == 1
        await ada.wait_for_messages()
        assert "Lægge tøj frem" in ada.last_text
        assert _rows(live, "SELECT rule FROM sent_prompts") == [("celebrate_step",)]

        await say(mette, "/belief")
        await tap(mette, "Ada")
        assert "over tid: 7" in await tap(mette, "7")
        assert _rows(live, "SELECT value FROM mentor_beliefs") == [(7,)]
