"""The one source of figures about a young person: what the mentor's summary, the youth's
/mysummary, /progress, the cohort view, the PDF/CSV exports and the alerts say is computed here,
from the stored answers, for a period — and formatted elsewhere (bot/telegram/figure_format.py)
in the reader's locale. A second place that counts check-ins or attendance its own way is a bug:
read the figure from here.

The counting rules, in plain words:
- A check-in day is *kept* when its first question was answered (``partial`` if the young person
  stopped before the end — it still counts, feeds the streak and ends a missed run).
- A check-in still unanswered when its own day is over is *missed*; one still open today is
  neither kept nor missed yet. Skipped is honest (due, not kept, not a miss); paused is not due.
- Attendance: showed up = attended + late + left early; the rate is showed up ÷ expected
  (cancelled with notice and unknown are not expected).

What the mentor sees is what the youth agreed to: numbers, choices and flags; a youth's own words
only from answers the youth chose to share (``Answer.shared_with_mentor``).

Attendance and goals come from their own features through the small protocols below
(``AttendanceSource``, ``GoalsSource``), registered on ``ReportSources``; while a feature has not
registered its source, its facts are None and the summary leaves that part out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.checkin_schedule import DayStatus
from storage.models import CheckinStatus, Person, YouthSettings
from storage.repositories.reporting import MentorNotesRepository, ReportReadsRepository

_STATUS = {
    CheckinStatus.ANSWERED.value: DayStatus.KEPT,
    CheckinStatus.PARTIAL.value: DayStatus.KEPT,
    CheckinStatus.SKIPPED.value: DayStatus.SKIPPED,
    CheckinStatus.MISSED.value: DayStatus.MISSED,
    CheckinStatus.PAUSED.value: DayStatus.PAUSED,
    CheckinStatus.SENT.value: DayStatus.OPEN,
}
# An attendance answer as a share of showing up, as every figure counts it: late and left
# early are showing up; cancelled with notice is not an absence (and not in the rate).
SHOWED_UP_SHARE = {"attended": 1.0, "late": 1.0, "left_early": 1.0, "absent": 0.0}
# Free texts that are shared but are goals, not notes (reported in the goal lines).
NOT_NOTES = frozenset({"goal", "goal_step"})
# A week's check-ins count as "all kept" only over at least this many due days.
ALL_KEPT_MIN_DAYS = 3


def day_status(status: str, day: date, today: date | None = None) -> DayStatus:
    """How a stored check-in day counts. With ``today``, a check-in still open on an earlier
    day counts as missed (its day is over)."""
    found = _STATUS.get(status, DayStatus.OPEN)
    if found is DayStatus.OPEN and today is not None and day < today:
        return DayStatus.MISSED
    return found


def is_answered(status: str) -> bool:
    """The first question was answered (fully or partly)."""
    return status in (CheckinStatus.ANSWERED.value, CheckinStatus.PARTIAL.value)


@dataclass(frozen=True)
class Period:
    """Local dates first..last, both included."""

    first: date
    last: date

    @classmethod
    def week_before(cls, day: date) -> Period:
        """The 7 days before ``day`` (a summary on Monday covers Monday..Sunday before it)."""
        return cls(day - timedelta(days=7), day - timedelta(days=1))

    @classmethod
    def last_days(cls, today: date, days: int = 7) -> Period:
        """The ``days`` days up to and including today (a status on demand)."""
        return cls(today - timedelta(days=days - 1), today)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def previous(self) -> Period:
        length = (self.last - self.first).days + 1
        return Period(self.first - timedelta(days=length), self.first - timedelta(days=1))


@dataclass(frozen=True)
class CheckinFacts:
    """Check-ins asked in the period and how they went. ``asked`` counts kept, skipped and
    missed days; a check-in still open today is neither kept nor missed yet. ``partial``: kept
    days whose check-in was left unfinished (included in ``kept``)."""

    asked: int
    kept: int
    skipped: int
    missed: int
    moods: tuple[tuple[date, int], ...]
    mood_average: float | None
    previous_mood_average: float | None
    # Missed check-in days in a row at the end of the period, and low-mood days in a row.
    missed_run: int
    low_mood_run: int
    partial: int = 0

    @property
    def rate(self) -> float | None:
        return self.kept / self.asked if self.asked else None


@dataclass(frozen=True)
class Absence:
    day: date
    activity_kind: str
    reason: str | None


@dataclass(frozen=True)
class AttendanceFacts:
    """Occurrences in the period: ``expected`` leaves out cancelled-with-notice and unknown."""

    expected: int
    attended: int
    late: int
    absent: int
    absences: tuple[Absence, ...] = ()

    @property
    def rate(self) -> float | None:
        return (self.attended + self.late) / self.expected if self.expected else None


@dataclass(frozen=True)
class GoalStepFacts:
    """Goal steps done in the period and steps due (in the period or in the week ahead)."""

    done: tuple[str, ...]
    due: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class RatingChange:
    subgoal: str
    rater: str  # "self" or "mentor"
    before: int | None
    after: int


@dataclass(frozen=True)
class Success:
    """Something that went well, worth naming in the next talk. ``kind`` picks the wording;
    ``text`` is a label the youth agreed to share (e.g. a goal step), never a private note."""

    kind: str
    value: int | float | None = None
    text: str | None = None


@dataclass(frozen=True)
class SharedNote:
    day: date
    text: str


@dataclass(frozen=True)
class MentorNoteFact:
    written_at: datetime
    text: str


@dataclass(frozen=True)
class Concerns:
    missed_run: int
    low_mood_run: int
    unreachable_since: datetime | None
    paused_from: date | None
    paused_until: date | None
    open_alerts: tuple[str, ...]
    # Crisis alerts raised in the period that someone acknowledged: still part of the week.
    crisis_acknowledged: int = 0


@dataclass(frozen=True)
class TalkFigures:
    """ "I'd like to talk" requests in a period; minutes from the mentor getting one to
    answering."""

    asked: int
    answered: int
    median_minutes: int | None


@dataclass(frozen=True)
class SubgoalDistance:
    """The youth's own journey-scale rating at the first joint review and at the latest."""

    subgoal: str
    first: int
    latest: int

    @property
    def moved(self) -> int:
        return self.latest - self.first


