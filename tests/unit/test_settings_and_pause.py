"""/settings, /pause and /resume through the production dispatcher; a pause stops check-ins."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.handlers.settings import parse_day
from bot.scheduling.tick import run_tick
from storage.models import Role, YouthSettings
from tests.conftest import CPH
from tests.harness import Harness


async def _settings(h: Harness, person_id: int) -> YouthSettings:
    async with h.app.sessionmaker() as session:
        row = await session.get(YouthSettings, person_id)
        assert row is not None
        return row


async def test_change_time_days_and_language(harness: Harness) -> None:
    ada = harness.user(400, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("settings")
    assert "Klokken: 09:00" in ada.last_text and "Man, Tir, Ons, Tor, Fre" in ada.last_text
    await ada.click("Skift tidspunkt")
    await ada.click("Et andet tidspunkt")
    await ada.send_text("7:15")
    assert "Klokken: 07:15" in ada.last_text
    await ada.send_command("settings")
    await ada.click("Skift dage")
    await ada.click("✓ Fre")
    await ada.click("Lør")
    await ada.click("Færdig")
    row = await _settings(harness, person.id)
    assert row.checkin_time == "07:15" and row.checkin_days == "12346"
    await ada.send_command("settings")
    await ada.click("Sprog")
    await ada.click("English")
    assert "Your check-in" in ada.last_text


async def test_pause_stops_checkins_and_resume_restarts(harness: Harness) -> None:
    ada = harness.user(401, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("pause")
    await ada.click("En uge")
    assert "På pause til og med 30. nov." in ada.last_text
    before = len(ada.messages)
    for day in (24, 25):
        harness.clock.set(datetime(2026, 11, day, 9, 0, tzinfo=CPH))
        await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert len(ada.messages) == before  # paused: nothing sent
    await ada.send_command("resume")
    assert "Velkommen tilbage" in ada.last_text
    harness.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=CPH))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert "Klar til dagens check-in" in "\n".join(m.text or "" for m in ada.messages[-3:])


async def test_pause_until_a_typed_date_and_bad_dates(harness: Harness) -> None:
    ada = harness.user(402, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("pause")
    await ada.click("Vælg en dato")
    await ada.send_text("i morgen måske")
    assert "forstod jeg ikke" in ada.last_text
    await ada.send_text("3/12")
    row = await _settings(harness, person.id)
    assert row.paused_from == date(2026, 11, 23) and row.paused_until == date(2026, 12, 3)


def test_parse_day_rolls_into_next_year() -> None:
    today = date(2026, 12, 20)
    assert parse_day("5-1", today) == date(2027, 1, 5)
    assert parse_day("24.12.2026", today) == date(2026, 12, 24)
    assert parse_day("31-02", today) is None
    assert parse_day("hello", today) is None
    assert today + timedelta(days=1) == parse_day("21/12", today)
