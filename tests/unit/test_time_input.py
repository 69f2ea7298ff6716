"""Times typed the way young Danes type them — "kl 9.30", "0930", "halv ti", "kvart i 9" — are
read the same wherever a time is typed: onboarding, /settings, the plan, a script's time step."""

from __future__ import annotations

import pytest

from bot.dialogs.time_input import parse_time_of_day
from storage.models import Activity, Role, YouthSettings
from tests.harness import Harness
from tests.scripts_support import staff_member


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("9", "09:00"),
        ("kl 9", "09:00"),
        ("kl. 9", "09:00"),
        ("Kl. 9.", "09:00"),
        ("klokken 14", "14:00"),
        ("9:30", "09:30"),
        ("9.30", "09:30"),
        ("kl 9.30", "09:30"),
        ("kl. 9:30", "09:30"),
        ("09,30", "09:30"),
        ("9 30", "09:30"),
        ("0930", "09:30"),
        ("930", "09:30"),
        ("21.05", "21:05"),
        ("halv ti", "09:30"),
        ("halv 10", "09:30"),
        ("Halv otte", "07:30"),
        ("kvart over 8", "08:15"),
        ("kvart over otte", "08:15"),
        ("kvart i 9", "08:45"),
        ("kvart i tolv", "11:45"),
        ("10 over 8", "08:10"),
        ("20 i 9", "08:40"),
        ("9am", "09:00"),
        ("9.30 pm", "21:30"),
        ("12 am", "00:00"),
        ("half past 9", "09:30"),
        ("quarter past eight", "08:15"),
        ("quarter to 9", "08:45"),
    ],
)
def test_times_as_people_type_them(typed: str, read: str) -> None:
    assert parse_time_of_day(typed) == read


@pytest.mark.parametrize(
    "typed",
    ["", "25:99", "24", "9:60", "soon", "halv", "kvart over", "halv tretten", "13 pm", "40 i 9"],
)
def test_what_is_not_a_time_is_not_guessed(typed: str) -> None:
    assert parse_time_of_day(typed) is None


async def _checkin_time(h: Harness, person_id: int) -> str:
    async with h.app.sessionmaker() as session:
        row = await session.get(YouthSettings, person_id)
        assert row is not None
        return row.checkin_time


async def test_onboarding_reads_kl_9_30_and_answers_kindly_when_unsure(harness: Harness) -> None:
    ada = harness.user(410, "Ada")
    invite = await harness.invite(Role.YOUTH)
    await ada.send_command("start", invite.code)
    await ada.click("Dansk")
    await ada.click("Ja, det er fint")
    await ada.click("Et andet tidspunkt")
    await ada.send_text("når jeg vågner")
    assert "fangede jeg ikke — helt i orden" in ada.last_text
    assert "9.30" in ada.last_text and "halv ti" in ada.last_text  # examples of what works
    await ada.send_text("kl 9.30")
    assert "Velkommen, Ada" in ada.last_text and "09:30" in ada.last_text
    person = await harness.person(410)
    assert person is not None and await _checkin_time(harness, person.id) == "09:30"


async def test_settings_read_halv_ti(harness: Harness) -> None:
    ada = harness.user(411, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("settings")
    await ada.click("Skift tidspunkt")
    await ada.click("Et andet tidspunkt")
    await ada.send_text("halv ti")
    assert "Klokken: 09:30" in ada.last_text
    assert await _checkin_time(harness, person.id) == "09:30"


async def test_plan_reads_kvart_over_8_and_kvart_i_12(harness: Harness) -> None:
    ada = harness.user(412, "Ada", language_code="en")
    person = await harness.onboard(ada, Role.YOUTH, locale_label="English")
    await ada.send_command("plan")
    await ada.click("➕ Add an activity")
    await ada.click("Internship")
    await ada.send_text("Bageriet")
    await ada.click("Every week")
    await ada.click("Mon")
    await ada.click("Done")
    await ada.send_text("kvart over 8")
    await ada.send_text("sometime")
    assert "didn't catch that time" in ada.messages[-2].text
    await ada.send_text("kvart i 12")
    assert "Added to your plan" in ada.last_text
    async with harness.app.sessionmaker() as session:
        from sqlalchemy import select

        row = (
            await session.execute(select(Activity).where(Activity.youth_id == person.id))
        ).scalar_one()
    assert (row.start_time, row.end_time) == ("08:15", "11:45")


WAKE_UP = """id: wake_up
version: 1
kind: other
title: {da: Vækkeur}
triggers:
  - command: vaekkeur
    roles: [youth]
    description: {da: sæt et vækkeur, en: set an alarm}
steps:
  - {id: when, type: time, key: alarm, text: {da: "Hvornår vil du op?"}}
  - {id: done, type: message, text: {da: "Vækkeur: {answer.alarm}"}}
""".encode()


async def test_a_scripts_time_step_reads_kvart_i_7(harness: Harness) -> None:
    sam = await staff_member(harness)
    await sam.send_document("wake_up.yaml", WAKE_UP)
    await sam.click("Publish version 1")
    ada = harness.user(413, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("vaekkeur")
    await ada.send_text("tidligt")
    assert "fangede jeg ikke" in ada.messages[-2].text  # the kind re-ask, then the question
    await ada.send_text("kvart i 7")
    assert "Vækkeur: 06:45" in ada.last_text