@dataclass(frozen=True)
class DemandFact:
    subgoal: str
    text: str  # staff ladder text; empty when measured by attendance (worded where shown)
    status: str  # open | done | missed | too_much
    attendance_days: int | None = None


@dataclass(frozen=True)
class MeasureFact:
    """A sub-goal's weekly measure: how often the youth answered yes, of the times asked."""

    subgoal: str
    yes: int
    asked: int


@dataclass(frozen=True)
class MethodFacts:
    """The method's own figures: talk requests, distance travelled, demands, measures."""

    talk: TalkFigures
    distance: tuple[SubgoalDistance, ...] = ()
    demands: tuple[DemandFact, ...] = ()
    measures: tuple[MeasureFact, ...] = ()


@dataclass(frozen=True)
class WeekFacts:
    """Everything one summary says about one youth, gathered before any wording."""

    youth_id: int
    first_name: str
    period: Period
    checkins: CheckinFacts
    attendance: AttendanceFacts | None
    goal_steps: GoalStepFacts | None
    rating_changes: tuple[RatingChange, ...]
    successes: tuple[Success, ...]
    shared_notes: tuple[SharedNote, ...]
    mentor_notes: tuple[MentorNoteFact, ...]
    concerns: Concerns
    method: MethodFacts | None = None


@dataclass(frozen=True)
class WeeklySeries:
    """Per week (oldest first): mood average, attendance rate, and sub-goal ratings."""

    week_starts: tuple[date, ...]
    mood: tuple[float | None, ...]
    attendance: tuple[float | None, ...] | None
    ratings: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


