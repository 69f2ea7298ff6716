"""Starting the motivation feature's conversations (staff scripts) and taking their answers.

Purposes and scripts:
- "goal"        goal_setting.yaml   a goal for a sub-goal, its first step and a date
- "goal_step"   goal_step.yaml      the next step, with the ladder's suggestion offered
- "self_rating" self_rating.yaml    the weekly 1–10 rating of each active sub-goal
- "success"     own_success.yaml    a success in the youth's own words
The hooks below run inside the runner's transaction (they never commit or send).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import PromptLibrary, Turn
from bot.dialogs.render import pick_locale
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.dialog_runner import (
    ConversationStore,
    DialogHooks,
    DialogRunner,
    FinishHook,
    RunInfo,
    RunTurn,
)
from bot.services.goals import GoalService
from bot.services.prompt_library import resolve_library
from bot.services.ratings import RatingService
from bot.services.successes import SuccessService
from storage.models import Person, SuccessKind

GOAL, GOAL_STEP, SELF_RATING, SUCCESS = "goal", "goal_step", "self_rating", "success"
SCRIPTS = {
    GOAL: "goal_setting",
    GOAL_STEP: "goal_step",
    SELF_RATING: "self_rating",
    SUCCESS: "own_success",
}


@dataclass
class MotivationFlows:
    runner: DialogRunner
    goals: GoalService
    active: ActiveSubgoals

    async def begin_goal(self, person: Person, conversation: ConversationStore) -> RunTurn:
        return await self.runner.begin(
            person,
            conversation,
            SCRIPTS[GOAL],
            purpose=GOAL,
            for_date=self.goals.today(person),
            active_subgoals=await self.active.of(person.id),
        )

    async def begin_next_step(
        self, person: Person, conversation: ConversationStore, goal_id: int
    ) -> RunTurn | None:
        """The next step for a goal; the ladder's suggestion is offered, never imposed."""
        goal = await self.goals.goal(person, goal_id)
        if goal is None:
            return None
        suggestion = await self.goals.suggestion(person, goal)
        variables: dict[str, object] = {"goal": goal.text}
        level = 1
        if suggestion is not None:
            level = suggestion.level
            variables["step"] = pick_locale(suggestion.text, person.locale or "da")
        return await self.runner.begin(
            person,
            conversation,
            SCRIPTS[GOAL_STEP],
            purpose=GOAL_STEP,
            for_date=self.goals.today(person),
            ref=f"{goal.id}:{level}",
            variables=variables,
        )

    async def begin_self_rating(
        self, person: Person, conversation: ConversationStore, day: date
    ) -> RunTurn:
        return await self.runner.begin(
            person,
            conversation,
            SCRIPTS[SELF_RATING],
            purpose=SELF_RATING,
            for_date=day,
            active_subgoals=await self.active.working_on(person.id),
        )

    async def begin_success(self, person: Person, conversation: ConversationStore) -> RunTurn:
        return await self.runner.begin(
            person,
            conversation,
            SCRIPTS[SUCCESS],
            purpose=SUCCESS,
            for_date=self.goals.today(person),
        )


def _answers(turn: Turn) -> Mapping[str, Any]:
    answers = turn.state.get("answers", {})
    return answers if isinstance(answers, dict) else {}


def register_motivation_hooks(
    hooks: DialogHooks, clock: Clock, library: Callable[[], PromptLibrary]
) -> None:
    """The hooks of the goal, next-step, self-rating and own-success scripts."""

    async def goal_finished(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        answers = _answers(turn)
        if answers.get("goal_confirmed") is not True:
            return
        await GoalService(session, clock, library()).create_goal(
            person,
            str(answers["goal_subgoal"]),
            str(answers["goal_text"]),
            str(answers["first_step"]),
            date.fromisoformat(str(answers["step_due"])),
        )

    async def step_finished(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        answers = _answers(turn)
        goal_id, level = (int(part) for part in (info.ref or "0:1").split(":", 1))
        service = GoalService(session, clock, library())
        goal = await service.goal(person, goal_id)
        if goal is None or "step_due" not in answers:
            return
        ladder = (await resolve_library(service.library)).ladders.get(goal.subgoal)
        if answers.get("use_suggestion") == "use" and ladder is not None:
            text = pick_locale(ladder.at(level).text, person.locale or "da")
        else:
            text = str(answers.get("step_text") or "")
        if text:
            await service.add_step(
                person, goal_id, text, level, date.fromisoformat(str(answers["step_due"]))
            )

    async def answers_recorded(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        """Self-ratings into the rating series; a success in own words into the list."""
        ratings = RatingService(session, clock)
        for item in turn.recorded:
            if item.skipped:
                continue
            if item.metric == "self_rating" and item.subgoal and isinstance(item.value, int):
                await ratings.record_self(person, item.subgoal, item.value, info.for_date)
            elif item.metric == "success" and isinstance(item.value, str) and item.value.strip():
                await SuccessService(session, clock).note(
                    person,
                    SuccessKind.OWN,
                    ref=None,
                    text=item.value.strip()[:500],
                    subgoal=item.subgoal,
                    shared=bool(item.shared_with_mentor),
                )

    hooks.on_finished[GOAL] = goal_finished
    hooks.on_finished[GOAL_STEP] = step_finished
    hooks.on_recorded[SELF_RATING] = answers_recorded
    hooks.on_recorded[SUCCESS] = answers_recorded


def chain_hook(hooks: dict[str, FinishHook], purpose: str, extra: FinishHook) -> None:
    """Runs `extra` after whatever hook the purpose already has (one hook per purpose)."""
    previous = hooks.get(purpose)

    async def chained(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        if previous is not None:
            await previous(session, person, info, turn, now)
        await extra(session, person, info, turn, now)

    hooks[purpose] = chained
