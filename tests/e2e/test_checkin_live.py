"""The check-in across processes: `fremad tick` sends it, the running `fremad run` takes the
answers — the conversation lives in the database, not in either process."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.live import FREMAD, LiveBot, live_bot
from tests.e2e.test_onboarding_live import cli_invite, tap


def _next_weekday() -> date:
    day = datetime.now(ZoneInfo("Europe/Copenhagen")).date() + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


async def _tick(live: LiveBot, at: str) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "tick",
        "--at",
        at,
        env=live.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    report: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])
    return report


async def test_checkin_sent_by_tick_is_answered_by_the_running_bot(
    database_url: str, tmp_path: Path
) -> None:
    async with live_bot(database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false") as live:
        ada = live.tg.user(61, "Ada")
        await ada.send_command("start", await cli_invite(live, "youth"))
        await ada.wait_for_messages()
        await tap(ada, "Dansk")
        await tap(ada, "Ja, det er fint")
        await tap(ada, "09:00")

        day = _next_weekday()
        report = await _tick(live, f"{day.isoformat()}T09:00")
        assert report["sent"] == 1
        await ada.wait_for_messages()
        assert "Klar til dagens check-in" in "\n".join(m.text or "" for m in ada.messages[-3:])
        # The same tick again sends nothing: the ledger remembers.
        assert (await _tick(live, f"{day.isoformat()}T09:01"))["sent"] == 0

        # Low mood: a warm word, the offer to talk, then the question (with the offer's button).
        await tap(ada, "2", replies=3)
        await tap(ada, "Nej")
        await tap(ada, "3")
        await tap(ada, "Hviledag", replies=2)
        await tap(ada, "Spring over")
        assert "Dit check-in er gemt" in ada.last_text

        path = database_url.split("///", 1)[1]
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "SELECT local_date, status, mood, energy FROM checkin_days"
            ).fetchall()
        assert rows == [(day.isoformat(), "answered", 2, 3)]
