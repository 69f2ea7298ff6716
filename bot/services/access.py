"""Who may read a young person's data — decided from the database, never from a button.

The rule: a youth reaches only their own data; a mentor only the youths they are the current
contact person of; staff may read any youth's data. Every read by a mentor or staff member is
written to the audit log with its purpose ("data.read"); every refusal too ("access.denied"),
so a forged or replayed button naming someone else's id leaves a trace.

A mentor's tools (status, notes, pause, hand-over, exports, ratings, the youth's plan) are for
mentors and staff only: `youth_for_mentor_work` refuses anyone else, a youth naming their own id
included (young people have their own commands for their own data).
"""

from __future__ import annotations

from collections.abc import Sequence

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
        if actor is not None and youth is not None and youth.is_youth and actor.id == youth.id:
            return youth
        if youth is not None and await self.follows(actor, youth):
            assert actor is not None  # follows() is False without an actor
            await AuditRepository(self.session).add(
                "data.read",
                self.clock.now(),
                actor_id=actor.id,
                subject_id=youth_id,
                purpose=purpose,
            )
            return youth
        await self._deny(actor, youth_id, purpose)
        return None

    async def youth_for_mentor_work(
        self, actor: Person | None, youth_id: int, purpose: str
    ) -> Person | None:
        """Like `youth_for`, for a mentor's or staff member's tool: only the youth's current
        mentor or staff get the youth (a "data.read" with `purpose`); anyone else — a youth,
        even about themselves — is refused ("access.denied"). Does not commit."""
        if actor is None or actor.id == youth_id or not (actor.is_mentor or actor.is_staff):
            await self._deny(actor, youth_id, purpose)
            return None
        return await self.youth_for(actor, youth_id, purpose)

    async def youths_for_mentor_work(
        self, actor: Person, youths: Sequence[Person], purpose: str
    ) -> list[Person]:
        """`youth_for_mentor_work` for a whole list (the console's overview): the same rule and
        the same audit entries — one "data.read" per youth returned, an "access.denied" per
        youth refused — with one query for the links and one flush."""
        if not (actor.is_mentor or actor.is_staff):
            for youth in youths:
                await self._deny(actor, youth.id, purpose)
            return []
        candidates = [y for y in youths if y.is_youth and y.id != actor.id]
        if actor.is_staff:
            readable = candidates
        else:
            mentors = await PeopleRepository(self.session).current_mentors(
                [y.id for y in candidates]
            )
            readable = [y for y in candidates if y.id in mentors and mentors[y.id].id == actor.id]
        for youth in youths:
            if youth not in readable:
                await self._deny(actor, youth.id, purpose)
        await AuditRepository(self.session).add_reads(
            self.clock.now(), actor.id, [y.id for y in readable], purpose=purpose
        )
        return readable

    async def follows(self, actor: Person | None, youth: Person) -> bool:
        """True when `actor` is staff or the youth's current mentor (nothing is audited)."""
        if actor is None or not youth.is_youth or actor.id == youth.id:
            return False
        if actor.is_staff:
            return True
        if not actor.is_mentor:
            return False
        mentor = await PeopleRepository(self.session).current_mentor(youth.id)
        return mentor is not None and mentor.id == actor.id

    async def refuse(self, actor: Person | None, what: str, ref: int | str | None) -> None:
        """Records a refused attempt (a button that is not this person's to press) and commits
        it at once: a refusal changes nothing else, and its trace must not be lost."""
        await AuditRepository(self.session).add(
            "access.denied",
            self.clock.now(),
            actor_id=actor.id if actor else None,
            what=what,
            ref=ref,
        )
        await self.session.commit()

    async def _deny(self, actor: Person | None, youth_id: int, purpose: str) -> None:
        await AuditRepository(self.session).add(
            "access.denied",
            self.clock.now(),
            actor_id=actor.id if actor else None,
            subject_id=youth_id,
            purpose=purpose,
        )
