"""Events the built-in scripts' answers raise for script triggers (dialogs/README.md lists them).

Chained after the features' own hooks, inside the runner's transaction (nothing commits here):
- `checkin_low_mood`: a check-in's mood answer of LOW_MOOD_MAX or less (once per day);
- `absence_with_reason`: the attendance follow-up answered "absent" with a reason (once per
  occurrence).
Goal steps, successes and mentor notes raise theirs where they are saved (goals, successes,
mentor desk services); `silent_days` is planned over time (bot/scheduling/script_triggers.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Turn
from bot.services.attendance_followup import FOLLOWUP_PURPOSE
from bot.services.checkins import CHECKIN_PURPOSE
from bot.services.dialog_runner import DialogHooks, RunInfo
from bot.services.motivation_flows import chain_hook
from bot.services.script_triggers import LOW_MOOD_MAX, emit_event
from storage.models import Person


async def _checkin_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    for item in turn.recorded:
        if item.metric == "mood" and isinstance(item.value, int) and item.value <= LOW_MOOD_MAX:
            await emit_event(
                session,
                person.id,
                "checkin_low_mood",
                now,
                ref=info.for_date.isoformat(),
                variables={"mood": item.value},
            )


async def _followup_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    for item in turn.recorded:
        if item.key == "absence_reason" and not item.skipped and isinstance(item.value, str):
            await emit_event(
                session,
                person.id,
                "absence_with_reason",
                now,
                ref=info.ref or info.for_date.isoformat(),
                variables={"date": info.for_date.strftime("%d.%m."), "reason": item.value},
            )


def register_event_hooks(hooks: DialogHooks) -> None:
    chain_hook(hooks.on_recorded, CHECKIN_PURPOSE, _checkin_recorded)
    chain_hook(hooks.on_recorded, FOLLOWUP_PURPOSE, _followup_recorded)
