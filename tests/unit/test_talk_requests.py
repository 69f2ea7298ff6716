""" "I'd like to talk" through the production dispatcher: the mentor gets it in the same update
(or first thing after quiet hours), answers with a time, the young person sees it, and the
summary counts requests and time to answer."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEntry, TalkRequest
from tests.harness import Harness
from tests.unit.reporting_support import cph, mentor_and_youths, texts, tick_at


async def test_talk_reaches_the_mentor_in_the_same_update_and_the_time_reaches_the_youth(
    harness: Harness,
) -> None:
    mentor, [(ada, _person)] = await mentor_and_youths(harness, ["Ada"])
    harness.clock.set(cph(2026, 11, 24, 9, 20))
    before = len(mentor.messages)
    await ada.send_command("talk")
    # No tick in between: the request is already with the mentor.
    [request] = mentor.messages[before:]
    assert "Ada" in request.text and "vil gerne snakke" in request.text
    assert mentor.buttons()[:4] == [
        "📞 Nu",
        "i dag kl. 10:00",
        "i dag kl. 11:00",
        "i dag kl. 12:00",
    ]
    assert "Sendt til Mette" in ada.last_text
    # A second tap while the first has no answer sends nothing new.
    await ada.send_command("talk")
    assert len(mentor.messages) == before + 1
    assert "ved allerede" in ada.last_text
    harness.clock.set(cph(2026, 11, 24, 9, 32))
    await mentor.click("i dag kl. 11:00")
    assert ada.last_text == "📞 Mette ringer til dig i dag kl. 11:00."
    assert "du ringer til Ada i dag kl. 11:00" in mentor.last_text
    async with harness.app.sessionmaker() as session:
        [row] = (await session.execute(select(TalkRequest))).scalars().all()
    assert row.source == "menu" and row.talk_at == cph(2026, 11, 24, 11, 0)
    assert row.answered_at is not None and row.delivered_at is not None
    assert (row.answered_at - row.delivered_at).total_seconds() == 12 * 60


async def test_talk_at_night_waits_for_the_end_of_quiet_hours(harness: Harness) -> None:
    mentor, [(ada, _person)] = await mentor_and_youths(harness, ["Ada"])
    harness.clock.set(cph(2026, 11, 24, 22, 30))
    before = len(mentor.messages)
    await ada.send_command("talk")
    assert len(mentor.messages) == before
    assert "i morgen kl. 07:00" in ada.last_text and "/sos" in ada.last_text
    await tick_at(harness, cph(2026, 11, 25, 6, 59))
    assert len(mentor.messages) == before
    await tick_at(harness, cph(2026, 11, 25, 7, 0))
    [request] = mentor.messages[before:]
    assert "Ada" in request.text and "Spurgt 24.11. 22:30" in request.text
    # Held over the night, then answered 5 minutes after it came: 5 minutes to answer.
    harness.clock.set(cph(2026, 11, 25, 7, 5))
    await mentor.click("📞 Nu")
    assert ada.last_text == "📞 Mette ringer til dig lige nu."
    await tick_at(harness, cph(2026, 11, 25, 7, 30))
    assert len(mentor.messages) == before + 2  # the request and the confirmation, once each
    # The weekly summary (Monday 30 Nov) shows the request and the time to answer.
    await tick_at(harness, cph(2026, 11, 30, 8, 0))
    summary = "\n".join(texts(mentor.messages))
    assert "🗣 Ønsker om en snak: 1 · svar efter 5 min (median)" in summary


async def test_after_a_hard_checkin_one_tap_reaches_the_mentor(harness: Harness) -> None:
    mentor, [(ada, _person)] = await mentor_and_youths(harness, ["Ada"])
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    await ada.send_command("checkin")
    await ada.click("1")
    before = len(mentor.messages)
    await ada.click("🗣 Jeg vil gerne snakke")
    assert len(mentor.messages) == before + 1 and "Ada" in mentor.last_text
    async with harness.app.sessionmaker() as session:
        [row] = (await session.execute(select(TalkRequest))).scalars().all()
        audit = (
            (
                await session.execute(
                    select(AuditEntry).where(AuditEntry.action == "talk.requested")
                )
            )
            .scalars()
            .all()
        )
    assert row.source == "checkin" and len(audit) == 1


async def test_only_the_current_mentor_can_answer(harness: Harness) -> None:
    mentor, [(ada, _person)] = await mentor_and_youths(harness, ["Ada"])
    other, _ = await mentor_and_youths(harness, ["Bo"], mentor_id=950, mentor_name="Ole")
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    await ada.send_command("talk")
    request = mentor.keyboard_message()
    # Ole presses Mette's button (a forged or forwarded tap): refused, nothing reaches Ada.
    shown = len(ada.messages)
    await other.click("📞 Nu", in_message=request)
    assert len(ada.messages) == shown
    async with harness.app.sessionmaker() as session:
        [row] = (await session.execute(select(TalkRequest))).scalars().all()
    assert row.answered_at is None
