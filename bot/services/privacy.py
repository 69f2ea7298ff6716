"""A person's data rights: see everything stored (/mydata), ask for erasure (/delete, confirmed
by staff), and retention (personal data purged N days after a youth leaves the programme).

Erasure removes every row of the person, found from the schema (storage/repositories/
personal_data.py), and leaves only an audit line that names no one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import DeliveryStatus, ErasureRequest, ErasureStatus, Person, Role
from storage.repositories.audit import AuditRepository
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.personal_data import PersonalDataRepository
from storage.repositories.safety import (
    CrisisFlagsRepository,
    ErasureRequestsRepository,
    ProcessedUpdatesRepository,
)

ERASURE_REQUEST = "erasure_request"
Gettext = Callable[[str], str]
# A crisis text the youth never decided about is dropped after this long.
UNDECIDED_TEXT_HOURS = 24
PROCESSED_UPDATES_KEEP_DAYS = 2


@dataclass(frozen=True)
class Export:
    data: dict[str, Any]
    as_json: bytes
    as_text: bytes


@dataclass(frozen=True)
class ErasureDecision:
    """The outcome for staff; `youth_telegram_id` lets the handler tell the youth."""

    request_id: int
    approved: bool
    youth_telegram_id: int
    youth_locale: str | None


class PrivacyService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def export(self, person: Person, gettext: Gettext) -> Export:
        """Everything stored about `person`, as JSON and as readable text (with who read their
        data, when and why)."""
        now = self.clock.now()
        data = await PersonalDataRepository(self.session).export(person)
        names = await self._actor_names(data.get("audit_log", []))
        document = {
            "exported_at": now.isoformat(),
            "person_id": person.id,
            "tables": data,
        }
        await AuditRepository(self.session).add(
            "data.exported", now, actor_id=person.id, subject_id=person.id
        )
        await self.session.commit()
        as_json = json.dumps(document, ensure_ascii=False, indent=2, default=str)
        return Export(
            document,
            as_json.encode("utf-8"),
            readable_export(document, names, gettext).encode("utf-8"),
        )

    async def _actor_names(self, entries: list[dict[str, Any]]) -> dict[int, str]:
        people = PeopleRepository(self.session)
        names: dict[int, str] = {}
        for entry in entries:
            actor_id = entry.get("actor_id")
            if isinstance(actor_id, int) and actor_id not in names:
                actor = await people.by_id(actor_id)
                if actor is not None:
                    role = "staff" if actor.is_staff else "mentor" if actor.is_mentor else "youth"
                    names[actor_id] = f"{actor.first_name} ({role})"
        return names

    async def request_erasure(self, youth: Person) -> ErasureRequest:
        """Records the request (once) and asks every staff member to confirm it in the bot."""
        requests = ErasureRequestsRepository(self.session)
        existing = await requests.open_for(youth.id)
        if existing is not None:
            return existing
        now = self.clock.now()
        request = await requests.add(youth.id, now)
        staff = await PeopleRepository(self.session).with_role(Role.STAFF)
        await DeliveriesRepository(self.session).add_due(
            [
                NewDelivery(
                    member.id,
                    ERASURE_REQUEST,
                    f"erasure:{request.id}",
                    now,
                    {"request_id": request.id},
                )
                for member in staff
            ],
            now,
            DeliveryStatus.PENDING,
        )
        await AuditRepository(self.session).add(
            "erasure.requested",
            now,
            actor_id=youth.id,
            subject_id=youth.id,
            request_id=request.id,
        )
        await self.session.commit()
        return request

    async def decide_erasure(
        self, actor: Person | None, request_id: int, approve: bool
    ) -> ErasureDecision | None:
        """Staff only (checked here, from the database). Approve: every row of the youth is
        removed. None when refused or when the request is no longer open."""
        audit = AuditRepository(self.session)
        now = self.clock.now()
        if actor is None or not actor.is_staff:
            await audit.add(
                "access.denied",
                now,
                actor_id=actor.id if actor else None,
                what="erasure_request",
                ref=request_id,
            )
            await self.session.commit()
            return None
        request = await ErasureRequestsRepository(self.session).get(request_id)
        if request is None or request.status != ErasureStatus.REQUESTED.value:
            return None
        youth = await PeopleRepository(self.session).by_id(request.person_id)
        if youth is None:
            return None
        decision = ErasureDecision(request.id, approve, youth.telegram_id, youth.locale)
        if approve:
            counts = await PersonalDataRepository(self.session).erase(youth)
            await audit.add(
                "person.erased",
                now,
                actor_id=actor.id,
                reason="request",
                rows=sum(counts.values()),
            )
        else:
            request.status = ErasureStatus.REFUSED.value
            request.decided_at = now
            request.decided_by_id = actor.id
            await audit.add(
                "erasure.refused",
                now,
                actor_id=actor.id,
                subject_id=youth.id,
                request_id=request.id,
            )
        await self.session.commit()
        return decision

    async def open_request(self, request_id: int) -> tuple[ErasureRequest, Person] | None:
        request = await ErasureRequestsRepository(self.session).get(request_id)
        if request is None or request.status != ErasureStatus.REQUESTED.value:
            return None
        youth = await PeopleRepository(self.session).by_id(request.person_id)
        return (request, youth) if youth is not None else None

    async def purge_expired(self, retention_days: int) -> list[int]:
        """Retention: erases everyone who left more than `retention_days` ago; drops held crisis
        texts nobody decided about and old handled-update ids. Returns the erased Telegram ids.
        Commits."""
        now = self.clock.now()
        repo = PersonalDataRepository(self.session)
        erased: list[int] = []
        for person in await repo.left_before(now - timedelta(days=retention_days)):
            erased.append(person.telegram_id)
            counts = await repo.erase(person)
            await AuditRepository(self.session).add(
                "person.erased", now, reason="retention", rows=sum(counts.values())
            )
        await CrisisFlagsRepository(self.session).drop_undecided_texts(
            now - timedelta(hours=UNDECIDED_TEXT_HOURS)
        )
        await ProcessedUpdatesRepository(self.session).forget_before(
            now - timedelta(days=PROCESSED_UPDATES_KEEP_DAYS)
        )
        await self.session.commit()
        return erased


def readable_export(document: dict[str, Any], names: dict[int, str], gettext: Gettext) -> str:
    """The export as plain text: first who read the data and why, then every table's rows."""
    tables: dict[str, list[dict[str, Any]]] = document["tables"]
    lines = [gettext("Everything Fremad stores about you"), document["exported_at"], ""]
    lines.append(gettext("Who looked at your data"))
    reads = [e for e in tables.get("audit_log", []) if e["action"] == "data.read"]
    if not reads:
        lines.append("  " + gettext("Nobody but you has looked at your data."))
    for entry in reads:
        who = names.get(entry["actor_id"], gettext("someone who is no longer in Fremad"))
        purpose = entry["detail"].get("purpose", "")
        lines.append(f"  {entry['at']} — {who} — {purpose}")
    for name, rows in tables.items():
        lines += ["", f"== {name} ({len(rows)}) =="]
        for row in rows:
            lines.append("  " + "; ".join(f"{k}: {v}" for k, v in row.items()))
    return "\n".join(lines) + "\n"
