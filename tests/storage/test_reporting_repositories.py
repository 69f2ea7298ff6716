"""Reporting's repositories on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import crypto
from storage.db import create_engine, create_sessionmaker
from storage.models import Alert, CheckinDay
from storage.repositories.people import PeopleRepository
from storage.repositories.reporting import (
    AlertActionsRepository,
    MentorSettingsRepository,
    ReportReadsRepository,
    SentSummariesRepository,
)
from tests.harness import TEST_ENCRYPTION_KEY

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_reporting_reads_and_writes(any_database_url: str) -> None:
    crypto.configure(TEST_ENCRYPTION_KEY)
    engine = create_engine(any_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            people = PeopleRepository(session)
            mentor = await people.create(1, "Mette", NOW)
            mentor.is_mentor, mentor.onboarded_at = True, NOW
            youth = await people.create(2, "Ada", NOW)
            youth.is_youth, youth.onboarded_at = True, NOW
            await people.link_mentor(youth.id, mentor.id, NOW)
            session.add_all(
                [
                    CheckinDay(
                        person_id=youth.id, local_date=date(2026, 11, 16), status="answered"
                    ),
                    CheckinDay(person_id=youth.id, local_date=date(2026, 11, 17), status="missed"),
                    CheckinDay(
                        person_id=youth.id, local_date=date(2026, 11, 18), status="answered"
                    ),
                ]
            )
            alert = Alert(
                youth_id=youth.id,
                mentor_id=mentor.id,
                kind="crisis",
                local_date=date(2026, 11, 23),
                created_at=NOW,
                detail="{}",
            )
            session.add(alert)
            await session.flush()
            reads = ReportReadsRepository(session)
            days = await reads.checkin_days(youth.id, date(2026, 11, 16), date(2026, 11, 22))
            assert [d.status for d in days].count("answered") == 2
            assert await reads.current_links() == [(mentor.id, youth.id)]
            assert await reads.open_alert_counts([youth.id]) == {youth.id: 1}
            [recipient] = await MentorSettingsRepository(session).summary_recipients()
            assert (recipient.weekday, recipient.at) == (1, "08:00")

            summaries = SentSummariesRepository(session)
            await summaries.record(mentor.id, youth.id, "2026-W48", "first", NOW)
            await summaries.record(mentor.id, youth.id, "2026-W48", "again", NOW)
            latest = await summaries.latest_for_youth(youth.id)
            assert latest is not None and latest.text == "again"

            actions = AlertActionsRepository(session)
            later = NOW + timedelta(minutes=30)
            assert [a.id for a in await actions.due_for_escalation("crisis", later)] == [alert.id]
            await actions.mark_escalated([alert.id], later)
            assert await actions.due_for_escalation("crisis", later) == []
            assert await actions.acknowledge(alert.id, mentor.id, later)
            assert not await actions.acknowledge(alert.id, mentor.id, later)
            await session.commit()
    finally:
        await engine.dispose()
