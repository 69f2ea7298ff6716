"""The step-wise raised demand, as a pure rule over a goal's steps and its sub-goal's ladder.

The outcome of the latest step decides the next suggestion: done → one rung up; dropped, or
still open after its due date → a miss: hold the level after one miss, one rung down after two
in a row (the ladder itself holds that rule: `Ladder.suggest`). A step that is open and not yet
due leaves the level where it is. The ladder is staff data in dialogs/scripts/prompts.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.dialogs import Ladder
from storage.models import GoalStep, StepStatus

Outcome = Literal["done", "missed"]
Direction = Literal["start", "up", "same", "down"]


@dataclass(frozen=True)
class Suggestion:
    level: int
    text: dict[str, str]
    direction: Direction


def is_missed(step: GoalStep, today: date) -> bool:
    return step.status == StepStatus.DROPPED.value or (
        step.status == StepStatus.OPEN.value and step.due_date < today
    )


def latest_outcome(
    steps: Sequence[GoalStep], today: date
) -> tuple[int | None, Outcome | None, int]:
    """(level of the latest step, its outcome, misses in a row at the end)."""
    if not steps:
        return None, None, 0
    ordered = sorted(steps, key=lambda s: s.id)
    last = ordered[-1]
    if last.status == StepStatus.DONE.value:
        return last.level, "done", 0
    misses = 0
    for step in reversed(ordered):
        if not is_missed(step, today):
            break
        misses += 1
    return last.level, ("missed" if misses else None), misses


def suggest_next(steps: Sequence[GoalStep], ladder: Ladder, today: date) -> Suggestion:
    """The next step to suggest for a goal — suggested, never imposed."""
    level, outcome, misses = latest_outcome(steps, today)
    rung = ladder.suggest(level, outcome, misses)
    if level is None:
        direction: Direction = "start"
    elif rung.level > level:
        direction = "up"
    elif rung.level < level:
        direction = "down"
    else:
        direction = "same"
    return Suggestion(rung.level, dict(rung.text), direction)
