"""The check-in and reminder planners, and placeholder composers for them.

Check-in: each onboarded, reachable youth who has not left gets one ``checkin`` delivery per
scheduled local day (slot_key = the local date), at their own time in their own zone, except on
paused days. Reminder: one ``reminder`` per sent check-in, ``reminder_delay_minutes`` after it,
only if the check-in is still unanswered; a reminder whose moment passed the grace window is
simply not sent (it is not a miss of the youth's).

The placeholder composers send one short translated line; the check-in feature replaces them
with ``registry.replace_composer(CHECKIN, ...)``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.checkin_schedule import (
    checkin_due_at,
    due_checkin_dates,
    parse_schedule,
    reminder_due_at,
)
from bot.telegram.send_queue import SendMethod
from storage.models import Person
from storage.repositories.deliveries import NewDelivery, ScheduleCandidatesRepository

log = logging.getLogger(__name__)

CHECKIN = "checkin"
REMINDER = "reminder"

# Given (person_id, slot_key) pairs of sent check-ins, the ones that were answered.
AnsweredQuery = Callable[
    [AsyncSession, Sequence[tuple[int, str]]], Awaitable[set[tuple[int, str]]]
]


async def nothing_answered(
    session: AsyncSession, checkins: Sequence[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Until the check-in feature says otherwise, no check-in counts as answered."""
    return set()


async def plan_checkins(window: PlanWindow) -> list[NewDelivery]:
    """Check-ins whose local moment falls in the window."""
    candidates = await ScheduleCandidatesRepository(window.session).checkin_candidates()
    due: list[NewDelivery] = []
    for candidate in candidates:
        try:
            schedule = parse_schedule(
                candidate.checkin_time,
                candidate.checkin_days,
                candidate.timezone,
                candidate.paused_from,
                candidate.paused_until,
            )
        except (ValueError, KeyError):
            log.warning("person %d has unusable check-in settings", candidate.person_id)
            continue
        for day in due_checkin_dates(schedule, window.since, window.now):
            due.append(
                NewDelivery(
                    candidate.person_id, CHECKIN, day.isoformat(), checkin_due_at(schedule, day)
                )
            )
    return due


def reminder_planner(
    answered: AnsweredQuery = nothing_answered,
) -> Callable[[PlanWindow], Awaitable[list[NewDelivery]]]:
    """A planner for reminders; ``answered`` tells which sent check-ins need none."""

    async def plan_reminders(window: PlanWindow) -> list[NewDelivery]:
        candidates = ScheduleCandidatesRepository(window.session)
        longest_delay = await candidates.longest_reminder_delay_minutes()
        sent = await candidates.sent_without_follow_up(
            CHECKIN, REMINDER, window.grace_start - timedelta(minutes=longest_delay)
        )
        due = [
            (checkin, reminder_due_at(checkin.due_at, checkin.reminder_delay_minutes))
            for checkin in sent
            if checkin.reminder_delay_minutes > 0
        ]
        due = [(c, at) for c, at in due if window.grace_start <= at <= window.now]
        if not due:
            return []
        done = await answered(window.session, [(c.person_id, c.slot_key) for c, _at in due])
        return [
            NewDelivery(c.person_id, REMINDER, c.slot_key, at)
            for c, at in due
            if (c.person_id, c.slot_key) not in done
        ]

    return plan_reminders


async def compose_placeholder_checkin(
    ctx: ComposeContext, delivery: DueDelivery, person: Person
) -> Sequence[SendMethod]:
    with ctx.i18n.context(), ctx.i18n.use_locale(person.locale or ctx.settings.default_locale):
        text = _("Good morning! It is time for today's check-in.")
    return [SendMessage(chat_id=person.telegram_id, text=text)]


async def compose_placeholder_reminder(
    ctx: ComposeContext, delivery: DueDelivery, person: Person
) -> Sequence[SendMethod]:
    with ctx.i18n.context(), ctx.i18n.use_locale(person.locale or ctx.settings.default_locale):
        text = _("A gentle reminder: today's check-in is still waiting for you.")
    return [SendMessage(chat_id=person.telegram_id, text=text)]


def register_checkins(
    registry: DeliveryRegistry, answered: AnsweredQuery = nothing_answered
) -> None:
    registry.register(CHECKIN, planner=plan_checkins, composer=compose_placeholder_checkin)
    registry.register(
        REMINDER, planner=reminder_planner(answered), composer=compose_placeholder_reminder
    )
