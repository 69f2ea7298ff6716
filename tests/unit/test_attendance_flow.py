"""Attendance through the production dispatcher: the plan (youth and mentor), holidays and
pauses, heads-ups, the follow-up with every answer, "unknown" after a day, alerts, measures
over several weeks (with the DST weeks of March and October 2026), and the week-summary API."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.local_telegram import FakeUser
from bot.scheduling.tick import TickReport, run_tick
from bot.services.attendance import AttendanceService
from storage.models import Alert, Answer, Delivery, Person, Role, YouthSettings
from storage.models.attendance import Activity, AttendanceRecord, AttendanceSettings
from tests.conftest import CPH
from tests.harness import Harness

ANSWER_LABELS = {
    "attended": "Yes, I was there",
    "late": "Yes, but I was late",
    "left_early": "Yes, but I left early",
    "absent": "No, I didn't make it",
    "cancelled": "No, I cancelled in advance",
}
REASON_LABELS = {
    "ill": "I was ill",
    "overslept": "I overslept",
    "anxiety": "Anxiety or restlessness",
    "transport": "Transport",
    "other": "Something else",
}


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CPH)  # type: ignore[misc]


async def tick(h: Harness, moment: datetime) -> TickReport:
    h.clock.set(moment)
    return await run_tick(h.app.scheduling.tick_context, h.clock.now())


async def youth(
    h: Harness, telegram_id: int, mentor: int | None = None
) -> tuple[FakeUser, Person]:
    user = h.user(telegram_id, "Ada", language_code="en")
    # The check-in comes at 14:00; these tests never tick between 14:00 and 14:30.
    person = await h.onboard(
        user, Role.YOUTH, mentor=mentor, locale_label="English", checkin_time="14:00"
    )
    return user, person


async def add_weekly(
    user: FakeUser, name: str, days: list[str], start: str, end: str, kind: str = "Internship"
) -> None:
    await user.send_command("plan")
    await user.click("➕ Add an activity")
    await user.click(kind)
    await user.send_text(name)
    await user.click("Every week")
    for day in days:
        await user.click(day)
    await user.click("Done")
    for value in (start, end):
        if value in user.buttons():
            await user.click(value)
        else:
            await user.send_text(value)
    assert "Added to your plan" in user.last_text


async def answer(
    user: FakeUser, status: str, reason: str | None = None, note: str | None = None
) -> None:
    await user.click(ANSWER_LABELS[status])
    if status == "left_early":
        await user.click("Skip")
    if status == "absent":
        await user.click(REASON_LABELS[reason or "other"])
        if note is None:
            await user.click("Skip")
        else:
            await user.send_text(note)
            await user.click("No, just for me")
        await user.click("Skip")


async def activities(h: Harness, youth_id: int) -> list[Activity]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(Activity).where(Activity.youth_id == youth_id).order_by(Activity.id)
        )
        return list(rows.scalars())


async def records(h: Harness, youth_id: int) -> dict[date, AttendanceRecord]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(AttendanceRecord).where(AttendanceRecord.youth_id == youth_id)
        )
        return {row.local_date: row for row in rows.scalars()}


async def alerts(h: Harness, youth_id: int) -> list[Alert]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(Alert).where(Alert.youth_id == youth_id).order_by(Alert.id)
        )
        return list(rows.scalars())


async def deliveries(h: Harness, person_id: int, kind: str) -> list[Delivery]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            select(Delivery)
            .where(Delivery.person_id == person_id, Delivery.kind == kind)
            .order_by(Delivery.id)
        )
        return list(rows.scalars())


# ---------------------------------------------------------------------------- the plan


async def test_youth_adds_edits_and_deletes_a_weekly_activity(harness: Harness) -> None:
    ada, person = await youth(harness, 300)
    await add_weekly(ada, "Praktik hos Bager Jensen", ["Mon", "Wed", "Thu"], "08:00", "12:00")
    [row] = await activities(harness, person.id)
    assert (row.kind, row.title, row.weekdays, row.start_time, row.end_time) == (
        "internship",
        "Praktik hos Bager Jensen",
        "134",
        "08:00",
        "12:00",
    )
    assert row.on_date is None and row.travel_minutes is None and row.created_by_id == person.id

    await ada.click("Change time")
    await ada.send_text("9.30")
    await ada.click("13:30")
    assert "Saved" in ada.last_text and "09:30–13:30" in ada.last_text
    await ada.click("Change day")
    await ada.click("Thu")  # untick Thursday
    await ada.click("Fri")
    await ada.click("Done")
    await ada.click("Rename")
    await ada.send_text("Bageriet")
    [row] = await activities(harness, person.id)
    assert (row.title, row.weekdays, row.start_time, row.end_time) == (
        "Bageriet",
        "135",
        "09:30",
        "13:30",
    )

    await ada.click("🗑 Delete")
    await ada.click("Yes, delete it")
    assert "Deleted" in ada.last_text and "Nothing planned yet" in ada.last_text
    [row] = await activities(harness, person.id)
    assert row.deleted_at is not None


async def test_youth_adds_a_one_off_appointment_with_a_place(harness: Harness) -> None:
    ada, person = await youth(harness, 301)
    await ada.send_command("plan")
    await ada.click("➕ Add an activity")
    await ada.click("Appointment")
    await ada.click("Use “Appointment”")
    await ada.click("One time")
    await ada.send_text("31.02")  # no such day: asked again
    assert "couldn't use that date" in ada.messages[-2].text
    await ada.send_text("1.12")
    await ada.click("10:00")
    await ada.send_text("soon")  # not a time: asked again
    await ada.send_text("11:15")
    assert "Where is it?" in ada.last_text
    await ada.send_text("Jobcenter <Nord>")
    assert "Jobcenter &lt;Nord&gt;" not in ada.last_text  # shown as text, not HTML
    assert "Jobcenter <Nord>" in ada.last_text and "Tue 1 Dec 10:00–11:15" in ada.last_text
    [row] = await activities(harness, person.id)
    assert (row.kind, row.title, row.on_date, row.place, row.weekdays) == (
        "appointment",
        "Appointment",
        date(2026, 12, 1),
        "Jobcenter <Nord>",
        None,
    )

    await ada.click("Change day")
    await ada.click("Tomorrow")
    [row] = await activities(harness, person.id)
    assert row.on_date == date(2026, 11, 24) and row.place == "Jobcenter <Nord>"


async def test_mentor_adds_changes_and_deletes_for_a_youth_who_is_told(harness: Harness) -> None:
    mette = harness.user(310, "Mette", language_code="en")
    mentor = await harness.onboard(mette, Role.MENTOR, locale_label="English")
    ada, person = await youth(harness, 311, mentor=310)
    ada_da = harness.user(312, "Bo", language_code="da")
    other = await harness.onboard(ada_da, Role.YOUTH, checkin_time="14:00")  # not Mette's

    await mette.send_command("plan")
    assert mette.buttons() == ["Ada"]
    await mette.click("Ada")
    assert "Ada's plan" in mette.last_text
    await mette.click("➕ Add an activity")
    await mette.click("Class")
    await mette.send_text("Dansk på VUC")
    await mette.click("Every week")
    await mette.click("Tue")
    await mette.click("Done")
    await mette.click("09:00")
    await mette.click("12:00")
    assert "Added to your plan" in mette.last_text
    assert "Your mentor added this to your plan" in ada.last_text
    assert "Dansk på VUC" in ada.last_text and "Every Tue 09:00–12:00" in ada.last_text
    [row] = await activities(harness, person.id)
    assert row.created_by_id == mentor.id and row.youth_id == person.id

    await ada.send_command("plan")
    assert "Dansk på VUC" in ada.last_text
    await mette.click("Change time")
    await mette.click("10:00")
    await mette.click("11:00")
    assert "Your mentor changed this in your plan" in ada.last_text
    await mette.click("🗑 Delete")
    await mette.click("Yes, delete it")
    assert "Your mentor removed this from your plan" in ada.last_text

    # Mentor's alert limits per youth: tap to cycle.
    await mette.send_command("plan")
    await mette.click("Ada")
    await mette.click("Alert after absences in a row: 2")
    await mette.click("Alert when a week is under: 50 %")
    async with harness.app.sessionmaker() as session:
        settings = await session.get(AttendanceSettings, person.id)
        assert settings is not None
        assert (settings.absence_alert_after, settings.weekly_rate_alert_below) == (3, 70)
    # A youth she does not follow is not hers to plan for.
    async with harness.app.sessionmaker() as session:
        service = AttendanceService(session, harness.clock)
        assert await service.plan_view(mentor, other.id) is None


# ---------------------------------------------------------------------------- cancellations


async def test_public_holiday_and_pause_cancel_occurrences(harness: Harness) -> None:
    harness.clock.set(at(2026, 12, 21, 8, 0))  # Monday before Christmas
    ada, person = await youth(harness, 320)
    await add_weekly(ada, "Træning", ["Thu", "Fri", "Sat"], "09:00", "10:00", kind="Exercise")
    await tick(harness, at(2026, 12, 24, 10, 0))  # Thursday: an ordinary day
    assert "Did you make it to Træning today?" in ada.last_text
    await answer(ada, "attended")
    await tick(harness, at(2026, 12, 25, 10, 0))  # Christmas Day: a public holiday
    await tick(harness, at(2026, 12, 26, 10, 0))  # Second Day of Christmas
    assert [
        d.slot_key.split(":")[1]
        for d in await deliveries(harness, person.id, "attendance_followup")
    ] == ["2026-12-24"]
    async with harness.app.sessionmaker() as session:
        settings = await session.get(YouthSettings, person.id)
        assert settings is not None
        settings.paused_from, settings.paused_until = date(2026, 12, 31), date(2027, 1, 2)
        await session.commit()
    for day in (31,):
        await tick(harness, at(2026, 12, day, 10, 0))  # paused
    await tick(harness, at(2027, 1, 1, 10, 0))  # New Year's Day (and paused)
    await tick(harness, at(2027, 1, 7, 10, 0))  # Thursday after the pause
    assert [
        d.slot_key.split(":")[1]
        for d in await deliveries(harness, person.id, "attendance_followup")
    ] == ["2026-12-24", "2027-01-07"]
    async with harness.app.sessionmaker() as session:
        summary = await AttendanceService(session, harness.clock).week_summary(
            person.id, date(2026, 12, 21)
        )
    assert summary.counts["holiday"] == 2 and summary.counts["attended"] == 1
    assert summary.planned == 1 and summary.rate == 1.0


# ---------------------------------------------------------------------------- before


async def test_running_late_and_cant_come_with_and_without_telling_the_mentor(
    harness: Harness,
) -> None:
    mette = harness.user(330, "Mette", language_code="en")
    await harness.onboard(mette, Role.MENTOR, locale_label="English")
    ada, person = await youth(harness, 331, mentor=330)
    harness.clock.set(at(2026, 11, 23, 7, 0))
    await add_weekly(ada, "Praktik", ["Mon", "Tue"], "08:00", "12:00")
    await add_weekly(ada, "Fitness", ["Mon"], "13:00", "14:00", kind="Exercise")
    # The youth has not allowed it: recorded, the mentor is not told.
    await ada.send_command("plan")
    await ada.click("⏰ I'm running late · Praktik")
    assert "on your way" in ada.last_text and "mentor" not in ada.last_text
    assert await alerts(harness, person.id) == []
    rows = await records(harness, person.id)
    assert rows[date(2026, 11, 23)].running_late_at is not None
    assert rows[date(2026, 11, 23)].status is None  # still asked afterwards
    # Allowed: "can't come" is recorded as cancelled with notice and the mentor hears at once.
    await ada.send_command("plan")
    await ada.click("Tell my mentor at once when I'm late: off")
    assert "Tell my mentor at once when I'm late: on" in ada.buttons()
    await ada.click("✋ I can't come today · Fitness")
    assert "can't come today" in ada.last_text and "let your mentor know" in ada.last_text
    [alert] = await alerts(harness, person.id)
    detail = json.loads(alert.detail)
    assert alert.kind == "running_late" and detail["heads_up"] == "cant_come"
    assert detail["activity_kind"] == "exercise" and detail["starts_at"] == "13:00"
    assert set(detail) == {"heads_up", "activity_id", "activity_kind", "local_date", "starts_at"}
    assert [d.person_id for d in await deliveries(harness, alert.mentor_id or 0, "alert")]
    # Per activity "no" wins over the youth's "yes" (next day).
    await ada.send_command("plan")
    await ada.click("✏️ Praktik")
    await ada.click("Tell mentor about this one: as my setting")
    await ada.click("Tell mentor about this one: yes")
    assert "Tell mentor about this one: no" in ada.buttons()
    await tick(harness, at(2026, 11, 23, 12, 0))
    await answer(ada, "late")
    harness.clock.set(at(2026, 11, 24, 7, 30))
    await ada.send_command("plan")
    await ada.click("✋ I can't come today · Praktik")
    assert "let your mentor know" not in ada.last_text
    assert len(await alerts(harness, person.id)) == 1
    # The follow-up is not asked after "can't come": nothing is sent for it.
    sent_before = len(ada.messages)
    await tick(harness, at(2026, 11, 23, 14, 0) + timedelta(hours=1))  # Fitness ended
    await tick(harness, at(2026, 11, 24, 12, 0))
    assert len(ada.messages) == sent_before
    rows = await records(harness, person.id)
    assert rows[date(2026, 11, 24)].status == "cancelled"


async def test_leave_in_20_minutes_nudge_is_off_by_default_and_can_be_turned_on(
    harness: Harness,
) -> None:
    harness.clock.set(at(2026, 11, 23, 6, 0))
    ada, person = await youth(harness, 340)
    await add_weekly(ada, "Praktik", ["Mon", "Tue"], "08:00", "12:00")
    await tick(harness, at(2026, 11, 23, 7, 10))
    assert await deliveries(harness, person.id, "attendance_nudge") == []
    await ada.click("“Leave in 20 min” reminder")
    await ada.click("30 min travel")
    assert "on (30 min travel)" in ada.last_text
    before = len(ada.messages)
    await tick(harness, at(2026, 11, 24, 7, 9))
    assert len(ada.messages) == before
    await tick(harness, at(2026, 11, 24, 7, 10))  # 08:00 − 30 min travel − 20 min
    assert "Leave in 20 minutes for <b>Praktik</b>" not in ada.last_text  # rendered, not raw
    assert "Leave in 20 minutes for Praktik — it starts at 08:00" in ada.last_text
    await ada.click("⏰ I'm running late")
    assert "on your way" in ada.last_text
    [nudge] = await deliveries(harness, person.id, "attendance_nudge")
    assert nudge.slot_key.endswith(":2026-11-24") and nudge.status == "sent"


# ---------------------------------------------------------------------------- after


async def test_follow_up_after_the_end_with_every_answer_and_reason(harness: Harness) -> None:
    ada, person = await youth(harness, 350)
    await add_weekly(
        ada, "Praktik", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "09:00", "12:00"
    )
    async with harness.app.sessionmaker() as session:
        await AttendanceService(session, harness.clock).set_alert_limits(
            person.id, absences=0, rate_below=0
        )
    plan = [
        ("attended", None),
        ("late", None),
        ("left_early", None),
        ("cancelled", None),
        ("absent", "ill"),
        ("absent", "overslept"),
        ("absent", "anxiety"),
        ("absent", "transport"),
        ("absent", "other"),
    ]
    first = date(2026, 11, 23)
    for offset, (status, reason) in enumerate(plan):
        day = first + timedelta(days=offset)
        end = datetime.combine(day, datetime.min.time().replace(hour=12), CPH)
        await tick(harness, end - timedelta(minutes=1))
        assert "Did you make it" not in ada.last_text or offset > 0
        await tick(harness, end)
        assert ada.last_text == "Did you make it to Praktik today?"
        await answer(ada, status, reason, note="bussen kom ikke" if reason == "other" else None)
    rows = await records(harness, person.id)
    got = [
        (rows[first + timedelta(days=n)].status, rows[first + timedelta(days=n)].reason)
        for n in range(len(plan))
    ]
    assert got == plan
    async with harness.app.sessionmaker() as session:
        notes = (
            (
                await session.execute(
                    select(Answer).where(
                        Answer.person_id == person.id,
                        Answer.key == "absence_note",
                        Answer.skipped.is_(False),
                    )
                )
            )
            .scalars()
            .all()
        )
    assert [json.loads(n.value) for n in notes] == ["bussen kom ikke"]
    async with harness.app.sessionmaker() as session:
        summary = await AttendanceService(session, harness.clock).week_summary(
            person.id, date(2026, 11, 23)
        )
    assert {k: v for k, v in summary.counts.items() if v} == {
        "attended": 1,
        "late": 1,
        "left_early": 1,
        "cancelled": 1,
        "absent": 3,
    }
    assert [a.reason for a in summary.absences] == ["ill", "overslept", "anxiety"]
    assert summary.rate == 0.5 and summary.showed_up == 3
    await ada.send_command("attendance")
    text = ada.last_text
    assert "This week: attended 0, late 0, left early 0, absent 2, cancelled with notice 0" in (
        text
    )
    assert "Week 48  █████░░░░░   50%" in text and "Week 49  ░░░░░░░░░░    0%" in text


async def test_no_answer_within_a_day_is_unknown_never_absent(harness: Harness) -> None:
    ada, person = await youth(harness, 360)
    await add_weekly(ada, "Praktik", ["Mon", "Wed"], "08:00", "12:00")
    await tick(harness, at(2026, 11, 23, 12, 0))
    question = ada.keyboard_message()
    await tick(harness, at(2026, 11, 24, 11, 59))
    assert date(2026, 11, 23) not in await records(harness, person.id)
    await tick(harness, at(2026, 11, 24, 12, 0))
    rows = await records(harness, person.id)
    assert rows[date(2026, 11, 23)].status == "unknown"
    await ada.click(ANSWER_LABELS["absent"], in_message=question)
    assert ada.callback_answers[-1].text == "That button has expired."
    assert (await records(harness, person.id))[date(2026, 11, 23)].status == "unknown"
    async with harness.app.sessionmaker() as session:
        summary = await AttendanceService(session, harness.clock).week_summary(
            person.id, date(2026, 11, 23)
        )
    assert summary.counts["unknown"] == 1 and summary.counts["absent"] == 0
    assert summary.rate is None and summary.absences == ()
    assert await alerts(harness, person.id) == []
    [row] = await deliveries(harness, person.id, "attendance_unknown")
    assert row.status == "cancelled"  # nothing is said to the youth


async def test_follow_up_waits_for_an_open_check_in(harness: Harness) -> None:
    ada, person = await youth(harness, 365)
    await add_weekly(ada, "Praktik", ["Mon"], "08:00", "12:00")
    harness.clock.set(at(2026, 11, 23, 11, 50))
    await ada.send_command("checkin")  # the youth is in the middle of the check-in
    await tick(harness, at(2026, 11, 23, 12, 0))
    assert "Did you make it" not in ada.last_text
    for button in ("4", "3"):
        await ada.click(button)
    await ada.click(ada.buttons()[0])
    await ada.click("Skip")
    await tick(harness, at(2026, 11, 23, 12, 30))
    assert ada.last_text == "Did you make it to Praktik today?"
    keys = [d.slot_key for d in await deliveries(harness, person.id, "attendance_followup")]
    assert keys == [
        f"{(await activities(harness, person.id))[0].id}:2026-11-23",
        f"{(await activities(harness, person.id))[0].id}:2026-11-23#1",
    ]


# ---------------------------------------------------------------------------- alerts


async def test_attendance_alerts_fire_exactly_once(harness: Harness) -> None:
    mette = harness.user(370, "Mette", language_code="en")
    await harness.onboard(mette, Role.MENTOR, locale_label="English")
    ada, person = await youth(harness, 371, mentor=370)
    harness.clock.set(at(2026, 11, 23, 7, 0))
    await add_weekly(ada, "Praktik", ["Mon", "Tue", "Wed", "Thu", "Fri"], "08:00", "12:00")
    pattern = ["absent", "absent", "absent", "attended", "absent", "absent"]
    days = [date(2026, 11, 23) + timedelta(days=n) for n in (0, 1, 2, 3, 4, 7)]
    for day, status in zip(days, pattern, strict=True):
        await tick(harness, datetime.combine(day, datetime.min.time().replace(hour=12), CPH))
        await answer(ada, status, "anxiety")
    got = [(a.local_date, json.loads(a.detail)) for a in await alerts(harness, person.id)]
    assert got == [
        (date(2026, 11, 24), {"consecutive_absences": 2, "absence_limit": 2}),
        (
            date(2026, 11, 27),
            {
                "week_start": "2026-11-23",
                "weekly_rate_pct": 20,
                "rate_threshold_pct": 50,
                "showed_up": 1,
                "absent": 4,
            },
        ),
        (date(2026, 11, 30), {"consecutive_absences": 2, "absence_limit": 2}),
    ]
    assert all(a.kind == "attendance" for a in await alerts(harness, person.id))
    assert (
        len(
            await deliveries(
                harness, (await alerts(harness, person.id))[0].mentor_id or 0, "alert"
            )
        )
        == 3
    )


# ---------------------------------------------------------------------------- measures


async def _walk(h: Harness, user: FakeUser, plan: dict[date, str | None]) -> None:
    """Ticks at each occurrence's end (12:00 local) and answers as planned (None: silence;
    "holiday": nothing may be asked)."""
    for day, status in sorted(plan.items()):
        end = datetime.combine(day, datetime.min.time().replace(hour=12), CPH)
        before = len(user.messages)
        await tick(h, end - timedelta(minutes=1))
        assert len(user.messages) == before
        await tick(h, end)
        if status == "holiday":
            assert len(user.messages) == before
            continue
        assert user.last_text == "Did you make it to Praktik today?"
        if status is not None:
            await answer(user, status, "ill")


async def test_rates_and_runs_over_weeks_across_the_march_dst_change(harness: Harness) -> None:
    harness.clock.set(at(2026, 3, 16, 7, 0))
    ada, person = await youth(harness, 380)
    async with harness.app.sessionmaker() as session:
        await AttendanceService(session, harness.clock).set_alert_limits(
            person.id, absences=0, rate_below=0
        )
    await add_weekly(ada, "Praktik", ["Mon", "Wed", "Fri"], "08:00", "12:00")
    await _walk(
        harness,
        ada,
        {
            date(2026, 3, 16): "attended",
            date(2026, 3, 18): "late",
            date(2026, 3, 20): "attended",
            date(2026, 3, 23): "absent",
            date(2026, 3, 25): "cancelled",
            date(2026, 3, 27): "attended",
            # Clocks go forward on Sunday 29 March: 12:00 local is now 10:00 UTC.
            date(2026, 3, 30): "left_early",
            date(2026, 4, 1): None,
            date(2026, 4, 3): "holiday",  # Good Friday
            date(2026, 4, 6): "holiday",  # Easter Monday
            date(2026, 4, 8): "attended",
            date(2026, 4, 10): "attended",
        },
    )
    sent = {
        d.slot_key.split(":")[1]: d.due_at
        for d in await deliveries(harness, person.id, "attendance_followup")
    }
    assert sent["2026-03-27"].hour == 11 and sent["2026-03-30"].hour == 10  # UTC
    await tick(harness, at(2026, 4, 10, 13, 0))
    async with harness.app.sessionmaker() as session:
        service = AttendanceService(session, harness.clock)
        weeks = [
            await service.week_summary(person.id, date(2026, 3, 16) + timedelta(weeks=n))
            for n in range(4)
        ]
        view = await service.overview(person)
    assert [
        (
            w.counts["attended"],
            w.counts["late"],
            w.counts["left_early"],
            w.counts["absent"],
            w.counts["cancelled"],
            w.counts["unknown"],
            w.counts["holiday"],
        )
        for w in weeks
    ] == [
        (2, 1, 0, 0, 0, 0, 0),
        (1, 0, 0, 1, 1, 0, 0),
        (0, 0, 1, 0, 0, 1, 1),
        (2, 0, 0, 0, 0, 0, 1),
    ]
    assert [w.rate for w in weeks] == [1.0, 0.5, 1.0, 1.0]
    assert [w.is_success for w in weeks] == [True, False, True, True]
    assert weeks[0].on_time_rate == 2 / 3
    assert [(a.local_date, a.reason) for a in weeks[1].absences] == [(date(2026, 3, 23), "ill")]
    assert [w.planned for w in weeks] == [3, 3, 2, 2]
    assert view.overall.current_run == 4  # 10/4, 8/4, 30/3 (unknown 1/4 stepped over), 27/3
    assert view.overall.rate_4w == 7 / 8 and view.overall.rate_12w == 7 / 8
    # Four weeks compared with the same four weeks is no trend: "steady" would claim one.
    assert view.overall.trend is None
    await ada.send_command("attendance")
    text = ada.last_text
    assert "You've shown up 4 times in a row" in text
    assert "This week is a success: you showed up 2 of 2 times" in text
    assert "Week 12" in text and "Week 15" in text and "Week 11" not in text


async def test_rates_across_the_october_dst_change_and_a_second_activity(
    harness: Harness,
) -> None:
    harness.clock.set(at(2026, 10, 19, 7, 0))
    ada, person = await youth(harness, 390)
    async with harness.app.sessionmaker() as session:
        await AttendanceService(session, harness.clock).set_alert_limits(
            person.id, absences=0, rate_below=0
        )
    await add_weekly(ada, "Praktik", ["Mon", "Thu"], "08:00", "12:00")
    await add_weekly(ada, "Løb", ["Sun"], "09:00", "10:00", kind="Exercise")
    await _walk(harness, ada, {date(2026, 10, 19): "attended", date(2026, 10, 22): "absent"})
    # Sunday 25 October, the day clocks go back: the run's end 10:00 local is 09:00 UTC.
    await tick(harness, at(2026, 10, 25, 9, 59))
    assert "Løb" not in ada.last_text
    await tick(harness, at(2026, 10, 25, 10, 0))
    assert ada.last_text == "Did you make it to Løb today?"
    await answer(ada, "attended")
    [run] = [
        d
        for d in await deliveries(harness, person.id, "attendance_followup")
        if d.slot_key.endswith("2026-10-25")
    ]
    assert (run.due_at.hour, run.due_at.minute) == (9, 0)
    await _walk(harness, ada, {date(2026, 10, 26): "attended", date(2026, 10, 29): "late"})
    harness.clock.set(at(2026, 10, 30, 9, 0))
    async with harness.app.sessionmaker() as session:
        service = AttendanceService(session, harness.clock)
        view = await service.overview(person)
        week43 = await service.week_summary(person.id, date(2026, 10, 19))
        week44 = await service.week_summary(person.id, date(2026, 10, 26))
    [praktik, lob] = await activities(harness, person.id)
    assert (week43.counts["attended"], week43.counts["absent"], week43.rate) == (2, 1, 2 / 3)
    assert (week44.counts["attended"], week44.counts["late"], week44.rate) == (1, 1, 1.0)
    assert view.per_activity[praktik.id].rate_4w == 3 / 4
    assert view.per_activity[lob.id].rate_4w == 1.0
    assert view.per_activity[praktik.id].current_run == 2
    assert view.overall.current_run == 3


async def test_the_plan_and_the_follow_up_speak_danish(harness: Harness) -> None:
    bo = harness.user(395, "Bo")
    person = await harness.onboard(bo, Role.YOUTH, checkin_time="14:00")
    await bo.send_command("plan")
    assert "Intet planlagt endnu" in bo.last_text
    await bo.click("➕ Tilføj en aktivitet")
    await bo.click("Praktik")
    await bo.click("Brug „Praktik“")
    await bo.click("Hver uge")
    await bo.click("Man")
    await bo.click("Færdig")
    await bo.click("08:00")
    await bo.click("12:00")
    assert "Lagt ind i din plan" in bo.last_text and "Hver Man 08:00–12:00" in bo.last_text
    await tick(harness, at(2026, 11, 23, 12, 0))
    assert bo.last_text == "Nåede du at komme til Praktik i dag?"
    await bo.click("Ja, jeg var der")
    assert (await records(harness, person.id))[date(2026, 11, 23)].status == "attended"
    await bo.send_command("attendance")
    assert "Du mødte op sidste gang" in bo.last_text
    assert "Denne uge er en succes" in bo.last_text
