"""The daily check-in through the production dispatcher: /checkin, scheduled, later, skip."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.scheduling.tick import run_tick
from storage.models import Answer, CheckinDay, Role
from tests.conftest import CPH
from tests.harness import Harness


async def _day(h: Harness, person_id: int, day: date) -> CheckinDay | None:
    async with h.app.sessionmaker() as session:
        result = await session.execute(
            select(CheckinDay).where(
                CheckinDay.person_id == person_id, CheckinDay.local_date == day
            )
        )
        return result.scalar_one_or_none()


async def test_checkin_command_runs_the_script_and_records_answers(harness: Harness) -> None:
    ada = harness.user(100, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    assert "Klar til dagens check-in" in "\n".join(m.text or "" for m in ada.messages[-2:])
    assert ada.buttons()[:5] == ["1", "2", "3", "4", "5"]
    await ada.click("4")
    assert any(b == "1" for b in ada.buttons())  # energy scale next
    await ada.click("3")
    plan_buttons = ada.buttons()
    assert len(plan_buttons) >= 4
    await ada.click(plan_buttons[0])
    # The optional note: skip it, and the run finishes with a thank-you.
    assert ada.buttons() == ["Spring over"]
    await ada.click("Spring over")
    assert "Dit check-in er gemt" in ada.last_text
    day = await _day(harness, person.id, date(2026, 11, 23))
    assert day is not None and day.status == "answered" and day.mood == 4 and day.energy == 3
    async with harness.app.sessionmaker() as session:
        answers = await session.execute(select(Answer).where(Answer.person_id == person.id))
        by_key = {a.key: json.loads(a.value) for a in answers.scalars()}
    assert by_key["mood"] == 4 and by_key["energy"] == 3


async def test_scheduled_checkin_later_and_skip(harness: Harness) -> None:
    ada = harness.user(101, "Ada")
    person = await harness.onboard(ada, Role.YOUTH, checkin_time="09:00")
    # Tuesday 09:00 Copenhagen: the scheduler sends the check-in with "later" and "skip".
    harness.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=CPH))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert "Senere (30 min)" in ada.buttons() and "Spring over i dag" in ada.buttons()
    await ada.click("Senere (30 min)")
    assert "30 minutter" in ada.last_text
    harness.clock.advance(timedelta(minutes=30))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert "check-in igen" in "\n".join(m.text or "" for m in ada.messages[-3:])
    await ada.click("Spring over i dag")
    day = await _day(harness, person.id, date(2026, 11, 24))
    assert day is not None and day.status == "skipped"
