"""How much Fremad may say to a young person on its own initiative in one day.

The rules, in plain words:
- Per local day a young person gets at most: the check-in, one reminder about it, and ONE more
  message that Fremad starts on its own (a motivational prompt, the weekly self-rating, an
  attendance question, a staff script started by a trigger, ...).
- Outside the budget: what the young person asked for (a check-in they put off with "later"),
  anything about a crisis, and everything sent in reply to something they did (handlers answer
  updates; they never pass through here; a script started within the hour on an event their own
  answer caused — an anxiety absence, a low mood — carries "in_reply" in its payload).
  Mentors and staff have no budget.
- When several features want the one extra message at the same scheduler pass, the one with
  the highest priority speaks (EXTRA_PRIORITY, first = highest); the rest give way that day.
  A kind nobody listed (a new feature, a staff script trigger) is an extra with the lowest
  priority, so a new feature can never push the young person past the budget.
- Silence is respected: after SILENT_DAYS_NO_REMINDER check-in days in a row without any
  answer, the reminder and the extras stop until the young person answers again; the daily
  check-in itself keeps coming (it is the way back).

The scheduler asks :meth:`MessageBudget.allows` right before it composes a delivery
(bot/scheduling/tick.py); a delivery over the budget is cancelled with reason "over_budget".
Features that plan deliveries may also ask :func:`budget_class` to skip planning what would be
refused anyway.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.checkin_schedule import local_moment
from storage.models import Person
from storage.repositories.message_budget import MessageBudgetReads

EXTRAS_PER_DAY = 1
SILENT_DAYS_NO_REMINDER = 3


class BudgetClass(StrEnum):
    EXEMPT = "exempt"  # asked for, crisis, or not to a young person
    CHECKIN = "checkin"
    REMINDER = "reminder"
    EXTRA = "extra"


# Kinds with a class of their own; every other kind sent to a young person is an EXTRA.
KIND_CLASSES: dict[str, BudgetClass] = {
    "checkin": BudgetClass.CHECKIN,
    "reminder": BudgetClass.REMINDER,
    "checkin_later": BudgetClass.EXEMPT,  # the young person tapped "later"
    "crisis_update": BudgetClass.EXEMPT,
    "erasure_request": BudgetClass.EXEMPT,
    "retention": BudgetClass.EXEMPT,
    # The week's demands, agreed with the contact person: each is followed up once, on the day
    # it ends (at most one per focus sub-goal a week) — part of the plan, not Fremad's idea.
    "demand_followup": BudgetClass.EXEMPT,
}
# Extras, highest priority first: what is about the young person's own day and plan comes
# before what Fremad would merely like to say.
EXTRA_PRIORITY: tuple[str, ...] = (
    "attendance_followup",
    "attendance_unknown",
    "attendance_nudge",
    "self_rating",
    "weekly_reflection",
    "script",
    "prompt",
)
# Deliveries that have left or are leaving (or may have): they used the budget.
USED_STATUSES = ("sending", "sent", "uncertain")


def budget_class(kind: str) -> BudgetClass:
    return KIND_CLASSES.get(kind, BudgetClass.EXTRA)


def priority(kind: str) -> int:
    """Lower is more important; unknown kinds come last."""
    for index, name in enumerate(EXTRA_PRIORITY):
        if kind == name or kind.startswith(f"{name}:") or kind.startswith(f"{name}_"):
            return index
    return len(EXTRA_PRIORITY)


def local_day_bounds(person: Person, now: datetime) -> tuple[date, datetime, datetime]:
    zone = ZoneInfo(person.timezone)
    day = now.astimezone(zone).date()
    return (
        day,
        local_moment(day, time(0, 0), zone),
        local_moment(day + timedelta(days=1), time(0, 0), zone),
    )


class MessageBudget:
    """One per scheduler batch: remembers what it granted in this batch (those rows are still
    "claimed", not "sending", while the rest of the batch is composed)."""

    def __init__(self, session: AsyncSession) -> None:
        self.reads = MessageBudgetReads(session)
        self._granted: dict[tuple[int, date], list[str]] = {}

    async def allows(
        self, person: Person, kind: str, delivery_id: int, now: datetime, *, in_reply: bool = False
    ) -> bool:
        """True if this delivery fits the person's budget for today (and records the grant)."""
        cls = budget_class(kind)
        if cls is BudgetClass.EXEMPT or in_reply or not person.is_youth:
            return True
        day, start, end = local_day_bounds(person, now)
        if cls is BudgetClass.CHECKIN:
            return self._grant(person.id, day, kind)
        if await self.reads.silent_checkin_days(person.id, day) >= SILENT_DAYS_NO_REMINDER:
            return False
        used = await self.reads.kinds_used(person.id, start, end, USED_STATUSES)
        used += self._granted.get((person.id, day), [])
        if cls is BudgetClass.REMINDER:
            return "reminder" not in used and self._grant(person.id, day, kind)
        extras = [k for k in used if budget_class(k) is BudgetClass.EXTRA]
        if len(extras) >= EXTRAS_PER_DAY:
            return False
        rivals = await self.reads.kinds_waiting(person.id, start, now, delivery_id)
        mine = priority(kind)
        if any(budget_class(k) is BudgetClass.EXTRA and priority(k) < mine for k in rivals):
            return False  # a more important extra is due now: it speaks instead
        return self._grant(person.id, day, kind)

    def _grant(self, person_id: int, day: date, kind: str) -> bool:
        self._granted.setdefault((person_id, day), []).append(kind)
        return True
