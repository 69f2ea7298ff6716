"""Demands the contact person sets, followed up like a goal step.

The rules, in plain words:
- The mentor sets (or accepts the suggested) next demand for a focus sub-goal; it runs for a week
  (today and the six days after) and replaces an open demand for the same sub-goal.
- The young person sees it and can say "too much": the mentor is told at once and holds it (the
  same demand again) or lowers it one rung — never the belief.
- On the last day at 18:00 it is followed up: a demand linked to the attendance plan is measured
  by attendance (showed up, late counts, on at least k days); any other asks "did you manage?".
- A success suggests the next rung up; the ladder is the person's own (demand_ladder.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.attendance import AttendanceService
from bot.services.attendance_measures import Outcome
from bot.services.checkin_schedule import local_moment
from bot.services.demand_ladder import Rung, Suggestion, person_ladder, suggest
from bot.services.figures import DemandFact, Period
from bot.services.prompt_library import LibrarySource, resolve_library
from storage.models import DeliveryStatus, Person
from storage.models.demands import Demand, DemandStatus
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.demands import DemandsRepository
from storage.repositories.people import PeopleRepository

DEMAND_FOLLOWUP = "demand_followup"
# To the mentor, at the same moment, for a demand measured by attendance.
DEMAND_RESULT = "demand_result"
FOLLOWUP_AT = time(18, 0)
DEMAND_DAYS = 7
_SHOWED_UP = (Outcome.ATTENDED, Outcome.LATE, Outcome.LEFT_EARLY)


@dataclass(frozen=True)
class DemandEvent:
    """A demand that changed, with the people to tell."""

    demand: Demand
    youth: Person
    mentor: Person | None


@dataclass(frozen=True)
class Followup:
    demand: Demand
    youth: Person
    shown: int | None  # days shown up, for a demand measured by attendance


@dataclass(frozen=True)
class NextDemand:
    demand: Demand
    youth: Person
    suggestion: Suggestion | None
    ladder_size: int


class DemandService:
    def __init__(self, session: AsyncSession, clock: Clock, library: LibrarySource) -> None:
        self.session = session
        self.clock = clock
        self.library = library
        self.repo = DemandsRepository(session)
        self.people = PeopleRepository(session)

    def today(self, youth: Person) -> date:
        return self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()

    async def planned_days(self, youth: Person) -> int:
        """Distinct weekdays of the youth's weekly activities (the attendance plan)."""
        specs = await AttendanceService(self.session, self.clock).specs(youth.id)
        return len({day for spec in specs for day in spec.weekdays})

    async def ladder(self, youth: Person, subgoal: str) -> list[Rung]:
        library = await resolve_library(self.library)
        return person_ladder(subgoal, library, await self.planned_days(youth))

    async def suggestion(self, youth: Person, subgoal: str) -> Suggestion | None:
        history = await self.repo.history(youth.id, subgoal)
        return suggest(history, await self.ladder(youth, subgoal))

    async def rung(self, youth: Person, subgoal: str, level: int) -> Rung | None:
        return next((r for r in await self.ladder(youth, subgoal) if r.level == level), None)

    async def set(
        self,
        mentor: Person,
        youth_id: int,
        subgoal: str,
        level: int,
        review_id: int | None = None,
    ) -> DemandEvent | None:
        """The mentor's demand for this week; None when refused or not a rung of the ladder."""
        access = AccessService(self.session, self.clock)
        youth = await access.youth_for_mentor_work(mentor, youth_id, "demand")
        rung = await self.rung(youth, subgoal, level) if youth is not None else None
        if youth is None or rung is None:
            await self.session.commit()
            return None
        now = self.clock.now()
        for earlier in await self.repo.history(youth.id, subgoal):
            if earlier.status == DemandStatus.OPEN.value:
                earlier.status, earlier.settled_at = DemandStatus.REPLACED.value, now
        today = self.today(youth)
        locale = youth.locale or "da"
        demand = await self.repo.add(
            Demand(
                youth_id=youth.id,
                set_by_id=mentor.id,
                review_id=review_id,
                subgoal=subgoal,
                level=rung.level,
                text=rung.text.get(locale) or rung.text.get("da", ""),
                attendance_days=rung.attendance_days,
                week_start=today,
                due_on=today + timedelta(days=DEMAND_DAYS - 1),
                created_at=now,
            )
        )
        moment = local_moment(demand.due_on, FOLLOWUP_AT, ZoneInfo(youth.timezone))
        payload = {"demand_id": demand.id}
        followups = [
            NewDelivery(youth.id, DEMAND_FOLLOWUP, f"demand:{demand.id}", moment, payload)
        ]
        if demand.attendance_days is not None:
            followups.append(
                NewDelivery(mentor.id, DEMAND_RESULT, f"demand:{demand.id}", moment, payload)
            )
        await DeliveriesRepository(self.session).add_due(followups, now, DeliveryStatus.PENDING)
        await AuditRepository(self.session).add(
            "demand.set",
            now,
            actor_id=mentor.id,
            subject_id=youth.id,
            subgoal=subgoal,
            level=rung.level,
        )
        await self.session.commit()
        return DemandEvent(demand, youth, mentor)

    async def youth_says(
        self, youth: Person, demand_id: int, status: DemandStatus
    ) -> DemandEvent | None:
        """The young person's answer: done, not this time (missed) or too much. Own open
        demands only; None otherwise (a spent or foreign button)."""
        demand = await self.repo.get(demand_id)
        if (
            demand is None
            or demand.youth_id != youth.id
            or demand.status != DemandStatus.OPEN.value
        ):
            return None
        if status is DemandStatus.DONE and demand.attendance_days is not None:
            return None  # measured by attendance, not by a tap
        demand.status, demand.settled_at = status.value, self.clock.now()
        await AuditRepository(self.session).add(
            "demand." + status.value, self.clock.now(), actor_id=youth.id, subject_id=youth.id
        )
        await self.session.commit()
        return DemandEvent(demand, youth, await self.people.current_mentor(youth.id))

    async def followup(self, demand_id: int) -> Followup | None:
        """At the follow-up moment: the demand, settled when attendance measures it (the same
        result for the youth's and the mentor's delivery, whichever comes first); None when it
        was settled otherwise meanwhile. Does not commit: the scheduler's batch does."""
        demand = await self.repo.get(demand_id)
        youth = await self.people.by_id(demand.youth_id) if demand else None
        if demand is None or youth is None:
            return None
        if demand.attendance_days is None:
            if demand.status != DemandStatus.OPEN.value:
                return None
            return Followup(demand, youth, None)
        shown = await self.days_shown_up(youth, demand.week_start, demand.due_on)
        if demand.status == DemandStatus.OPEN.value:
            met = shown >= demand.attendance_days
            demand.status = (DemandStatus.DONE if met else DemandStatus.MISSED).value
            demand.settled_at = self.clock.now()
        elif demand.status not in (DemandStatus.DONE.value, DemandStatus.MISSED.value):
            return None
        return Followup(demand, youth, shown)

    async def days_shown_up(self, youth: Person, first: date, last: date) -> int:
        found, _records = await AttendanceService(self.session, self.clock).outcomes(
            youth, first, last
        )
        return len({o.local_date for o in found if o.outcome in _SHOWED_UP})

    async def mentor_of(self, youth: Person) -> Person | None:
        return await self.people.current_mentor(youth.id)

    async def next_after(self, mentor: Person, demand_id: int) -> NextDemand | None:
        """After an outcome: the suggestion for the mentor — after "too much" the same rung
        (hold it; one smaller is a tap away), else the ladder rule."""
        demand = await self.repo.get(demand_id)
        youth = await self.followed_youth(mentor, demand.youth_id) if demand else None
        if demand is None or youth is None:
            return None
        ladder = await self.ladder(youth, demand.subgoal)
        suggestion: Suggestion | None
        if demand.status == DemandStatus.TOO_MUCH.value:
            held = next((r for r in ladder if r.level == demand.level), None)
            suggestion = Suggestion(held, "same") if held else None
        else:
            suggestion = suggest(await self.repo.history(youth.id, demand.subgoal), ladder)
        return NextDemand(demand, youth, suggestion, len(ladder))

    async def followed_youth(self, mentor: Person, youth_id: int) -> Person | None:
        """The youth, when ``mentor`` is their current mentor or staff (nothing audited: a
        proposal shows the ladder, not the youth's data)."""
        youth = await self.people.by_id(youth_id)
        follows = youth is not None and await AccessService(self.session, self.clock).follows(
            mentor, youth
        )
        return youth if follows else None

    async def facts(self, youth: Person, period: Period) -> list[DemandFact]:
        return [
            DemandFact(d.subgoal, d.text, d.status, d.attendance_days)
            for d in await self.repo.overlapping(youth.id, period.first, period.last)
            if d.status != DemandStatus.REPLACED.value
        ]
