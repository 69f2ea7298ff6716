"""Data rights through the real bot: /mydata sends everything (with who read it and why),
/delete (confirmed by staff) leaves no personal row in any table on SQLite and PostgreSQL,
retention purges people who left, and free text is unreadable at rest without the key."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import Integer, String, Text, select, text, update

from bot.clock import ManualClock
from bot.local_telegram import FakeUser
from bot.scheduling.tick import run_tick
from bot.services.onboarding import CONSENT_TEXT_VERSION
from storage import crypto
from storage.crypto import EncryptedText
from storage.models import AuditEntry, Base, Person, Role
from tests.harness import Harness, running_harness

YOUTH_TG = 7_000_000_301
MENTOR_TG = 7_000_000_302
STAFF_TG = 7_000_000_303
NAME = "Zørbaxia"
NOTE = "min note om qwxyzzy"
CRISIS = "jeg vil ikke vågne op igen"
PLAN = "ring til plokvarp"


async def _rich_youth(h: Harness) -> tuple[FakeUser, Person, FakeUser, FakeUser]:
    """A youth with a mentor and staff around, check-in answers, a crisis flag the mentor was
    told about, a safety plan and conversation state."""
    staff = h.user(STAFF_TG, "Sam")
    await h.onboard(staff, Role.STAFF)
    mentor = h.user(MENTOR_TG, "Mette")
    await h.onboard(mentor, Role.MENTOR)
    youth = h.user(YOUTH_TG, NAME)
    person = await h.onboard(youth, Role.YOUTH, mentor=MENTOR_TG)
    await youth.send_command("checkin")
    await youth.click("4")
    await youth.click("3")
    await youth.click(youth.buttons()[0])
    await youth.send_text(NOTE)
    await youth.click("Nej, kun til mig")
    await youth.send_text(CRISIS)
    await youth.click("Jeg er i sikkerhed lige nu")
    await youth.click("Ja, de må gerne læse det")
    await youth.send_command("safetyplan")
    await youth.click("Spring over")
    await youth.click("Spring over")
    await youth.send_text(PLAN)
    await youth.send_command("checkin")  # leaves an open run in the conversation state
    await run_tick(h.app.scheduling.tick_context, h.clock.now())
    return youth, person, mentor, staff


def _document(user: FakeUser, filename: str) -> bytes:
    for message in reversed(user.messages):
        if message.file is not None and message.file.filename == filename:
            return message.file.data
    raise AssertionError(f"no document {filename} sent to {user!r}")


async def test_mydata_sends_everything_with_who_read_it(harness: Harness) -> None:
    youth, person, mentor, _staff = await _rich_youth(harness)
    await youth.send_command("mydata")
    data = json.loads(_document(youth, "fremad-my-data.json"))
    tables = data["tables"]
    assert tables["people"][0]["telegram_id"] == YOUTH_TG
    assert tables["consents"][0]["text_version"] == CONSENT_TEXT_VERSION
    answers = {row["key"]: json.loads(row["value"]) for row in tables["answers"]}
    assert answers["note"] == NOTE  # decrypted for the youth
    assert tables["crisis_flags"][0]["category"] == "passive_wish"
    assert tables["safety_plans"][0]["people_to_call"] == PLAN
    assert "mentor_links" in tables and "checkin_days" in tables and "alerts" in tables
    reads = [e for e in tables["audit_log"] if e["action"] == "data.read"]
    mentor_person = await harness.person(mentor.id)
    assert mentor_person is not None
    assert any(e["actor_id"] == mentor_person.id and e["detail"]["purpose"] for e in reads)
    readable = _document(youth, "fremad-my-data.txt").decode()
    assert "Hvem har kigget på dine data" in readable
    assert "Mette (mentor)" in readable and "crisis_shared_text" in readable
    assert NOTE in readable


async def test_mydata_is_only_your_own(harness: Harness) -> None:
    youth, person, mentor, _staff = await _rich_youth(harness)
    await mentor.send_command("mydata")
    data = json.loads(_document(mentor, "fremad-my-data.json"))
    flat = json.dumps(data, ensure_ascii=False)
    assert NOTE not in flat and CRISIS not in flat and PLAN not in flat


def _person_reference(column: Any) -> bool:
    if any(key.column.table.name == "people" for key in column.foreign_keys):
        return True
    return column.name in {"actor_id", "subject_id", "person_id", "youth_id", "mentor_id"}


async def assert_nothing_left(
    h: Harness, person_id: int, telegram_id: int, words: list[str]
) -> int:
    """Scans EVERY table in Base.metadata: no reference to the person's id, no Telegram id in
    any number or text column, none of their words. Returns the rows scanned."""
    scanned = 0
    async with h.app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            scanned += len(rows)
            for row in rows:
                for column in table.columns:
                    value = row._mapping[column.name]
                    where = f"{table.name}.{column.name}"
                    if _person_reference(column):
                        assert value != person_id, f"{where} still points at the person"
                    if isinstance(value, int):
                        assert value != telegram_id, f"{where} holds the Telegram id"
                    if isinstance(value, str):
                        assert str(telegram_id) not in value, f"{where} holds the Telegram id"
                        for word in words:
                            assert word not in value, f"{where} holds {word!r}"
    return scanned


async def _erase_through_the_bot(h: Harness) -> tuple[Person, FakeUser, FakeUser]:
    youth, person, mentor, staff = await _rich_youth(h)
    await youth.send_command("mydata")
    await youth.send_command("delete")
    await youth.click("Ja, slet alt")
    await run_tick(h.app.scheduling.tick_context, h.clock.now())
    assert NAME in staff.last_text and staff.buttons() == ["Slet nu", "Ikke nu"]
    # A mentor replaying the staff button is refused and audited; nothing is deleted.
    await mentor.click("Slet nu", in_message=staff.keyboard_message())
    assert await h.person(YOUTH_TG) is not None
    async with h.app.sessionmaker() as session:
        denied = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "access.denied")))
            .scalars()
            .all()
        )
    mentor_person = await h.person(MENTOR_TG)
    assert mentor_person is not None
    assert [d.actor_id for d in denied] == [mentor_person.id]
    await staff.click("Slet nu")
    assert "slettet" in youth.last_text
    return person, mentor, staff


async def test_delete_confirmed_by_staff_leaves_no_personal_row(
    any_database_url: str, clock: ManualClock
) -> None:
    async with running_harness(any_database_url, clock) as h:
        person, mentor, _staff = await _erase_through_the_bot(h)
        assert await h.person(YOUTH_TG) is None
        scanned = await assert_nothing_left(h, person.id, YOUTH_TG, [NAME, NOTE, CRISIS, PLAN])
        assert scanned > 20  # the other people's rows are still there and were scanned
        assert await h.person(MENTOR_TG) is not None
        async with h.app.sessionmaker() as session:
            erased = (
                (
                    await session.execute(
                        select(AuditEntry).where(AuditEntry.action == "person.erased")
                    )
                )
                .scalars()
                .all()
            )
        assert len(erased) == 1 and erased[0].subject_id is None
        # The youth's old buttons do nothing now (they are a stranger again).
        youth = h.user(YOUTH_TG)
        await youth.send_text("hej")
        assert "invitation" in youth.last_text


async def test_retention_purges_people_who_left(harness: Harness) -> None:
    youth, person, _mentor, _staff = await _rich_youth(harness)
    async with harness.app.sessionmaker() as session:
        await session.execute(
            update(Person).where(Person.id == person.id).values(left_at=harness.clock.now())
        )
        await session.commit()
    harness.clock.advance(timedelta(days=29))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert await harness.person(YOUTH_TG) is not None  # not yet: 30 days
    harness.clock.advance(timedelta(days=1, minutes=1))
    await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
    assert await harness.person(YOUTH_TG) is None
    await assert_nothing_left(harness, person.id, YOUTH_TG, [NAME, NOTE, CRISIS, PLAN])


async def test_free_text_is_unreadable_at_rest_and_without_the_key(harness: Harness) -> None:
    await _rich_youth(harness)
    encrypted = [
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]
    assert ("answers", "value") in encrypted and ("safety_plans", "people_to_call") in encrypted
    raw: list[str] = []
    async with harness.app.engine.connect() as conn:
        for table, column in encrypted:
            result = await conn.execute(text(f'SELECT "{column}" FROM "{table}"'))
            raw += [str(v) for (v,) in result if v is not None]
    joined = "\n".join(raw)
    assert raw and NOTE not in joined and PLAN not in joined and CRISIS not in joined
    assert all(value.startswith("gAAAA") for value in raw)  # Fernet tokens
    # Another key cannot read them.
    crypto.configure(crypto.new_key())
    try:
        for value in raw:
            try:
                crypto.decrypt(value)
            except crypto.EncryptionNotConfigured:
                continue
            raise AssertionError("a stored text was readable with a wrong key")
    finally:
        crypto.configure(harness.settings.encryption_key.get_secret_value())  # type: ignore[union-attr]


async def test_rotate_key_re_encrypts_everything_with_the_new_key(harness: Harness) -> None:
    from storage.key_rotation import rotate_all

    await _rich_youth(harness)
    old = harness.settings.encryption_key.get_secret_value()  # type: ignore[union-attr]
    new = crypto.new_key()
    crypto.configure(f"{new},{old}")
    try:
        async with harness.app.sessionmaker() as session:
            counts = await rotate_all(session)
        assert counts["answers.value"] > 0
        crypto.configure(new)  # the old key is gone: everything must still read
        async with harness.app.sessionmaker() as session:
            for table in Base.metadata.sorted_tables:
                (await session.execute(select(table))).all()
        async with harness.app.sessionmaker() as session:
            plan = (await session.execute(text("SELECT COUNT(*) FROM safety_plans"))).scalar()
        assert plan == 1
    finally:
        crypto.configure(old)


def test_personal_data_columns_are_typed_as_expected() -> None:
    # Guards the scan above: it needs person references to be integers and texts to be text.
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if _person_reference(column):
                assert isinstance(column.type, Integer), f"{table.name}.{column.name}"
            assert column.type is not None
    assert String and Text
