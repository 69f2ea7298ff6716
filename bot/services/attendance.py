"""Attendance at real activities: the plan, heads-ups, follow-up answers, measures and alerts.

The rules, in plain words:
- A youth manages their own plan; their current mentor (or staff) may manage it for them too.
- "Running late" and "can't come today" are recorded at once; "can't come" counts as cancelled
  with notice. The mentor is told at once only if the youth allows it (per activity, else the
  youth's own setting), through the alert channel, with numbers and flags only.
- After an occurrence ends, the follow-up asks what happened. No answer within a day is recorded
  as "unknown", never as "absent". Each occurrence gets one final status.
- The mentor gets an attendance alert when absences in a row reach the youth's limit (default
  2), or when a finished week's rate is under the youth's threshold (default 50 %); never more
  than one attendance alert per youth per day (the alert channel guarantees it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.alerts import AlertService
from bot.services.attendance_measures import (
    SUCCESS_RATE,
    AttendanceOverview,
    OccurrenceOutcome,
    Outcome,
    consecutive_absences,
    current_run,
    overview,
    tally,
)
from bot.services.attendance_plan import (
    ActivitySpec,
    Cancelled,
    Occurrence,
    occurrences_of,
    parse_clock,
    parse_weekdays,
    week_start,
)
from storage.models import Person
from storage.models.alerts import Alert, AlertKind
from storage.models.attendance import (
    Activity,
    AttendanceRecord,
    AttendanceSettings,
    AttendanceStatus,
)
from storage.repositories.alerts import AlertsRepository
from storage.repositories.attendance import (
    ActivitiesRepository,
    AttendanceRecordsRepository,
    AttendanceSettingsRepository,
    PlannedActivity,
)
from storage.repositories.people import PeopleRepository

ANSWER_WINDOW = timedelta(days=1)
MEASURE_WEEKS = 12


class HeadsUp(StrEnum):
    LATE = "late"
    CANT_COME = "cant_come"


@dataclass(frozen=True)
class ActivityDraft:
    """A new or changed activity as the plan form gathered it."""

    kind: str
    title: str
    start: str  # "HH:MM"
    end: str
    weekdays: str | None = None  # "134"; None for a one-off
    on_date: date | None = None
    place: str | None = None


@dataclass(frozen=True)
class HeadsUpResult:
    recorded: bool  # False: the occurrence is not on (over, cancelled, or already answered)
    mentor_told: bool


@dataclass(frozen=True)
class AbsenceItem:
    local_date: date
    activity_id: int
    activity_kind: str
    reason: str | None  # an AbsenceReason value, or None when not given


@dataclass(frozen=True)
class AttendanceWeekSummary:
    """One week (Monday to Sunday, local dates) of one youth's attendance, as of now.

    ``counts`` has every Outcome value as a key (attended, late, left_early, absent, cancelled,
    unknown, open, holiday, paused). ``planned`` leaves holidays and paused days out. ``rate``
    is showed-up ÷ (showed-up + absent); None when nothing counted. Occurrences that have not
    started yet are not in it.
    """

    youth_id: int
    week_start: date
    counts: dict[str, int]
    planned: int
    showed_up: int
    rate: float | None
    on_time_rate: float | None
    is_success: bool
    absences: tuple[AbsenceItem, ...]
    current_run: int


@dataclass(frozen=True)
class PlanView:
    """What /plan shows: the youth, their activities, today's occurrences that can still get
    a heads-up, and their attendance settings."""

    youth: Person
    activities: list[Activity]
    today: list[tuple[Activity, Occurrence]]
    settings: AttendanceSettings


def spec_of(planned: PlannedActivity) -> ActivitySpec:
    activity = planned.activity
    return ActivitySpec(
        activity_id=activity.id,
        youth_id=activity.youth_id,
        weekdays=parse_weekdays(activity.weekdays),
        on_date=activity.on_date,
        start=parse_clock(activity.start_time),
        end=parse_clock(activity.end_time),
        valid_from=activity.valid_from,
        zone=ZoneInfo(planned.timezone),
        travel_minutes=activity.travel_minutes,
        paused_from=planned.paused_from,
        paused_until=planned.paused_until,
    )


def outcome_of(occ: Occurrence, record: AttendanceRecord | None, now: datetime) -> Outcome | None:
    """The occurrence's outcome as of ``now``; None when it has not started yet."""
    if occ.cancelled is Cancelled.HOLIDAY:
        return Outcome.HOLIDAY
    if occ.cancelled is Cancelled.PAUSED:
        return Outcome.PAUSED
    if record is not None and record.status is not None:
        return Outcome(record.status)
    if now >= occ.ends_at + ANSWER_WINDOW:
        return Outcome.UNKNOWN
    if now >= occ.starts_at:
        return Outcome.OPEN
    return None


