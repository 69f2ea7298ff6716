"""Everything stored about one person, found from the schema itself (Base.metadata), so a table
another feature adds later is exported and erased without anyone remembering to list it.

The rule, in plain words:
* a row belongs to a person when one of its foreign keys to ``people.id`` deletes with the
  person (ON DELETE CASCADE, or no rule) — or is the invite they used (it holds the name hint);
* a foreign key that is ``SET NULL`` only points at someone (a mentor who acknowledged an
  alert, a staff member who published a script): erasure clears the pointer, export leaves it;
* the audit log (no foreign keys: it outlives people) holds entries by or about the person;
* conversation state rows are keyed by the Telegram id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Base, ConversationState, Person

# Rows that hold a person's data although their foreign key is SET NULL.
_OWNING_NULLABLE_REFERENCES = {("invites", "used_by_id")}
_SKIPPED_TABLES = {"people", "audit_log", "conversation_states"}


@dataclass(frozen=True)
class PersonReference:
    table: Table
    column: Column[Any]
    owning: bool


def person_references() -> list[PersonReference]:
    """Every column in the schema that points at ``people.id``, children before parents."""
    found: list[PersonReference] = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in _SKIPPED_TABLES:
            continue
        for column in table.columns:
            for key in column.foreign_keys:
                if key.column.table.name != "people":
                    continue
                ondelete = (key.ondelete or "").upper()
                owning = ondelete != "SET NULL" or (table.name, column.name) in (
                    _OWNING_NULLABLE_REFERENCES
                )
                found.append(PersonReference(table, column, owning))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


class PersonalDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def export(self, person: Person) -> dict[str, list[dict[str, Any]]]:
        """Table name → the person's rows (encrypted columns decrypted), JSON-ready."""
        tables: dict[str, list[dict[str, Any]]] = {
            "people": [await self._row(Person.__table__, Person.__table__.c.id == person.id)]
        }
        for ref in person_references():
            if not ref.owning:
                continue
            result = await self.session.execute(select(ref.table).where(ref.column == person.id))
            rows = [{k: _plain(v) for k, v in row._mapping.items()} for row in result]
            if rows:
                existing = tables.setdefault(ref.table.name, [])
                existing.extend(r for r in rows if r not in existing)
        audit = await self.session.execute(
            select(AuditEntry)
            .where(or_(AuditEntry.subject_id == person.id, AuditEntry.actor_id == person.id))
            .order_by(AuditEntry.id)
        )
        tables["audit_log"] = [
            {
                "at": entry.at.isoformat(),
                "actor_id": entry.actor_id,
                "action": entry.action,
                "subject_id": entry.subject_id,
                "detail": json.loads(entry.detail or "{}"),
            }
            for entry in audit.scalars()
        ]
        return tables

    async def _row(self, table: Any, where: Any) -> dict[str, Any]:
        result = await self.session.execute(select(table).where(where))
        return {k: _plain(v) for k, v in result.one()._mapping.items()}

    async def erase(self, person: Person) -> dict[str, int]:
        """Deletes every row of the person and clears every pointer to them; returns counts per
        table. The caller commits (and audits without naming the person)."""
        counts: dict[str, int] = {}
        for ref in person_references():
            statement = (
                delete(ref.table).where(ref.column == person.id)
                if ref.owning
                else update(ref.table).where(ref.column == person.id).values({ref.column: None})
            )
            result = await self.session.execute(statement)
            affected = int(getattr(result, "rowcount", 0) or 0)
            if affected:
                counts[ref.table.name] = counts.get(ref.table.name, 0) + affected
        audit = await self.session.execute(
            delete(AuditEntry).where(
                or_(AuditEntry.subject_id == person.id, AuditEntry.actor_id == person.id)
            )
        )
        counts["audit_log"] = int(getattr(audit, "rowcount", 0) or 0)
        counts["conversation_states"] = await self._forget_conversations(person.telegram_id)
        await self.session.execute(delete(Person).where(Person.id == person.id))
        counts["people"] = 1
        self.session.expunge(person)
        return counts

    async def _forget_conversations(self, telegram_id: int) -> int:
        """Conversation rows whose key names the Telegram id as one of its parts."""
        part = str(telegram_id)
        keys: Sequence[str] = (
            (
                await self.session.execute(
                    select(ConversationState.key).where(ConversationState.key.contains(part))
                )
            )
            .scalars()
            .all()
        )
        doomed = [key for key in keys if part in key.split(":")]
        if doomed:
            await self.session.execute(
                delete(ConversationState).where(ConversationState.key.in_(doomed))
            )
        return len(doomed)

    async def left_before(self, moment: datetime) -> Sequence[Person]:
        """People who left the programme before `moment` (retention is due for them)."""
        result = await self.session.execute(
            select(Person).where(Person.left_at.is_not(None), Person.left_at < moment)
        )
        return result.scalars().all()
