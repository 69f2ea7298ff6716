"""`fremad people` (who is who, for operators) and `fremad export --youth NAME_OR_ID`."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli_people import people_table
from bot.clock import ManualClock
from bot.services.people_directory import PeopleDirectory, PersonRow, YouthNotFound
from storage.db import create_engine, create_sessionmaker
from storage.models import Role
from storage.repositories.audit import AuditRepository
from storage.repositories.people import PeopleRepository
from tests.e2e.live import FREMAD
from tests.harness import TEST_ENCRYPTION_KEY

# Telegram ids of the people seeded below.
METTE, JONAS, STINE, AASE, ALI_1, ALI_2, BO = 501, 502, 503, 601, 602, 603, 604

TABLE = """\
NAME   ROLE           MENTOR       TELEGRAM ID
Ali    youth          Mette (501)  602
Ali    youth          Jonas (502)  603
Bo     youth (left)   -            604
Jonas  mentor         -            502
Mette  mentor, staff  -            501
Stine  staff          -            503
Åse    youth          Jonas (502)  601"""


@pytest.fixture
async def maker(any_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(any_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def sqlite_maker(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def seed(maker: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    """Mette (mentor and staff), Jonas (mentor), Stine (staff); Åse handed over from Mette to
    Jonas; two youths called Ali; Bo, who has left and has no mentor."""
    async with maker() as session:
        people = PeopleRepository(session)
        now = clock.now()
        mette = await people.create(METTE, "Mette", now)
        people.grant(mette, Role.MENTOR)
        people.grant(mette, Role.STAFF)
        jonas = await people.create(JONAS, "Jonas", now)
        people.grant(jonas, Role.MENTOR)
        stine = await people.create(STINE, "Stine", now)
        people.grant(stine, Role.STAFF)
        for telegram_id, name, mentor in [
            (AASE, "Åse", mette),
            (ALI_1, "Ali", mette),
            (ALI_2, "Ali", jonas),
            (BO, "Bo", None),
        ]:
            youth = await people.create(telegram_id, name, now)
            people.grant(youth, Role.YOUTH)
            if mentor is not None:
                await people.link_mentor(youth.id, mentor.id, now)
            if name == "Bo":
                youth.left_at = now
        aase = await people.by_telegram_id(AASE)
        assert aase is not None
        await people.link_mentor(aase.id, jonas.id, now + timedelta(days=30))  # hand-over
        await session.commit()


# ----------------------------------------------------------------------------- the service


async def test_everyone_is_listed_with_role_and_current_mentor(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await seed(maker, clock)
    async with maker() as session:
        rows = await PeopleDirectory(session, clock).listing()
    assert people_table(rows) == TABLE
    async with maker() as session:
        (entry,) = await AuditRepository(session).recent()
    assert entry.action == "data.read"
    assert json.loads(entry.detail) == {"people": 7, "purpose": "people_cli", "role": "all"}


async def test_listing_by_role(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await seed(maker, clock)
    async with maker() as session:
        directory = PeopleDirectory(session, clock)
        staff = await directory.listing(Role.STAFF)
        mentors = await directory.listing(Role.MENTOR)
    assert [(row.first_name, row.telegram_id) for row in staff] == [
        ("Mette", METTE),
        ("Stine", STINE),
    ]
    assert [row.first_name for row in mentors] == ["Jonas", "Mette"]
    assert all(row.mentor_name is None for row in mentors)  # mentors have no mentor column


async def test_a_youth_is_found_by_telegram_id_or_first_name_in_any_case(
    maker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await seed(maker, clock)
    async with maker() as session:
        directory = PeopleDirectory(session, clock)
        assert (await directory.find_youth(str(AASE))).first_name == "Åse"
        # Not ASCII: SQLite's lower() would not fold Å.
        assert (await directory.find_youth("ÅSE")).telegram_id == AASE
        assert (await directory.find_youth(" åse ")).telegram_id == AASE
        assert (await directory.find_youth("bo")).telegram_id == BO  # left, still exportable
        with pytest.raises(YouthNotFound, match="^2 young people are called 'ali': give the"):
            await directory.find_youth("ali")
        with pytest.raises(YouthNotFound, match="^No young person is called 'Karl': run"):
            await directory.find_youth("Karl")
        with pytest.raises(YouthNotFound, match=f"^No young person has Telegram id {METTE}\\.$"):
            await directory.find_youth(str(METTE))  # a mentor, not a youth


def test_the_table_pads_every_column_to_its_widest_cell() -> None:
    rows = [
        PersonRow("Christoffer", (Role.YOUTH,), 1234567890, "Mo", 7),
        PersonRow("Al", (Role.MENTOR, Role.STAFF), 8),
    ]
    assert people_table(rows).splitlines() == [
        "NAME         ROLE           MENTOR  TELEGRAM ID",
        "Christoffer  youth          Mo (7)  1234567890",
        "Al           mentor, staff  -       8",
    ]


# ----------------------------------------------------------------------------- the commands


def _fremad(database_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k == "PATH" or k.startswith(("LANG", "LC_"))}
    env.update(
        {"HOME": str(cwd), "DATABASE_URL": database_url, "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY}
    )
    return subprocess.run(
        [FREMAD, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


async def test_fremad_people_prints_the_table(
    any_database_url: str,
    maker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    await seed(maker, clock)
    everyone = _fremad(any_database_url, tmp_path, "people")
    assert everyone.returncode == 0, everyone.stderr
    assert everyone.stdout == TABLE + "\n"
    youths = _fremad(any_database_url, tmp_path, "people", "--role", "youth")
    assert youths.stdout.splitlines() == [
        "NAME  ROLE          MENTOR       TELEGRAM ID",
        "Ali   youth         Mette (501)  602",
        "Ali   youth         Jonas (502)  603",
        "Bo    youth (left)  -            604",
        "Åse   youth         Jonas (502)  601",
    ]


def test_fremad_people_on_an_empty_database(database_url: str, tmp_path: Path) -> None:
    result = _fremad(database_url, tmp_path, "people", "--role", "staff")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "No people with the role staff: `fremad invite` makes an invite.\n"


async def test_export_takes_a_first_name_or_a_telegram_id(
    database_url: str,
    sqlite_maker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    await seed(sqlite_maker, clock)
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    by_name = _fremad(
        database_url, tmp_path, "export", "--youth", "åse", *period, "--out", "by-name.csv"
    )
    assert by_name.returncode == 0, by_name.stderr
    by_id = _fremad(
        database_url, tmp_path, "export", "--youth", str(AASE), *period, "--out", "by-id.csv"
    )
    assert by_id.returncode == 0, by_id.stderr
    assert (tmp_path / "by-name.csv").read_bytes() == (tmp_path / "by-id.csv").read_bytes()


@pytest.mark.parametrize(
    ("reference", "sentence"),
    [
        (
            "ali",
            "2 young people are called 'ali': give the Telegram id instead "
            "(`fremad people --role youth` lists them).",
        ),
        (
            "Karl",
            "No young person is called 'Karl': run `fremad people --role youth` to see the "
            "names and Telegram ids.",
        ),
        ("999", "No young person has Telegram id 999."),
    ],
    ids=["ambiguous", "unknown-name", "unknown-id"],
)
async def test_export_of_no_one_or_several_is_one_sentence(
    reference: str,
    sentence: str,
    database_url: str,
    sqlite_maker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    await seed(sqlite_maker, clock)
    result = _fremad(
        database_url, tmp_path, "export", "--youth", reference, "--from", "2026-11-01", "--to",
        "2026-11-30",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == f"fremad: {sentence}\n"
    assert result.stdout == ""