class AttendanceSource(Protocol):
    """The attendance feature's read API, as reporting uses it."""

    async def period(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> AttendanceFacts | None: ...

    async def weekly_rates(
        self, session: AsyncSession, youth: Person, week_starts: Sequence[date]
    ) -> list[float | None]: ...


class GoalsSource(Protocol):
    """The goals feature's read API, as reporting uses it."""

    async def steps(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> GoalStepFacts | None: ...

    async def rating_changes(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[RatingChange]: ...

    async def successes(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[Success]: ...

    async def rating_series(
        self, session: AsyncSession, youth: Person, week_starts: Sequence[date]
    ) -> dict[str, list[float | None]]: ...


class MethodSource(Protocol):
    """Talk requests, joint reviews, demands and measures, as reporting uses them."""

    async def period(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> MethodFacts: ...

    async def export_rows(
        self, session: AsyncSession, youth: Person, period: Period
    ) -> list[tuple[str, date, str, str, str]]:
        """(section, day, item, value, detail) rows for the case file export."""
        ...


@dataclass
class ReportSources:
    """Where attendance and goals facts come from; None until that feature registers."""

    attendance: AttendanceSource | None = None
    goals: GoalsSource | None = None
    method: MethodSource | None = None
    low_mood_max: int = 2


# --- one function per source -------------------------------------------------------------


async def checkin_facts(
    session: AsyncSession,
    youth: Person,
    period: Period,
    low_mood_max: int,
    today: date | None = None,
) -> CheckinFacts:
    """``today``: the youth's local date now (default: the day after the period, so every day
    of a past period is over)."""
    today = today or period.last + timedelta(days=1)
    reads = ReportReadsRepository(session)
    rows = await reads.checkin_days(youth.id, period.previous().first, period.last)
    current = [row for row in rows if row.local_date >= period.first]
    earlier = [row for row in rows if row.local_date < period.first]
    statuses = [day_status(row.status, row.local_date, today) for row in current]
    moods = tuple((row.local_date, row.mood) for row in current if row.mood is not None)
    earlier_moods = [row.mood for row in earlier if row.mood is not None]
    return CheckinFacts(
        asked=sum(s in (DayStatus.KEPT, DayStatus.SKIPPED, DayStatus.MISSED) for s in statuses),
        kept=statuses.count(DayStatus.KEPT),
        skipped=statuses.count(DayStatus.SKIPPED),
        missed=statuses.count(DayStatus.MISSED),
        moods=moods,
        mood_average=_average([mood for _day, mood in moods]),
        previous_mood_average=_average(earlier_moods),
        missed_run=missed_run(
            [(row.local_date, day_status(row.status, row.local_date, today)) for row in rows]
        ),
        low_mood_run=low_mood_run([mood for _day, mood in moods], low_mood_max),
        partial=sum(row.status == CheckinStatus.PARTIAL.value for row in current),
    )


async def shared_notes(session: AsyncSession, youth: Person, period: Period) -> list[SharedNote]:
    """Free texts the youth chose to share with the mentor; every other free text stays out.
    Goal titles and goal steps are shared by nature and reported as goals, not as notes."""
    answers = await ReportReadsRepository(session).answers(
        youth.id, period.first, period.last, free_text=True
    )
    notes: list[SharedNote] = []
    for item in answers:
        if not item.shared_with_mentor or item.skipped or item.metric in NOT_NOTES:
            continue
        value = json.loads(item.value)
        if isinstance(value, str) and value.strip():
            notes.append(SharedNote(item.local_date, value.strip()))
    return notes


async def mentor_notes(
    session: AsyncSession, youth: Person, since: datetime | None, until: datetime | None
) -> list[MentorNoteFact]:
    notes = await MentorNotesRepository(session).for_youth(youth.id, since, until)
    return [MentorNoteFact(note.created_at, note.text) for note in notes]


async def concerns(
    session: AsyncSession,
    youth: Person,
    checkins: CheckinFacts,
    today: date,
    period: Period | None = None,
) -> Concerns:
    settings = await session.get(YouthSettings, youth.id)
    paused_from = settings.paused_from if settings else None
    paused_until = settings.paused_until if settings else None
    if paused_until is not None and paused_until < today:
        paused_from = paused_until = None  # an ended pause is no concern
    reads = ReportReadsRepository(session)
    alerts = await reads.open_alerts(youth.id)
    raised = await reads.alerts(youth.id, period.first, period.last) if period else []
    return Concerns(
        missed_run=checkins.missed_run,
        low_mood_run=checkins.low_mood_run,
        unreachable_since=youth.unreachable_since,
        paused_from=paused_from,
        paused_until=paused_until,
        open_alerts=tuple(sorted({alert.kind for alert in alerts})),
        crisis_acknowledged=sum(
            alert.kind == "crisis" and alert.acknowledged_at is not None for alert in raised
        ),
    )


def data_successes(checkins: CheckinFacts) -> list[Success]:
    """Successes that show in the check-in data itself (goals add their own)."""
    found: list[Success] = []
    if checkins.asked >= ALL_KEPT_MIN_DAYS and checkins.kept == checkins.asked:
        found.append(Success("all_checkins", checkins.kept))
    elif checkins.kept >= 3:
        found.append(Success("checkins_kept", checkins.kept))
    if (
        checkins.mood_average is not None
        and checkins.previous_mood_average is not None
        and checkins.mood_average - checkins.previous_mood_average >= 0.5
    ):
        found.append(Success("mood_up", round(checkins.mood_average, 1)))
    if checkins.missed_run == 0 and checkins.kept and _came_back(checkins):
        found.append(Success("came_back"))
    return found


async def gather_week_facts(
    session: AsyncSession,
    youth: Person,
    period: Period,
    sources: ReportSources,
    *,
    notes_since: datetime | None = None,
    today: date | None = None,
    brief: bool = False,
) -> WeekFacts:
    """All facts about ``youth`` for ``period`` (local dates in the youth's zone). ``today``:
    the youth's date now when the period runs up to it (its open check-in is not missed).
    ``brief``: only what a one-line overview shows (check-ins, attendance, goal steps, successes,
    mentor notes, concerns); rating changes and shared notes stay empty, ``method`` None."""
    checkins = await checkin_facts(session, youth, period, sources.low_mood_max, today)
    attendance = (
        await sources.attendance.period(session, youth, period) if sources.attendance else None
    )
    steps = changes = None
    successes = data_successes(checkins)
    if attendance is not None and attendance.expected and attendance.absent == 0:
        successes.insert(0, Success("attendance_full", attendance.attended + attendance.late))
    if sources.goals is not None:
        steps = await sources.goals.steps(session, youth, period)
        if not brief:
            changes = await sources.goals.rating_changes(session, youth, period)
        successes = [*await sources.goals.successes(session, youth, period), *successes]
        if steps is not None:
            # A step named as a success is a step done: the two lines never disagree.
            named = [s.text for s in successes if s.kind == "step_done" and s.text]
            done = tuple(dict.fromkeys([*steps.done, *named]))
            steps = GoalStepFacts(done=done, due=steps.due)
    zone = ZoneInfo(youth.timezone)
    period_end = datetime.combine(period.last + timedelta(days=1), datetime.min.time(), zone)
    return WeekFacts(
        youth_id=youth.id,
        first_name=youth.first_name,
        period=period,
        checkins=checkins,
        attendance=attendance,
        goal_steps=steps,
        rating_changes=tuple(changes or ()),
        successes=tuple(successes),
        shared_notes=() if brief else tuple(await shared_notes(session, youth, period)),
        mentor_notes=tuple(await mentor_notes(session, youth, notes_since, period_end)),
        concerns=await concerns(session, youth, checkins, period.last, period),
        method=(
            await sources.method.period(session, youth, period)
            if sources.method and not brief
            else None
        ),
    )


async def weekly_series(
    session: AsyncSession, youth: Person, last_day: date, weeks: int, sources: ReportSources
) -> WeeklySeries:
    """Per ISO week (Monday starts), the last ``weeks`` weeks up to the week of ``last_day``."""
    this_monday = last_day - timedelta(days=last_day.weekday())
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    rows = await ReportReadsRepository(session).checkin_days(youth.id, starts[0], last_day)
    by_week: dict[date, list[int]] = {start: [] for start in starts}
    for row in rows:
        if row.mood is None:
            continue
        monday = row.local_date - timedelta(days=row.local_date.weekday())
        if monday in by_week:
            by_week[monday].append(row.mood)
    attendance = (
        tuple(await sources.attendance.weekly_rates(session, youth, starts))
        if sources.attendance
        else None
    )
    ratings: dict[str, tuple[float | None, ...]] = {}
    if sources.goals is not None:
        series = await sources.goals.rating_series(session, youth, starts)
        ratings = {key: tuple(values) for key, values in series.items()}
    return WeeklySeries(
        tuple(starts), tuple(_average(by_week[start]) for start in starts), attendance, ratings
    )


# --- pure rules ---------------------------------------------------------------------------


def missed_run(records: Sequence[tuple[date, DayStatus]]) -> int:
    """Missed check-in days in a row, counted back from the latest day. Open, paused and skipped
    days are stepped over (a skip is honest, not a miss — and not a check-in kept either);
    a kept day ends the run."""
    run = 0
    for _day, status in sorted(records, key=lambda record: record[0], reverse=True):
        if status is DayStatus.KEPT:
            break
        if status is DayStatus.MISSED:
            run += 1
    return run


def low_mood_run(moods: Sequence[int], low_mood_max: int) -> int:
    """Answered days in a row (latest first) with mood at most ``low_mood_max``."""
    run = 0
    for mood in reversed(moods):
        if mood > low_mood_max:
            break
        run += 1
    return run


def _came_back(checkins: CheckinFacts) -> bool:
    return checkins.missed >= 2 and checkins.kept >= 1


def _average(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None
