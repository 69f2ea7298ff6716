"""`fremad db rotate-key`: re-encrypt every EncryptedText column with the newest key.

Rotation, step by step (also in docs/PRIVACY.md):
1. `fremad keygen` → a new key. Set ENCRYPTION_KEY="NEW,OLD" (newest first) and restart: new
   writes use NEW, old rows stay readable with OLD.
2. `fremad db rotate-key` re-encrypts every stored text with NEW (safe to run while the bot runs,
   and to run again).
3. Set ENCRYPTION_KEY="NEW" and restart. OLD can now be destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Text, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto
from storage.crypto import EncryptedText
from storage.models import Base

BATCH = 500


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    column: str


def encrypted_columns() -> list[EncryptedColumn]:
    """Every column stored encrypted, across all features' tables."""
    return [
        EncryptedColumn(table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


async def rotate_all(session: AsyncSession) -> dict[str, int]:
    """Re-encrypts each value with the newest configured key; commits per batch. Returns the
    count per "table.column". Raises EncryptionNotConfigured for a value no key can read."""
    counts: dict[str, int] = {}
    for found in encrypted_columns():
        table = Base.metadata.tables[found.table]
        column = table.c[found.column]
        keys = list(table.primary_key.columns)
        raw = type_coerce(column, Text)
        done = 0
        offset = 0
        while True:
            rows = (
                await session.execute(
                    select(*keys, raw.label("raw"))
                    .where(column.is_not(None))
                    .order_by(*keys)
                    .limit(BATCH)
                    .offset(offset)
                )
            ).all()
            if not rows:
                break
            for row in rows:
                where = [key == row._mapping[key.name] for key in keys]
                try:
                    fresh = crypto.rotate(str(row._mapping["raw"]))
                except InvalidToken as exc:
                    raise crypto.EncryptionNotConfigured(
                        f"{found.table}.{found.column}: a value no configured key can read"
                    ) from exc
                await session.execute(
                    update(table).where(*where).values({column.name: type_coerce(fresh, Text)})
                )
            await session.commit()
            done += len(rows)
            offset += len(rows)
        counts[f"{found.table}.{found.column}"] = done
    return counts
