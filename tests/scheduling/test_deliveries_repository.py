"""The ledger's rules on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import create_engine, create_sessionmaker
from storage.models import DeliveryStatus
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from tests.scheduling.support import add_youths

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_ledger_lifecycle(any_database_url: str) -> None:
    engine = create_engine(any_database_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        a, b = await add_youths(sessionmaker, [1, 2], NOW)
        items = [
            NewDelivery(a, "checkin", "2026-11-23", NOW),
            NewDelivery(b, "checkin", "2026-11-23", NOW),
        ]
        async with sessionmaker() as session:
            repo = DeliveriesRepository(session)
            assert await repo.add_due(items, NOW, DeliveryStatus.PENDING) == 2
            # The same due items again: nothing new, nothing changed.
            assert await repo.add_due(items, NOW, DeliveryStatus.MISSED) == 0
            await session.commit()

            claimed = await repo.claim_due(
                now=NOW,
                not_before=NOW - timedelta(minutes=30),
                limit=1,
                instance="i1",
                claimed_at=NOW,
            )
            assert [row.person_id for row in claimed] == [a]
            again = await repo.claim_due(
                now=NOW,
                not_before=NOW - timedelta(minutes=30),
                limit=5,
                instance="i2",
                claimed_at=NOW,
            )
            assert [row.person_id for row in again] == [b]
            await session.commit()

            first, second = claimed[0].id, again[0].id
            assert not await repo.start_sending(first, "i2", NOW), "only the holder may send"
            assert await repo.start_sending(first, "i1", NOW)
            assert await repo.finish(first, "i1", DeliveryStatus.SENT, NOW)
            assert not await repo.finish(first, "i1", DeliveryStatus.FAILED, NOW), "final is final"
            await session.commit()

            # i2 dies holding its claim: after the lease it is pending again, and claimable.
            later = NOW + timedelta(minutes=3)
            assert await repo.release_stale_claims(later - timedelta(minutes=2)) == 1
            [row] = await repo.claim_due(
                now=later,
                not_before=NOW - timedelta(minutes=30),
                limit=5,
                instance="i3",
                claimed_at=later,
            )
            assert row.id == second and row.attempts == 2
            assert await repo.start_sending(second, "i3", later)
            await session.commit()
            # i3 dies while sending: uncertain, never resent.
            much_later = later + timedelta(minutes=5)
            assert await repo.mark_stale_sending_uncertain(much_later - timedelta(minutes=2)) == 1
            assert await repo.count_by_status() == {"sent": 1, "uncertain": 1}
            await session.commit()
    finally:
        await engine.dispose()


async def test_overdue_pending_rows_become_missed(any_database_url: str) -> None:
    engine = create_engine(any_database_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        [a] = await add_youths(sessionmaker, [1], NOW)
        async with sessionmaker() as session:
            repo = DeliveriesRepository(session)
            await repo.add_due(
                [
                    NewDelivery(a, "checkin", "old", NOW - timedelta(hours=1)),
                    NewDelivery(a, "checkin", "new", NOW - timedelta(minutes=10)),
                ],
                NOW,
                DeliveryStatus.PENDING,
            )
            assert await repo.mark_overdue_missed(NOW - timedelta(minutes=30)) == 1
            assert await repo.count_by_status() == {"missed": 1, "pending": 1}
            assert await repo.count_due_unsent(NOW) == 1
    finally:
        await engine.dispose()
