"""Every cross-role button we could forge, tapped through the production dispatcher.

A button carries an id, never authority: each forged or replayed payload below (another
mentor's youth, a youth on a mentor's tool, an old hand-over, another youth's goal, a staff-only
button) must get a kind answer, leave an ``access.denied`` row in the audit log, change nothing,
and never end in an exception. Payloads are built with the bot's own CallbackData classes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from aiogram.filters.callback_data import CallbackData
from sqlalchemy import func, select

from bot.context import dialog_runner
from bot.local_telegram import FakeUser
from bot.local_telegram.objects import CallbackAnswer, CallbackQueryRecord
from bot.services.alerts import AlertService
from bot.services.attendance import ActivityDraft, AttendanceService
from bot.services.motivation import motivation_services
from bot.telegram.attendance_keyboards import HeadsUpTap, PlanTap
from bot.telegram.callbacks import InviteRolePick
from bot.telegram.checkin_keyboards import CheckinControl
from bot.telegram.motivation_keyboards import GoalAct, MentorPick
from bot.telegram.reporting_keyboards import (
    AlertAck,
    CohortCsv,
    ExportPick,
    HandoverPick,
    PauseChoice,
    SummaryDayPick,
    SummaryOpen,
    YouthAction,
)
from bot.telegram.script_keyboards import DraftDecision, ScriptsAction
from bot.telegram.settings_keyboards import SettingsAction
from storage.models import (
    Alert,
    AlertKind,
    AuditEntry,
    Invite,
    MentorBelief,
    Person,
    Role,
    SubgoalRating,
    YouthSettings,
)
from storage.models.attendance import Activity, AttendanceSettings
from storage.models.goals import Goal, GoalStep
from storage.repositories.people import PeopleRepository
from tests.harness import Harness

EXPIRED = "Den knap er udløbet."
NOT_ON_LIST = "Den unge er ikke på din liste."


@pytest.fixture
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test if any update ended in the error handler (an unhandled exception)."""
    caplog.set_level(logging.ERROR, logger="bot.handlers.errors")
    yield
    failed = [r.getMessage() for r in caplog.records if r.name == "bot.handlers.errors"]
    assert failed == []


@dataclass
class Cast:
    staff: Person
    mette: Person  # Ada's mentor
    mads: Person  # Bo's mentor
    ada: Person
    bo: Person
    users: dict[str, FakeUser]


async def cast(h: Harness) -> Cast:
    users = {
        "staff": h.user(800, "Sam"),
        "mette": h.user(801, "Mette"),
        "mads": h.user(802, "Mads"),
        "ada": h.user(803, "Ada"),
        "bo": h.user(804, "Bo"),
    }
    staff = await h.onboard(users["staff"], Role.STAFF)
    mette = await h.onboard(users["mette"], Role.MENTOR)
    mads = await h.onboard(users["mads"], Role.MENTOR)
    ada = await h.onboard(users["ada"], Role.YOUTH, mentor=801)
    bo = await h.onboard(users["bo"], Role.YOUTH, mentor=802)
    return Cast(staff, mette, mads, ada, bo, users)


async def forge(h: Harness, user: FakeUser, data: CallbackData | str) -> CallbackAnswer | None:
    """``user`` taps a button carrying ``data`` under the last message in their own chat."""
    packed = data.pack() if isinstance(data, CallbackData) else data
    assert len(packed.encode()) <= 64
    message = user.last_message
    query_id = h.tg.next_id(f"forged-{user.id}-")
    h.tg.callback_queries[query_id] = CallbackQueryRecord(
        id=query_id, user_id=user.id, data=packed, message=message
    )
    await h.tg.emit_update(
        "callback_query",
        {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": f"ci-{user.id}",
            "data": packed,
        },
    )
    return h.tg.callback_queries[query_id].answer


async def audit(h: Harness, action: str, actor: Person | None = None) -> list[AuditEntry]:
    async with h.app.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        if actor is not None:
            query = query.where(AuditEntry.actor_id == actor.id)
        return list((await session.execute(query)).scalars())


def detail(entry: AuditEntry) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(entry.detail)
    return loaded


