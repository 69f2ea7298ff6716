"""What the scheduler sends for the check-in: the script's first question (with "later" and
"skip today"), one gentle reminder, and the snoozed check-in again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import dialog_runner
from bot.runtime import Runtime
from bot.scheduling.checkins import CHECKIN, REMINDER, reminder_planner
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery
from bot.services.checkins import CHECKIN_LATER, CHECKIN_PURPOSE, CheckinService
from bot.telegram.checkin_keyboards import control_rows
from bot.telegram.dialog_render import turn_messages
from bot.telegram.send_queue import SendMethod
from storage.models import CheckinStatus, Person
from storage.repositories.checkins import CheckinDaysRepository


def conversation_of(ctx: ComposeContext, person: Person) -> FSMContext:
    """The same conversation the dispatcher uses for this person's private chat."""
    key = StorageKey(bot_id=ctx.bot.id, chat_id=person.telegram_id, user_id=person.telegram_id)
    return FSMContext(storage=ctx.storage, key=key)


def _day(delivery: DueDelivery) -> date:
    return date.fromisoformat(delivery.slot_key.split("@", 1)[0])


def register_checkin_delivery(registry: DeliveryRegistry, runtime: Runtime) -> None:
    """The check-in's real composers in place of the scheduler's placeholders."""

    async def compose_checkin(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        day = _day(delivery)
        async with runtime.sessionmaker() as session:
            service = CheckinService(session, runtime.clock, dialog_runner(session, runtime))
            with runtime.i18n.context(), runtime.i18n.use_locale(_locale(person, runtime)):
                run = await service.begin(person, conversation_of(ctx, person), day)
                return turn_messages(person.telegram_id, run, extra=control_rows(day), merge=True)

    async def compose_again(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        """Reminder or snoozed check-in: only while that day's check-in is still open."""
        day = _day(delivery)
        async with runtime.sessionmaker() as session:
            row = await CheckinDaysRepository(session).get(person.id, day)
            if row is None or row.status != CheckinStatus.SENT.value:
                return []
            if delivery.kind == REMINDER and row.snoozed_until is not None:
                return []
            runner = dialog_runner(session, runtime)
            conversation = conversation_of(ctx, person)
            with runtime.i18n.context(), runtime.i18n.use_locale(_locale(person, runtime)):
                info = await runner.open_run(conversation)
                if info is not None and info.purpose == CHECKIN_PURPOSE and info.for_date == day:
                    run = await runner.resume(person, conversation)
                else:
                    service = CheckinService(session, runtime.clock, runner)
                    run = await service.begin(person, conversation, day)
                if run is None:
                    return []
                row.snoozed_until = None
                await session.commit()
                intro = (
                    _("A gentle nudge: today's check-in is still here whenever you're ready.")
                    if delivery.kind == REMINDER
                    else _("Here's your check-in again. 🙂")
                )
                return turn_messages(
                    person.telegram_id, run, extra=control_rows(day), intro=intro, merge=True
                )

    async def settled(
        session: AsyncSession, pairs: Sequence[tuple[int, str]]
    ) -> set[tuple[int, str]]:
        wanted = [(person_id, date.fromisoformat(slot)) for person_id, slot in pairs]
        done = await CheckinDaysRepository(session).settled(wanted)
        return {(person_id, day.isoformat()) for person_id, day in done}

    registry.replace_composer(CHECKIN, compose_checkin)
    registry.register(REMINDER, planner=reminder_planner(settled), composer=compose_again)
    registry.register(CHECKIN_LATER, composer=compose_again)


def _locale(person: Person, runtime: Runtime) -> str:
    return person.locale or runtime.settings.default_locale
