"""`fremad people`: who is who, as a plain aligned table for operators.

Only the columns an operator needs to find someone (first name, roles, a youth's current
mentor, Telegram id); nothing a person wrote. The rows come from bot/services/people_directory.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import SystemClock
from bot.config import Settings
from bot.database_setup import operator_database
from bot.services.people_directory import PeopleDirectory, PersonRow
from storage.models import Role

HEADERS = ("NAME", "ROLE", "MENTOR", "TELEGRAM ID")


async def list_people(settings: Settings, role: str | None) -> list[PersonRow]:
    async with operator_database(settings) as sessionmaker, sessionmaker() as session:
        return await PeopleDirectory(session, SystemClock()).listing(
            Role(role) if role is not None else None
        )


def people_table(rows: Sequence[PersonRow]) -> str:
    """Columns padded to their widest cell; a youth who has left says so beside the role."""
    cells = [HEADERS] + [
        (
            row.first_name or "-",
            ", ".join(role.value for role in row.roles) + (" (left)" if row.left else ""),
            f"{row.mentor_name or '-'} ({row.mentor_telegram_id})"
            if row.mentor_telegram_id is not None
            else "-",
            str(row.telegram_id),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in cells) for column in range(len(HEADERS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )
