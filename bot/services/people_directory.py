"""Who is who, for operators: `fremad people` lists people, `fremad export --youth` finds one.

The list holds only what an operator needs to tell people apart and to find a Telegram id:
first name, roles, a youth's current mentor, the Telegram id, and whether a youth has left.
Reading it is written to the audit log (a read of personal data by the command line).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Person, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository


@dataclass(frozen=True)
class PersonRow:
    first_name: str
    roles: tuple[Role, ...]
    telegram_id: int
    # A youth's current mentor (None: no mentor, or not a youth).
    mentor_name: str | None = None
    mentor_telegram_id: int | None = None
    left: bool = False


class YouthNotFound(Exception):
    """No young person fits the reference; the message is one sentence saying what to do."""


class PeopleDirectory:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.people = PeopleRepository(session)

    async def listing(self, role: Role | None = None) -> list[PersonRow]:
        """Everyone (or everyone with `role`) by first name; the read is audited and committed."""
        people = await self.people.everyone(role)
        mentors = await self.people.current_mentors()
        # Sorted here, the same on SQLite and PostgreSQL (their collations differ); casefold
        # puts Æ, Ø, Å after Z, as the Danish alphabet does.
        rows = sorted(
            (self._row(person, mentors.get(person.id)) for person in people),
            key=lambda row: (row.first_name.casefold(), row.telegram_id),
        )
        await AuditRepository(self.session).add(
            "data.read",
            self.clock.now(),
            purpose="people_cli",
            role=role.value if role is not None else "all",
            people=len(rows),
        )
        await self.session.commit()
        return rows

    @staticmethod
    def _row(person: Person, mentor: Person | None) -> PersonRow:
        linked = mentor if person.is_youth else None
        return PersonRow(
            first_name=person.first_name,
            roles=tuple(person.roles),
            telegram_id=person.telegram_id,
            mentor_name=linked.first_name if linked is not None else None,
            mentor_telegram_id=linked.telegram_id if linked is not None else None,
            left=person.left_at is not None,
        )

    async def find_youth(self, reference: str) -> Person:
        """The young person a Telegram id (all digits) or a first name (any case) names.

        Raises YouthNotFound when none does, or when a name fits more than one young person
        (then only the Telegram id tells them apart)."""
        wanted = reference.strip()
        if wanted.isdigit():
            person = await self.people.by_telegram_id(int(wanted))
            if person is None or not person.is_youth:
                raise YouthNotFound(f"No young person has Telegram id {wanted}.")
            return person
        key = wanted.casefold()
        # Compared here, not in SQL: SQLite's lower() folds only ASCII (Åse, ØRJAN).
        matches = [
            youth
            for youth in await self.people.everyone(Role.YOUTH)
            if youth.first_name.strip().casefold() == key
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise YouthNotFound(
                f"No young person is called '{wanted}': run `fremad people --role youth` to see "
                "the names and Telegram ids."
            )
        raise YouthNotFound(
            f"{len(matches)} young people are called '{wanted}': give the Telegram id instead "
            "(`fremad people --role youth` lists them)."
        )
