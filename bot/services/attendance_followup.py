"""The follow-up after an occurrence ends: the staff's ``attendance_followup`` script, run with
purpose "attendance" and the occurrence as its ref ("<activity id>:<local date>").

Answers are read by their metric, so staff may rename keys: ``metric: attendance`` carries the
status (attended, late, left_early, absent, cancelled), ``metric: absence_reason`` the reason.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import Turn
from bot.services.attendance import AttendanceService
from bot.services.attendance_plan import parse_occurrence_key
from bot.services.dialog_runner import (
    ConversationStore,
    DialogHooks,
    DialogRunner,
    RunInfo,
    RunTurn,
)
from storage.models import Person
from storage.models.attendance import AbsenceReason, Activity, AttendanceStatus

FOLLOWUP_SCRIPT = "attendance_followup"
FOLLOWUP_PURPOSE = "attendance"
_STATUSES = {status.value for status in AttendanceStatus} - {AttendanceStatus.UNKNOWN.value}
_REASONS = {reason.value for reason in AbsenceReason}


def occurrence_ref(activity_id: int, day: date) -> str:
    return f"{activity_id}:{day.isoformat()}"


async def begin_followup(
    runner: DialogRunner,
    person: Person,
    conversation: ConversationStore,
    activity: Activity,
    day: date,
) -> RunTurn:
    """Asks "did you make it to {activity}?" about the occurrence on ``day``."""
    return await runner.begin(
        person,
        conversation,
        FOLLOWUP_SCRIPT,
        purpose=FOLLOWUP_PURPOSE,
        for_date=day,
        ref=occurrence_ref(activity.id, day),
        variables={
            "activity": activity.title,
            "date": day.strftime("%d.%m."),
            "time": activity.start_time,
        },
    )


async def drop_open_followup(
    runner: DialogRunner, conversation: ConversationStore, ref: str
) -> bool:
    """Closes the open follow-up about ``ref`` (its buttons then say they have expired)."""
    info = await runner.open_run(conversation)
    if info is None or info.purpose != FOLLOWUP_PURPOSE or info.ref != ref:
        return False
    data = await conversation.get_data()
    data.pop("dialog", None)
    await conversation.set_data(data)
    await conversation.set_state(None)
    return True


def register_attendance_hooks(hooks: DialogHooks, clock: Clock) -> None:
    async def on_recorded(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        if info.ref is None:
            return
        activity_id, day = parse_occurrence_key(info.ref)
        service = AttendanceService(session, clock)
        for item in turn.recorded:
            if item.skipped or not isinstance(item.value, str):
                continue
            if item.metric == "attendance" and item.value in _STATUSES:
                await service.record_answer(
                    person, activity_id, day, status=AttendanceStatus(item.value)
                )
            elif item.metric == "absence_reason" and item.value in _REASONS:
                await service.record_answer(person, activity_id, day, reason=item.value)

    hooks.on_recorded[FOLLOWUP_PURPOSE] = on_recorded
