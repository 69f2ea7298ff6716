"""Typed model of a dialog file: scripts, steps, conditions, prompt library, sub-goals.

One `Step` class with a `type` field (rather than a class per step type) keeps the engine and
the linter to one code path per concern; fields that only matter for some types are optional and
the linter warns when they are set on a step type that ignores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from bot.dialogs.triggers import Trigger

NodePath: TypeAlias = tuple[str | int, ...]
"""Where a value sits in the YAML document, e.g. ("steps", 3, "options", 0, "value")."""

Localized: TypeAlias = Mapping[str, str]
"""Text per language code: {"da": "...", "en": "..."}. `da` is always present."""

StepType = Literal[
    "message",
    "choice",
    "multi_choice",
    "scale",
    "yes_no",
    "text",
    "number",
    "time",
    "date",
]
STEP_TYPES: tuple[StepType, ...] = (
    "message",
    "choice",
    "multi_choice",
    "scale",
    "yes_no",
    "text",
    "number",
    "time",
    "date",
)
QUESTION_TYPES: frozenset[str] = frozenset(STEP_TYPES) - {"message"}

ScriptKind = Literal[
    "checkin",
    "attendance_followup",
    "goal_setting",
    "self_rating",
    "reflection",
    "other",
]

END = "end"
"""The reserved step target that finishes a script."""

# Side effects a step may ask the caller to perform; the engine only reports them.
ACTIONS: frozenset[str] = frozenset({"show_sos", "show_goals", "show_successes", "offer_talk"})

CompareOp = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "exists"]
COMPARE_OPS: tuple[CompareOp, ...] = (
    "eq",
    "ne",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "not_in",
    "contains",
    "exists",
)


@dataclass(frozen=True, slots=True)
class Compare:
    """`{answer: mood, lte: 2}` or `{var: streak, gte: 3}`."""

    source: Literal["answer", "var"]
    name: str
    op: CompareOp
    value: object
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition
    path: NodePath = ()


Condition: TypeAlias = Compare | AllOf | AnyOf | Not


@dataclass(frozen=True, slots=True)
class Branch:
    when: Condition
    goto: str
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: Localized
    next: str | None = None
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    type: StepType
    text: Localized
    path: NodePath = ()
    key: str | None = None
    subgoal: str | None = None
    metric: str | None = None
    next: str | None = None
    branches: tuple[Branch, ...] = ()
    skip_if: Condition | None = None
    optional: bool = False
    action: str | None = None
    for_each: Literal["active_subgoals"] | None = None
    invalid_text: Localized | None = None
    # choice / multi_choice
    options: tuple[Option, ...] = ()
    options_from: Literal["active_subgoals", "all_subgoals"] | None = None
    min_selected: int | None = None
    max_selected: int | None = None
    # scale / number
    min: float | None = None
    max: float | None = None
    labels: Mapping[int, Localized] = field(default_factory=dict)
    integer: bool = True
    # text
    max_length: int = 1000
    crisis_check: bool = True
    share_with_mentor: Literal["ask", "never", "always"] = "ask"
    # date: allowed window relative to today, in days
    min_days: int | None = None
    max_days: int | None = None

    @property
    def is_question(self) -> bool:
        return self.type in QUESTION_TYPES


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    version: int
    kind: ScriptKind
    title: Localized
    steps: tuple[Step, ...]
    start: str
    description: Localized | None = None
    variables: Mapping[str, int] = field(default_factory=dict)
    """Extra variables this script may use, with their worst-case length in characters."""
    name: str = "<script>"
    audience: Literal["youths", "mentors", "staff"] = "youths"
    triggers: tuple[Trigger, ...] = ()
    """What starts the script (bot/dialogs/triggers.py); none: only code or a test starts it."""

    def step(self, step_id: str) -> Step:
        return self.steps[self.index(step_id)]

    def index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)

    def following(self, step_id: str) -> str:
        """The step after `step_id` in file order, or END for the last step."""
        i = self.index(step_id)
        return self.steps[i + 1].id if i + 1 < len(self.steps) else END


PromptRule = Literal[
    "celebrate_step",
    "celebrate_attendance",
    "celebrate_rating",
    "encourage",
    "streak",
    "way_back",
    "low_mood_check",
]
PROMPT_RULES: tuple[PromptRule, ...] = (
    "celebrate_step",
    "celebrate_attendance",
    "celebrate_rating",
    "encourage",
    "streak",
    "way_back",
    "low_mood_check",
)


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    rule: PromptRule
    text: Localized
    subgoal: str | None = None
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class LadderStep:
    level: int
    text: Localized
    path: NodePath = ()


@dataclass(frozen=True, slots=True)
class Ladder:
    """Step templates for one sub-goal, smallest first (level 1)."""

    subgoal: str
    steps: tuple[LadderStep, ...]
    path: NodePath = ()

    def at(self, level: int) -> LadderStep:
        """The step at `level`, clamped to the ladder's ends."""
        level = max(1, min(level, len(self.steps)))
        return self.steps[level - 1]

    def suggest(
        self,
        last_level: int | None,
        outcome: Literal["done", "missed"] | None,
        misses_in_row: int = 1,
    ) -> LadderStep:
        """Next suggested step: one rung up after a done step; after a miss hold the level
        once, then go one rung down — demands move step by step, and a setback never
        drops the belief (see METHOD.md)."""
        if last_level is None:
            return self.at(1)
        if outcome == "done":
            return self.at(last_level + 1)
        if outcome == "missed" and misses_in_row >= 2:
            return self.at(last_level - 1)
        return self.at(last_level)


@dataclass(frozen=True, slots=True)
class PromptLibrary:
    id: str
    version: int
    title: Localized
    prompts: tuple[Prompt, ...]
    ladders: Mapping[str, Ladder]
    name: str = "<prompts>"

    def candidates(
        self,
        rule: PromptRule,
        subgoal: str | None = None,
        exclude_ids: frozenset[str] | set[str] = frozenset(),
    ) -> list[Prompt]:
        """Prompts for `rule`, in file order. With a sub-goal: prompts tagged with it first,
        then untagged (general) ones. Ids in `exclude_ids` (e.g. sent in the last 30 days)
        are left out."""
        fitting = [p for p in self.prompts if p.rule == rule and p.id not in exclude_ids]
        if subgoal is None:
            return [p for p in fitting if p.subgoal is None] or fitting
        tagged = [p for p in fitting if p.subgoal == subgoal]
        general = [p for p in fitting if p.subgoal is None]
        return tagged + general

    def prompt(self, prompt_id: str) -> Prompt:
        for p in self.prompts:
            if p.id == prompt_id:
                return p
        raise KeyError(prompt_id)


@dataclass(frozen=True, slots=True)
class Subgoal:
    id: str
    name: Localized
    description: Localized
    default_active: bool = True
    path: NodePath = ()
    # The name a young person reads, in their words ("At møde op og holde aftaler"); the
    # mentor keeps the programme's name ("Ansvar og mødestabilitet"). None: `name` for both.
    youth_name: Localized | None = None
