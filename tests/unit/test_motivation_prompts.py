"""Motivational prompts with real data: after a finished check-in through the bot, never the
same prompt twice within 30 days, ease-off on low mood, and successes built from data."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.dialogs import render_localized
from bot.local_telegram import FakeUser
from bot.scheduling.tick import run_tick
from bot.services.motivation import library_of, prompt_service
from bot.services.ratings import RatingService
from bot.services.successes import SuccessService
from storage.models import Answer, CheckinDay, Delivery, Person, Role, SentPrompt
from tests.conftest import CPH
from tests.harness import Harness
from tests.scripts_support import staff_member

MONDAY = date(2026, 11, 23)


async def _answer_checkin(user: FakeUser, mood: str = "4") -> None:
    await user.send_command("checkin")
    await user.click(mood)
    await user.click("3")
    await user.click(user.buttons()[0])
    await user.click("Spring over")


async def _sent(h: Harness, person_id: int) -> list[SentPrompt]:
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(SentPrompt).where(SentPrompt.youth_id == person_id).order_by(SentPrompt.id)
        )
        return list(result.scalars())


async def _checkin_day(h: Harness, person: Person, day: date, mood: int | None) -> None:
    async with h.app.sessionmaker() as session:
        session.add(CheckinDay(person_id=person.id, local_date=day, status="answered", mood=mood))
        await session.commit()


async def test_prompt_follows_a_finished_checkin_and_records_its_rule(harness: Harness) -> None:
    ada = harness.user(400, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await _answer_checkin(ada)
    assert "Dit check-in er gemt" in ada.last_text
    harness.clock.advance(timedelta(minutes=1))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    sent = await _sent(harness, person.id)
    assert [(p.rule, p.local_date) for p in sent] == [("encourage", MONDAY)]
    prompt = library_of(harness.app.runtime).prompt(sent[0].prompt_id)
    assert ada.last_text == render_localized(prompt.text, "da", {"first_name": "Ada"})
    # A second check-in the same day: no second prompt.
    await _answer_checkin(ada)
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert len(await _sent(harness, person.id)) == 1


async def _prompt_deliveries(h: Harness, person_id: int) -> list[tuple[str, str]]:
    """The prompt deliveries queued after a check-in (not those planned at the youth's time)."""
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(Delivery.slot_key, Delivery.status)
            .where(Delivery.person_id == person_id, Delivery.kind == "prompt")
            .order_by(Delivery.id)
        )
        return [(slot, status) for slot, status in result if ":checkin" in slot]


