"""A young person's own ladder for one sub-goal, and the rule that suggests the next rung.

Per sub-goal and per person: for "responsibility", when the young person has an attendance plan
with N planned days a week, the rungs are "show up k of your N planned days this week"
(k = 1..N), measured by attendance; otherwise the staff ladder in dialogs/scripts/prompts.yaml.
The suggestion follows the person's own demands for that sub-goal: done → one rung up; said
"too much" → one rung down (the mentor may hold it instead); one miss → hold, two in a row → one
rung down; none yet → the first rung. The belief never changes with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.dialogs import PromptLibrary
from storage.models.demands import Demand, DemandStatus

ATTENDANCE_SUBGOAL = "responsibility"
Direction = Literal["start", "up", "same", "down"]


@dataclass(frozen=True)
class Rung:
    level: int
    # Staff text per language; empty for an attendance rung (worded where it is shown).
    text: dict[str, str]
    attendance_days: int | None = None
    planned_days: int | None = None


@dataclass(frozen=True)
class Suggestion:
    rung: Rung
    direction: Direction


def person_ladder(subgoal: str, library: PromptLibrary, planned_days: int) -> list[Rung]:
    if subgoal == ATTENDANCE_SUBGOAL and planned_days > 0:
        return [
            Rung(k, {}, attendance_days=k, planned_days=planned_days)
            for k in range(1, planned_days + 1)
        ]
    ladder = library.ladders.get(subgoal)
    if ladder is None:
        return []
    return [Rung(step.level, dict(step.text)) for step in ladder.steps]


def suggest(history: Sequence[Demand], ladder: Sequence[Rung]) -> Suggestion | None:
    """The next rung for this person, from their own demands for the sub-goal (oldest first)."""
    if not ladder:
        return None
    levels = [rung.level for rung in ladder]
    lowest, highest = min(levels), max(levels)
    if not history:
        return Suggestion(_at(ladder, lowest), "start")
    last = history[-1]
    level = last.level
    if last.status == DemandStatus.DONE.value:
        level += 1
    elif last.status == DemandStatus.TOO_MUCH.value:
        level -= 1
    elif last.status == DemandStatus.MISSED.value:
        misses = 0
        for demand in reversed(history):
            if demand.status != DemandStatus.MISSED.value:
                break
            misses += 1
        level -= 1 if misses >= 2 else 0
    level = max(lowest, min(highest, level))
    direction: Direction = "up" if level > last.level else "down" if level < last.level else "same"
    return Suggestion(_at(ladder, level), direction)


def _at(ladder: Sequence[Rung], level: int) -> Rung:
    return next((rung for rung in ladder if rung.level == level), ladder[0])
