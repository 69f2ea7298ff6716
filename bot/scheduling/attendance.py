"""What the scheduler does for attendance, per occurrence (slot_key "<activity id>:<date>"):

- ``attendance_nudge``: "leave in 20 minutes" (only for activities with a travel time), with the
  "running late" / "can't come" buttons.
- ``attendance_followup``: at the end, the staff's follow-up script. If another conversation is
  open, it waits 30 minutes (up to 3 times, slot "<key>#<n>") rather than cut it off.
- ``attendance_unknown``: a day after the end, an occurrence still without an answer becomes
  "unknown" and its open question is closed. Nothing is sent (the row ends "cancelled").

Holidays and paused days have no occurrence, so nothing is planned for them. The ledger's unique
key makes each of these happen once per occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import dialog_runner
from bot.runtime import Runtime
from bot.scheduling.checkin_composers import conversation_of
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.attendance import ANSWER_WINDOW, AttendanceService, spec_of
from bot.services.attendance_followup import (
    FOLLOWUP_PURPOSE,
    begin_followup,
    drop_open_followup,
)
from bot.services.attendance_plan import ActivitySpec, due_in_window, parse_occurrence_key
from bot.telegram import attendance_texts as texts
from bot.telegram.attendance_keyboards import heads_up_row
from bot.telegram.dialog_render import turn_messages
from bot.telegram.send_queue import SendMethod
from storage.models import DeliveryStatus, Person
from storage.repositories.attendance import ActivitiesRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery

NUDGE = "attendance_nudge"
FOLLOWUP = "attendance_followup"
UNKNOWN = "attendance_unknown"
POSTPONE = timedelta(minutes=30)
MAX_POSTPONES = 3


async def _specs(session: AsyncSession) -> list[ActivitySpec]:
    return [spec_of(planned) for planned in await ActivitiesRepository(session).planned()]


async def plan_nudges(window: PlanWindow) -> list[NewDelivery]:
    specs = await _specs(window.session)
    return [
        NewDelivery(occ.youth_id, NUDGE, occ.key, at)
        for _spec, occ, at in due_in_window(specs, window.since, window.now, "nudge")
    ]


async def plan_followups(window: PlanWindow) -> list[NewDelivery]:
    specs = await _specs(window.session)
    return [
        NewDelivery(occ.youth_id, FOLLOWUP, occ.key, at)
        for _spec, occ, at in due_in_window(specs, window.since, window.now, "end")
    ]


async def plan_unknowns(window: PlanWindow) -> list[NewDelivery]:
    specs = await _specs(window.session)
    return [
        NewDelivery(occ.youth_id, UNKNOWN, occ.key, at)
        for _spec, occ, at in due_in_window(
            specs, window.since, window.now, "end", delay=ANSWER_WINDOW
        )
    ]


def register_attendance_delivery(registry: DeliveryRegistry, runtime: Runtime) -> None:
    """The attendance kinds, their planners and composers."""

    def locale(person: Person) -> str:
        return person.locale or runtime.settings.default_locale

    async def compose_nudge(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        activity_id, day = parse_occurrence_key(delivery.slot_key)
        async with runtime.sessionmaker() as session:
            service = AttendanceService(session, runtime.clock)
            activity = await ActivitiesRepository(session).get(activity_id)
            if activity is None or not await service.needs_followup(activity_id, day):
                return []
            occ = await service.occurrence(activity, day)
            if occ is None or occ.cancelled is not None:
                return []
            with runtime.i18n.context(), runtime.i18n.use_locale(locale(person)):
                text = texts.nudge_text(activity, occ, ZoneInfo(person.timezone))
                markup = InlineKeyboardMarkup(inline_keyboard=[heads_up_row(activity, day)])
            return [SendMessage(chat_id=person.telegram_id, text=text, reply_markup=markup)]

    async def compose_followup(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        key, _sep, tries = delivery.slot_key.partition("#")
        activity_id, day = parse_occurrence_key(key)
        async with runtime.sessionmaker() as session:
            service = AttendanceService(session, runtime.clock)
            activity = await ActivitiesRepository(session).get(activity_id)
            if activity is None or not await service.needs_followup(activity_id, day):
                return []
            runner = dialog_runner(session, runtime)
            conversation = conversation_of(ctx, person)
            open_run = await runner.open_run(conversation)
            # An older follow-up still open gives way once it needs no answer any more.
            busy = open_run is not None and not (
                open_run.purpose == FOLLOWUP_PURPOSE
                and open_run.ref is not None
                and await service.settle_if_overdue(person, *parse_occurrence_key(open_run.ref))
            )
            attempt = int(tries or 0)
            if busy and attempt < MAX_POSTPONES:
                later = ctx.now + POSTPONE
                await DeliveriesRepository(session).add_due(
                    [NewDelivery(person.id, FOLLOWUP, f"{key}#{attempt + 1}", later)],
                    ctx.now,
                    DeliveryStatus.PENDING,
                )
                await session.commit()
                return []
            with runtime.i18n.context(), runtime.i18n.use_locale(locale(person)):
                run = await begin_followup(runner, person, conversation, activity, day)
                return turn_messages(person.telegram_id, run)

    async def compose_unknown(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        activity_id, day = parse_occurrence_key(delivery.slot_key)
        async with runtime.sessionmaker() as session:
            service = AttendanceService(session, runtime.clock)
            if await service.mark_unknown(person, activity_id, day):
                runner = dialog_runner(session, runtime)
                await drop_open_followup(runner, conversation_of(ctx, person), delivery.slot_key)
        return []

    registry.register(NUDGE, planner=plan_nudges, composer=compose_nudge)
    registry.register(FOLLOWUP, planner=plan_followups, composer=compose_followup)
    registry.register(UNKNOWN, planner=plan_unknowns, composer=compose_unknown)
