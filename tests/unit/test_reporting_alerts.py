"""Alerts through the production app: fire once, quiet hours, acknowledge, escalate."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.services.alert_desk import AckResult, AlertDesk
from bot.services.alerts import AlertService
from bot.telegram.reporting_keyboards import QuietPick
from storage.models import Alert, AlertKind, MentorSettings, Role
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import MentorSettingsRepository
from tests.harness import Harness
from tests.unit.reporting_support import cph, mentor_and_youths, record_days, tick_at
from tests.unit.test_access_matrix import forge


async def _alerts(h: Harness) -> list[Alert]:
    async with h.app.sessionmaker() as session:
        return list((await session.execute(select(Alert).order_by(Alert.id))).scalars())


async def _raise(h: Harness, youth_telegram_id: int, kind: AlertKind) -> Alert:
    async with h.app.sessionmaker() as session:
        youth = await PeopleRepository(session).by_telegram_id(youth_telegram_id)
        assert youth is not None
        alert = await AlertService(session, h.clock).raise_alert(youth, kind, {"days": 1})
        await session.commit()
        assert alert is not None
        return alert


def _alert_texts(messages: list[object]) -> list[str]:
    return [m.text for m in messages if "⚠️" in m.text or "🚨" in m.text]  # type: ignore[attr-defined]


async def test_missed_checkins_alert_fires_once_when_the_run_reaches_three(
    harness: Harness,
) -> None:
    mentor, [(_ada, ada)] = await mentor_and_youths(harness, ["Ada"])
    await record_days(
        harness,
        ada.id,
        {
            date(2026, 11, 23): ("missed", None),
            date(2026, 11, 24): ("missed", None),
            date(2026, 11, 25): ("sent", None),  # still open when Thursday's check-in comes
        },
    )
    before = len(mentor.messages)
    await tick_at(harness, cph(2026, 11, 26, 8, 59))
    assert _alert_texts(mentor.messages[before:]) == []
    await tick_at(harness, cph(2026, 11, 26, 9, 0))
    [alert_text] = _alert_texts(mentor.messages[before:])
    assert "Ada" in alert_text and "sidste 3 check-ins" in alert_text
    assert "✅ Kvittér" in mentor.buttons()
    # Once: later ticks, and the next day with a run of 4, raise nothing more.
    await tick_at(harness, cph(2026, 11, 26, 9, 1))
    await tick_at(harness, cph(2026, 11, 27, 9, 0))
    assert len(_alert_texts(mentor.messages[before:])) == 1
    assert [a.kind for a in await _alerts(harness)] == ["missed_checkins"]
    # The mentor acknowledges with the button; it is recorded with who and when.
    await mentor.click("✅ Kvittér")
    [alert] = await _alerts(harness)
    async with harness.app.sessionmaker() as session:
        mentor_person = await PeopleRepository(session).by_telegram_id(mentor.id)
    assert alert.acknowledged_at is not None and mentor_person is not None
    assert alert.acknowledged_by_id == mentor_person.id
    assert "Kvitteret af Mette" in mentor.last_text


async def test_quiet_hours_hold_alerts_but_not_crisis(harness: Harness) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    before = len(mentor.messages)
    harness.clock.set(cph(2026, 11, 24, 22, 0))
    await _raise(harness, ada_user.id, AlertKind.LOW_MOOD)
    crisis = await _raise(harness, ada_user.id, AlertKind.CRISIS)
    await tick_at(harness, cph(2026, 11, 24, 22, 0))
    texts = _alert_texts(mentor.messages[before:])
    assert len(texts) == 1 and "🚨" in texts[0]
    await tick_at(harness, cph(2026, 11, 25, 6, 59))
    assert len(_alert_texts(mentor.messages[before:])) == 1
    await tick_at(harness, cph(2026, 11, 25, 7, 0))
    texts = _alert_texts(mentor.messages[before:])
    assert len(texts) == 2 and "lavt humør" in texts[1]
    await tick_at(harness, cph(2026, 11, 25, 7, 1))
    assert len(_alert_texts(mentor.messages[before:])) == 2
    assert crisis.id


async def test_unacknowledged_crisis_escalates_to_staff_once(harness: Harness) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    staff = harness.user(800, "Sam")
    await harness.onboard(staff, Role.STAFF)
    other = harness.user(850, "Ole")
    other_mentor = await harness.onboard(other, Role.MENTOR)
    start = cph(2026, 11, 24, 10, 0)
    harness.clock.set(start)
    alert = await _raise(harness, ada_user.id, AlertKind.CRISIS)
    await tick_at(harness, start)
    assert any("🚨" in t for t in _alert_texts(mentor.messages))
    staff_before = len(staff.messages)
    await tick_at(harness, start + timedelta(minutes=29))
    assert _alert_texts(staff.messages[staff_before:]) == []
    await tick_at(harness, start + timedelta(minutes=30))
    [escalation] = _alert_texts(staff.messages[staff_before:])
    assert "Ikke kvitteret endnu" in escalation and "Ada" in escalation
    await tick_at(harness, start + timedelta(minutes=60))
    assert len(_alert_texts(staff.messages[staff_before:])) == 1
    # Another mentor may not acknowledge; staff may.
    async with harness.app.sessionmaker() as session:
        desk = AlertDesk(session, harness.clock)
        assert await desk.acknowledge(alert.id, other_mentor) is AckResult.NOT_ALLOWED
    await staff.click("✅ Kvittér")
    [stored] = await _alerts(harness)
    assert stored.acknowledged_at is not None and stored.escalated_at is not None
    await mentor.click("✅ Kvittér")
    assert any(a.text == "Allerede kvitteret." for a in mentor.callback_answers)


async def test_blocked_bot_alerts_the_mentor_once(harness: Harness) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    before = len(mentor.messages)
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    await ada_user.block()
    await tick_at(harness, cph(2026, 11, 24, 10, 1))
    await tick_at(harness, cph(2026, 11, 24, 10, 2))
    [text] = _alert_texts(mentor.messages[before:])
    assert "blokeret Fremad" in text
    # After a restart the first pass looks back 48 h: still one alert for one blocking.
    harness.app.scheduling.tick_context.state.planned_until = None
    await tick_at(harness, cph(2026, 11, 25, 9, 30))
    assert len(_alert_texts(mentor.messages[before:])) == 1


async def test_low_mood_alert_comes_right_after_the_third_low_checkin(harness: Harness) -> None:
    mentor, [(ada_user, ada)] = await mentor_and_youths(harness, ["Ada"])
    await record_days(
        harness,
        ada.id,
        {
            date(2026, 11, 23): ("answered", 2),
            date(2026, 11, 24): ("answered", 1),
        },
    )
    harness.clock.set(cph(2026, 11, 25, 10, 0))
    before = len(mentor.messages)
    await ada_user.send_command("checkin")
    await ada_user.click("2")
    await tick_at(harness, cph(2026, 11, 25, 10, 1))
    [text] = _alert_texts(mentor.messages[before:])
    assert "lavt humør 3 check-ins i træk" in text


async def test_mentor_sets_quiet_hours_and_alerts_wait_for_them(harness: Harness) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    await mentor.send_command("quiet")
    assert "mellem 21:00 og 07:00" in mentor.last_text  # the default
    await mentor.click("18:00–08:00")
    assert "mellem 18:00 og 08:00, venter til 08:00" in mentor.last_text
    before = len(mentor.messages)
    harness.clock.set(cph(2026, 11, 24, 19, 0))  # quiet now, not under the default
    await _raise(harness, ada_user.id, AlertKind.LOW_MOOD)
    await tick_at(harness, cph(2026, 11, 24, 19, 0))
    await tick_at(harness, cph(2026, 11, 25, 7, 59))
    assert _alert_texts(mentor.messages[before:]) == []
    await tick_at(harness, cph(2026, 11, 25, 8, 0))
    assert len(_alert_texts(mentor.messages[before:])) == 1


async def test_mentor_without_quiet_hours_gets_alerts_at_night(harness: Harness) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    await mentor.send_command("quiet")
    await mentor.click("Ingen stille timer")
    assert "på alle tider af døgnet" in mentor.last_text
    before = len(mentor.messages)
    harness.clock.set(cph(2026, 11, 24, 23, 30))
    await _raise(harness, ada_user.id, AlertKind.LOW_MOOD)
    await tick_at(harness, cph(2026, 11, 24, 23, 30))
    assert len(_alert_texts(mentor.messages[before:])) == 1


async def test_quiet_hours_are_for_mentors_and_forged_spans_are_refused(
    harness: Harness,
) -> None:
    mentor, [(ada_user, _ada)] = await mentor_and_youths(harness, ["Ada"])
    await ada_user.send_command("quiet")
    assert ada_user.last_text == "Det her er for mentorer."
    await mentor.send_command("quiet")
    answer = await forge(harness, mentor, QuietPick(span="0000-2359"))  # not an offered span
    assert answer is not None and answer.text == "Den knap er udløbet."
    answer = await forge(harness, ada_user, QuietPick(span="off"))  # not a mentor
    assert answer is not None and answer.text == "Den knap er udløbet."
    settings = await _settings(harness, mentor.id)
    assert (settings.quiet_from, settings.quiet_until) == ("21:00", "07:00")  # unchanged


async def _settings(h: Harness, telegram_id: int) -> MentorSettings:
    async with h.app.sessionmaker() as session:
        person = await PeopleRepository(session).by_telegram_id(telegram_id)
        assert person is not None
        return await MentorSettingsRepository(session).get_or_create(person.id, h.clock.now())
