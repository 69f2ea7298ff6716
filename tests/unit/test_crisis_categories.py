"""Crisis categories through the production dispatcher (issue 15): the kinds that were missed
get 112, their hard negatives and "die laughing" get no crisis answer; the answer fits the
category; a friend in danger gets "how to help" and no alert; a low mood answer just before
makes "I give up" count; the mentor's alert names category and urgency, never the words; an
acute alert escalates sooner, and a more urgent hit the same day raises the day's alert."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.services.crisis_detection import CrisisReading, CrisisRules
from storage.models import Alert, CrisisFlag, Role
from tests.harness import Harness
from tests.unit.reporting_support import cph, record_days, tick_at
from tests.unit.test_crisis_corpus import KINDS, SPLITS, read_split


async def _flags(h: Harness, person_id: int) -> list[CrisisFlag]:
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(CrisisFlag).where(CrisisFlag.person_id == person_id).order_by(CrisisFlag.id)
        )
        return list(result.scalars())


async def _alerts(h: Harness, youth_id: int) -> list[Alert]:
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(Alert).where(Alert.youth_id == youth_id).order_by(Alert.id)
        )
        return list(result.scalars())


async def _pair(h: Harness, youth_id: int = 300, mentor_id: int = 301):  # type: ignore[no-untyped-def]
    mentor = h.user(mentor_id, "Mette")
    await h.onboard(mentor, Role.MENTOR)
    youth = h.user(youth_id, "Ada")
    person = await h.onboard(youth, Role.YOUTH, mentor=mentor_id)
    return youth, person, mentor


CRISIS_BUTTON = "Jeg er i sikkerhed lige nu"


def _kind_rows(kind: str, label: str) -> list[str]:
    """Tuning-split sentences of a kind (the held-out split is measured in
    test_crisis_corpus.py only, so that no fix is ever made from one of its sentences)."""
    _label, pattern = KINDS[kind]
    texts = []
    for split in SPLITS[:1]:
        for row in read_split(split):
            if row.label == label and not row.context and re.search(pattern, row.text.casefold()):
                texts.append(row.text)
    return texts


@pytest.mark.parametrize("kind", list(KINDS))
async def test_reported_kinds_get_112_and_their_hard_negatives_do_not(
    harness: Harness, kind: str
) -> None:
    youth, person, _mentor = await _pair(harness)
    positives = _kind_rows(kind, "crisis")
    negatives = _kind_rows(kind, "none")
    assert len(positives) + len(negatives) >= 3
    for text in negatives:
        before = len(youth.messages)
        await youth.send_text(text)
        replies = [m.text or "" for m in youth.messages[before:]]
        assert not any("112" in r for r in replies), kind  # no crisis answer
        assert not any(CRISIS_BUTTON in m.button_labels() for m in youth.messages[before:])
    assert await _flags(harness, person.id) == []
    for text in positives:
        before = len(youth.messages)
        await youth.send_text(text)
        reply = youth.last_text
        assert len(youth.messages) > before and "112" in reply, kind
        assert CRISIS_BUTTON in youth.buttons()
    assert len(await _flags(harness, person.id)) == len(positives)


async def test_plan_answer_puts_112_first_and_the_alert_is_urgent_without_words(
    harness: Harness,
) -> None:
    youth, person, mentor = await _pair(harness)
    start = cph(2026, 11, 24, 23, 30)  # inside the mentor's default quiet hours
    harness.clock.set(start)
    text = "jeg har pillerne klar og tager dem i nat"
    before = len(mentor.messages)
    await youth.send_text(text)
    reply = youth.last_text
    assert reply.startswith("<b>Ring 112 nu.</b>") or reply.startswith("Ring 112 nu.")
    [flag] = await _flags(harness, person.id)
    assert flag.category == "plan_intent"
    [alert] = await _alerts(harness, person.id)
    detail = json.loads(alert.detail)
    assert detail["category"] == "plan_intent" and detail["urgency"] == "acute"
    assert text not in alert.detail
    # The alert leaves with the update (quiet hours do not hold it); a tick sends it not again.
    await tick_at(harness, start)
    [alert_text] = [m.text or "" for m in mentor.messages[before:] if "🚨" in (m.text or "")]
    assert "HASTER" in alert_text
    assert "plan om eller en beslutning om at tage sit liv" in alert_text
    assert "pillerne" not in alert_text and "112" in alert_text


async def test_acute_alert_escalates_after_ten_minutes_a_normal_one_after_thirty(
    harness: Harness,
) -> None:
    ada, ada_person, _mentor = await _pair(harness, 300, 301)
    bo, bo_person, _mentor2 = await _pair(harness, 310, 311)
    staff = harness.user(800, "Sam")
    await harness.onboard(staff, Role.STAFF)
    start = cph(2026, 11, 24, 10, 0)
    harness.clock.set(start)
    await ada.send_text("i aften tager jeg mit liv")  # acute
    await bo.send_text("jeg gider ikke leve mere")  # normal
    await tick_at(harness, start)
    before = len(staff.messages)
    await tick_at(harness, start + timedelta(minutes=9))
    assert [m for m in staff.messages[before:] if "🚨" in (m.text or "")] == []
    await tick_at(harness, start + timedelta(minutes=10))
    escalated = [m.text or "" for m in staff.messages[before:] if "🚨" in (m.text or "")]
    assert len(escalated) == 1 and "Ada" in escalated[0]
    await tick_at(harness, start + timedelta(minutes=30))
    escalated = [m.text or "" for m in staff.messages[before:] if "🚨" in (m.text or "")]
    assert len(escalated) == 2 and "Bo" not in escalated[0] and "Ada" in escalated[0]
    assert [a.escalated_at is not None for a in await _alerts(harness, bo_person.id)] == [True]
    assert ada_person.id != bo_person.id


async def test_a_more_urgent_hit_the_same_day_raises_the_days_alert(harness: Harness) -> None:
    youth, person, _mentor = await _pair(harness)
    await youth.send_text("ingen ville savne mig")
    [alert] = await _alerts(harness, person.id)
    assert json.loads(alert.detail)["urgency"] == "normal"
    await youth.send_text("jeg har besluttet mig, i nat tager jeg alle pillerne")
    [alert] = await _alerts(harness, person.id)
    detail = json.loads(alert.detail)
    assert detail["urgency"] == "acute" and detail["category"] == "plan_intent"
    assert len(await _flags(harness, person.id)) == 2


async def test_self_harm_answer_gives_first_aid_and_livslinien(harness: Harness) -> None:
    youth, _person, _mentor = await _pair(harness)
    await youth.send_text("jeg har skåret i armen igen i aftes")
    reply = youth.last_text
    assert "Førstehjælp" in reply and "112" in reply
    assert "Livslinien på <b>70 201 201</b>" in reply or "Livslinien på 70 201 201" in reply
    # In the list, Livslinien comes right after 112.
    assert reply.index("70 201 201") < reply.index("116 111")


async def test_abuse_answer_names_the_violence_line_and_bornetelefonen(harness: Harness) -> None:
    youth, _person, _mentor = await _pair(harness)
    await youth.send_text("min stedfar slår mig når han har drukket")
    reply = youth.last_text
    assert "aldrig din skyld" in reply
    assert "Lev Uden Vold på" in reply and "1888" in reply
    assert "under 18" in reply and "116 111" in reply
    assert reply.index("112") < reply.index("1888")


async def test_friend_in_danger_gets_how_to_help_and_nobody_is_alerted(harness: Harness) -> None:
    youth, person, mentor = await _pair(harness)
    await youth.send_text("min bedste veninde skriver at hun vil slå sig selv ihjel, hvad gør jeg")
    reply = youth.last_text
    assert "Det her kan du gøre" in reply and "112" in reply and "70 201 201" in reply
    assert "Ingen får besked" in reply
    assert CRISIS_BUTTON not in youth.messages[-1].button_labels()
    assert await _flags(harness, person.id) == []
    assert await _alerts(harness, person.id) == []
    # The writer's own crisis is still the writer's own.
    await youth.send_text("asking for a friend: how many paracetamol would kill someone")
    [flag] = await _flags(harness, person.id)
    assert flag.category == "method_seeking"
    assert mentor.id


async def test_low_mood_answer_in_the_running_checkin_makes_giving_up_count(
    harness: Harness,
) -> None:
    youth, person, _mentor = await _pair(harness)
    await youth.send_text("jeg giver op")  # no context: an everyday phrase
    assert await _flags(harness, person.id) == []
    await youth.send_command("checkin")
    await youth.click("1")  # really low: the mood answer is in the running conversation
    await youth.send_text("jeg giver op")
    [flag] = await _flags(harness, person.id)
    assert flag.category == "hopelessness_burden" and flag.source == "script:daily_checkin"
    assert "112" in youth.last_text


async def test_low_mood_checkin_earlier_today_makes_giving_up_count(harness: Harness) -> None:
    youth, person, _mentor = await _pair(harness)
    harness.clock.set(cph(2026, 11, 24, 18, 0))
    await record_days(harness, person.id, {date(2026, 11, 24): ("answered", 4)})
    await youth.send_text("hvad er pointen")
    assert await _flags(harness, person.id) == []  # a good day: no context
    bo, bo_person, _mentor2 = await _pair(harness, 310, 311)
    await record_days(harness, bo_person.id, {date(2026, 11, 24): ("answered", 2)})
    await bo.send_text("hvad er pointen")
    [flag] = await _flags(harness, bo_person.id)
    assert flag.category == "hopelessness_burden" and flag.source == "message"


async def test_low_mood_earlier_today_lowers_the_models_threshold_through_the_bot(
    harness: Harness,
) -> None:
    # No rule hits this text; the model scores it between its two thresholds (set so here), so
    # it counts only after a low mood answer — and the bot must look the mood up to know that.
    runtime = harness.app.dp["runtime"]
    shipped = runtime.crisis_rules
    text = "i dag er jeg lidt blorp"
    score = shipped.model.score(shipped.residue(text))
    between = dataclasses.replace(
        shipped.model, threshold=score + 0.001, threshold_low_mood=score - 0.001
    )
    runtime.crisis_rules = shipped.with_model(between)
    assert runtime.crisis_rules.context_sensitive(text)
    assert not runtime.crisis_rules.context_sensitive("vi spiste frokost sammen i dag")
    harness.clock.set(cph(2026, 11, 24, 18, 0))
    youth, person, _mentor = await _pair(harness)
    await record_days(harness, person.id, {date(2026, 11, 24): ("answered", 4)})
    await youth.send_text(text)
    assert await _flags(harness, person.id) == []  # a good day: the higher threshold
    bo, bo_person, _mentor2 = await _pair(harness, 310, 311)
    await record_days(harness, bo_person.id, {date(2026, 11, 24): ("answered", 2)})
    await bo.send_text(text)
    [flag] = await _flags(harness, bo_person.id)
    assert flag.rule_id == "model" and "112" in bo.last_text


async def test_a_free_text_is_read_once_per_update(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # First aid (outermost) and the crisis screen both need the reading: the screen takes over
    # the one first aid made, so the text is cleaned, indexed and matched once.
    readings: list[CrisisReading] = []
    read = CrisisRules.read

    def counting(self: CrisisRules, text: str) -> CrisisReading:
        readings.append(read(self, text))
        return readings[-1]

    monkeypatch.setattr(CrisisRules, "read", counting)
    youth, person, _mentor = await _pair(harness)
    readings.clear()
    await youth.send_text("i dag var jeg i praktik og det gik fint")
    assert len(readings) == 1
    await youth.send_text("I want to kill myself")
    assert len(readings) == 2
    [flag] = await _flags(harness, person.id)
    assert flag.category == "active_ideation" and "112" in youth.last_text
