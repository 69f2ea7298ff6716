"""How alerts behave once raised: quiet hours, acknowledgement, escalation, and the alerts that
come from the data itself (missed check-ins, low mood, a blocked bot).

The rules, in plain words:
- Quiet hours (the mentor's, default 21:00–07:00 local) hold every alert except a crisis until
  they end; a crisis alert goes out at once, day or night.
- Missed check-ins: when a youth's check-in day comes and the N check-ins before it (default 3)
  went unanswered, one alert — only when the run reaches N, so a longer run does not repeat it.
- Low mood: when the N-th check-in in a row (default 3) has mood at most 2, one alert, at once.
- Blocked: when a youth blocks the bot, one alert at the next pass.
- Only the mentor the alert went to, or staff, can acknowledge it (roles read from the database).
- A crisis alert nobody acknowledged within the set time (default 30 min; 10 min when its
  urgency is acute: a plan, method seeking, an overdose or a goodbye) goes to all staff once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.alerts import ALERT_DELIVERY, AlertService
from bot.services.checkin_schedule import DayStatus, local_moment
from bot.services.figures import day_status, low_mood_run, missed_run
from storage.models import Alert, AlertKind, DeliveryStatus, Person, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import (
    AlertActionsRepository,
    MentorSettingsRepository,
    ReportReadsRepository,
)

ESCALATION_DELIVERY = "alert_escalation"
DEFAULT_QUIET = ("21:00", "07:00")
_LOOKBACK_DAYS = 60


def _clock_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_hours_end(
    now: datetime, timezone: str, quiet_from: str, quiet_until: str
) -> datetime | None:
    """When the quiet hours around ``now`` end (UTC), or None if ``now`` is not quiet."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    start, end = _clock_time(quiet_from), _clock_time(quiet_until)
    if start == end:
        return None
    clock = local.time().replace(tzinfo=None)
    if start < end:  # e.g. 12:00–13:00 the same day
        quiet = start <= clock < end
        end_day = local.date()
    else:  # wraps midnight: 21:00–07:00
        quiet = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    return local_moment(end_day, end, zone) if quiet else None


async def quiet_until(session: AsyncSession, recipient: Person, now: datetime) -> datetime | None:
    """When the recipient's quiet hours around ``now`` end, or None if they are not quiet now."""
    settings = await MentorSettingsRepository(session).get(recipient.id)
    quiet = (settings.quiet_from, settings.quiet_until) if settings else DEFAULT_QUIET
    return quiet_hours_end(now, recipient.timezone, *quiet)


