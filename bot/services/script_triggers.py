"""Script triggers at run time: which live scripts start on what, and when a schedule is due.

Every start goes through the deliveries ledger as kind "script" with a slot per script, trigger
and moment ("weekly_reflection:0:2026-11-27", "low_mood_talk:checkin_low_mood:2026-11-24"), so
each person gets each start once — across restarts and instances. The scheduler side (planner,
composer) is bot/scheduling/script_triggers.py. Triggers marked `handled_by` are the built-in
features' own and are left to them.

Young people are never written to in their quiet night hours (QUIET_FROM–QUIET_UNTIL local): a
start that falls there waits until the morning. Paused young people get nothing while paused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Script
from bot.dialogs.conditions import evaluate
from bot.dialogs.triggers import (
    EVENTS,
    OWN_TIME,
    REPLY_WITHIN_MINUTES,
    CommandTrigger,
    EventTrigger,
    ScheduleTrigger,
    Trigger,
)
from bot.services.checkin_schedule import local_moment
from bot.services.script_registry import checked_source
from storage.models import DeliveryStatus, ScriptVersion
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.dialogs import ScriptVersionsRepository
from storage.repositories.script_triggers import TriggerCandidate

log = logging.getLogger(__name__)

SCRIPT_KIND = "script"
SCRIPT_PURPOSE = "script"
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
LOW_MOOD_MAX = 2

_reported: set[str] = set()


def _parse(row: ScriptVersion) -> Script | None:
    """The row's script; None for the prompt library or a version that does not lint."""
    result = checked_source(row.source, f"{row.script_id}.yaml")
    if not result.ok and row.sha256 not in _reported:
        _reported.add(row.sha256)
        log.error(
            "stored script %s version %d does not lint; its triggers are off",
            row.script_id,
            row.version,
        )
    return result.script if result.ok else None


async def live_scripts(session: AsyncSession) -> list[Script]:
    """The active version of every stored script (shipped ones are stored at start-up)."""
    scripts = []
    for row in await ScriptVersionsRepository(session).all_active():
        script = _parse(row)
        if script is not None:
            scripts.append(script)
    return scripts


def own_triggers(script: Script) -> Iterator[tuple[int, Trigger]]:
    """(index, trigger) of the triggers the script-trigger scheduler honours."""
    for index, trigger in enumerate(script.triggers):
        if trigger.handled_by is None:
            yield index, trigger


def command_scripts(scripts: list[Script]) -> list[tuple[Script, CommandTrigger]]:
    return [
        (script, trigger)
        for script in scripts
        for _i, trigger in own_triggers(script)
        if isinstance(trigger, CommandTrigger)
    ]


def quiet_end(now: datetime, timezone: str) -> datetime | None:
    """When the young person's quiet night around `now` ends (UTC), or None if it is day."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    clock = local.time()
    if QUIET_UNTIL <= clock < QUIET_FROM:
        return None
    day = local.date() + timedelta(days=1) if clock >= QUIET_FROM else local.date()
    return local_moment(day, QUIET_UNTIL, zone)


def pause_covers(paused_from: date | None, paused_until: date | None, day: date) -> bool:
    """Paused from..until inclusive; an open end pauses until resumed."""
    if paused_from is None and paused_until is None:
        return False
    after = paused_from is None or day >= paused_from
    before = paused_until is None or day <= paused_until
    return after and before


def _weekdays(trigger: ScheduleTrigger, candidate: TriggerCandidate) -> set[int]:
    days = set(trigger.days)
    if trigger.own_days and candidate.checkin_days:
        days |= {int(d) for d in candidate.checkin_days if d in "1234567"}
    return days


def _clock_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class DueStart:
    day: date
    at: datetime


def schedule_due(
    trigger: ScheduleTrigger, candidate: TriggerCandidate, since: datetime, now: datetime
) -> list[DueStart]:
    """The moments in (since, now] when `trigger` starts its script for `candidate`."""
    at_text = candidate.checkin_time if trigger.at == OWN_TIME else trigger.at
    if at_text is None or now <= since:
        return []
    zone = ZoneInfo(candidate.timezone)
    at = _clock_time(at_text)
    weekdays = _weekdays(trigger, candidate)
    joined = candidate.joined_at.astimezone(zone).date()
    first_day = joined + timedelta(days=trigger.start.days if trigger.start else 0)
    last_day = None
    if trigger.end is not None:
        whole_week = 6 if trigger.end.unit == "week" else 0
        last_day = joined + timedelta(days=trigger.end.days + whole_week)
    first_week = first_day - timedelta(days=first_day.weekday())
    out = []
    day = since.astimezone(zone).date() - timedelta(days=1)
    last = now.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        due = local_moment(day, at, zone)
        if (
            day.isoweekday() in weekdays
            and first_day <= day
            and (last_day is None or day <= last_day)
            and ((day - first_week).days // 7) % trigger.every_weeks == 0
            and not pause_covers(candidate.paused_from, candidate.paused_until, day)
            and since < due <= now
        ):
            out.append(DueStart(day, due))
        day += timedelta(days=1)
    return out


def schedule_slot(script: Script, index: int, day: date) -> str:
    return f"{script.id}:{index}:{day.isoformat()}"


def answers_the_youth(event: str, delay_minutes: int) -> bool:
    """A start soon after something the young person did answers them (outside the budget)."""
    info = EVENTS.get(event)
    return info is not None and info.by_the_youth and delay_minutes <= REPLY_WITHIN_MINUTES


async def emit_event(
    session: AsyncSession,
    person_id: int,
    event: str,
    now: datetime,
    *,
    ref: str,
    variables: Mapping[str, object] | None = None,
) -> int:
    """Queues the start of every live script that begins on `event` (does not commit).

    `ref` names the occurrence (a day, a step id), so the same event never starts a script twice.
    `variables` are the event's documented values (numbers, names, dates — never a youth's own
    words: the ledger's payload is not encrypted).
    """
    values = dict(variables or {})
    items = []
    for script in await live_scripts(session):
        for index, trigger in own_triggers(script):
            if not isinstance(trigger, EventTrigger) or trigger.event != event:
                continue
            if trigger.when is not None and not evaluate(trigger.when, {}, values):
                continue
            payload: dict[str, object] = {
                "script": script.id,
                "trigger": index,
                "variables": values,
            }
            if answers_the_youth(event, trigger.delay_minutes):
                payload["in_reply"] = True
            items.append(
                NewDelivery(
                    person_id,
                    SCRIPT_KIND,
                    f"{script.id}:{event}:{ref}",
                    now + timedelta(minutes=trigger.delay_minutes),
                    payload,
                )
            )
    if not items:
        return 0
    return await DeliveriesRepository(session).add_due(items, now, DeliveryStatus.PENDING)
