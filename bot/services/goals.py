"""Goals tied to a sub-goal, their small steps, and the next suggested step.

A step can be ticked off, moved to a new date, or dropped — without shame: a dropped step is
simply gone from the list, and the next suggestion is the same size or smaller. After a done
step the suggestion is one rung up the sub-goal's ladder (see bot/services/step_ladder.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import PromptLibrary
from bot.services.access import AccessService
from bot.services.prompt_library import LibrarySource, resolve_library
from bot.services.ratings import week_bounds
from bot.services.script_triggers import emit_event
from bot.services.step_ladder import Suggestion, is_missed, suggest_next
from bot.services.successes import SuccessService, local_day
from storage.models import Goal, GoalStatus, GoalStep, Person, StepStatus, SuccessKind
from storage.repositories.goals import GoalsRepository

MOVE_CHOICES_DAYS = (1, 3, 7, 14)


@dataclass(frozen=True)
class GoalBoard:
    """One active goal with its steps (dropped ones left out) and the next suggestion."""

    goal: Goal
    steps: list[GoalStep]
    suggestion: Suggestion | None


@dataclass(frozen=True)
class StepResult:
    step: GoalStep
    goal: Goal
    suggestion: Suggestion | None


@dataclass(frozen=True)
class StepLine:
    goal_id: int
    subgoal: str
    goal_text: str
    step_text: str
    due_date: date
    status: StepStatus
    overdue: bool
    times_moved: int


@dataclass(frozen=True)
class StepsSummary:
    """A youth's week in steps: done, dropped, still open (due that week or overdue)."""

    week_start: date
    done: list[StepLine] = field(default_factory=list)
    dropped: list[StepLine] = field(default_factory=list)
    open: list[StepLine] = field(default_factory=list)
    goals_reached: list[str] = field(default_factory=list)


