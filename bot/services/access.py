"""Who may read a young person's data — decided from the database, never from a button.

The rule: a youth reaches only their own data; a mentor only the youths they are the current
contact person of; staff may read any youth's data. Every read by a mentor or staff member is
written to the audit log with its purpose ("data.read"); every refusal too ("access.denied"),
so a forged or replayed button naming someone else's id leaves a trace.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Person
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository


class AccessService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def youth_for(self, actor: Person | None, youth_id: int, purpose: str) -> Person | None:
        """The youth when `actor` may read their data for `purpose`; else None. Audited either
        way (a youth reading their own data is not an access by someone else: not audited).
        Does not commit: the caller's use case does (denials are flushed with it)."""
        people = PeopleRepository(self.session)
        youth = await people.by_id(youth_id)
        allowed = False
        if actor is not None and youth is not None and youth.is_youth:
            if actor.id == youth.id:
                return youth
            if actor.is_staff:
                allowed = True
            elif actor.is_mentor:
                mentor = await people.current_mentor(youth.id)
                allowed = mentor is not None and mentor.id == actor.id
        audit = AuditRepository(self.session)
        now = self.clock.now()
        if allowed and actor is not None:
            await audit.add(
                "data.read", now, actor_id=actor.id, subject_id=youth_id, purpose=purpose
            )
            return youth
        await audit.add(
            "access.denied",
            now,
            actor_id=actor.id if actor else None,
            subject_id=youth_id,
            purpose=purpose,
        )
        return None

    async def refuse(self, actor: Person | None, what: str, ref: int | str | None) -> None:
        """Records a refused attempt (a button that is not this person's to press)."""
        await AuditRepository(self.session).add(
            "access.denied",
            self.clock.now(),
            actor_id=actor.id if actor else None,
            what=what,
            ref=ref,
        )
