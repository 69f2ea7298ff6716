"""The deliveries ledger and the reads the planners need. Repositories never commit.

Claiming is one statement on both dialects::

    WITH due_ids AS (SELECT id FROM deliveries WHERE status='pending' AND ... LIMIT :n
                     FOR UPDATE SKIP LOCKED)      -- PostgreSQL only; SQLite serialises writers
    UPDATE deliveries SET status='claimed', claimed_by=:me, ...
    FROM due_ids WHERE deliveries.id = due_ids.id AND status='pending'
    RETURNING *

so two instances never claim the same row, and every later step is a conditional update on
(status, claimed_by) that only the claim holder can make.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryStatus, Person, YouthSettings

# Rows per INSERT: keeps SQLite under its bound-parameter limit.
INSERT_CHUNK = 500


@dataclass(frozen=True)
class NewDelivery:
    """One due item as a planner states it."""

    person_id: int
    kind: str
    slot_key: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckinCandidate:
    """A youth who may get check-ins, with the settings the schedule math needs."""

    person_id: int
    timezone: str
    checkin_time: str
    checkin_days: str
    paused_from: date | None
    paused_until: date | None
    reminder_delay_minutes: int


@dataclass(frozen=True)
class SentCheckin:
    person_id: int
    slot_key: str
    due_at: datetime
    reminder_delay_minutes: int


class DeliveriesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def add_due(
        self, items: Iterable[NewDelivery], now: datetime, status: DeliveryStatus
    ) -> int:
        """Inserts items that are not in the ledger yet; returns how many were new.

        An existing (person, kind, slot) row is left exactly as it is (ON CONFLICT DO NOTHING).
        """
        rows = [
            {
                "person_id": item.person_id,
                "kind": item.kind,
                "slot_key": item.slot_key,
                "due_at": item.due_at,
                "next_attempt_at": item.due_at,
                "status": status.value,
                "attempts": 0,
                "created_at": now,
                "payload": json.dumps(item.payload, sort_keys=True),
            }
            for item in items
        ]
        insert = postgresql.insert if self._dialect() == "postgresql" else sqlite.insert
        added = 0
        for start in range(0, len(rows), INSERT_CHUNK):
            statement = (
                insert(Delivery)
                .values(rows[start : start + INSERT_CHUNK])
                .on_conflict_do_nothing(index_elements=["person_id", "kind", "slot_key"])
            )
            result = await self.session.execute(statement)
            assert isinstance(result, CursorResult)
            added += max(result.rowcount, 0)
        return added

    async def claim_due(
        self,
        *,
        now: datetime,
        not_before: datetime,
        limit: int,
        instance: str,
        claimed_at: datetime,
    ) -> Sequence[Delivery]:
        """Claims up to ``limit`` pending rows due in [not_before, now], oldest first; rows
        being retried after an outage (``expires_at`` set) are due until they expire."""
        return await self._claim(
            and_(
                or_(Delivery.due_at >= not_before, Delivery.expires_at.is_not(None)),
                Delivery.due_at <= now,
                Delivery.next_attempt_at <= now,
                or_(Delivery.expires_at.is_(None), Delivery.expires_at > now),
            ),
            limit=limit,
            instance=instance,
            claimed_at=claimed_at,
        )

    async def claim_slots(
        self, slot_keys: Sequence[str], *, instance: str, claimed_at: datetime
    ) -> Sequence[Delivery]:
        """Claims the pending rows with these slot keys (any person): sent at once."""
        return await self._claim(
            Delivery.slot_key.in_(list(slot_keys)),
            limit=max(len(slot_keys) * 50, 1),
            instance=instance,
            claimed_at=claimed_at,
        )

    async def _claim(
        self, condition: Any, *, limit: int, instance: str, claimed_at: datetime
    ) -> Sequence[Delivery]:
        due_ids = (
            select(Delivery.id)
            .where(Delivery.status == DeliveryStatus.PENDING.value, condition)
            .order_by(Delivery.due_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            # A CTE runs once; PostgreSQL may re-run an IN (subquery) and exceed the LIMIT.
            .cte("due_ids")
        )
        statement = (
            update(Delivery)
            .where(Delivery.id == due_ids.c.id, Delivery.status == DeliveryStatus.PENDING.value)
            .values(
                status=DeliveryStatus.CLAIMED.value,
                claimed_by=instance,
                claimed_at=claimed_at,
                attempts=Delivery.attempts + 1,
            )
            .returning(Delivery)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        result = await self.session.execute(statement)
        return sorted(result.scalars().all(), key=lambda row: (row.due_at, row.id))

    async def start_sending(
        self,
        delivery_id: int,
        instance: str,
        now: datetime,
        check_after_message_id: int | None = None,
    ) -> bool:
        """claimed → sending, only for the claim holder; False means: do not send.
        ``check_after_message_id``: the chat's last known message id, kept for a "did it
        arrive?" check should this process die with the message in flight."""
        values: dict[str, Any] = {"status": DeliveryStatus.SENDING.value, "claimed_at": now}
        if check_after_message_id is not None:
            values["check_after_message_id"] = check_after_message_id
        return await self._move(delivery_id, instance, DeliveryStatus.CLAIMED, **values)

    async def finish(
        self,
        delivery_id: int,
        instance: str,
        status: DeliveryStatus,
        now: datetime,
        error: str | None = None,
    ) -> bool:
        """sending or claimed → a final status (sent, failed, blocked, cancelled)."""
        values: dict[str, Any] = {"status": status.value, "error": error}
        if status is DeliveryStatus.SENT:
            values["sent_at"] = now
        statement = (
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.claimed_by == instance,
                Delivery.status.in_([DeliveryStatus.CLAIMED.value, DeliveryStatus.SENDING.value]),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def retry_later(
        self,
        delivery_id: int,
        instance: str,
        next_attempt_at: datetime,
        error: str,
        *,
        expires_at: datetime | None = None,
        check_after_message_id: int | None = None,
    ) -> bool:
        """claimed or sending (nothing left, or arrival to be checked first) → pending again,
        to be claimed at next_attempt_at; with ``expires_at`` it is due until then."""
        extra: dict[str, Any] = {"check_after_message_id": check_after_message_id}
        if expires_at is not None:
            extra["expires_at"] = expires_at
        statement = (
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.claimed_by == instance,
                Delivery.status.in_([DeliveryStatus.CLAIMED.value, DeliveryStatus.SENDING.value]),
            )
            .values(
                status=DeliveryStatus.PENDING.value,
                next_attempt_at=next_attempt_at,
                claimed_by=None,
                claimed_at=None,
                error=error,
                **extra,
            )
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def release_claim(self, delivery_id: int, instance: str) -> bool:
        """claimed (nothing has left) → pending, for the next pass."""
        return await self._move(
            delivery_id,
            instance,
            DeliveryStatus.CLAIMED,
            status=DeliveryStatus.PENDING.value,
            claimed_by=None,
            claimed_at=None,
        )

    async def _move(
        self, delivery_id: int, instance: str, from_status: DeliveryStatus, **values: Any
    ) -> bool:
        statement = (
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.claimed_by == instance,
                Delivery.status == from_status.value,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def release_stale_claims(self, claimed_before: datetime) -> int:
        """Claims whose message never left and whose holder went quiet → pending again."""
        return await self._bulk_status(
            DeliveryStatus.CLAIMED,
            DeliveryStatus.PENDING,
            Delivery.claimed_at < claimed_before,
            claimed_by=None,
            claimed_at=None,
        )

    async def mark_stale_sending_uncertain(self, sending_before: datetime) -> int:
        """Rows left ``sending`` by a process that died → uncertain; never sent again."""
        return await self._bulk_status(
            DeliveryStatus.SENDING,
            DeliveryStatus.UNCERTAIN,
            Delivery.claimed_at < sending_before,
            error="crashed_in_flight",
        )

    async def mark_overdue_missed(self, due_before: datetime) -> int:
        """Pending rows due before the grace window began → missed (not sent late). Rows
        being retried after an outage have their own end (``expires_at``)."""
        return await self._bulk_status(
            DeliveryStatus.PENDING,
            DeliveryStatus.MISSED,
            and_(Delivery.due_at < due_before, Delivery.expires_at.is_(None)),
        )

    async def expire(self, now: datetime) -> Sequence[Delivery]:
        """Pending retries whose message no longer makes sense → expired (the last error,
        e.g. "server_error", stays as the reason)."""
        result = await self.session.execute(
            update(Delivery)
            .where(
                Delivery.status == DeliveryStatus.PENDING.value,
                Delivery.expires_at.is_not(None),
                Delivery.expires_at <= now,
            )
            .values(status=DeliveryStatus.EXPIRED.value)
            .returning(Delivery)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return result.scalars().all()

    async def uncertain(self) -> list[tuple[Delivery, str]]:
        """Rows left in flight by a process that died, with the person's time zone."""
        result = await self.session.execute(
            select(Delivery, Person.timezone)
            .join(Person, Person.id == Delivery.person_id)
            .where(Delivery.status == DeliveryStatus.UNCERTAIN.value)
        )
        return [(row, timezone) for row, timezone in result.all()]

    async def requeue_uncertain(
        self, delivery_id: int, now: datetime, expires_at: datetime
    ) -> bool:
        """uncertain → pending (sent again, or checked first when it knows the chat's last
        message id before the send)."""
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.UNCERTAIN.value)
            .values(
                status=DeliveryStatus.PENDING.value,
                next_attempt_at=now,
                expires_at=expires_at,
                claimed_by=None,
                claimed_at=None,
                error="reconciled",
            )
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def _bulk_status(
        self, old: DeliveryStatus, new: DeliveryStatus, condition: Any, **values: Any
    ) -> int:
        statement = (
            update(Delivery)
            .where(Delivery.status == old.value, condition)
            .values(status=new.value, **values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        assert isinstance(result, CursorResult)
        return max(result.rowcount, 0)

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self.session.get(Delivery, delivery_id)

    async def for_person(self, person_id: int, kind: str | None = None) -> Sequence[Delivery]:
        statement = select(Delivery).where(Delivery.person_id == person_id)
        if kind is not None:
            statement = statement.where(Delivery.kind == kind)
        result = await self.session.execute(statement.order_by(Delivery.due_at, Delivery.id))
        return result.scalars().all()

    async def count_by_status(self, kind: str | None = None) -> dict[str, int]:
        statement = select(Delivery.status, func.count()).group_by(Delivery.status)
        if kind is not None:
            statement = statement.where(Delivery.kind == kind)
        result = await self.session.execute(statement)
        return {status: count for status, count in result.all()}

    async def count_due_unsent(self, now: datetime) -> int:
        """Due but not yet sent (pending/claimed/sending): the health check's backlog."""
        result = await self.session.execute(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.due_at <= now,
                Delivery.status.in_(
                    [
                        DeliveryStatus.PENDING.value,
                        DeliveryStatus.CLAIMED.value,
                        DeliveryStatus.SENDING.value,
                    ]
                ),
            )
        )
        return int(result.scalar_one())


class ScheduleCandidatesRepository:
    """The reads the built-in planners make: who may get check-ins, which ones were sent."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def checkin_candidates(self) -> list[CheckinCandidate]:
        """Onboarded youths who have not left and can be reached, with their settings."""
        result = await self.session.execute(
            select(
                Person.id,
                Person.timezone,
                YouthSettings.checkin_time,
                YouthSettings.checkin_days,
                YouthSettings.paused_from,
                YouthSettings.paused_until,
                YouthSettings.reminder_delay_minutes,
            )
            .join(YouthSettings, YouthSettings.person_id == Person.id)
            .where(
                Person.is_youth.is_(True),
                Person.onboarded_at.is_not(None),
                Person.left_at.is_(None),
                Person.unreachable_since.is_(None),
            )
            .order_by(Person.id)
        )
        return [CheckinCandidate(*row) for row in result.all()]

    async def longest_reminder_delay_minutes(self) -> int:
        result = await self.session.execute(select(func.max(YouthSettings.reminder_delay_minutes)))
        return int(result.scalar_one() or 0)

    async def sent_without_follow_up(
        self, kind: str, follow_up_kind: str, due_since: datetime
    ) -> list[SentCheckin]:
        """Sent (or uncertain) ``kind`` rows due since ``due_since`` with no
        ``follow_up_kind`` row yet."""
        follow_up = Delivery.__table__.alias("follow_up")
        result = await self.session.execute(
            select(
                Delivery.person_id,
                Delivery.slot_key,
                Delivery.due_at,
                YouthSettings.reminder_delay_minutes,
            )
            .join(YouthSettings, YouthSettings.person_id == Delivery.person_id)
            .join(Person, Person.id == Delivery.person_id)
            .outerjoin(
                follow_up,
                and_(
                    follow_up.c.person_id == Delivery.person_id,
                    follow_up.c.kind == follow_up_kind,
                    follow_up.c.slot_key == Delivery.slot_key,
                ),
            )
            .where(
                Delivery.kind == kind,
                # Uncertain: in flight when a process died, most likely arrived; its
                # follow-up (which shows the open check-in again) is the safe way to be sure.
                Delivery.status.in_([DeliveryStatus.SENT.value, DeliveryStatus.UNCERTAIN.value]),
                Delivery.due_at >= due_since,
                follow_up.c.id.is_(None),
                Person.left_at.is_(None),
                Person.unreachable_since.is_(None),
            )
        )
        return [SentCheckin(*row) for row in result.all()]

    async def people_by_id(self, person_ids: Iterable[int]) -> dict[int, Person]:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        result = await self.session.execute(select(Person).where(Person.id.in_(ids)))
        return {person.id: person for person in result.scalars()}