class AttendanceService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.activities = ActivitiesRepository(session)
        self.records = AttendanceRecordsRepository(session)
        self.settings_repo = AttendanceSettingsRepository(session)

    # ------------------------------------------------------------------ the plan

    async def may_manage(self, person: Person, youth_id: int) -> bool:
        """The youth themselves, their current mentor, or staff. AccessService decides: a
        mentor's or staff member's look is audited as a read of the plan, anyone else's try as
        a refusal; committed at once, so the trace stays whatever the tap does next."""
        if person.id == youth_id and person.is_youth:
            return True
        access = AccessService(self.session, self.clock)
        youth = await access.youth_for_mentor_work(person, youth_id, "plan")
        await self.session.commit()
        return youth is not None

    async def youths_of(self, mentor: Person) -> list[Person]:
        return list(await PeopleRepository(self.session).youths_of(mentor.id))

    async def youth(self, youth_id: int) -> Person | None:
        return await PeopleRepository(self.session).by_id(youth_id)

    async def plan(self, youth_id: int) -> list[Activity]:
        """The youth's active activities: weekly ones first, then one-offs by date."""
        rows = await self.activities.of_youth(youth_id)
        return sorted(rows, key=lambda a: (a.on_date is not None, a.on_date or date.min, a.id))

    async def plan_view(self, viewer: Person, youth_id: int) -> PlanView | None:
        """The plan as ``viewer`` may see it; None when they may not."""
        youth = await PeopleRepository(self.session).by_id(youth_id)
        if youth is None or not youth.is_youth or not await self.may_manage(viewer, youth_id):
            return None
        return PlanView(
            youth=youth,
            activities=await self.plan(youth_id),
            today=await self.upcoming_today(youth),
            settings=await self.settings(youth_id),
        )

    async def tells_mentor(self, activity: Activity) -> bool:
        return await self._may_tell_mentor(activity)

    async def activity(self, person: Person, activity_id: int) -> Activity | None:
        """The activity, if it exists, is active and ``person`` may manage it."""
        activity = await self.activities.get(activity_id)
        if activity is None or activity.deleted_at is not None:
            return None
        return activity if await self.may_manage(person, activity.youth_id) else None

    async def save(
        self, person: Person, youth_id: int, activity_id: int | None, draft: ActivityDraft
    ) -> Activity | None:
        """Adds (no id) or changes an activity, if ``person`` may manage that youth's plan."""
        if activity_id is not None:
            activity = await self.activity(person, activity_id)
            return None if activity is None else await self.update_activity(activity, draft)
        if await self.plan_view(person, youth_id) is None:
            return None
        return await self.add_activity(youth_id, draft, person)

    async def add_activity(self, youth_id: int, draft: ActivityDraft, by: Person) -> Activity:
        now = self.clock.now()
        activity = Activity(
            youth_id=youth_id,
            created_by_id=by.id,
            created_at=now,
            updated_at=now,
            valid_from=now,
            travel_minutes=None,
            notify_mentor=None,
        )
        _apply(activity, draft)
        await self.activities.add(activity)
        await self.session.commit()
        return activity

    async def update_activity(self, activity: Activity, draft: ActivityDraft) -> Activity:
        """A changed schedule counts from now on; what was recorded stays as it was."""
        now = self.clock.now()
        before = (activity.weekdays, activity.on_date, activity.start_time, activity.end_time)
        _apply(activity, draft)
        after = (activity.weekdays, activity.on_date, activity.start_time, activity.end_time)
        if before != after:
            activity.valid_from = now
        activity.updated_at = now
        await self.session.commit()
        return activity

    async def delete_activity(self, activity: Activity) -> None:
        """Gone from the plan; its recorded history stays in the measures."""
        activity.deleted_at = self.clock.now()
        await self.session.commit()

    async def set_travel(self, activity: Activity, minutes: int | None) -> None:
        activity.travel_minutes = minutes
        activity.updated_at = self.clock.now()
        await self.session.commit()

    async def cycle_notify(self, activity: Activity) -> bool | None:
        """Follows the youth's setting → yes → no → follows again."""
        activity.notify_mentor = {None: True, True: False, False: None}[activity.notify_mentor]
        activity.updated_at = self.clock.now()
        await self.session.commit()
        return activity.notify_mentor

    async def settings(self, youth_id: int) -> AttendanceSettings:
        """The youth's attendance settings (the defaults when never changed)."""
        return await self.settings_repo.get(youth_id, self.clock.now())

    async def toggle_tell_mentor(self, youth_id: int) -> bool:
        settings = await self.settings_repo.get_or_create(youth_id, self.clock.now())
        settings.tell_mentor = not settings.tell_mentor
        settings.updated_at = self.clock.now()
        await self.session.commit()
        return settings.tell_mentor

    async def set_alert_limits(
        self, youth_id: int, *, absences: int | None = None, rate_below: int | None = None
    ) -> AttendanceSettings:
        """Per youth: absences in a row before an alert (0 = never), weekly rate threshold
        in percent (0 = never)."""
        settings = await self.settings_repo.get_or_create(youth_id, self.clock.now())
        if absences is not None:
            settings.absence_alert_after = max(0, absences)
        if rate_below is not None:
            settings.weekly_rate_alert_below = min(100, max(0, rate_below))
        settings.updated_at = self.clock.now()
        await self.session.commit()
        return settings

    # ------------------------------------------------------------------ occurrences

    async def specs(self, youth_id: int) -> list[ActivitySpec]:
        return [spec_of(planned) for planned in await self.activities.planned(youth_id)]

    async def occurrence(self, activity: Activity, day: date) -> Occurrence | None:
        """The activity's occurrence on ``day``, if it is planned that day."""
        for spec in await self.specs(activity.youth_id):
            if spec.activity_id == activity.id:
                found = occurrences_of([spec], day, day)
                return found[0] if found else None
        return None

    async def upcoming_today(self, youth: Person) -> list[tuple[Activity, Occurrence]]:
        """Today's occurrences that are on and not over, without a final status."""
        now = self.clock.now()
        today = now.astimezone(ZoneInfo(youth.timezone)).date()
        by_id = {a.id: a for a in await self.activities.of_youth(youth.id)}
        found: list[tuple[Activity, Occurrence]] = []
        for occ in occurrences_of(await self.specs(youth.id), today, today):
            if occ.cancelled is not None or occ.ends_at <= now or occ.activity_id not in by_id:
                continue
            record = await self.records.get(occ.activity_id, today)
            if record is None or record.status is None:
                found.append((by_id[occ.activity_id], occ))
        return found

    # ------------------------------------------------------------------ before

    async def heads_up(
        self, youth: Person, activity: Activity, day: date, what: HeadsUp
    ) -> HeadsUpResult:
        """Records "running late"/"can't come" for the occurrence on ``day``."""
        now = self.clock.now()
        occ = await self.occurrence(activity, day)
        if occ is None or occ.cancelled is not None or now >= occ.ends_at:
            return HeadsUpResult(False, False)
        record = await self.records.get_or_create(activity.id, youth.id, day)
        if record.status is not None:
            return HeadsUpResult(False, False)
        if what is HeadsUp.LATE:
            record.running_late_at = now
        else:
            record.cant_come_at = now
            record.status = AttendanceStatus.CANCELLED.value
            record.source = "cant_come"
            record.recorded_at = now
        told = False
        if await self._may_tell_mentor(activity):
            local_start = occ.starts_at.astimezone(ZoneInfo(youth.timezone))
            alert = await AlertService(self.session, self.clock).raise_alert(
                youth,
                AlertKind.RUNNING_LATE,
                {
                    "heads_up": what.value,
                    "activity_id": activity.id,
                    "activity_kind": activity.kind,
                    "local_date": day.isoformat(),
                    "starts_at": local_start.strftime("%H:%M"),
                },
            )
            if alert is not None:
                record.mentor_told_at = now
                told = True
        await self.session.commit()
        return HeadsUpResult(True, told)

    async def _may_tell_mentor(self, activity: Activity) -> bool:
        if activity.notify_mentor is not None:
            return activity.notify_mentor
        return (await self.settings(activity.youth_id)).tell_mentor

    # ------------------------------------------------------------------ after

    async def needs_followup(self, activity_id: int, day: date) -> bool:
        """The follow-up is asked only while the occurrence has no final status."""
        activity = await self.activities.get(activity_id)
        if activity is None or activity.deleted_at is not None:
            return False
        record = await self.records.get(activity_id, day)
        return record is None or record.status is None

    async def record_answer(
        self,
        youth: Person,
        activity_id: int,
        day: date,
        status: AttendanceStatus | None = None,
        reason: str | None = None,
    ) -> Alert | None:
        """An answer from the follow-up (does not commit: it runs inside the dialog's
        transaction). Returns the attendance alert it raised, if any."""
        record = await self.records.get_or_create(activity_id, youth.id, day)
        if status is not None:
            if record.status not in (None, AttendanceStatus.UNKNOWN.value):
                return None  # one final status per occurrence
            record.status = status.value
            record.source = "followup"
            record.recorded_at = self.clock.now()
        if reason is not None and record.status == AttendanceStatus.ABSENT.value:
            record.reason = reason
        if status is None:
            return None
        return await self.check_alerts(youth, day, status)

    async def settle_if_overdue(self, youth: Person, activity_id: int, day: date) -> bool:
        """True when the occurrence needs no answer any more: answered, gone, or its answer
        window is over (then it is marked "unknown" now)."""
        if not await self.needs_followup(activity_id, day):
            return True
        activity = await self.activities.get(activity_id)
        occ = await self.occurrence(activity, day) if activity is not None else None
        if occ is None or self.clock.now() >= occ.ends_at + ANSWER_WINDOW:
            await self.mark_unknown(youth, activity_id, day)
            return True
        return False

    async def mark_unknown(self, youth: Person, activity_id: int, day: date) -> bool:
        """No answer within a day: "unknown" (never "absent"). Commits."""
        record = await self.records.get_or_create(activity_id, youth.id, day)
        if record.status is not None:
            return False
        record.status = AttendanceStatus.UNKNOWN.value
        record.source = "timeout"
        record.recorded_at = self.clock.now()
        await self.check_alerts(youth, day, AttendanceStatus.UNKNOWN)
        await self.session.commit()
        return True

    # ------------------------------------------------------------------ measures

    async def outcomes(
        self, youth: Person, first: date, last: date, *, as_of: datetime | None = None
    ) -> tuple[list[OccurrenceOutcome], dict[tuple[int, date], AttendanceRecord]]:
        """Every started occurrence in [first, last] with its outcome, and the records."""
        now = as_of or self.clock.now()
        records = {
            (row.activity_id, row.local_date): row
            for row in await self.records.of_youth_between(youth.id, first, last)
        }
        found: list[OccurrenceOutcome] = []
        seen: set[tuple[int, date]] = set()
        for occ in occurrences_of(await self.specs(youth.id), first, last):
            key = (occ.activity_id, occ.local_date)
            outcome = outcome_of(occ, records.get(key), now)
            if outcome is None:
                continue
            seen.add(key)
            found.append(
                OccurrenceOutcome(
                    occ.activity_id, occ.local_date, outcome, occ.starts_at.timestamp()
                )
            )
        # Records of deleted or re-timed activities still count as they were recorded.
        for key, row in records.items():
            if key not in seen and row.status is not None:
                found.append(OccurrenceOutcome(key[0], key[1], Outcome(row.status)))
        return found, records

    async def overview(self, youth: Person) -> AttendanceOverview:
        """Rates, runs and trends over the last 12 weeks, overall and per activity."""
        today = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        first = week_start(today) - timedelta(weeks=MEASURE_WEEKS - 1)
        found, _records = await self.outcomes(youth, first, today)
        return overview(found, today)

    async def week_summary(self, youth_id: int, week: date) -> AttendanceWeekSummary:
        """The read API for the weekly mentor summary: one week's counts per status, the
        absences with their reasons, the rate and the run as of that week's end (or now)."""
        monday = week_start(week)
        return await self.period_summary(youth_id, monday, monday + timedelta(days=6))

    async def period_summary(
        self, youth_id: int, first: date, last: date
    ) -> AttendanceWeekSummary:
        """The same for any local dates first..last (a summary sent on another weekday, the
        mentor's "status now" over the last 7 days): exactly those days, never the ISO week."""
        youth = await PeopleRepository(self.session).by_id(youth_id)
        if youth is None:
            raise LookupError("no such youth")
        monday, sunday = first, last
        zone = ZoneInfo(youth.timezone)
        week_end = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), zone)
        as_of = min(self.clock.now(), week_end)
        history, records = await self.outcomes(
            youth, monday - timedelta(weeks=MEASURE_WEEKS), sunday, as_of=as_of
        )
        in_week = [item for item in history if monday <= item.local_date <= sunday]
        kinds = {a.id: a.kind for a in await self.activities.of_youth(youth_id, with_deleted=True)}
        counted = tally(in_week)
        absences = tuple(
            AbsenceItem(
                item.local_date,
                item.activity_id,
                kinds.get(item.activity_id, "other"),
                _reason(records.get((item.activity_id, item.local_date))),
            )
            for item in sorted(in_week, key=lambda i: (i.local_date, i.order))
            if item.outcome is Outcome.ABSENT
        )
        rate = counted.rate
        return AttendanceWeekSummary(
            youth_id=youth_id,
            week_start=monday,
            counts={outcome.value: counted.count(outcome) for outcome in Outcome},
            planned=counted.planned,
            showed_up=counted.showed_up,
            rate=rate,
            on_time_rate=counted.on_time_rate,
            is_success=counted.showed_up > 0 and rate is not None and rate >= SUCCESS_RATE,
            absences=absences,
            current_run=current_run(history),
        )

    # ------------------------------------------------------------------ alerts

    async def check_alerts(
        self, youth: Person, day: date, status: AttendanceStatus
    ) -> Alert | None:
        """After a status is recorded: absences in a row reaching the limit (only when this
        status is an absence), or the occurrence's week now complete with a rate under the
        threshold (once per week). One alert carries both when both hold."""
        settings = await self.settings(youth.id)
        now = self.clock.now()
        today = now.astimezone(ZoneInfo(youth.timezone)).date()
        monday = week_start(day)
        first = min(monday, week_start(today)) - timedelta(weeks=MEASURE_WEEKS)
        found, _ = await self.outcomes(youth, first, max(today, day))
        detail: dict[str, object] = {}
        limit = settings.absence_alert_after
        if status is AttendanceStatus.ABSENT and limit > 0:
            in_a_row = consecutive_absences(found)
            if in_a_row == limit:
                detail.update({"consecutive_absences": in_a_row, "absence_limit": limit})
        threshold = settings.weekly_rate_alert_below
        if threshold > 0 and await self._week_complete(youth, monday, found):
            week = tally(item for item in found if week_start(item.local_date) == monday)
            rate = week.rate
            already = await self._weekly_alert_exists(youth.id, monday)
            if rate is not None and rate * 100 < threshold and not already:
                detail.update(
                    {
                        "week_start": monday.isoformat(),
                        "weekly_rate_pct": round(rate * 100),
                        "rate_threshold_pct": threshold,
                        "showed_up": week.showed_up,
                        "absent": week.count(Outcome.ABSENT),
                    }
                )
        if not detail:
            return None
        return await AlertService(self.session, self.clock).raise_alert(
            youth, AlertKind.ATTENDANCE, detail
        )

    async def _week_complete(
        self, youth: Person, monday: date, found: list[OccurrenceOutcome]
    ) -> bool:
        """Every occurrence of the week has started and none is still waiting for an answer."""
        sunday = monday + timedelta(days=6)
        now = self.clock.now()
        planned = [
            occ
            for occ in occurrences_of(await self.specs(youth.id), monday, sunday)
            if occ.cancelled is None
        ]
        if any(occ.starts_at > now for occ in planned):
            return False
        return not any(
            item.outcome is Outcome.OPEN for item in found if monday <= item.local_date <= sunday
        )

    async def _weekly_alert_exists(self, youth_id: int, monday: date) -> bool:
        for alert in await AlertsRepository(self.session).for_youth(youth_id):
            if alert.kind == AlertKind.ATTENDANCE.value:
                detail = json.loads(alert.detail or "{}")
                if detail.get("week_start") == monday.isoformat():
                    return True
        return False


def _apply(activity: Activity, draft: ActivityDraft) -> None:
    activity.kind = draft.kind
    activity.title = draft.title
    activity.place = draft.place
    activity.weekdays = draft.weekdays
    activity.on_date = draft.on_date
    activity.start_time = draft.start
    activity.end_time = draft.end


def _reason(record: AttendanceRecord | None) -> str | None:
    return record.reason if record is not None else None
