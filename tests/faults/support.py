"""Shared pieces of the fault suite: people onboarded through the real dispatcher, counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.local_telegram import FakeTelegram, FakeUser
from storage.models import Person, Role
from tests.harness import Harness

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


async def onboard_cohort(
    h: Harness, youths: int, first_id: int = 1000
) -> tuple[Person, list[FakeUser]]:
    """A mentor (id ``first_id``) and ``youths`` youths linked to them (check-in at 09:00)."""
    mentor = h.user(first_id, "Mentorine")
    mentor_person = await h.onboard(mentor, Role.MENTOR)
    people = []
    for index in range(1, youths + 1):
        user = h.user(first_id + index, f"Youth{first_id + index}")
        await h.onboard(user, Role.YOUTH, mentor=first_id)
        people.append(user)
    return mentor_person, people


def bot_messages(tg: FakeTelegram, chat_id: int) -> int:
    return len(tg.messages_in(chat_id))


def report(title: str, **counts: Any) -> None:
    """The suite prints its counts (pytest -s shows them; -rA keeps them in the summary)."""
    figures = ", ".join(f"{key}={value}" for key, value in counts.items())
    print(f"\n[faults] {title}: {figures}")


async def statuses(h: Harness, kind: str) -> dict[str, int]:
    async with h.app.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT status, COUNT(*) FROM deliveries WHERE kind = :kind GROUP BY status"),
            {"kind": kind},
        )
        return {status: count for status, count in rows.all()}