async def test_prompt_after_a_checkin_waits_for_a_conversation_opened_meanwhile(
    harness: Harness,
) -> None:
    ada = harness.user(403, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await _answer_checkin(ada)
    # Before the next tick Ada starts a new goal: its question waits for her answer.
    await ada.send_command("goals")
    await ada.click("➕ Nyt mål")
    await ada.click("At møde op og holde aftaler")
    asked = ada.last_text
    harness.clock.advance(timedelta(minutes=1))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert ada.last_text == asked  # nothing came between the question and her answer
    assert await _sent(harness, person.id) == []
    assert await _prompt_deliveries(harness, person.id) == [
        (f"{MONDAY}:checkin", "cancelled"),
        (f"{MONDAY}:checkin@2", "pending"),
    ]
    await ada.send_text("Møde til tiden")
    await ada.send_text("Stille vækkeur")
    await ada.click("I dag")
    await ada.click("Ja")
    harness.clock.advance(timedelta(minutes=20))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    [prompt] = await _sent(harness, person.id)
    text = library_of(harness.app.runtime).prompt(prompt.prompt_id).text
    assert ada.last_text == render_localized(text, "da", {"first_name": "Ada"})


async def test_a_waiting_prompt_is_let_go_at_the_end_of_its_day(harness: Harness) -> None:
    ada = harness.user(404, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    harness.clock.advance(timedelta(hours=15, minutes=50))  # 23:50 in Copenhagen
    await _answer_checkin(ada)
    await ada.send_command("goals")
    await ada.click("➕ Nyt mål")
    harness.clock.advance(timedelta(minutes=1))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    # Twenty minutes on it is another day: that day's prompt is not taken by this one.
    assert await _prompt_deliveries(harness, person.id) == [(f"{MONDAY}:checkin", "cancelled")]
    assert await _sent(harness, person.id) == []


async def test_a_done_step_is_celebrated_after_the_next_checkin(harness: Harness) -> None:
    ada = harness.user(401, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("goals")
    await ada.click("➕ Nyt mål")
    await ada.click("At møde op og holde aftaler")
    await ada.send_text("Møde til tiden")
    await ada.send_text("Stille vækkeur")
    await ada.click("I dag")
    await ada.click("Ja")
    await ada.send_command("goals")
    await ada.click("◻️ Stille vækkeur")
    await ada.click("✅ Klaret")
    await _answer_checkin(ada)
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    sent = await _sent(harness, person.id)
    assert [(p.rule, p.subgoal) for p in sent] == [("celebrate_step", "responsibility")]
    assert "Stille vækkeur" in ada.last_text


async def test_never_the_same_prompt_twice_within_30_days(harness: Harness) -> None:
    ada = harness.user(402, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    # The weakest sub-goal is "community": its few prompts run out within 30 days.
    async with harness.app.sessionmaker() as session:
        ratings = RatingService(session, harness.clock)
        await ratings.record_self(person, "community", 2, MONDAY)
        await ratings.record_self(person, "skills", 8, MONDAY)
        await session.commit()
    sent_on: dict[str, list[date]] = defaultdict(list)
    for offset in range(75):
        day = MONDAY + timedelta(days=offset)
        harness.clock.set(datetime.combine(day, datetime.min.time(), CPH) + timedelta(hours=10))
        await _checkin_day(harness, person, day, mood=4)
        async with harness.app.sessionmaker() as session:
            prompt = await prompt_service(session, harness.app.runtime).send_now(person, "checkin")
        if prompt is not None:
            sent_on[prompt.prompt_id].append(day)
    assert sum(len(days) for days in sent_on.values()) >= 35
    repeated = {pid: days for pid, days in sent_on.items() if len(days) > 1}
    assert repeated, "over 75 days some prompt comes back (after its 30 days)"
    for days in repeated.values():
        assert all((b - a).days >= 30 for a, b in zip(days, days[1:], strict=False))


async def test_low_mood_days_ease_off_then_a_warm_check(harness: Harness) -> None:
    ada = harness.user(403, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    rules: list[str | None] = []
    for offset, mood in enumerate([4, 2, 1, 2, 2, 1, 2, 1]):
        day = MONDAY + timedelta(days=offset)
        harness.clock.set(datetime.combine(day, datetime.min.time(), CPH) + timedelta(hours=10))
        await _checkin_day(harness, person, day, mood=mood)
        async with harness.app.sessionmaker() as session:
            prompt = await prompt_service(session, harness.app.runtime).send_now(person, "checkin")
        rules.append(prompt.rule if prompt else None)
    # Day 4 is the third low day in a row: a warm check instead of anything else, then
    # quiet (no celebration, no encouragement) until the next warm check three days on.
    assert rules == [
        "encourage",
        None,
        "streak",
        "low_mood_check",
        None,
        None,
        "low_mood_check",
        None,
    ]


async def test_successes_are_built_from_data(harness: Harness) -> None:
    ada = harness.user(404, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    for offset in range(5):  # Monday to Friday: a streak of five
        day = MONDAY + timedelta(days=offset)
        harness.clock.set(datetime.combine(day, datetime.min.time(), CPH) + timedelta(hours=10))
        await _checkin_day(harness, person, day, mood=4)
        async with harness.app.sessionmaker() as session:
            for value in ["attended"] if offset in (0, 2, 4) else []:
                session.add(_attendance(person, day, value))
            await session.commit()
            await SuccessService(session, harness.clock).refresh_from_data(person, day)
            await session.commit()
    async with harness.app.sessionmaker() as session:
        ratings = RatingService(session, harness.clock)
        await ratings.record_self(person, "community", 4, date(2026, 11, 20))
        await ratings.record_self(person, "community", 6, date(2026, 11, 27))
        await session.commit()
    await ada.send_command("successes")
    text = ada.last_text
    assert "Se, hvor langt du er nået" in text
    assert "5 check-ins i træk" in text
    assert "En hel uge, hvor du mødte op" in text
    assert "At være en del af holdet steg fra 4 til 6" in text  # the youth's words
    async with harness.app.sessionmaker() as session:
        items = await SuccessService(session, harness.clock).successes(
            person.id, MONDAY, date(2026, 11, 29)
        )
    assert [i.kind.value for i in items] == ["streak", "attended_week", "rating_rose"]


def _attendance(person: Person, day: date, value: str) -> Answer:
    return Answer(
        person_id=person.id,
        script_id="attendance_followup",
        script_version=1,
        run_id="t",
        step_id="attended",
        key="attendance",
        value=json.dumps(value),
        subgoal="responsibility",
        metric="attendance",
        local_date=day,
        answered_at=datetime.now(CPH),
    )


async def test_prompts_come_from_the_library_staff_published(harness: Harness) -> None:
    source = (harness.settings.dialogs_dir / "scripts" / "prompts.yaml").read_text("utf-8")
    shipped = int(re.search(r"^version: (\d+)$", source, re.M).group(1))  # type: ignore[union-attr]
    new = shipped + 1
    source = source.replace(f"\nversion: {shipped}\n", f"\nversion: {new}\n", 1)
    # Every Danish text of the new version starts with a marker the shipped file does not have.
    source = re.sub(r'^(\s+da: )"', r'\1"NY! ', source, flags=re.M)
    source = re.sub(r'^(\s+da: )(?!")', r"\1NY! ", source, flags=re.M)
    sam = await staff_member(harness)
    await sam.send_document("prompts.yaml", source.encode())
    assert [b.text for b in sam.last_message.buttons()][:1] == [f"Publish version {new}"], (
        sam.last_text
    )
    await sam.click(f"Publish version {new}")
    ada = harness.user(401, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await _answer_checkin(ada)
    harness.clock.advance(timedelta(minutes=1))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert ada.last_text.startswith("NY! ")
