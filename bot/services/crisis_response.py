"""What happens after a crisis hit in a young person's free text.

The rules, in plain words:
* Every free text from a youth is checked (the screen runs before any handler sees the text).
* A hit records a CrisisFlag (category, rule id, where the text came from) and raises a crisis
  alert to the mentor (or staff) at once — with the category, its urgency and the rule, never
  the youth's words. A second, more urgent hit the same day raises the day's alert's urgency
  (acute alerts are escalated to staff sooner, see AlertDesk.plan_escalations).
* A text about someone else in danger ("my friend wants to die") is the friend category: the
  youth gets "how to help a friend", and nothing is stored or alerted — it is not their crisis.
* The youth's words are held encrypted only until they answer "may your contact person read
  it?": yes → the mentor gets them; no (or no answer within a day) → they are dropped.
* The youth's answer to "how are you right now?" never clears the flag: "you misunderstood" is
  shown to the mentor as such; "I need help now" marks the alert urgent.
Every change the mentor should know about becomes a "crisis_update" delivery (sent by the next
scheduler pass, with its retries and pacing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services.alerts import AlertService
from bot.services.crisis_detection import CrisisMatch, CrisisRules
from storage.models import CrisisFlag, CrisisResponse, DeliveryStatus, Person, Role
from storage.models.alerts import AlertKind
from storage.repositories.alerts import AlertsRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.safety import CrisisFlagsRepository

CRISIS_UPDATE = "crisis_update"
MAX_SOURCE = 64
URGENCY_RANK = {"normal": 1, "high": 2, "acute": 3}


@dataclass(frozen=True)
class Screened:
    """A hit: the flag recorded for a youth (None for someone without a youth role yet)."""

    match: CrisisMatch
    flag: CrisisFlag | None
    friend: bool = False


def should_screen(person: Person | None) -> bool:
    """Youths, and people not yet onboarded (they get the help lines, nothing is stored)."""
    return person is None or person.is_youth or not (person.is_mentor or person.is_staff)


class CrisisService:
    def __init__(
        self, session: AsyncSession, clock: Clock, rules: CrisisRules | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.rules = rules
        self.flags = CrisisFlagsRepository(session)

    def _rules(self) -> CrisisRules:
        if self.rules is None:
            raise RuntimeError("CrisisService was built without crisis rules")
        return self.rules

    async def answer(
        self,
        person: Person | None,
        hit: CrisisMatch,
        text: str,
        source: str,
        update_id: int | None = None,
    ) -> Screened:
        """What a hit on one free text leads to: for a youth the flag and the mentor's alert,
        committed at once (before any handler runs, so a failing handler cannot lose it); a
        hit about someone else is answered (friend=True) but neither stored nor alerted; for
        someone without a youth role yet nothing is stored."""
        if self._rules().is_friend(hit):
            return Screened(hit, None, friend=True)
        if person is None or not person.is_youth:
            return Screened(hit, None)
        return Screened(hit, await self.record(person, hit, text, source, update_id=update_id))

    async def record(
        self,
        youth: Person,
        hit: CrisisMatch,
        text: str,
        source: str,
        *,
        update_id: int | None = None,
    ) -> CrisisFlag:
        """The flag and the mentor's alert, committed. Once per update: a redelivered update,
        or the crisis outbox replaying it, gets the flag already recorded."""
        if update_id is not None:
            existing = await self.flags.for_update(youth.id, update_id)
            if existing is not None:
                return existing
        now = self.clock.now()
        flag = await self.flags.add(
            CrisisFlag(
                person_id=youth.id,
                created_at=now,
                category=hit.category,
                rule_id=hit.rule_id,
                source=source[:MAX_SOURCE],
                text=text or None,
                update_id=update_id,
            )
        )
        alert = await AlertService(self.session, self.clock).raise_alert(
            youth,
            AlertKind.CRISIS,
            {
                "category": hit.category,
                "urgency": self._rules().info(hit.category).urgency,
                "rule_id": hit.rule_id,
                "flag_id": flag.id,
                "source": flag.source,
            },
        )
        if alert is not None:
            flag.alert_id = alert.id
        else:
            # Already alerted today: the mentor still hears about this new flag.
            await self._raise_urgency(youth, hit)
            await self._queue_update(youth, flag, "repeat")
        await AuditRepository(self.session).add(
            "crisis.flagged",
            now,
            actor_id=None,
            subject_id=youth.id,
            category=hit.category,
            rule_id=hit.rule_id,
            source=flag.source,
        )
        await self.session.commit()
        return flag

    @staticmethod
    def alert_slots(flag: CrisisFlag) -> list[str]:
        """The ledger slots of the deliveries this flag raised (sent at once by the caller)."""
        if flag.alert_id is not None:
            return [f"alert:{flag.alert_id}"]
        return [f"flag:{flag.id}:repeat"]

    async def own_flag(self, youth: Person, flag_id: int) -> CrisisFlag | None:
        """The flag, when it is this youth's own; a foreign flag id is refused and audited."""
        flag = await self.flags.get(flag_id)
        if flag is not None and flag.person_id == youth.id:
            return flag
        await AuditRepository(self.session).add(
            "access.denied",
            self.clock.now(),
            actor_id=youth.id,
            subject_id=flag.person_id if flag else None,
            what="crisis_flag",
            ref=flag_id,
        )
        await self.session.commit()
        return None

    async def respond(
        self, youth: Person, flag_id: int, response: CrisisResponse
    ) -> CrisisFlag | None:
        """Stores "safe" / "help" / "misunderstood". The flag stays; the mentor is told."""
        flag = await self.own_flag(youth, flag_id)
        if flag is None:
            return None
        first_answer = flag.response is None
        flag.response = response.value
        flag.responded_at = self.clock.now()
        if flag.alert_id is not None:
            await self._mark_alert(flag.alert_id, response)
        if first_answer or response is CrisisResponse.HELP:
            await self._queue_update(youth, flag, f"response-{response.value}")
        await self.session.commit()
        return flag

    async def decide_sharing(self, youth: Person, flag_id: int, share: bool) -> CrisisFlag | None:
        """Yes: the mentor gets the words (once). No: the held words are dropped now."""
        flag = await self.own_flag(youth, flag_id)
        if flag is None or flag.share_text is not None:
            return flag
        flag.share_text = share
        if share and flag.text:
            await self._queue_update(youth, flag, "shared")
        else:
            flag.text = None
        await self.session.commit()
        return flag

    async def _raise_urgency(self, youth: Person, hit: CrisisMatch) -> None:
        """A more urgent hit than the one the day's alert was raised for: the alert takes the
        new category and urgency (so an unacknowledged one is escalated on the sooner clock)."""
        local_date = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        alert = await AlertsRepository(self.session).of_day(
            youth.id, AlertKind.CRISIS.value, local_date
        )
        if alert is None:
            return
        detail = json.loads(alert.detail or "{}")
        new = self._rules().info(hit.category).urgency
        if URGENCY_RANK.get(new, 0) > URGENCY_RANK.get(str(detail.get("urgency")), 0):
            detail.update(category=hit.category, urgency=new, rule_id=hit.rule_id)
            alert.detail = json.dumps(detail, sort_keys=True)

    async def _mark_alert(self, alert_id: int, response: CrisisResponse) -> None:
        alert = await AlertsRepository(self.session).get(alert_id)
        if alert is None:
            return
        detail = json.loads(alert.detail or "{}")
        detail["youth_response"] = response.value
        if response is CrisisResponse.HELP:
            detail["urgent"] = True
        alert.detail = json.dumps(detail, sort_keys=True)

    async def _queue_update(self, youth: Person, flag: CrisisFlag, reason: str) -> None:
        people = PeopleRepository(self.session)
        mentor = await people.current_mentor(youth.id)
        recipients = [mentor] if mentor else list(await people.with_role(Role.STAFF))
        now = self.clock.now()
        await DeliveriesRepository(self.session).add_due(
            [
                NewDelivery(
                    person.id,
                    CRISIS_UPDATE,
                    f"flag:{flag.id}:{reason}",
                    now,
                    {"flag_id": flag.id, "reason": reason},
                )
                for person in recipients
            ],
            now,
            DeliveryStatus.PENDING,
        )
