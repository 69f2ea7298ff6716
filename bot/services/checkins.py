"""The daily check-in: which day a run is about, honest streaks, skip and snooze.

Statuses per day: sent → answered | skipped | missed (a sent check-in still unanswered when a
later day's check-in starts). Paused days have no row: neither a miss nor a streak break.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import Turn
from bot.services.checkin_schedule import DayStatus, current_streak
from bot.services.dialog_runner import (
    ConversationStore,
    DialogHooks,
    DialogRunner,
    RunInfo,
    RunTurn,
)
from bot.services.figures import day_status, is_answered
from storage.models import CheckinDay, CheckinStatus, DeliveryStatus, Person
from storage.repositories.checkins import CheckinDaysRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery

CHECKIN_SCRIPT = "daily_checkin"
CHECKIN_PURPOSE = "checkin"
CHECKIN_LATER = "checkin_later"


@dataclass(frozen=True)
class CheckinStanding:
    streak: int
    days_missed: int


def local_today(person: Person, now: datetime) -> date:
    return now.astimezone(ZoneInfo(person.timezone)).date()


class CheckinService:
    def __init__(self, session: AsyncSession, clock: Clock, runner: DialogRunner) -> None:
        self.session = session
        self.clock = clock
        self.runner = runner
        self.days = CheckinDaysRepository(session)

    async def standing(self, person: Person, day: date) -> CheckinStanding:
        """The streak up to `day` and how many check-in days in a row were missed before it."""
        rows = await self.days.between(person.id, day - timedelta(days=120), day - timedelta(1))
        records = [(row.local_date, day_status(row.status, row.local_date, day)) for row in rows]
        missed = 0
        for _day, status in sorted(records, reverse=True):
            if status is DayStatus.MISSED:
                missed += 1
            elif status in (DayStatus.KEPT, DayStatus.SKIPPED):
                break
        return CheckinStanding(current_streak(records), missed)

    async def begin(self, person: Person, conversation: ConversationStore, day: date) -> RunTurn:
        """Starts the check-in for `day` (answers count for that day, however late they come)."""
        now = self.clock.now()
        await self.days.close_open_days_before(person.id, day, now)
        standing = await self.standing(person, day)
        row = await self.days.get_or_create(person.id, day, CheckinStatus.SENT)
        if row.status == CheckinStatus.MISSED.value:
            row.status = CheckinStatus.SENT.value
        row.asked_at = now
        row.snoozed_until = None
        run = await self.runner.begin(
            person,
            conversation,
            CHECKIN_SCRIPT,
            purpose=CHECKIN_PURPOSE,
            for_date=day,
            variables={"streak": standing.streak, "days_missed": standing.days_missed},
        )
        row.run_id = run.info.token
        await self.session.commit()
        return run

    async def skip(self, person: Person, conversation: ConversationStore, day: date) -> None:
        row = await self.days.get_or_create(person.id, day, CheckinStatus.SKIPPED)
        if not is_answered(row.status):
            row.status = CheckinStatus.SKIPPED.value
        await self._drop_open_run(conversation, day)
        await self.session.commit()

    async def snooze(self, person: Person, day: date, minutes: int) -> datetime:
        """Asks again in `minutes`; the open questions wait. No reminder on top of a snooze."""
        now = self.clock.now()
        at = now + timedelta(minutes=minutes)
        row = await self.days.get_or_create(person.id, day, CheckinStatus.SENT)
        row.snoozed_until = at
        await DeliveriesRepository(self.session).add_due(
            [NewDelivery(person.id, CHECKIN_LATER, f"{day.isoformat()}@{at:%H%M}", at)],
            now,
            DeliveryStatus.PENDING,
        )
        await self.session.commit()
        return at

    async def _drop_open_run(self, conversation: ConversationStore, day: date) -> None:
        info = await self.runner.open_run(conversation)
        if info is not None and info.purpose == CHECKIN_PURPOSE and info.for_date == day:
            data = await conversation.get_data()
            data.pop("dialog", None)
            await conversation.set_data(data)
            await conversation.set_state(None)


async def _on_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    row = await CheckinDaysRepository(session).get_or_create(
        person.id, info.for_date, CheckinStatus.SENT
    )
    for item in turn.recorded:
        if item.metric == "mood" and isinstance(item.value, int):
            row.mood = item.value
        elif item.metric == "energy" and isinstance(item.value, int):
            row.energy = item.value
    # The first answer makes the day kept (partly); finishing makes it answered.
    if turn.recorded and row.status in (CheckinStatus.SENT.value, CheckinStatus.MISSED.value):
        row.status = CheckinStatus.PARTIAL.value
        row.answered_at = now
        row.snoozed_until = None


async def _on_finished(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    row: CheckinDay = await CheckinDaysRepository(session).get_or_create(
        person.id, info.for_date, CheckinStatus.ANSWERED
    )
    row.status = CheckinStatus.ANSWERED.value
    row.answered_at = now
    row.snoozed_until = None


def register_checkin_hooks(hooks: DialogHooks) -> None:
    hooks.on_recorded[CHECKIN_PURPOSE] = _on_recorded
    hooks.on_finished[CHECKIN_PURPOSE] = _on_finished