class GoalService:
    def __init__(self, session: AsyncSession, clock: Clock, library: LibrarySource) -> None:
        self.session = session
        self.clock = clock
        self.library = library
        self.repo = GoalsRepository(session)

    def today(self, youth: Person) -> date:
        return local_day(youth, self.clock.now())

    async def create_goal(
        self,
        youth: Person,
        subgoal: str,
        text: str,
        first_step: str,
        due: date,
        *,
        by: Person | None = None,
    ) -> Goal:
        """A new goal with its first step (ladder level 1). Does not commit (dialog hook)."""
        now = self.clock.now()
        goal = await self.repo.add_goal(
            Goal(
                youth_id=youth.id,
                subgoal=subgoal,
                text=text.strip(),
                created_at=now,
                created_by_id=(by or youth).id,
            )
        )
        await self._add_step(youth, goal, first_step, 1, due)
        return goal

    async def add_step(
        self, youth: Person, goal_id: int, text: str, level: int, due: date
    ) -> None:
        """A next step for an active goal of this youth. Does not commit (dialog hook)."""
        goal = await self._own_goal(youth, goal_id)
        if goal is not None and goal.status == GoalStatus.ACTIVE.value:
            await self._add_step(youth, goal, text, level, due)

    async def boards(self, youth: Person) -> list[GoalBoard]:
        goals = await self.repo.goals_of(youth.id, [GoalStatus.ACTIVE])
        steps = await self.repo.steps_of_goals([g.id for g in goals])
        today = self.today(youth)
        library = await resolve_library(self.library)
        return [
            GoalBoard(
                goal,
                [s for s in steps if s.goal_id == goal.id and s.status != StepStatus.DROPPED],
                self._suggest(library, goal, [s for s in steps if s.goal_id == goal.id], today),
            )
            for goal in goals
        ]

    async def goal(self, youth: Person, goal_id: int) -> Goal | None:
        return await self._own_goal(youth, goal_id)

    async def step(self, youth: Person, step_id: int) -> GoalStep | None:
        """The youth's own step; another youth's step id is refused and audited."""
        step = await self.repo.step(step_id)
        if step is not None and step.youth_id != youth.id:
            await AccessService(self.session, self.clock).refuse(youth, "goal_step", step_id)
            return None
        return step

    async def suggestion(self, youth: Person, goal: Goal) -> Suggestion | None:
        steps = await self.repo.steps_of_goals([goal.id])
        library = await resolve_library(self.library)
        return self._suggest(library, goal, list(steps), self.today(youth))

    async def complete_step(self, youth: Person, step_id: int) -> StepResult | None:
        """Ticks a step off, names it as a success, and suggests a slightly bigger next one."""
        return await self._close(youth, step_id, StepStatus.DONE)

    async def drop_step(self, youth: Person, step_id: int) -> StepResult | None:
        """Lets a step go; the next suggestion is the same size or smaller."""
        return await self._close(youth, step_id, StepStatus.DROPPED)

    async def move_step(self, youth: Person, step_id: int, days: int) -> GoalStep | None:
        """A new due date `days` from today (a move is not a miss)."""
        step = await self.step(youth, step_id)
        if step is None or step.status != StepStatus.OPEN.value or days not in MOVE_CHOICES_DAYS:
            return None
        step.due_date = self.today(youth) + timedelta(days=days)
        step.times_moved += 1
        await self.session.commit()
        return step

    async def close_goal(self, youth: Person, goal_id: int, reached: bool) -> Goal | None:
        goal = await self._own_goal(youth, goal_id)
        if goal is None or goal.status != GoalStatus.ACTIVE.value:
            return None
        goal.status = (GoalStatus.REACHED if reached else GoalStatus.DROPPED).value
        goal.closed_at = self.clock.now()
        if reached:
            await SuccessService(self.session, self.clock).note(
                youth,
                SuccessKind.GOAL_REACHED,
                ref=f"goal:{goal.id}",
                subgoal=goal.subgoal,
                text=goal.text,
            )
        await self.session.commit()
        return goal

    async def steps_summary(self, youth: Person, week: date) -> StepsSummary:
        """Steps done or dropped in the ISO week of `week`, and those open that were due by
        its end; plus goals reached that week."""
        monday, sunday = week_bounds(week)
        steps = await self.repo.steps_touching(youth.id, monday, sunday)
        goals = await self.repo.goals_by_id([s.goal_id for s in steps])
        summary = StepsSummary(monday)
        today = min(self.today(youth), sunday + timedelta(days=1))
        for step in steps:
            goal = goals[step.goal_id]
            line = StepLine(
                goal.id,
                goal.subgoal,
                goal.text,
                step.text,
                step.due_date,
                StepStatus(step.status),
                is_missed(step, today),
                step.times_moved,
            )
            {"done": summary.done, "dropped": summary.dropped, "open": summary.open}[
                step.status
            ].append(line)
        for goal in await self.repo.goals_of(youth.id, [GoalStatus.REACHED]):
            closed = goal.closed_at and local_day(youth, goal.closed_at)
            if closed and monday <= closed <= sunday:
                summary.goals_reached.append(goal.text)
        return summary

    async def _close(self, youth: Person, step_id: int, status: StepStatus) -> StepResult | None:
        step = await self.step(youth, step_id)
        if step is None or step.status != StepStatus.OPEN.value:
            return None
        goal = await self.repo.goal(step.goal_id)
        assert goal is not None
        now = self.clock.now()
        step.status = status.value
        step.closed_at = now
        step.closed_on = self.today(youth)
        if status is StepStatus.DONE:
            await SuccessService(self.session, self.clock).note(
                youth,
                SuccessKind.STEP_DONE,
                ref=f"step:{step.id}",
                subgoal=goal.subgoal,
                text=step.text,
            )
        event = "goal_step_done" if status is StepStatus.DONE else "goal_step_missed"
        await emit_event(self.session, youth.id, event, now, ref=f"step:{step.id}")
        await self.session.flush()
        suggestion = await self.suggestion(youth, goal)
        await self.session.commit()
        return StepResult(step, goal, suggestion)

    async def _add_step(self, youth: Person, goal: Goal, text: str, level: int, due: date) -> None:
        await self.repo.add_step(
            GoalStep(
                goal_id=goal.id,
                youth_id=youth.id,
                text=text.strip(),
                level=max(1, level),
                due_date=due,
                created_at=self.clock.now(),
            )
        )

    async def _own_goal(self, youth: Person, goal_id: int) -> Goal | None:
        """The youth's own goal; another youth's goal id (only a forged button carries one: a
        script's ref is set by the bot) is refused, audited and committed at once."""
        goal = await self.repo.goal(goal_id)
        if goal is not None and goal.youth_id != youth.id:
            await AccessService(self.session, self.clock).refuse(youth, "goal", goal_id)
            return None
        return goal

    @staticmethod
    def _suggest(
        library: PromptLibrary, goal: Goal, steps: list[GoalStep], today: date
    ) -> Suggestion | None:
        ladder = library.ladders.get(goal.subgoal)
        return None if ladder is None else suggest_next(steps, ladder, today)
