"""Progression over a multi-week fixture on SQLite and PostgreSQL, with an injected clock:
self vs mentor series, change since start and since last month, weekly series derived from
tagged daily data, and the weekly-summary read APIs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.config import REPO_ROOT
from bot.dialogs import load_catalogue
from bot.services.goals import GoalService
from bot.services.progress_reads import ProgressReads
from bot.services.progression import ProgressionService
from bot.services.prompt_library import prompt_library
from bot.services.ratings import RatingService
from storage import crypto
from storage.db import create_engine, create_sessionmaker
from storage.models import Answer, CheckinDay, Person, RatingSource
from storage.repositories.people import PeopleRepository
from tests.conftest import CPH
from tests.harness import TEST_ENCRYPTION_KEY

START = date(2026, 10, 5)  # a Monday; six weeks of data up to Friday 13 November
TODAY = date(2026, 11, 13)
DIALOGS = REPO_ROOT / "dialogs"


@pytest.fixture
async def sessions(any_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    crypto.configure(TEST_ENCRYPTION_KEY)
    engine = create_engine(any_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CPH)


async def _people(session: AsyncSession, now: datetime) -> tuple[Person, Person]:
    people = PeopleRepository(session)
    youth = await people.create(9001, "Ada", now)
    youth.is_youth = True
    mentor = await people.create(9002, "Mette", now)
    mentor.is_mentor = True
    await people.link_mentor(youth.id, mentor.id, now)
    await session.commit()
    return youth, mentor


async def test_progression_numbers_over_six_weeks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = ManualClock(at(START))
    async with sessions() as session:
        youth, mentor = await _people(session, clock.now())
        ratings = RatingService(session, clock)
        # Friday self-ratings of "community": 3, 4, 4, 5, 6, 7 over six weeks.
        for week, value in enumerate([3, 4, 4, 5, 6, 7]):
            friday = START + timedelta(days=7 * week + 4)
            clock.set(at(friday))
            await ratings.record_self(youth, "community", value, friday)
        await session.commit()
        # The mentor rates twice: 4 in week 1 (5 Oct), 6 in week 6 (9 Nov).
        for day, value in ((START, 4), (date(2026, 11, 9), 6)):
            clock.set(at(day))
            await ratings.record_mentor(mentor, youth, "community", value)
            await ratings.record_belief(mentor, youth, value + 1)
        # Daily data: a mood per weekday (illness_coping), rising week by week; attendance
        # answers (responsibility); check-ins kept 3, 4 and 5 of 5 in the last three weeks.
        for offset in range(42):
            day = START + timedelta(days=offset)
            if day.isoweekday() > 5:
                continue
            week = offset // 7
            session.add(_answer(youth, day, "mood", "illness_coping", 2 + week // 2))
            if day.isoweekday() in (1, 3):
                status = "attended" if week >= 2 or day.isoweekday() == 1 else "absent"
                session.add(_answer(youth, day, "attendance", "responsibility", status))
            if week >= 3:
                kept = day.isoweekday() <= week - 1
                session.add(
                    CheckinDay(
                        person_id=youth.id, local_date=day, status="answered" if kept else "missed"
                    )
                )
        await session.commit()

    clock.set(at(TODAY))
    async with sessions() as session:
        progress = await ProgressionService(session).progression(
            youth.id, ["community", "illness_coping", "responsibility", "motivation"], TODAY
        )
    by_id = {p.subgoal: p for p in progress}
    community = by_id["community"]
    assert [v for _d, v in community.self_rating.points] == [3, 4, 4, 5, 6, 7]
    assert community.self_rating.change is not None
    assert community.self_rating.change.since_start == 4
    # Last month = the latest rating on or before 16 Oct (28 days before 13 Nov): 4 (16 Oct).
    assert community.self_rating.change.since_last_month == 3
    mentor_change = community.mentor_rating.change
    assert mentor_change is not None
    assert (mentor_change.first, mentor_change.latest, mentor_change.since_start) == (4, 6, 2)
    assert mentor_change.since_last_month == 2

    (mood,) = by_id["illness_coping"].signals
    assert mood.name == "mood"
    assert [v for _d, v in mood.points] == [2, 2, 3, 3, 4, 4]
    assert mood.change is not None and mood.change.since_start == 2
    # Weekly means are dated by their Monday: the week of 12 Oct (2) is the last one on or
    # before 16 Oct, so since last month = 4 − 2.
    assert mood.change.since_last_month == 2
    (attendance,) = by_id["responsibility"].signals
    assert [v for _d, v in attendance.points] == [50, 50, 100, 100, 100, 100]
    assert attendance.change is not None and attendance.change.since_start == 50
    (kept,) = by_id["motivation"].signals
    assert kept.name == "checkin_kept"
    assert [v for _d, v in kept.points] == [40.0, 60.0, 80.0]


async def test_weekly_summary_read_apis(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = ManualClock(at(START))
    library = prompt_library(DIALOGS, load_catalogue(DIALOGS))
    async with sessions() as session:
        youth, mentor = await _people(session, clock.now())
        goals = GoalService(session, clock, library)
        goal = await goals.create_goal(
            youth, "skills", "Try a kitchen", "Call the bakery", START + timedelta(days=2)
        )
        await goals.add_step(youth, goal.id, "Visit the bakery", 2, START + timedelta(days=4))
        await goals.add_step(youth, goal.id, "Ask for a trial day", 3, START + timedelta(days=3))
        await session.commit()
        boards = await goals.boards(youth)
        first, second, third = boards[0].steps
        clock.set(at(START + timedelta(days=1)))
        await goals.complete_step(youth, first.id)
        await goals.drop_step(youth, third.id)
        ratings = RatingService(session, clock)
        await ratings.record_self(youth, "skills", 4, START - timedelta(days=3))
        await ratings.record_self(youth, "skills", 6, START + timedelta(days=4))
        await ratings.record_mentor(mentor, youth, "skills", 5)
        await ratings.record_belief(mentor, youth, 7)
        await session.commit()

    clock.set(at(START + timedelta(days=6)))
    async with sessions() as session:
        reads = ProgressReads(session, clock, library)
        week = START + timedelta(days=3)
        summary = await reads.goal_steps_summary(youth.id, week)
        assert summary.week_start == START
        assert [s.step_text for s in summary.done] == ["Call the bakery"]
        assert [s.step_text for s in summary.dropped] == ["Ask for a trial day"]
        assert [(s.step_text, s.overdue) for s in summary.open] == [("Visit the bakery", True)]
        changes = {(c.subgoal, c.source): c for c in await reads.rating_changes(youth.id, week)}
        assert changes[("skills", RatingSource.SELF)].change == 2
        assert changes[("skills", RatingSource.MENTOR)].previous is None
        successes = await reads.successes(youth.id, START, START + timedelta(days=6))
        assert [(s.kind.value, s.text) for s in successes] == [
            ("step_done", "Call the bakery"),
            ("rating_rose", None),
        ]
        beliefs = await reads.belief_series(youth.id)
        assert [(b.value, b.mentor_id) for b in beliefs] == [(7, mentor.id)]
        assert await reads.rating_changes(youth.id, START + timedelta(days=14)) == []


def _answer(youth: Person, day: date, metric: str, subgoal: str, value: object) -> Answer:
    return Answer(
        person_id=youth.id,
        script_id="fixture",
        script_version=1,
        run_id="fixture",
        step_id=metric,
        key=metric,
        value=json.dumps(value),
        subgoal=subgoal,
        metric=metric,
        local_date=day,
        answered_at=at(day),
    )
