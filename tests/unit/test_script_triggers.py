"""Scripts started by their own triggers: staff publish a new script through the bot and it
reaches the young person at the right moment, once, without a restart — through the production
dispatcher, the scheduler and the deliveries ledger."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.local_telegram import FakeUser
from bot.scheduling.tick import run_tick
from storage.models import Delivery, Role
from tests.conftest import CPH
from tests.harness import Harness
from tests.scripts_support import answer_whatever_is_asked, dialog_question, staff_member

WEDNESDAY_HELLO = """id: wednesday_hello
version: 1
kind: other
title: {da: Onsdagshej}
triggers:
  - schedule: {days: wed, at: "10:00"}
steps:
  - id: hello
    type: yes_no
    key: had_coffee
    text: {da: "Onsdag! Har du fået morgenmad, {first_name}?"}
  - id: bye
    type: message
    text: {da: Tak for svaret.}
""".encode()

LOW_MOOD_TALK = b"""id: low_mood_talk
version: 1
kind: other
title: {da: En tung dag}
triggers:
  - event: checkin_low_mood
steps:
  - id: hello
    type: choice
    key: wish
    text: {da: "Du sagde {mood} af 5 i dag. Vil du have et lille forslag?"}
    options:
      - {value: yes, label: {da: Ja tak}}
      - {value: no, label: {da: Ikke nu}}
"""

BREATHE = """id: breathe
version: 1
kind: other
title: {da: Træk vejret}
triggers:
  - command: breathe
    roles: [youth]
    description: {da: træk vejret sammen med mig, en: breathe with me}
steps:
  - id: in
    type: message
    text: {da: Ind gennem næsen … og langsomt ud.}
""".encode()


async def tick(h: Harness) -> None:
    await run_tick(h.app.scheduling.tick_context, h.clock.now())


async def publish(h: Harness, sam: FakeUser, name: str, source: bytes) -> None:
    await sam.send_document(name, source)
    assert "is fine" in sam.last_text, sam.last_text
    await sam.click("Publish version 1")
    assert "is now in use" in sam.last_text, sam.last_text


def count(user: FakeUser, text: str) -> int:
    return sum(text in (m.text or "") for m in user.messages)


async def test_published_schedule_event_and_command_triggers_start_their_scripts(
    harness: Harness,
) -> None:
    sam = await staff_member(harness)
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    for name, source in (
        ("wednesday_hello.yaml", WEDNESDAY_HELLO),
        ("low_mood_talk.yaml", LOW_MOOD_TALK),
        ("breathe.yaml", BREATHE),
    ):
        await publish(harness, sam, name, source)

    # The command is in the young people's menu at once, and it runs the script.
    menu = harness.tg.commands[(json.dumps({"type": "default"}), "da")]
    assert {"command": "breathe", "description": "træk vejret sammen med mig"} in menu
    await ada.send_command("breathe")
    assert "Ind gennem næsen" in ada.last_text
    await ada.send_command("help")
    assert "/breathe — træk vejret sammen med mig" in ada.last_text

    # Monday 09:00: the check-in; a low mood answer starts the event's script, once.
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    await tick(harness)
    await ada.click("1")
    await answer_whatever_is_asked(harness.app, ada)
    assert count(ada, "Du sagde 1 af 5 i dag") == 0
    harness.clock.advance(timedelta(minutes=1))
    await tick(harness)
    assert count(ada, "Du sagde 1 af 5 i dag") == 1
    await ada.click("Ikke nu")
    harness.clock.advance(timedelta(minutes=5))
    await tick(harness)
    assert count(ada, "Du sagde 1 af 5 i dag") == 1

    # The schedule: nothing before Wednesday 10:00, then exactly one start.
    harness.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=CPH))
    while harness.clock.now() < datetime(2026, 11, 25, 9, 0, tzinfo=CPH):
        harness.clock.advance(timedelta(hours=1))
        await tick(harness)
        await answer_whatever_is_asked(harness.app, ada)
    assert count(ada, "Onsdag! Har du fået morgenmad, Ada?") == 0
    harness.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=CPH))
    await tick(harness)
    assert count(ada, "Onsdag! Har du fået morgenmad, Ada?") == 1
    await ada.click("Ja")
    assert "Tak for svaret." in ada.last_text
    harness.clock.advance(timedelta(hours=3))
    await tick(harness)
    assert count(ada, "Onsdag! Har du fået morgenmad, Ada?") == 1

    async with harness.app.sessionmaker() as session:
        slots = (
            await session.execute(select(Delivery.slot_key).where(Delivery.kind == "script"))
        ).scalars()
        # One start per person and slot; each day's low check-in mood is its own slot.
        assert sorted(slots) == [
            "low_mood_talk:checkin_low_mood:2026-11-23",
            "low_mood_talk:checkin_low_mood:2026-11-24",
            "low_mood_talk:checkin_low_mood:2026-11-25",
            "wednesday_hello:0:2026-11-25",
        ]


async def test_weekly_reflection_is_started_by_its_own_trigger_in_a_simulated_week(
    harness: Harness,
) -> None:
    ada = harness.user(100, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    intro = "Ugen er ved at være slut, Ada."
    first_seen: datetime | None = None
    end = datetime(2026, 11, 29, 20, 0, tzinfo=CPH)  # Sunday evening
    while harness.clock.now() < end:
        harness.clock.advance(timedelta(hours=1))
        await tick(harness)
        if first_seen is None and count(ada, intro):
            first_seen = harness.clock.now()
        await answer_whatever_is_asked(harness.app, ada)
    assert first_seen == datetime(2026, 11, 27, 14, 0, tzinfo=CPH)  # Friday 14:00
    assert count(ada, intro) == 1


def test_scripts_cannot_take_fremads_own_commands() -> None:
    from bot.dialogs.triggers import RESERVED_COMMANDS
    from bot.telegram.commands import COMMANDS

    assert {info.name for info in COMMANDS} <= RESERVED_COMMANDS


def test_every_script_the_code_starts_declares_its_trigger() -> None:
    """Nothing is special: each shipped script says in its file what starts it."""
    from bot.dialogs import load_script
    from bot.dialogs.lint import shipped_paths

    for path in shipped_paths():
        if path.parent.name != "scripts" or path.stem == "prompts":
            continue
        assert load_script(path).triggers, f"{path.name} declares no trigger"


async def test_scripts_shows_where_young_people_drop_off(harness: Harness) -> None:
    """/scripts → a script: per question, reached / answered / skipped / median time."""
    sam = await staff_member(harness)
    await publish(harness, sam, "low_mood_talk.yaml", LOW_MOOD_TALK)
    ada, bo = harness.user(100, "Ada"), harness.user(101, "Bo")
    for user in (ada, bo):
        await harness.onboard(user, Role.YOUTH)
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    await tick(harness)
    for user in (ada, bo):
        await user.click("1")
        await answer_whatever_is_asked(harness.app, user)
    harness.clock.advance(timedelta(minutes=1))
    await tick(harness)
    harness.clock.advance(timedelta(seconds=30))
    await ada.click("Ja tak", in_message=dialog_question(ada))  # Bo stops at the question

    await sam.send_command("scripts")
    await sam.click("low_mood_talk")
    figures = sam.messages[-2].text
    assert "• hello: reached 2, answered 1, skipped 0, median time to answer 30 s" in figures
    assert "Use version" not in figures and sam.last_text.startswith("low_mood_talk — stored")
