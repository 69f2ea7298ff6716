"""Raising an alert: one per youth, kind and local day, sent to the mentor through the
deliveries ledger (kind "alert", so the scheduler's send queue, pacing and retries apply).

How an alert reads, quiet hours, acknowledgement and escalation to staff belong to the
reporting feature (it registers the "alert" composer and the escalation planner).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import DeliveryStatus, Person, Role
from storage.models.alerts import Alert, AlertKind
from storage.repositories.alerts import AlertsRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository

ALERT_DELIVERY = "alert"


class AlertService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def raise_alert(
        self,
        youth: Person,
        kind: AlertKind,
        detail: dict[str, Any] | None = None,
        *,
        due_at: datetime | None = None,
    ) -> Alert | None:
        """Records the alert and queues its delivery; None if one of this kind exists today.
        Does not commit: the caller's use case does."""
        now = self.clock.now()
        local_date = now.astimezone(ZoneInfo(youth.timezone)).date()
        mentor = await PeopleRepository(self.session).current_mentor(youth.id)
        alert = await AlertsRepository(self.session).add_once(
            youth.id, mentor.id if mentor else None, kind.value, local_date, now, detail or {}
        )
        if alert is None:
            return None
        # The delivery is addressed to whoever reads it: the mentor, or staff when there is none.
        people = PeopleRepository(self.session)
        recipients = [mentor] if mentor else list(await people.with_role(Role.STAFF))
        await DeliveriesRepository(self.session).add_due(
            [
                NewDelivery(
                    person.id,
                    ALERT_DELIVERY,
                    f"alert:{alert.id}",
                    due_at or now,
                    {"alert_id": alert.id},
                )
                for person in recipients
            ],
            now,
            DeliveryStatus.PENDING,
        )
        return alert