async def count(h: Harness, model: type[object]) -> int:
    async with h.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def mentor_of(h: Harness, youth: Person) -> int | None:
    async with h.app.sessionmaker() as session:
        mentor = await PeopleRepository(session).current_mentor(youth.id)
        return mentor.id if mentor else None


async def youth_settings(h: Harness, youth: Person) -> YouthSettings | None:
    async with h.app.sessionmaker() as session:
        return await session.scalar(
            select(YouthSettings).where(YouthSettings.person_id == youth.id)
        )


# ---------------------------------------------------------------- the mentor's desk and reports


async def test_another_mentors_desk_buttons_are_refused_audited_and_change_nothing(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    mads = c.users["mads"]
    sent_before = len(mads.messages)
    forged: list[CallbackData] = [
        YouthAction(action="status", youth_id=c.ada.id),
        YouthAction(action="note", youth_id=c.ada.id),
        YouthAction(action="pause", youth_id=c.ada.id),
        YouthAction(action="handover", youth_id=c.ada.id),
        YouthAction(action="export", youth_id=c.ada.id),
        PauseChoice(youth_id=c.ada.id, weeks=4),
        HandoverPick(youth_id=c.ada.id, mentor_id=c.mads.id),
        ExportPick(youth_id=c.ada.id, format="csv"),
        SummaryOpen(youth_id=c.ada.id, week="2026-W48"),
    ]
    for data in forged:
        await forge(harness, mads, data)
    # Each tap: a kind refusal, no file, no status, no name of Ada's.
    replies = [m.text for m in mads.messages[sent_before:]]
    assert len(replies) == len(forged)
    assert all("Ada" not in text for text in replies)
    assert all(m.file is None for m in mads.messages[sent_before:])
    denied = await audit(harness, "access.denied", c.mads)
    assert [(e.subject_id, detail(e)["purpose"]) for e in denied] == [
        (c.ada.id, "status"),
        (c.ada.id, "note"),
        (c.ada.id, "pause"),
        (c.ada.id, "handover"),
        (c.ada.id, "export"),
        (c.ada.id, "pause"),
        (c.ada.id, "handover"),
        (c.ada.id, "export"),
        (c.ada.id, "summary_from_digest"),
    ]
    assert await audit(harness, "data.read", c.mads) == []
    assert await mentor_of(harness, c.ada) == c.mette.id
    settings = await youth_settings(harness, c.ada)
    assert settings is None or settings.paused_until is None
    # The control: Ada's own mentor gets her status, and that read is audited with its purpose.
    await forge(harness, c.users["mette"], YouthAction(action="status", youth_id=c.ada.id))
    reads = await audit(harness, "data.read", c.mette)
    assert [(e.subject_id, detail(e)["purpose"]) for e in reads] == [(c.ada.id, "status")]


async def test_a_youth_cannot_use_mentor_tools_not_even_on_themselves(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    ada = c.users["ada"]
    for data in (
        YouthAction(action="status", youth_id=c.ada.id),
        YouthAction(action="status", youth_id=c.bo.id),
        ExportPick(youth_id=c.ada.id, format="pdf"),
        PauseChoice(youth_id=c.bo.id, weeks=1),
    ):
        await forge(harness, ada, data)
    assert all(m.file is None for m in ada.messages)
    denied = await audit(harness, "access.denied", c.ada)
    assert [(e.subject_id, detail(e)["purpose"]) for e in denied] == [
        (c.ada.id, "status"),
        (c.bo.id, "status"),
        (c.ada.id, "export"),
        (c.bo.id, "pause"),
    ]
    settings = await youth_settings(harness, c.bo)
    assert settings is None or settings.paused_until is None


async def test_a_replayed_hand_over_and_pause_after_the_youth_moved_on_are_refused(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    mette = c.users["mette"]
    await mette.send_command("youths")
    await mette.click("Ada")
    await mette.click("Overdrag")
    [old_button] = [b for b in mette.keyboard_message().buttons() if b.text == "Mads"]
    assert old_button.callback_data is not None
    await mette.click("Mads")
    assert await mentor_of(harness, c.ada) == c.mads.id
    # Mette replays her old hand-over button (its keyboard is gone, its payload is not), a
    # pause, and a hand-over back to herself: all refused now that Ada is Mads's.
    await forge(harness, mette, old_button.callback_data)
    await forge(harness, mette, PauseChoice(youth_id=c.ada.id, weeks=2))
    await forge(harness, mette, HandoverPick(youth_id=c.ada.id, mentor_id=c.mette.id))
    assert mette.last_text == "Den overdragelse er ikke mulig."
    denied = await audit(harness, "access.denied", c.mette)
    assert [(e.subject_id, detail(e)["purpose"]) for e in denied] == [
        (c.ada.id, "handover"),
        (c.ada.id, "pause"),
        (c.ada.id, "handover"),
    ]
    assert await mentor_of(harness, c.ada) == c.mads.id
    assert len(await audit(harness, "youth.handed_over")) == 1
    settings = await youth_settings(harness, c.ada)
    assert settings is None or settings.paused_until is None


async def test_an_alert_of_another_mentors_youth_cannot_be_acknowledged(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    async with harness.app.sessionmaker() as session:
        alert = await AlertService(session, harness.clock).raise_alert(
            c.ada, AlertKind.LOW_MOOD, {"days": 3}
        )
        assert alert is not None
        alert_id = alert.id
        await session.commit()
    # Mads (someone else's mentor) and Bo (a youth) press Ada's alert's acknowledge button.
    answer = await forge(harness, c.users["mads"], AlertAck(alert_id=alert_id))
    assert answer is not None and answer.text and "Kun" in answer.text
    await forge(harness, c.users["bo"], AlertAck(alert_id=alert_id))
    # After a hand-over the old mentor's button is refused too.
    async with harness.app.sessionmaker() as session:
        await PeopleRepository(session).link_mentor(c.ada.id, c.mads.id, harness.clock.now())
        await session.commit()
    await forge(harness, c.users["mette"], AlertAck(alert_id=alert_id))
    denied = [
        (e.actor_id, detail(e)["what"], detail(e)["ref"])
        for e in await audit(harness, "access.denied")
    ]
    assert denied == [
        (c.mads.id, "alert", alert_id),
        (c.bo.id, "alert", alert_id),
        (c.mette.id, "alert", alert_id),
    ]
    async with harness.app.sessionmaker() as session:
        stored = await session.get(Alert, alert_id)
        assert stored is not None and stored.acknowledged_at is None
    # Staff may: the acknowledgement is recorded.
    await forge(harness, c.users["staff"], AlertAck(alert_id=alert_id))
    async with harness.app.sessionmaker() as session:
        stored = await session.get(Alert, alert_id)
        assert stored is not None and stored.acknowledged_at is not None


# ---------------------------------------------------------------- ratings, belief, sub-goals


async def test_forged_rating_belief_and_progress_picks_are_refused_and_audited(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    mads, bo = c.users["mads"], c.users["bo"]
    for user, data in (
        (mads, MentorPick(flow="rate", youth=c.ada.id, subgoal="self_belief", value=7)),
        (mads, MentorPick(flow="belief", youth=c.ada.id, value=9)),
        (mads, MentorPick(flow="sg", youth=c.ada.id, subgoal="sobriety", value=1)),
        (mads, MentorPick(flow="prog", youth=c.ada.id)),
        (bo, MentorPick(flow="rate", youth=c.ada.id, subgoal="self_belief", value=2)),
        (bo, MentorPick(flow="prog", youth=c.bo.id)),
    ):
        answer = await forge(harness, user, data)
        assert answer is not None and answer.text == EXPIRED
    assert await count(harness, SubgoalRating) == 0
    assert await count(harness, MentorBelief) == 0
    denied = [
        (e.actor_id, e.subject_id, detail(e)["purpose"])
        for e in await audit(harness, "access.denied")
    ]
    assert denied == [
        (c.mads.id, c.ada.id, "rating"),
        (c.mads.id, c.ada.id, "belief"),
        (c.mads.id, c.ada.id, "subgoals"),
        (c.mads.id, c.ada.id, "progress"),
        (c.bo.id, c.ada.id, "rating"),
        (c.bo.id, c.bo.id, "progress"),
    ]
    # Ada's own mentor: a value off the scale or an unknown sub-goal is "expired", not a crash.
    mette = c.users["mette"]
    for data in (
        MentorPick(flow="rate", youth=c.ada.id, subgoal="self_belief", value=99),
        MentorPick(flow="rate", youth=c.ada.id, subgoal="no_such_goal", value=5),
        MentorPick(flow="belief", youth=c.ada.id, value=11),
    ):
        answer = await forge(harness, mette, data)
        assert answer is not None and answer.text == EXPIRED
    assert await count(harness, SubgoalRating) == 0
    # ... and her real pick is saved, with the read audited.
    await forge(harness, mette, MentorPick(flow="belief", youth=c.ada.id, value=8))
    assert await count(harness, MentorBelief) == 1
    assert "belief" in [detail(e)["purpose"] for e in await audit(harness, "data.read", c.mette)]


# ---------------------------------------------------------------- the plan and heads-ups


async def _activity_of(h: Harness, youth: Person) -> int:
    async with h.app.sessionmaker() as session:
        activity = await AttendanceService(session, h.clock).add_activity(
            youth.id,
            ActivityDraft(
                kind="internship", title="Praktik", start="10:00", end="14:00", weekdays="12345"
            ),
            youth,
        )
        return activity.id


async def test_forged_plan_buttons_of_another_youth_are_refused_and_audited(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    activity_id = await _activity_of(harness, c.ada)
    mads, bo, mette = c.users["mads"], c.users["bo"], c.users["mette"]
    today = harness.clock.now().date().strftime("%Y%m%d")
    for user, data in (
        (mads, PlanTap(action="list", youth=c.ada.id)),
        (mads, PlanTap(action="add", youth=c.ada.id)),
        (mads, PlanTap(action="alert_abs", youth=c.ada.id)),
        (mads, PlanTap(action="delete_yes", activity=activity_id)),
        (bo, PlanTap(action="open", activity=activity_id)),
        (bo, PlanTap(action="travel", activity=activity_id, value="30")),
        (bo, PlanTap(action="tell", youth=c.ada.id)),
        (bo, HeadsUpTap(what="cant_come", activity=activity_id, day=today)),
        # Ada's own mentor may see her plan, but only Ada gives her own heads-up.
        (mette, HeadsUpTap(what="cant_come", activity=activity_id, day=today)),
    ):
        answer = await forge(harness, user, data)
        assert answer is not None and answer.text == EXPIRED, data
    denied = [
        (e.actor_id, e.subject_id, detail(e).get("purpose") or detail(e).get("what"))
        for e in await audit(harness, "access.denied")
    ]
    assert denied == [
        (c.mads.id, c.ada.id, "plan"),
        (c.mads.id, c.ada.id, "plan"),
        (c.mads.id, c.ada.id, "plan"),
        (c.mads.id, c.ada.id, "plan"),
        (c.bo.id, c.ada.id, "plan"),
        (c.bo.id, c.ada.id, "plan"),
        (c.bo.id, None, "plan_tell_mentor"),
        (c.bo.id, c.ada.id, "plan"),
        (c.mette.id, None, "heads_up"),
    ]
    async with harness.app.sessionmaker() as session:
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        assert activity.deleted_at is None and activity.travel_minutes is None
        settings = await session.get(AttendanceSettings, c.ada.id)
        assert settings is None  # never written: no limit cycled, no "tell" toggled
    from storage.models.attendance import AttendanceRecord

    assert await count(harness, AttendanceRecord) == 0
    # Mette's look at Ada's plan (the control) is a read with a purpose.
    await forge(harness, mette, PlanTap(action="list", youth=c.ada.id))
    assert "Praktik" in mette.last_text
    assert [detail(e)["purpose"] for e in await audit(harness, "data.read", c.mette)][-1] == "plan"


# ---------------------------------------------------------------- goals


async def test_another_youths_goal_and_step_buttons_are_refused_and_audited(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    async with harness.app.sessionmaker() as session:
        runtime = harness.app.runtime
        goals = motivation_services(session, runtime, dialog_runner(session, runtime)).goals
        goal = await goals.create_goal(
            c.ada, "self_belief", "Finde en praktik", "Ring til Netto", date(2026, 11, 27)
        )
        await session.commit()
        goal_id = goal.id
        step_id = (
            await session.execute(select(GoalStep.id).where(GoalStep.goal_id == goal_id))
        ).scalar_one()
    bo = c.users["bo"]
    for data in (
        GoalAct(action="step", id=step_id),
        GoalAct(action="done", id=step_id),
        GoalAct(action="drop", id=step_id),
        GoalAct(action="mv", id=step_id, arg=7),
        GoalAct(action="goal", id=goal_id),
        GoalAct(action="reach", id=goal_id),
        GoalAct(action="next", id=goal_id),
    ):
        await forge(harness, bo, data)
    assert all("Netto" not in m.text and "praktik" not in m.text for m in bo.messages)
    denied = [
        (e.actor_id, detail(e)["what"], detail(e)["ref"])
        for e in await audit(harness, "access.denied")
    ]
    assert denied == [
        (c.bo.id, "goal_step", step_id),
        (c.bo.id, "goal_step", step_id),
        (c.bo.id, "goal_step", step_id),
        (c.bo.id, "goal_step", step_id),
        (c.bo.id, "goal", goal_id),
        (c.bo.id, "goal", goal_id),
        (c.bo.id, "goal", goal_id),
    ]
    async with harness.app.sessionmaker() as session:
        stored_goal = await session.get(Goal, goal_id)
        stored_step = await session.get(GoalStep, step_id)
        assert stored_goal is not None and stored_goal.status == "active"
        assert stored_step is not None and stored_step.status == "open"
        assert stored_step.due_date == date(2026, 11, 27) and stored_step.times_moved == 0


# ---------------------------------------------------------------- staff-only buttons


async def test_staff_only_buttons_pressed_by_a_mentor_are_refused_and_audited(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    mette = c.users["mette"]
    invites_before = await count(harness, Invite)
    for data in (
        InviteRolePick(role="staff"),
        ScriptsAction(action="u", script="daily_checkin", version=1),
        DraftDecision(action="p", token="abcdef"),
        CohortCsv(),
    ):
        answer = await forge(harness, mette, data)
        assert answer is not None and answer.text == EXPIRED, data
    assert await count(harness, Invite) == invites_before
    assert all(m.file is None for m in mette.messages)
    denied = [(e.actor_id, detail(e)["what"]) for e in await audit(harness, "access.denied")]
    assert denied == [
        (c.mette.id, "invite_role"),
        (c.mette.id, "scripts"),
        (c.mette.id, "script_draft"),
        (c.mette.id, "cohort"),
    ]


# ---------------------------------------------------------------- malformed payloads


async def test_malformed_payloads_get_the_kind_answer_never_an_error(
    harness: Harness, no_errors: None
) -> None:
    c = await cast(harness)
    ada, mette = c.users["ada"], c.users["mette"]
    for user, data in (
        (ada, CheckinControl(action="skip", day="garbage")),
        (mette, SummaryDayPick(weekday=9, at="")),
        (mette, SummaryDayPick(weekday=1, at="2599")),
        (mette, ExportPick(youth_id=c.ada.id, format="xls")),
    ):
        answer = await forge(harness, user, data)
        assert answer is not None and answer.text == EXPIRED, data
    # A pause of a million weeks or days is not a button we offer: refused, nothing paused.
    await forge(harness, mette, PauseChoice(youth_id=c.ada.id, weeks=1_000_000))
    assert NOT_ON_LIST in mette.last_text
    await forge(harness, ada, SettingsAction(action="p.99999999999"))
    await forge(harness, ada, SettingsAction(action="p.999"))
    settings = await youth_settings(harness, c.ada)
    assert settings is None or settings.paused_until is None
    assert all(m.file is None for m in mette.messages)
