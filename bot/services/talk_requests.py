""" "I'd like to talk": one tap for the young person, an answer with a time from the mentor.

The rules, in plain words:
- The request goes to the youth's current mentor (staff, when there is none) in the same
  update — unless it is the mentor's quiet hours: then it waits in the deliveries ledger and
  comes first thing after them (the same quiet hours as alerts).
- While a request has no answer, another tap does not send a second one.
- The mentor answers with a time ("I'll call at 14"); the young person is told that time.
  Only the youth's current mentor or staff may answer.
- The summary counts requests and how long the mentor took to answer, from the moment they got
  it (a request held over the night is not counted as a slow answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.access import AccessService
from bot.services.alert_desk import quiet_until
from bot.services.checkin_schedule import local_moment
from bot.services.figures import Period, TalkFigures
from storage.models import DeliveryStatus, Person, Role
from storage.models.talk_requests import TalkRequest
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.talk_requests import TalkRequestsRepository

TALK_DELIVERY = "talk_request"
TALK_SOURCES = ("menu", "checkin", "coping", "demand")
# Times a mentor can answer with: now, the next full hours in the working day, tomorrow.
DAY_START, DAY_END, HOURS_OFFERED = 8, 20, 3
TOMORROW_HOURS = (9, 13)


@dataclass(frozen=True)
class TalkAsked:
    request: TalkRequest
    tell_now: tuple[Person, ...]  # recipients to tell in this update
    held_until: datetime | None  # when a recipient in quiet hours gets it
    mentor: Person | None = None
    already_open: bool = False


@dataclass(frozen=True)
class TalkAnswered:
    request: TalkRequest
    youth: Person
    mentor: Person


def answer_slots(now: datetime, timezone: str) -> list[datetime]:
    """The moments a mentor may answer with (UTC): now, then the next full hours, tomorrow."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    slots = [now]
    hour = local.hour + 1
    while hour < DAY_END and len(slots) <= HOURS_OFFERED:
        if hour >= DAY_START:
            slots.append(local_moment(local.date(), time(hour), zone))
        hour += 1
    tomorrow = local.date() + timedelta(days=1)
    slots += [local_moment(tomorrow, time(h), zone) for h in TOMORROW_HOURS]
    return slots


class TalkRequests:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = TalkRequestsRepository(session)
        self.people = PeopleRepository(session)

    async def ask(self, youth: Person, source: str) -> TalkAsked:
        """Records the request and decides who hears it now and who after quiet hours."""
        if source not in TALK_SOURCES:
            source = "menu"
        mentor = await self.people.current_mentor(youth.id)
        waiting = await self.repo.open_for(youth.id)
        if waiting is not None:
            return TalkAsked(waiting, (), None, mentor, already_open=True)
        now = self.clock.now()
        recipients = (
            [mentor]
            if mentor
            else [p for p in await self.people.with_role(Role.STAFF) if p.left_at is None]
        )
        request = await self.repo.add(
            TalkRequest(
                youth_id=youth.id,
                mentor_id=mentor.id if mentor else None,
                source=source,
                requested_at=now,
            )
        )
        tell_now: list[Person] = []
        held: list[NewDelivery] = []
        for person in recipients:
            until = await quiet_until(self.session, person, now)
            if until is None:
                tell_now.append(person)
            else:
                held.append(
                    NewDelivery(
                        person.id,
                        TALK_DELIVERY,
                        f"talk:{request.id}",
                        until,
                        {"request_id": request.id},
                    )
                )
        if held:
            await DeliveriesRepository(self.session).add_due(held, now, DeliveryStatus.PENDING)
        if tell_now:
            request.delivered_at = now
        await AuditRepository(self.session).add(
            "talk.requested", now, actor_id=youth.id, subject_id=youth.id, source=source
        )
        await self.session.commit()
        held_until = min((d.due_at for d in held), default=None)
        return TalkAsked(request, tuple(tell_now), held_until, mentor)

    async def held_request(self, request_id: int, recipient: Person) -> TalkAsked | None:
        """A request held over quiet hours, now due (None: answered meanwhile, or gone).
        Does not commit: the scheduler's batch does."""
        request = await self.repo.get(request_id)
        if request is None or request.answered_at is not None:
            return None
        if request.delivered_at is None:
            request.delivered_at = self.clock.now()
        return TalkAsked(request, (recipient,), None)

    async def answer(
        self, mentor: Person, request_id: int, talk_at: datetime
    ) -> TalkAnswered | None:
        """The mentor's time; None when the request is unknown, answered, or not theirs."""
        request = await self.repo.get(request_id)
        youth = await self.people.by_id(request.youth_id) if request else None
        access = AccessService(self.session, self.clock)
        if request is None or youth is None or not await access.follows(mentor, youth):
            await access.refuse(mentor, "talk_answer", request_id)
            return None
        now = self.clock.now()
        if request.answered_at is not None or not now - timedelta(
            hours=1
        ) <= talk_at <= now + timedelta(days=3):
            return None
        request.answered_at = now
        request.answered_by_id = mentor.id
        request.talk_at = max(talk_at, now)
        if request.delivered_at is None:
            request.delivered_at = now
        await AuditRepository(self.session).add(
            "talk.answered", now, actor_id=mentor.id, subject_id=youth.id
        )
        await self.session.commit()
        return TalkAnswered(request, youth, mentor)

    async def youth_of(self, request: TalkRequest) -> Person | None:
        return await self.people.by_id(request.youth_id)

    async def in_period(self, youth: Person, period: Period) -> Sequence[TalkRequest]:
        zone = ZoneInfo(youth.timezone)
        since = datetime.combine(period.first, time(), zone)
        until = datetime.combine(period.last + timedelta(days=1), time(), zone)
        return await self.repo.between(youth.id, since, until)

    async def facts(self, youth: Person, period: Period) -> TalkFigures:
        return talk_facts(await self.in_period(youth, period))


def talk_facts(requests: Sequence[TalkRequest]) -> TalkFigures:
    minutes = [
        int((r.answered_at - (r.delivered_at or r.requested_at)).total_seconds() // 60)
        for r in requests
        if r.answered_at is not None
    ]
    return TalkFigures(len(requests), len(minutes), int(median(minutes)) if minutes else None)
