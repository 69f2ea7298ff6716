"""Semantic checks: the rules that make a schema-valid file safe and usable with Telegram."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from bot.dialogs.diagnostics import Problem, did_you_mean
from bot.dialogs.model import (
    END,
    PROMPT_RULES,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Localized,
    NodePath,
    Not,
    PromptLibrary,
    Script,
    Step,
    Subgoal,
)
from bot.dialogs.render import ANSWER_PREFIX, VARIABLES, tag_problems, variables_in
from bot.dialogs.render import worst_case_length as rendered_length
from bot.dialogs.triggers import (
    RESERVED_COMMANDS,
    CommandTrigger,
    event_variables,
    trigger_problems,
)

TARGET_MISSING = "goes to step"
TELEGRAM_TEXT_LIMIT = 4096
BUTTON_LABEL_LIMIT = 64
CALLBACK_LIMIT = 64
# The caller's callback format: d:<run_token 8>:<step_index ≤ 3 digits>:<option_value>.
CALLBACK_OVERHEAD = len("d:") + 8 + len(":") + 3 + len(":")
OPTION_VALUE_LIMIT = 16
MAX_SCALE_BUTTONS = 21
MIN_PROMPTS_PER_SUBGOAL = 5
# Longest engine-made button value: "_skip", "_done", "today", "tomorrow", "in_week".
ENGINE_VALUE_LIMIT = 8

# Fields each step type reads; setting another has no effect, so the linter says so.
_COMMON = {
    "id",
    "type",
    "text",
    "key",
    "subgoal",
    "metric",
    "next",
    "branches",
    "skip_if",
    "optional",
    "action",
    "for_each",
    "invalid_text",
    "note",
}
_SPECIFIC: Mapping[str, set[str]] = {
    "message": set(),
    "choice": {"options", "options_from"},
    "multi_choice": {"options", "options_from", "min_selected", "max_selected"},
    "scale": {"min", "max", "labels"},
    "yes_no": set(),
    "text": {"max_length", "crisis_check", "share_with_mentor"},
    "number": {"min", "max", "integer"},
    "time": set(),
    "date": {"min_days", "max_days"},
}
_DEFAULTS: Mapping[str, Any] = {
    "options": (),
    "options_from": None,
    "min_selected": None,
    "max_selected": None,
    "min": None,
    "max": None,
    "labels": {},
    "integer": True,
    "max_length": 1000,
    "crisis_check": True,
    "share_with_mentor": "ask",
    "min_days": None,
    "max_days": None,
}


class _TextChecker:
    """Language, length, variable and tag checks shared by scripts and the prompt library."""

    def __init__(
        self, problems: list[Problem], require_en: bool, lengths: Mapping[str, int]
    ) -> None:
        self.problems = problems
        self.require_en = require_en
        self.lengths = lengths

    def languages(self, text: Localized, path: NodePath, what: str) -> None:
        if "da" not in text:
            self.problems.append(Problem(path, f"{what} has no Danish text (da)"))
        if self.require_en and "en" not in text:
            self.problems.append(Problem(path, f"{what} has no English text (en)"))

    def text(self, text: Localized, path: NodePath, what: str, extra: int = 0) -> None:
        self.languages(text, path, what)
        for lang, value in text.items():
            where = (*path, lang)
            for name in variables_in(value):
                if name not in self.lengths:
                    self.problems.append(Problem(where, _unknown_variable(name, self.lengths)))
            for problem in tag_problems(value):
                self.problems.append(Problem(where, f"{what} ({lang}): {problem}"))
            length = rendered_length(value, self.lengths) + extra
            if length > TELEGRAM_TEXT_LIMIT:
                self.problems.append(
                    Problem(
                        where,
                        f"{what} ({lang}) can be {length} characters with the longest "
                        f"values filled in; Telegram allows {TELEGRAM_TEXT_LIMIT}",
                    )
                )

    def label(self, text: Localized, path: NodePath, what: str) -> None:
        self.languages(text, path, what)
        for lang, value in text.items():
            where = (*path, lang)
            if variables_in(value):
                self.problems.append(Problem(where, f"{what} ({lang}) cannot use variables"))
            if len(value) > BUTTON_LABEL_LIMIT:
                self.problems.append(
                    Problem(
                        where,
                        f"{what} ({lang}) is {len(value)} characters; a button shows at most "
                        f"{BUTTON_LABEL_LIMIT}",
                    )
                )


def _unknown_variable(name: str, known: Collection[str]) -> str:
    if name.startswith(ANSWER_PREFIX):
        keys = [k[len(ANSWER_PREFIX) :] for k in known if k.startswith(ANSWER_PREFIX)]
        hint = did_you_mean(name[len(ANSWER_PREFIX) :], keys)
        return f"unknown variable {{{name}}}: no step saves its answer as `{name[7:]}`{hint}"
    hint = did_you_mean(name, [k for k in known if not k.startswith(ANSWER_PREFIX)])
    return f"unknown variable {{{name}}}{hint}"


def _answer_lengths(script: Script) -> dict[str, int]:
    """Worst-case length of `{answer.KEY}` per key, for the Telegram length check."""
    out: dict[str, int] = {}
    for step in script.steps:
        if not step.key:
            continue
        labels = [len(v) for o in step.options for v in o.label.values()] or [64]
        length = {
            "text": step.max_length,
            "choice": max(labels),
            "multi_choice": sum(labels) + 2 * len(labels),
        }.get(step.type, 20)
        out[ANSWER_PREFIX + step.key] = length
    return out


def _conditions(cond: Condition) -> Iterator[Compare]:
    if isinstance(cond, Compare):
        yield cond
    elif isinstance(cond, AllOf | AnyOf):
        for item in cond.items:
            yield from _conditions(item)
    elif isinstance(cond, Not):
        yield from _conditions(cond.item)


def _step_fields(step: Step) -> Iterator[str]:
    for name, default in _DEFAULTS.items():
        if getattr(step, name) != default and name not in _SPECIFIC[step.type]:
            yield name


def script_problems(
    script: Script, *, subgoal_ids: Collection[str], require_en: bool = True
) -> list[Problem]:
    problems: list[Problem] = []
    lengths = {
        **VARIABLES,
        **event_variables(script.triggers),
        **script.variables,
        **_answer_lengths(script),
    }
    texts = _TextChecker(problems, require_en, lengths)
    texts.text(script.title, ("title",), "title")
    problems += trigger_problems(
        script.triggers, script.audience, reserved_commands=RESERVED_COMMANDS
    )
    for trigger in script.triggers:
        if isinstance(trigger, CommandTrigger) and trigger.description:
            texts.languages(trigger.description, (*trigger.path, "description"), "description")
    if script.description:
        texts.text(script.description, ("description",), "description")

    ids: dict[str, Step] = {}
    keys: dict[str, Step] = {}
    for step in script.steps:
        if step.id == END:
            problems.append(Problem((*step.path, "id"), "'end' is reserved; pick another id"))
        if step.id in ids:
            problems.append(Problem((*step.path, "id"), f"step id '{step.id}' is used twice"))
        ids.setdefault(step.id, step)
        if step.key:
            if step.key in keys:
                problems.append(
                    Problem((*step.path, "key"), f"answer key '{step.key}' is used twice")
                )
            keys.setdefault(step.key, step)

    if script.start not in ids:
        problems.append(Problem(("start",), f"start step '{script.start}' does not exist"))
    loop_keys = {s.key for s in script.steps if s.key and s.for_each}
    var_names = set(VARIABLES) | set(script.variables) | set(event_variables(script.triggers))
    for step in script.steps:
        problems += _targets(step, ids)
        problems += _conditions_ok(step, set(keys), loop_keys, var_names)
        problems += _step_problems(step, texts, subgoal_ids)
    if len(script.steps) > 999:
        problems.append(Problem(("steps",), "a script can have at most 999 steps"))
    return problems


def _targets(step: Step, ids: Mapping[str, Step]) -> Iterator[Problem]:
    def check(target: str | None, path: NodePath) -> Iterator[Problem]:
        if target is not None and target != END and target not in ids:
            hint = did_you_mean(target, [*ids, END])
            yield Problem(path, f"{TARGET_MISSING} `{target}`, which does not exist{hint}")

    yield from check(step.next, (*step.path, "next"))
    for branch in step.branches:
        yield from check(branch.goto, (*branch.path, "goto"))
    for option in step.options:
        yield from check(option.next, (*option.path, "next"))


def _conditions_ok(
    step: Step, keys: set[str], loop_keys: set[str], var_names: set[str]
) -> Iterator[Problem]:
    roots = [b.when for b in step.branches]
    if step.skip_if is not None:
        roots.append(step.skip_if)
    for root in roots:
        for cmp in _conditions(root):
            if cmp.source == "var" and cmp.name not in var_names:
                hint = did_you_mean(cmp.name, var_names)
                yield Problem(cmp.path, f"unknown variable `{cmp.name}` in condition{hint}")
            if cmp.source == "answer":
                base, _, item = cmp.name.partition(".")
                if base not in keys or (item and base not in loop_keys):
                    hint = did_you_mean(cmp.name, keys)
                    yield Problem(cmp.path, f"no step saves an answer as `{cmp.name}`{hint}")


def _step_problems(
    step: Step, texts: _TextChecker, subgoal_ids: Collection[str]
) -> Iterator[Problem]:
    where = step.path
    for name in _step_fields(step):
        yield Problem(
            (*where, name), f"'{name}' has no effect on a {step.type} step", "warning", True
        )
    if step.type == "text" and not step.crisis_check:
        yield Problem(
            (*where, "crisis_check"),
            "crisis_check cannot be turned off: every free text is checked for signs of "
            "crisis (remove this line)",
            at_key=True,
        )
    if step.subgoal is not None and step.subgoal not in subgoal_ids:
        hint = did_you_mean(step.subgoal, subgoal_ids)
        yield Problem((*where, "subgoal"), f"unknown sub-goal `{step.subgoal}`{hint}")
    if step.for_each and not step.is_question:
        yield Problem((*where, "for_each"), "for_each only works on question steps")
    if step.for_each and step.subgoal:
        yield Problem(
            (*where, "subgoal"),
            "a for_each step tags each answer with its own sub-goal; remove 'subgoal'",
            "warning",
        )

    legend = 0
    if step.type == "scale":
        legend = sum(
            max((len(v) for v in label.values()), default=0) + 8 for label in step.labels.values()
        )
    texts.text(step.text, (*where, "text"), f"step '{step.id}' text", extra=legend)
    if step.invalid_text:
        texts.text(step.invalid_text, (*where, "invalid_text"), f"step '{step.id}' invalid_text")

    if step.type in ("choice", "multi_choice"):
        yield from _options(step, texts)
    elif step.type == "scale":
        yield from _scale(step, texts)
    elif step.type == "number":
        if step.min is not None and step.max is not None and step.min > step.max:
            yield Problem((*where, "min"), "min is larger than max")
    elif step.type == "date":
        lo, hi = step.min_days, step.max_days
        if lo is not None and hi is not None and lo > hi:
            yield Problem((*where, "min_days"), "min_days is larger than max_days")


def _options(step: Step, texts: _TextChecker) -> Iterator[Problem]:
    where = step.path
    if not step.options and not step.options_from:
        yield Problem(where, f"{step.type} step '{step.id}' needs options (or options_from)")
    if step.options and step.options_from:
        yield Problem((*where, "options_from"), "use either options or options_from, not both")
    seen: set[str] = set()
    for option in step.options:
        if option.value in seen:
            yield Problem((*option.path, "value"), f"option value '{option.value}' is used twice")
        seen.add(option.value)
        size = CALLBACK_OVERHEAD + len(option.value.encode("utf-8"))
        if len(option.value.encode("utf-8")) > OPTION_VALUE_LIMIT or size > CALLBACK_LIMIT:
            yield Problem(
                (*option.path, "value"),
                f"option value '{option.value}' makes the button data {size} bytes; keep "
                f"values to {OPTION_VALUE_LIMIT} characters a-z, 0-9, _ and -",
            )
        texts.label(option.label, (*option.path, "label"), f"option '{option.value}' label")
    if step.type == "multi_choice":
        count = len(step.options) if step.options else None
        lo, hi = step.min_selected, step.max_selected
        if lo is not None and hi is not None and lo > hi:
            yield Problem((*where, "min_selected"), "min_selected is larger than max_selected")
        if count is not None and lo is not None and lo > count:
            yield Problem((*where, "min_selected"), "min_selected is more than the options")


def _scale(step: Step, texts: _TextChecker) -> Iterator[Problem]:
    where = step.path
    lo, hi = step.min, step.max
    if lo is None or hi is None:
        return
    if lo != int(lo) or hi != int(hi):
        yield Problem((*where, "min"), "a scale runs between whole numbers")
        return
    if lo >= hi:
        yield Problem((*where, "min"), "a scale's min must be smaller than its max")
    elif hi - lo + 1 > MAX_SCALE_BUTTONS:
        yield Problem((*where, "max"), f"a scale can have at most {MAX_SCALE_BUTTONS} points")
    for point, label in step.labels.items():
        path = (*where, "labels", str(point))
        if not lo <= point <= hi:
            yield Problem(path, f"label for {point} is outside the scale {int(lo)}–{int(hi)}")
        texts.languages(label, path, f"scale label {point}")


def library_problems(
    library: PromptLibrary,
    data: Mapping[str, Any],
    *,
    subgoal_ids: Collection[str],
    require_en: bool = True,
) -> list[Problem]:
    problems: list[Problem] = []
    texts = _TextChecker(problems, require_en, VARIABLES)
    texts.text(library.title, ("title",), "title")
    seen: set[str] = set()
    per_subgoal: dict[str, int] = {}
    for prompt in library.prompts:
        if prompt.id in seen:
            problems.append(
                Problem((*prompt.path, "id"), f"prompt id '{prompt.id}' is used twice")
            )
        seen.add(prompt.id)
        if prompt.subgoal is not None:
            per_subgoal[prompt.subgoal] = per_subgoal.get(prompt.subgoal, 0) + 1
            if prompt.subgoal not in subgoal_ids:
                problems.append(
                    Problem((*prompt.path, "subgoal"), f"unknown sub-goal '{prompt.subgoal}'")
                )
        texts.text(prompt.text, (*prompt.path, "text"), f"prompt '{prompt.id}'")

    raw_ladders: Sequence[Mapping[str, Any]] = data.get("ladders", [])
    ladder_seen: set[str] = set()
    for i, raw in enumerate(raw_ladders):
        sg = str(raw["subgoal"])
        if sg in ladder_seen:
            problems.append(Problem(("ladders", i, "subgoal"), f"second ladder for '{sg}'"))
        ladder_seen.add(sg)
        if sg not in subgoal_ids:
            problems.append(Problem(("ladders", i, "subgoal"), f"unknown sub-goal '{sg}'"))
        for j, step in enumerate(raw["steps"]):
            path: NodePath = ("ladders", i, "steps", j)
            if step["level"] != j + 1:
                problems.append(
                    Problem((*path, "level"), f"levels must count 1, 2, 3 …; expected {j + 1}")
                )
            texts.text(step["text"], (*path, "text"), f"ladder '{sg}' level {step['level']}")

    for sg in sorted(subgoal_ids):
        if per_subgoal.get(sg, 0) < MIN_PROMPTS_PER_SUBGOAL:
            problems.append(
                Problem(
                    ("prompts",),
                    f"sub-goal '{sg}' has {per_subgoal.get(sg, 0)} prompts; give it at least "
                    f"{MIN_PROMPTS_PER_SUBGOAL}",
                    "warning",
                )
            )
        if sg not in ladder_seen:
            problems.append(Problem(("prompts",), f"sub-goal '{sg}' has no ladder", "warning"))
    used_rules = {p.rule for p in library.prompts}
    for rule in PROMPT_RULES:
        if rule not in used_rules:
            problems.append(Problem(("prompts",), f"no prompt for rule '{rule}'", "warning"))
    return problems


def subgoal_problems(subgoals: Sequence[Subgoal], *, require_en: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    texts = _TextChecker(problems, require_en, {})
    seen: set[str] = set()
    for sg in subgoals:
        if sg.id in seen:
            problems.append(Problem((*sg.path, "id"), f"sub-goal id '{sg.id}' is used twice"))
        seen.add(sg.id)
        # The name is also a button label (goal setting offers the sub-goals as buttons).
        texts.label(sg.name, (*sg.path, "name"), f"sub-goal '{sg.id}' name")
        if sg.youth_name is None:
            # Fremad falls back to the programme's name, which young people find hard to read.
            problems.append(
                Problem(
                    (*sg.path, "id"),
                    f"sub-goal '{sg.id}' has no youth_name: young people will read "
                    f"'{sg.name['da']}'; add youth_name (da, en) in the words they use",
                    "warning",
                )
            )
        else:
            texts.label(sg.youth_name, (*sg.path, "youth_name"), f"sub-goal '{sg.id}' youth_name")
        texts.text(sg.description, (*sg.path, "description"), f"sub-goal '{sg.id}' description")
    return problems
