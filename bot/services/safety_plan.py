"""A youth's own safety plan: warning signs, what calms them, people to call.

Asked through the staff script ``safety_plan`` (so staff can reword it); each answer is written
to the encrypted SafetyPlan row as it comes in. A skipped question keeps the earlier answer.
Only the youth sees the plan (in /sos); it is never part of a mentor's view.
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
from storage.models import Person
from storage.repositories.safety import SafetyPlansRepository

SAFETY_PLAN_SCRIPT = "safety_plan"
SAFETY_PLAN_PURPOSE = "safety_plan"
PLAN_FIELDS = ("warning_signs", "calming", "people_to_call")


@dataclass(frozen=True)
class PlanView:
    warning_signs: str | None
    calming: str | None
    people_to_call: str | None

    @property
    def empty(self) -> bool:
        return not (self.warning_signs or self.calming or self.people_to_call)


class SafetyPlanService:
    def __init__(self, session: AsyncSession, clock: Clock, runner: DialogRunner) -> None:
        self.session = session
        self.clock = clock
        self.runner = runner

    async def begin(self, youth: Person, conversation: ConversationStore) -> RunTurn:
        today = self.clock.now().astimezone(ZoneInfo(youth.timezone)).date()
        return await self.runner.begin(
            youth, conversation, SAFETY_PLAN_SCRIPT, purpose=SAFETY_PLAN_PURPOSE, for_date=today
        )

    async def plan_of(self, youth: Person) -> PlanView | None:
        plan = await SafetyPlansRepository(self.session).get(youth.id)
        if plan is None:
            return None
        return PlanView(plan.warning_signs, plan.calming, plan.people_to_call)


async def _on_recorded(
    session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
) -> None:
    plan = await SafetyPlansRepository(session).get_or_create(person.id, now)
    for item in turn.recorded:
        if item.key in PLAN_FIELDS and isinstance(item.value, str) and item.value.strip():
            setattr(plan, item.key, item.value.strip())
            plan.updated_at = now


def register_safety_plan_hooks(hooks: DialogHooks) -> None:
    hooks.on_recorded[SAFETY_PLAN_PURPOSE] = _on_recorded
