"""The daily check-in: which day a run is about, honest streaks, skip and snooze.

Statuses per day: sent → partial (first question answered) → answered | skipped | missed (a
sent check-in still unanswered when a later day's check-in starts). Paused days have no row:
neither a miss nor a streak break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
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
    new_run_token,
)
from bot.services.figures import day_status, is_answered
from storage.models import CheckinDay, CheckinStatus, DeliveryStatus, Person
from storage.repositories.checkins import CheckinDaysRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery

CHECKIN_SCRIPT = "daily_checkin"
CHECKIN_PURPOSE = "checkin"
CHECKIN_LATER = "checkin_later"
STANDING_DAYS = 120  # how far back a streak is counted


@dataclass(frozen=True)
class CheckinStanding:
    streak: int
    days_missed: int


def standing_of(rows: Sequence[CheckinDay]) -> CheckinStanding:
    """The streak and the missed days in a row, from the days before the one asked about."""
    records = [(row.local_date, day_status(row.status, row.local_date)) for row in rows]
    missed = 0
    for _day, status in sorted(records, reverse=True):
        if status is DayStatus.MISSED:
            missed += 1
        elif status in (DayStatus.KEPT, DayStatus.SKIPPED):
            break
    return CheckinStanding(current_streak(records), missed)


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
        return standing_of(
            await self.days.between(
                person.id, day - timedelta(days=STANDING_DAYS), day - timedelta(1)
            )
        )

    async def begin(self, person: Person, conversation: ConversationStore, day: date) -> RunTurn:
        """Starts the check-in for `day` (answers count for that day, however late they come)."""
        now = self.clock.now()
        await self.days.close_open_days_before(person.id, day, now)
        # The standing and today's row from one read.
        rows = await self.days.between(person.id, day - timedelta(days=STANDING_DAYS), day)
        standing = standing_of([row for row in rows if row.local_date < day])
        row = next((row for row in rows if row.local_date == day), None)
        if row is None:
            row = CheckinDay(person_id=person.id, local_date=day, status=CheckinStatus.SENT.value)
            self.session.add(row)
        elif row.status == CheckinStatus.MISSED.value:
            row.status = CheckinStatus.SENT.value
        row.asked_at = now
        row.snoozed_until = None
        row.run_id = token = new_run_token()
        # The runner commits the day's row with the run: one commit.
        return await self.runner.begin(
            person,
            conversation,
            CHECKIN_SCRIPT,
            purpose=CHECKIN_PURPOSE,
            for_date=day,
            variables={"streak": standing.streak, "days_missed": standing.days_missed},
            token=token,
        )

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


async def _set_day(
    session: AsyncSession,
    person: Person,
    day: date,
    status: CheckinStatus,
    values: dict[str, Any],
    answered_at: datetime | None = None,
) -> None:
    """One UPDATE of the day's row on the hot path (a tap); the row is made if it is missing.
    ``answered_at``: an answer came in — the day counts as kept from its first answer."""
    days = CheckinDaysRepository(session)
    if not values and answered_at is None:
        return
    if not await days.set_values(person.id, day, values, answered_at=answered_at):
        row = await days.get_or_create(person.id, day, status)
        for name, value in values.items():
            setattr(row, name, value)
        if answered_at is not None and not is_answered(row.status):
            row.status, row.answered_at = CheckinStatus.PARTIAL.value, answered_at


def _day_values(turn: Turn) -> dict[str, Any]:
    return {
        item.metric: item.value
        for item in turn.recorded
        if item.metric in ("mood", "energy") and isinstance(item.value, int)
    }


async def _on_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    if turn.finished:
        return  # _on_finished writes this turn's values with the rest, in one statement
    # The first answer of the run makes the day kept; after it, only mood and energy change.
    earlier = set(turn.state.get("answers", {})) - {item.key for item in turn.recorded}
    answered_at = now if turn.recorded and not earlier else None
    await _set_day(
        session, person, info.for_date, CheckinStatus.SENT, _day_values(turn), answered_at
    )


async def _on_finished(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    values = {
        **_day_values(turn),
        "status": CheckinStatus.ANSWERED.value,
        "answered_at": now,
        "snoozed_until": None,
    }
    await _set_day(session, person, info.for_date, CheckinStatus.ANSWERED, values)


def register_checkin_hooks(hooks: DialogHooks) -> None:
    hooks.on_recorded[CHECKIN_PURPOSE] = _on_recorded
    hooks.on_finished[CHECKIN_PURPOSE] = _on_finished
