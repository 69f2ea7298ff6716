"""Repositories against real SQLite and real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from storage.db import create_engine, create_sessionmaker
from storage.fsm_storage import SqlStorage
from storage.models import Invite, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.consents import ConsentsRepository
from storage.repositories.invites import InvitesRepository
from storage.repositories.people import PeopleRepository


@pytest.fixture
async def maker(any_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(any_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_person_holds_several_roles(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with maker() as session:
        people = PeopleRepository(session)
        person = await people.create(7_000_000_001, "Mette", clock.now())
        people.grant(person, Role.MENTOR)
        people.grant(person, Role.STAFF)
        await session.commit()
    async with maker() as session:
        found = await PeopleRepository(session).by_telegram_id(7_000_000_001)
        assert found is not None
        assert found.roles == [Role.MENTOR, Role.STAFF]
        assert [p.first_name for p in await PeopleRepository(session).with_role(Role.STAFF)] == [
            "Mette"
        ]
        assert found.created_at == clock.now()


async def test_handover_keeps_mentor_history(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with maker() as session:
        people = PeopleRepository(session)
        youth = await people.create(1, "Ada", clock.now())
        first = await people.create(2, "Mette", clock.now())
        second = await people.create(3, "Jonas", clock.now())
        await people.link_mentor(youth.id, first.id, clock.now())
        clock.advance(timedelta(days=30))
        await people.link_mentor(youth.id, second.id, clock.now())
        await session.commit()
        current = await people.current_mentor(youth.id)
        assert current is not None and current.first_name == "Jonas"
        assert [p.first_name for p in await people.youths_of(first.id)] == []
        assert [p.first_name for p in await people.youths_of(second.id)] == ["Ada"]


async def test_invite_can_be_used_once(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with maker() as session:
        people = PeopleRepository(session)
        a = await people.create(10, "A", clock.now())
        b = await people.create(11, "B", clock.now())
        invite = await InvitesRepository(session).add(
            Invite(
                code="ABCDEFGHJK",
                role="youth",
                created_at=clock.now(),
                expires_at=clock.now() + timedelta(hours=1),
            )
        )
        await session.commit()
    async with maker() as first, maker() as second:
        assert await InvitesRepository(first).mark_used(invite.id, a.id, clock.now())
        await first.commit()
        assert not await InvitesRepository(second).mark_used(invite.id, b.id, clock.now())
        await second.commit()
    async with maker() as session:
        stored = await InvitesRepository(session).by_code("ABCDEFGHJK")
        assert stored is not None and stored.used_by_id == a.id


async def test_consent_and_audit_are_recorded(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with maker() as session:
        person = await PeopleRepository(session).create(20, "Ada", clock.now())
        await ConsentsRepository(session).record(person.id, "v1", "da", clock.now())
        await AuditRepository(session).add(
            "data.read", clock.now(), actor_id=99, subject_id=person.id, purpose="summary"
        )
        await session.commit()
        consent = await ConsentsRepository(session).current(person.id)
        assert consent is not None and consent.text_version == "v1"
        entries = await AuditRepository(session).for_subject(person.id)
        assert [(e.action, e.actor_id) for e in entries] == [("data.read", 99)]
        assert '"purpose": "summary"' in entries[0].detail


async def test_conversation_state_survives_a_new_storage(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    key = StorageKey(bot_id=1, chat_id=42, user_id=42)
    first = SqlStorage(maker, clock.now)
    await first.set_state(key, "Onboarding:consent")
    await first.update_data(key, {"code": "ABCDEFGHJK", "locale": "en"})
    # A different process (another storage object) sees the same conversation.
    second = SqlStorage(maker, clock.now)
    assert await second.get_state(key) == "Onboarding:consent"
    assert await second.get_data(key) == {"code": "ABCDEFGHJK", "locale": "en"}
    await second.set_state(key, None)
    assert await first.get_state(key) is None
    assert await first.get_data(StorageKey(bot_id=1, chat_id=43, user_id=43)) == {}
