"""People, roles and the mentor link. Repositories never commit; services do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MentorLink, Person, Role

_ROLE_COLUMNS = {
    Role.YOUTH: Person.is_youth,
    Role.MENTOR: Person.is_mentor,
    Role.STAFF: Person.is_staff,
}


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        result = await self.session.execute(
            select(Person).where(Person.telegram_id == telegram_id)
        )
        return result.scalar_one_or_none()

    async def by_id(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def create(self, telegram_id: int, first_name: str, now: datetime) -> Person:
        person = Person(telegram_id=telegram_id, first_name=first_name, created_at=now)
        self.session.add(person)
        await self.session.flush()
        return person

    @staticmethod
    def grant(person: Person, role: Role) -> None:
        if role is Role.YOUTH:
            person.is_youth = True
        elif role is Role.MENTOR:
            person.is_mentor = True
        else:
            person.is_staff = True

    async def with_role(self, role: Role) -> Sequence[Person]:
        return await self.everyone(role)

    async def everyone(self, role: Role | None = None) -> Sequence[Person]:
        """Everyone (or everyone with `role`), by id."""
        query = select(Person).order_by(Person.id)
        if role is not None:
            query = query.where(_ROLE_COLUMNS[role].is_(True))
        result = await self.session.execute(query)
        return result.scalars().all()

    async def current_mentors(self, youth_ids: Sequence[int] | None = None) -> dict[int, Person]:
        """Every youth's (or these youths') current contact person, by youth id, in one query;
        youths without one are left out."""
        query = (
            select(MentorLink.youth_id, Person)
            .join(Person, Person.id == MentorLink.mentor_id)
            .where(MentorLink.ended_at.is_(None))
            .order_by(MentorLink.started_at, MentorLink.id)
        )
        if youth_ids is not None:
            query = query.where(MentorLink.youth_id.in_(youth_ids))
        result = await self.session.execute(query)
        # The newest link wins, as in current_mentor().
        return {youth_id: mentor for youth_id, mentor in result.all()}

    async def set_unreachable(self, telegram_id: int, since: datetime | None) -> Person | None:
        person = await self.by_telegram_id(telegram_id)
        if person is not None:
            person.unreachable_since = since
        return person

    async def current_mentor(self, youth_id: int) -> Person | None:
        result = await self.session.execute(
            select(Person)
            .join(MentorLink, MentorLink.mentor_id == Person.id)
            .where(MentorLink.youth_id == youth_id, MentorLink.ended_at.is_(None))
            .order_by(MentorLink.started_at.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def youths_of(self, mentor_id: int) -> Sequence[Person]:
        result = await self.session.execute(
            select(Person)
            .join(MentorLink, MentorLink.youth_id == Person.id)
            .where(MentorLink.mentor_id == mentor_id, MentorLink.ended_at.is_(None))
            .order_by(Person.first_name, Person.id)
        )
        return result.scalars().all()

    async def link_mentor(self, youth_id: int, mentor_id: int, now: datetime) -> MentorLink:
        """Makes mentor_id the youth's contact person, ending any current link (history kept)."""
        result = await self.session.execute(
            select(MentorLink).where(
                MentorLink.youth_id == youth_id, MentorLink.ended_at.is_(None)
            )
        )
        for link in result.scalars():
            link.ended_at = now
        link = MentorLink(youth_id=youth_id, mentor_id=mentor_id, started_at=now)
        self.session.add(link)
        await self.session.flush()
        return link
