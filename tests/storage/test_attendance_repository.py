"""Attendance tables on SQLite and PostgreSQL: encrypted titles, one record per occurrence,
the planned-activities read, and settings defaults that never write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import create_engine, create_sessionmaker
from storage.models import Person, YouthSettings
from storage.models.attendance import Activity, AttendanceRecord
from storage.repositories.attendance import (
    ActivitiesRepository,
    AttendanceRecordsRepository,
    AttendanceSettingsRepository,
)
from tests.harness import TEST_ENCRYPTION_KEY

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_attendance_storage_on_both_databases(any_database_url: str) -> None:
    from storage import crypto

    crypto.configure(TEST_ENCRYPTION_KEY)
    engine = create_engine(any_database_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            youth = Person(
                telegram_id=1, first_name="Ada", is_youth=True, created_at=NOW, onboarded_at=NOW
            )
            gone = Person(
                telegram_id=2,
                first_name="Bo",
                is_youth=True,
                created_at=NOW,
                onboarded_at=NOW,
                left_at=NOW,
            )
            session.add_all([youth, gone])
            await session.flush()
            session.add(
                YouthSettings(person_id=youth.id, updated_at=NOW, paused_from=date(2026, 12, 1))
            )
            repo = ActivitiesRepository(session)
            for person in (youth, gone):
                await repo.add(
                    Activity(
                        youth_id=person.id,
                        kind="internship",
                        title="Praktik hos Bager Jensen",
                        weekdays="134",
                        start_time="08:00",
                        end_time="12:00",
                        valid_from=NOW,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
            settings_repo = AttendanceSettingsRepository(session)
            defaults = await settings_repo.get(youth.id, NOW)
            assert (
                defaults.tell_mentor,
                defaults.absence_alert_after,
                defaults.weekly_rate_alert_below,
            ) == (False, 2, 50)
            assert defaults not in session
            records = AttendanceRecordsRepository(session)
            first = await records.get_or_create(1, youth.id, date(2026, 11, 23))
            again = await records.get_or_create(1, youth.id, date(2026, 11, 23))
            assert first is again
            await session.commit()

        async with sessionmaker() as session:
            planned = await ActivitiesRepository(session).planned()
            assert [(p.activity.title, p.timezone, p.paused_from) for p in planned] == [
                ("Praktik hos Bager Jensen", "Europe/Copenhagen", date(2026, 12, 1))
            ]
            raw = (await session.execute(text("SELECT title FROM activities"))).scalars().all()
            assert all("Bager" not in value for value in raw)  # encrypted at rest
            session.add(
                AttendanceRecord(activity_id=1, youth_id=youth.id, local_date=date(2026, 11, 23))
            )
            with pytest.raises(IntegrityError):
                await session.flush()
    finally:
        await engine.dispose()
