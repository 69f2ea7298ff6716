"""The method's parts through the real `fremad run` over HTTP: "I'd like to talk" reaching the
mentor and the mentor's time reaching the young person, and this week's sub-goal question."""

from __future__ import annotations

from pathlib import Path

from bot.local_telegram import FakeUser
from tests.e2e.live import LiveBot, checkin_time_away_from_now, live_bot
from tests.e2e.test_onboarding_live import cli_invite, db_rows, say, tap


async def _mentor_and_youth(live: LiveBot) -> tuple[FakeUser, FakeUser]:
    mette = live.tg.user(81, "Mette")
    await mette.send_command("start", await cli_invite(live, "mentor", "--name", "Mette"))
    await mette.wait_for_messages()
    await tap(mette, "Dansk")
    await tap(mette, "Ja, det er fint")
    ada = live.tg.user(82, "Ada")
    await ada.send_command("start", await cli_invite(live, "youth", "--mentor", "81"))
    await ada.wait_for_messages()
    await tap(ada, "Dansk")
    await tap(ada, "Ja, det er fint")
    await tap(ada, checkin_time_away_from_now())
    return mette, ada


async def test_talk_request_and_answer_over_http(database_url: str, tmp_path: Path) -> None:
    async with live_bot(database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false") as live:
        mette, ada = await _mentor_and_youth(live)
        # Whatever the hour of the test run: no quiet hours, so the request comes at once.
        await say(mette, "/quiet")
        await mette.click("Ingen stille timer")  # the settings message is edited in place
        assert await live.tg.wait_for(lambda: not any(m.buttons() for m in mette.messages), 10.0)
        seen = len(mette.messages)
        await ada.send_command("talk")
        assert await live.tg.wait_for(lambda: len(mette.messages) > seen, 10.0)
        assert "Ada" in mette.last_text and "vil gerne snakke" in mette.last_text
        await ada.wait_for_messages()
        assert "Sendt til Mette" in ada.last_text
        await mette.click("📞 Nu")
        answer = "📞 Mette ringer til dig lige nu."
        assert await live.tg.wait_for(lambda: ada.last_text == answer, 10.0)
        assert db_rows(live, "SELECT source, answered_at IS NOT NULL FROM talk_requests") == [
            ("menu", 1)
        ]

        # This week's question about a sub-goal: the measure is stored under its sub-goal.
        await say(ada, "/focus", replies=2)
        await tap(ada, "Ja", replies=2)
        await tap(ada, "Sige ja til en ny opgave", replies=1)
        assert db_rows(live, "SELECT subgoal FROM answers WHERE metric = 'measure'") == [
            ("self_belief",)
        ]
