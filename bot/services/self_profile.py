""" "What works for me": the young person's own profile, asked through the staff script
`what_works` (/mig) and shown back with the successes it can draw on.

The rules, in plain words:
- Only the young person writes it; a skipped question keeps the earlier answer.
- The mentor sees it only when the young person said yes to sharing (the last question); a
  "no" later takes it back. At hand-over the new mentor gets it — with that yes only — and is
  asked to read it before the first talk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import Turn
from bot.services.dialog_runner import (
    ConversationStore,
    DialogHooks,
    DialogRunner,
    RunInfo,
    RunTurn,
)
from storage.models import Person, SelfProfile

PROFILE_SCRIPT = "what_works"
PROFILE_PURPOSE = "self_profile"
PROFILE_FIELDS = ("strengths", "bad_day_help", "makes_worse", "support_needed")


@dataclass(frozen=True)
class ProfileView:
    strengths: str | None
    bad_day_help: str | None
    makes_worse: str | None
    support_needed: str | None
    shared: bool

    @property
    def empty(self) -> bool:
        return not any((self.strengths, self.bad_day_help, self.makes_worse, self.support_needed))


def _view(row: SelfProfile) -> ProfileView:
    return ProfileView(
        row.strengths,
        row.bad_day_help,
        row.makes_worse,
        row.support_needed,
        row.shared_with_mentor,
    )


class SelfProfiles:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def begin(
        self, youth: Person, conversation: ConversationStore, runner: DialogRunner
    ) -> RunTurn:
        today = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        return await runner.begin(
            youth, conversation, PROFILE_SCRIPT, purpose=PROFILE_PURPOSE, for_date=today
        )

    async def own(self, youth: Person) -> ProfileView | None:
        row = await self.session.get(SelfProfile, youth.id)
        return _view(row) if row else None

    async def shared(self, youth_id: int) -> ProfileView | None:
        """For a mentor (the caller checked they follow the youth): only with the youth's yes."""
        row = await self.session.get(SelfProfile, youth_id)
        return _view(row) if row is not None and row.shared_with_mentor else None


async def _on_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    row = await session.get(SelfProfile, person.id)
    if row is None:
        row = SelfProfile(youth_id=person.id, updated_at=now)
        session.add(row)
    for item in turn.recorded:
        if item.key in PROFILE_FIELDS and isinstance(item.value, str) and item.value.strip():
            setattr(row, item.key, item.value.strip())
        elif item.key == "share_profile" and isinstance(item.value, bool):
            row.shared_with_mentor = item.value
        row.updated_at = now


def register_self_profile_hooks(hooks: DialogHooks) -> None:
    hooks.on_recorded[PROFILE_PURPOSE] = _on_recorded