class AckResult(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class AlertToSend:
    alert: Alert
    youth: Person


@dataclass(frozen=True)
class Postponed:
    until: datetime


class AlertDesk:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.actions = AlertActionsRepository(session)

    async def prepare(
        self, alert_id: int, recipient: Person, *, ignore_quiet: bool = False
    ) -> AlertToSend | Postponed | None:
        """What to send for this alert now: the alert, a postponement past quiet hours, or None
        (unknown or already acknowledged). Postponing queues the later delivery itself.
        Does not commit: the scheduler's batch does."""
        alert = await self.actions.session.get(Alert, alert_id)
        if alert is None or alert.acknowledged_at is not None:
            return None
        youth = await PeopleRepository(self.session).by_id(alert.youth_id)
        if youth is None:
            return None
        now = self.clock.now()
        if alert.kind != AlertKind.CRISIS.value and not ignore_quiet:
            until = await quiet_until(self.session, recipient, now)
            if until is not None:
                await DeliveriesRepository(self.session).add_due(
                    [
                        NewDelivery(
                            recipient.id,
                            ALERT_DELIVERY,
                            f"alert:{alert.id}@{until:%Y%m%d%H%M}",
                            until,
                            {"alert_id": alert.id},
                        )
                    ],
                    now,
                    DeliveryStatus.PENDING,
                )
                return Postponed(until)
        await self.actions.mark_sent(alert.id, now)
        await AuditRepository(self.session).add(
            "data.read",
            now,
            actor_id=recipient.id,
            subject_id=youth.id,
            purpose="alert",
            alert_id=alert.id,
        )
        return AlertToSend(alert, youth)

    async def acknowledge(self, alert_id: int, person: Person) -> AckResult:
        """Staff, or the mentor the alert went to while they are still the youth's mentor (a
        hand-over passes the youth on); any other try is refused and audited."""
        alert = await self.session.get(Alert, alert_id)
        access = AccessService(self.session, self.clock)
        youth = await PeopleRepository(self.session).by_id(alert.youth_id) if alert else None
        own = alert is not None and person.is_mentor and alert.mentor_id == person.id
        if (
            alert is None
            or youth is None
            or not (person.is_staff or (own and await access.follows(person, youth)))
        ):
            await access.refuse(person, "alert", alert_id)
            return AckResult.NOT_ALLOWED
        now = self.clock.now()
        if not await self.actions.acknowledge(alert_id, person.id, now):
            return AckResult.ALREADY
        await AuditRepository(self.session).add(
            "alert.acknowledged",
            now,
            actor_id=person.id,
            subject_id=alert.youth_id,
            alert_id=alert_id,
        )
        await self.session.commit()
        return AckResult.DONE

    async def plan_escalations(
        self, after_minutes: int, acute_after_minutes: int | None = None
    ) -> list[NewDelivery]:
        """Crisis alerts unacknowledged for ``after_minutes`` (``acute_after_minutes`` for an
        alert of acute urgency): one delivery per staff member. Marks them escalated in the
        same transaction as the deliveries (the caller commits)."""
        now = self.clock.now()
        acute_after = after_minutes if acute_after_minutes is None else acute_after_minutes
        soonest = now - timedelta(minutes=min(after_minutes, acute_after))
        candidates = await self.actions.due_for_escalation(AlertKind.CRISIS.value, soonest)

        def waited(alert: Alert) -> bool:
            acute = json.loads(alert.detail or "{}").get("urgency") == "acute"
            minutes = acute_after if acute else after_minutes
            return alert.created_at <= now - timedelta(minutes=minutes)

        due = [alert for alert in candidates if waited(alert)]
        if not due:
            return []
        staff = await PeopleRepository(self.session).with_role(Role.STAFF)
        await self.actions.mark_escalated([alert.id for alert in due], now)
        return [
            NewDelivery(
                person.id, ESCALATION_DELIVERY, f"esc:{alert.id}", now, {"alert_id": alert.id}
            )
            for alert in due
            for person in staff
            if person.left_at is None
        ]

    async def check_missed_checkins(
        self, youth: Person, day: date, days_in_a_row: int
    ) -> Alert | None:
        """At the check-in moment of ``day``: were the last N check-ins before it missed?
        A check-in still open from an earlier day counts as missed here."""
        rows = await ReportReadsRepository(self.session).checkin_days(
            youth.id, day - timedelta(days=_LOOKBACK_DAYS), day - timedelta(days=1)
        )
        records = [(row.local_date, day_status(row.status, row.local_date, day)) for row in rows]
        run = missed_run(records)
        if run != days_in_a_row:
            return None
        first_missed = sorted(d for d, s in records if s is DayStatus.MISSED)[-run]
        return await AlertService(self.session, self.clock).raise_alert(
            youth, AlertKind.MISSED_CHECKINS, {"days": run, "since": first_missed.isoformat()}
        )

    async def check_low_mood(
        self, youth: Person, day: date, days_in_a_row: int, low_mood_max: int
    ) -> Alert | None:
        """After a mood is recorded for ``day``: is this the N-th low mood in a row?"""
        rows = await ReportReadsRepository(self.session).checkin_days(
            youth.id, day - timedelta(days=_LOOKBACK_DAYS), day
        )
        moods = [row.mood for row in rows if row.mood is not None]
        if low_mood_run(moods, low_mood_max) != days_in_a_row:
            return None
        return await AlertService(self.session, self.clock).raise_alert(
            youth, AlertKind.LOW_MOOD, {"days": days_in_a_row, "max": low_mood_max}
        )

    async def check_newly_blocked(self, since: datetime, until: datetime) -> list[Alert]:
        reads = ReportReadsRepository(self.session)
        raised = []
        for youth in await reads.youths_unreachable_between(since, until):
            assert youth.unreachable_since is not None
            # A restart looks back up to 48 h: one alert per blocking, not one per day.
            if await reads.has_alert_since(
                youth.id, AlertKind.BLOCKED.value, youth.unreachable_since
            ):
                continue
            alert = await AlertService(self.session, self.clock).raise_alert(
                youth, AlertKind.BLOCKED, {}
            )
            if alert is not None:
                raised.append(alert)
        return raised


def open_alert_kinds(alerts: Sequence[Alert]) -> list[str]:
    return sorted({alert.kind for alert in alerts if alert.acknowledged_at is None})
