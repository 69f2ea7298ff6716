"""Fixture helpers for reporting tests: people onboarded by tapping, weeks of recorded data."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from bot.scheduling.tick import TickReport, run_tick
from storage.models import Activity, Answer, AttendanceRecord, CheckinDay, Person, Role
from tests.conftest import CPH
from tests.harness import Harness

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def tick_at(h: Harness, moment: datetime) -> TickReport:
    h.clock.set(moment)
    return await run_tick(h.app.scheduling.tick_context, h.clock.now())


def cph(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CPH)


async def mentor_and_youths(
    h: Harness, names: list[str], *, mentor_id: int = 900, mentor_name: str = "Mette"
) -> tuple[FakeUser, list[tuple[FakeUser, Person]]]:
    mentor = h.user(mentor_id, mentor_name)
    await h.onboard(mentor, Role.MENTOR)
    youths = []
    for index, name in enumerate(names):
        user = h.user(mentor_id + 1 + index, name)
        youths.append((user, await h.onboard(user, Role.YOUTH, mentor=mentor_id)))
    return mentor, youths


async def record_days(
    h: Harness, person_id: int, days: dict[date, tuple[str, int | None]]
) -> None:
    """Check-in days as the check-in feature records them: status and mood."""
    async with h.app.sessionmaker() as session:
        for day, (status, mood) in days.items():
            session.add(CheckinDay(person_id=person_id, local_date=day, status=status, mood=mood))
        await session.commit()


async def record_text(h: Harness, person_id: int, day: date, text: str, *, shared: bool) -> None:
    """A free-text answer (the check-in's note), shared with the mentor or not."""
    async with h.app.sessionmaker() as session:
        session.add(
            Answer(
                person_id=person_id,
                script_id="daily_checkin",
                script_version=1,
                run_id="fixture",
                step_id="note",
                key="note",
                value=json.dumps(text),
                is_free_text=True,
                skipped=False,
                metric="note",
                local_date=day,
                answered_at=datetime.combine(day, datetime.min.time(), CPH) + timedelta(hours=10),
                shared_with_mentor=shared,
            )
        )
        await session.commit()


def photos(messages: list[BotMessage]) -> list[BotMessage]:
    return [m for m in messages if m.kind == "photo"]


def texts(messages: list[BotMessage]) -> list[str]:
    return [m.text for m in messages if m.kind == "text"]


async def record_attendance(
    h: Harness,
    person_id: int,
    valid_from: datetime,
    outcomes: dict[date, tuple[str, str | None]],
) -> None:
    """A weekly internship Mon–Thu 08–12 and what happened at its occurrences."""
    now = h.clock.now()
    async with h.app.sessionmaker() as session:
        activity = Activity(
            youth_id=person_id,
            kind="internship",
            title="Praktik",
            weekdays="1234",
            start_time="08:00",
            end_time="12:00",
            valid_from=valid_from,
            created_at=now,
            updated_at=now,
        )
        session.add(activity)
        await session.flush()
        for day, (status, reason) in outcomes.items():
            session.add(
                AttendanceRecord(
                    activity_id=activity.id,
                    youth_id=person_id,
                    local_date=day,
                    status=status,
                    reason=reason,
                    source="followup",
                    recorded_at=now,
                )
            )
        await session.commit()
