"""Category-aware crisis answers through the real `fremad run` over HTTP (issue 15): self-harm
gets first aid and Livslinien, a plan gets "call 112 now" first and an acute alert, a friend in
danger gets "how to help" and no flag; the log never holds the words."""

from __future__ import annotations

import json

from tests.e2e.live import LiveBot
from tests.e2e.test_onboarding_live import cli_invite, db_rows, say, tap

MARK = "zqxvj"  # a word that must never reach the log


async def test_category_aware_answers_over_http(live: LiveBot) -> None:
    mentor = live.tg.user(71, "Mette")
    await mentor.send_command("start", await cli_invite(live, "mentor"))
    await mentor.wait_for_messages()
    await tap(mentor, "Dansk")
    await tap(mentor, "Ja, det er fint")
    ada = live.tg.user(72, "Ada")
    await ada.send_command("start", await cli_invite(live, "youth", "--mentor", "71"))
    await ada.wait_for_messages()
    await tap(ada, "Dansk")
    await tap(ada, "Ja, det er fint")
    await tap(ada, "09:00")

    reply = await say(ada, f"jeg har skåret mig i armen igen {MARK}")
    assert "Førstehjælp" in reply and "Livslinien på" in reply and "70 201 201" in reply

    reply = await say(ada, f"min ven siger han vil tage sit liv, hvad gør jeg {MARK}")
    assert "Det her kan du gøre" in reply and "112" in reply
    assert db_rows(live, "SELECT category FROM crisis_flags") == [("self_harm",)]

    reply = await say(ada, f"i aften tager jeg alle pillerne {MARK}")
    assert reply.startswith("Ring 112 nu.")  # the HTML <b> is stripped in the text
    assert db_rows(live, "SELECT category FROM crisis_flags ORDER BY id") == [
        ("self_harm",),
        ("plan_intent",),
    ]
    [(detail,)] = db_rows(live, "SELECT detail FROM alerts")
    assert json.loads(str(detail))["urgency"] == "acute"  # raised by the later, acute hit
    await live.stop()
    assert MARK not in live.log_text()
