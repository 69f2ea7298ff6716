"""Crisis response through the production dispatcher: every free text is screened; a hit gives
112 and the lines at once, records a flag, alerts the mentor without the youth's words, and the
youth's answers never clear the flag silently."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.scheduling.tick import run_tick
from storage.models import Alert, AuditEntry, CrisisFlag, Delivery, Role
from tests.conftest import CPH
from tests.harness import Harness
from tests.unit.test_crisis_detection import ORDINARY, TRIGGERS

CRISIS_TEXT = "jeg vil ikke vågne op igen"


async def _flags(h: Harness, person_id: int) -> list[CrisisFlag]:
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(CrisisFlag).where(CrisisFlag.person_id == person_id).order_by(CrisisFlag.id)
        )
        return list(result.scalars())


async def _rows(h: Harness, model: type, *where: object) -> list:  # type: ignore[type-arg]
    async with h.app.sessionmaker() as session:
        return list((await session.execute(select(model).where(*where))).scalars())


async def _pair(h: Harness, youth_id: int = 300, mentor_id: int = 301):  # type: ignore[no-untyped-def]
    mentor = h.user(mentor_id, "Mette")
    await h.onboard(mentor, Role.MENTOR)
    youth = h.user(youth_id, "Ada")
    person = await h.onboard(youth, Role.YOUTH, mentor=mentor_id)
    return youth, person, mentor


async def test_plain_message_hit_answers_with_112_and_alerts_mentor_without_words(
    harness: Harness,
) -> None:
    youth, person, mentor = await _pair(harness)
    await youth.send_text(CRISIS_TEXT)
    reply = youth.last_text
    assert reply.index("112") < reply.index("70 201 201")  # 112 first, then the lines
    assert "åben nu" in reply or "lukket" in reply  # which lines are open now
    assert "live" in reply  # nobody reads along live
    assert youth.buttons() == [
        "Jeg er i sikkerhed lige nu",
        "Jeg har brug for hjælp nu",
        "Du har misforstået mig",
    ]
    # No "I didn't quite catch that" on top of the crisis answer.
    assert not any("fangede" in (m.text or "") for m in youth.messages[-2:])
    [flag] = await _flags(harness, person.id)
    assert flag.category == "passive_wish" and flag.source == "message"
    [alert] = await _rows(harness, Alert, Alert.youth_id == person.id)
    assert alert.kind == "crisis" and flag.alert_id == alert.id
    assert CRISIS_TEXT not in alert.detail and json.loads(alert.detail)["rule_id"] == flag.rule_id
    mentor_person = await harness.person(mentor.id)
    assert mentor_person is not None
    deliveries = await _rows(harness, Delivery, Delivery.person_id == mentor_person.id)
    assert [d.kind for d in deliveries] == ["alert"]
    assert CRISIS_TEXT not in deliveries[0].payload
    # The scheduler's next pass brings the alert to the mentor — without the youth's words.
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    alert_texts = [m.text or "" for m in mentor.messages if "Ada" in (m.text or "")]
    assert alert_texts and not any(CRISIS_TEXT in t for t in alert_texts)


async def test_ordinary_sentences_do_not_trigger_through_the_bot(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    for text in ORDINARY:
        await youth.send_text(text)
    assert await _flags(harness, person.id) == []
    assert await _rows(harness, Alert, Alert.youth_id == person.id) == []


async def test_every_corpus_phrase_triggers_through_the_bot(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    for text, _category in TRIGGERS:
        await youth.send_text(text)
    flags = await _flags(harness, person.id)
    assert [f.category for f in flags] == [category for _text, category in TRIGGERS]
    # One alert a day; the later flags reach the mentor as crisis updates.
    assert len(await _rows(harness, Alert, Alert.youth_id == person.id)) == 1


async def test_checkin_note_triggers_and_the_checkin_still_finishes(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    await youth.send_command("checkin")
    await youth.click("4")
    await youth.click("3")
    await youth.click(youth.buttons()[0])
    assert youth.buttons() == ["Spring over"]  # the optional note is asked
    await youth.send_text("I want to kill myself")
    [flag] = await _flags(harness, person.id)
    assert flag.source == "script:daily_checkin" and flag.category == "active_ideation"
    texts = [m.text or "" for m in youth.messages[-3:]]
    assert "112" in texts[-1]  # the crisis answer is last, its buttons on top
    assert "Jeg er i sikkerhed lige nu" in youth.buttons()


async def test_caption_and_edited_message_are_screened(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    await youth.send_photo(caption="I want to die")
    sent = await youth.send_text("hej")
    await youth.edit_message(sent, "honestly kms")
    flags = await _flags(harness, person.id)
    assert [f.source for f in flags] == ["caption", "edited"]


async def test_stranger_gets_the_lines_and_nothing_is_stored(harness: Harness) -> None:
    stranger = harness.user(399, "X")
    await stranger.send_text("I want to die")
    assert "112" in stranger.last_text
    async with harness.app.sessionmaker() as session:
        assert list((await session.execute(select(CrisisFlag))).scalars()) == []


async def test_misunderstood_keeps_the_flag_and_tells_the_mentor(harness: Harness) -> None:
    youth, person, mentor = await _pair(harness)
    await youth.send_text(CRISIS_TEXT)
    await youth.click("Du har misforstået mig")
    [flag] = await _flags(harness, person.id)
    assert flag.response == "misunderstood"
    [alert] = await _rows(harness, Alert, Alert.youth_id == person.id)
    assert json.loads(alert.detail)["youth_response"] == "misunderstood"
    # The share question follows; "no" drops the held words at once.
    await youth.click("Nej, hold det privat")
    [flag] = await _flags(harness, person.id)
    assert flag.share_text is False and flag.text is None
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    mentor_texts = [m.text or "" for m in mentor.messages]
    assert any("misforstået" in t and "Ada" in t for t in mentor_texts)
    assert not any(CRISIS_TEXT in t for t in mentor_texts)


async def test_help_now_repeats_the_lines_marks_urgent_and_shares_when_agreed(
    harness: Harness,
) -> None:
    youth, person, mentor = await _pair(harness)
    await youth.send_text(CRISIS_TEXT)
    await youth.click("Jeg har brug for hjælp nu")
    assert any("112" in (m.text or "") for m in youth.messages[-2:])
    [alert] = await _rows(harness, Alert, Alert.youth_id == person.id)
    assert json.loads(alert.detail)["urgent"] is True
    await youth.click("Ja, de må gerne læse det")
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    mentor_texts = "\n".join(m.text or "" for m in mentor.messages)
    assert "Jeg har brug for hjælp nu" in mentor_texts or "hjælp nu" in mentor_texts
    assert CRISIS_TEXT in mentor_texts  # shared because the youth said yes
    reads = await _rows(harness, AuditEntry, AuditEntry.action == "data.read")
    assert (person.id, "crisis_shared_text") in [
        (r.subject_id, json.loads(r.detail)["purpose"]) for r in reads
    ]


async def test_undecided_words_are_dropped_after_a_day(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    await youth.send_text(CRISIS_TEXT)
    harness.clock.advance(timedelta(hours=25))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    [flag] = await _flags(harness, person.id)
    assert flag.text is None and flag.category == "passive_wish"


async def test_foreign_flag_button_is_refused_and_audited(harness: Harness) -> None:
    youth, person, _ = await _pair(harness)
    await youth.send_text(CRISIS_TEXT)
    other = harness.user(302, "Bo")
    other_person = await harness.onboard(other, Role.YOUTH)
    # Bo replays Ada's button (same callback data) in his own chat.
    await other.click("Jeg er i sikkerhed lige nu", in_message=youth.keyboard_message())
    [flag] = await _flags(harness, person.id)
    assert flag.response is None
    denied = await _rows(harness, AuditEntry, AuditEntry.action == "access.denied")
    assert [(d.actor_id, d.subject_id) for d in denied] == [(other_person.id, person.id)]


@pytest.mark.parametrize("locale_label", ["English"])
async def test_sos_shows_lines_and_the_safety_plan(harness: Harness, locale_label: str) -> None:
    youth = harness.user(310, "Ada", language_code="en")
    await harness.onboard(youth, Role.YOUTH, locale_label=locale_label)
    await youth.send_command("sos")
    assert "112" in youth.last_text and "Make my safety plan" in youth.buttons()
    await youth.click("Make my safety plan")
    await youth.send_text("I stop eating & stay in bed")
    await youth.send_text("A walk with my dog")
    await youth.send_text("Mum 12 34 56 78")
    assert "saved" in youth.last_text
    await youth.send_command("sos")
    sos = youth.last_text
    assert "I stop eating &amp; stay in bed" not in sos  # the fake shows rendered text
    assert "I stop eating & stay in bed" in sos and "Mum 12 34 56 78" in sos
    assert sos.index("112") < sos.index("Mum")
    assert "Update my safety plan" in youth.buttons()


async def test_sos_works_mid_checkin_and_for_strangers(harness: Harness) -> None:
    youth, _person, _ = await _pair(harness)
    await youth.send_command("checkin")
    await youth.send_command("sos")
    assert "112" in youth.last_text
    stranger = harness.user(398, "X")
    await stranger.send_command("sos")
    assert "112" in stranger.last_text


async def test_crisis_hit_at_night_shows_which_lines_are_open(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=CPH))
    youth, _person, _ = await _pair(harness)
    await youth.send_text("I want to die")
    assert "åben nu" in youth.last_text
