"""Access decided from the database: who may read a young person's data, and every forbidden
try — through the service and through forged buttons in the real bot — refused and audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.services.access import AccessService
from storage.models import AuditEntry, ErasureRequest, Role
from tests.harness import Harness


async def _audit(h: Harness, action: str) -> list[AuditEntry]:
    async with h.app.sessionmaker() as session:
        return list(
            (
                await session.execute(
                    select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
                )
            ).scalars()
        )


async def test_who_may_read_a_youths_data_and_every_try_is_audited(harness: Harness) -> None:
    staff = await harness.onboard(harness.user(700, "Sam"), Role.STAFF)
    mette = await harness.onboard(harness.user(701, "Mette"), Role.MENTOR)
    other_mentor = await harness.onboard(harness.user(702, "Mads"), Role.MENTOR)
    ada = await harness.onboard(harness.user(703, "Ada"), Role.YOUTH, mentor=701)
    bo = await harness.onboard(harness.user(704, "Bo"), Role.YOUTH, mentor=702)
    async with harness.app.sessionmaker() as session:
        access = AccessService(session, harness.clock)
        assert await access.youth_for(ada, ada.id, "own") is not None  # not an access by others
        assert await access.youth_for(mette, ada.id, "weekly_summary") is not None
        assert await access.youth_for(staff, bo.id, "case_file") is not None
        # Forbidden: another youth, a mentor of someone else, nobody, a non-youth subject.
        assert await access.youth_for(bo, ada.id, "peek") is None
        assert await access.youth_for(other_mentor, ada.id, "peek") is None
        assert await access.youth_for(None, ada.id, "peek") is None
        assert await access.youth_for(mette, other_mentor.id, "peek") is None
        await session.commit()
    reads = [
        (e.actor_id, e.subject_id, json.loads(e.detail)["purpose"])
        for e in await _audit(harness, "data.read")
    ]
    assert reads == [(mette.id, ada.id, "weekly_summary"), (staff.id, bo.id, "case_file")]
    denied = [(e.actor_id, e.subject_id) for e in await _audit(harness, "access.denied")]
    assert denied == [
        (bo.id, ada.id),
        (other_mentor.id, ada.id),
        (None, ada.id),
        (mette.id, other_mentor.id),
    ]


async def test_a_hand_over_ends_the_old_mentors_access(harness: Harness) -> None:
    from storage.repositories.people import PeopleRepository

    await harness.onboard(harness.user(710, "Mette"), Role.MENTOR)
    mads = await harness.onboard(harness.user(711, "Mads"), Role.MENTOR)
    ada = await harness.onboard(harness.user(712, "Ada"), Role.YOUTH, mentor=710)
    mette = await harness.person(710)
    assert mette is not None
    async with harness.app.sessionmaker() as session:
        await PeopleRepository(session).link_mentor(ada.id, mads.id, harness.clock.now())
        access = AccessService(session, harness.clock)
        assert await access.youth_for(mette, ada.id, "weekly_summary") is None
        assert await access.youth_for(mads, ada.id, "weekly_summary") is not None
        await session.commit()


async def test_forged_erasure_buttons_are_refused_and_audited(harness: Harness) -> None:
    staff = harness.user(720, "Sam")
    await harness.onboard(staff, Role.STAFF)
    ada = harness.user(721, "Ada")
    ada_person = await harness.onboard(ada, Role.YOUTH)
    bo = harness.user(722, "Bo")
    bo_person = await harness.onboard(bo, Role.YOUTH)
    await ada.send_command("delete")
    await ada.click("Ja, slet alt")
    from bot.scheduling.tick import run_tick

    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    # Bo and Ada herself replay the staff member's "Delete now" button.
    await bo.click("Slet nu", in_message=staff.keyboard_message())
    await ada.click("Slet nu", in_message=staff.keyboard_message())
    assert await harness.person(721) is not None
    denied = [
        (e.actor_id, json.loads(e.detail)["what"]) for e in await _audit(harness, "access.denied")
    ]
    assert denied == [(bo_person.id, "erasure_request"), (ada_person.id, "erasure_request")]
    async with harness.app.sessionmaker() as session:
        [request] = (await session.execute(select(ErasureRequest))).scalars().all()
        assert request.status == "requested"
    # Staff can still say "not now": the youth is told, nothing is deleted.
    await staff.click("Ikke nu")
    assert "ikke slettet" in ada.last_text
    assert await harness.person(721) is not None


async def test_the_list_rule_decides_and_audits_as_the_single_one(harness: Harness) -> None:
    """The console's overview asks for many youths at once: same answers, same audit rows."""
    from storage.repositories.people import PeopleRepository

    staff = await harness.onboard(harness.user(730, "Sam"), Role.STAFF)
    mette = await harness.onboard(harness.user(731, "Mette"), Role.MENTOR)
    mads = await harness.onboard(harness.user(732, "Mads"), Role.MENTOR)
    ada = await harness.onboard(harness.user(733, "Ada"), Role.YOUTH, mentor=731)
    bo = await harness.onboard(harness.user(734, "Bo"), Role.YOUTH, mentor=732)
    cy = await harness.onboard(harness.user(735, "Cy"), Role.YOUTH, mentor=731)
    async with harness.app.sessionmaker() as session:
        # Cy was Mette's and is now Mads's: the latest open link decides.
        await PeopleRepository(session).link_mentor(cy.id, mads.id, harness.clock.now())
        await session.commit()
    subjects = [ada, bo, cy, mads]

    async def entries() -> list[tuple[str, int | None, int | None, str]]:
        found = [*await _audit(harness, "data.read"), *await _audit(harness, "access.denied")]
        return sorted(
            (e.action, e.actor_id, e.subject_id, json.loads(e.detail)["purpose"]) for e in found
        )

    for actor in (staff, mette, mads, ada):
        before = await entries()
        async with harness.app.sessionmaker() as session:
            access = AccessService(session, harness.clock)
            one_by_one = [
                y.id
                for y in subjects
                if await access.youth_for_mentor_work(actor, y.id, "single") is not None
            ]
            await session.commit()
        singles = [e for e in await entries() if e not in before]
        async with harness.app.sessionmaker() as session:
            access = AccessService(session, harness.clock)
            listed = await access.youths_for_mentor_work(actor, subjects, "list")
            await session.commit()
        lists = [e for e in await entries() if e not in before and e not in singles]
        assert [y.id for y in listed] == one_by_one
        assert [e[:3] for e in lists] == [e[:3] for e in singles]
    assert one_by_one == []  # a youth gets nobody through a mentor's tool
    # Spot-check the rule itself: Mette reads Ada only; Mads reads Bo and Cy; staff all three.
    async with harness.app.sessionmaker() as session:
        access = AccessService(session, harness.clock)
        for actor, expected in ((mette, [ada]), (mads, [bo, cy]), (staff, [ada, bo, cy])):
            readable = await access.youths_for_mentor_work(actor, subjects, "x")
            assert [y.id for y in readable] == [y.id for y in expected]
