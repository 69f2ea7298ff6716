"""Schema-valid data → model objects. Shape rules JSON Schema cannot say well are checked here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from bot.dialogs.diagnostics import Problem
from bot.dialogs.model import (
    COMPARE_OPS,
    AllOf,
    AnyOf,
    Branch,
    Compare,
    CompareOp,
    Condition,
    Ladder,
    LadderStep,
    Localized,
    NodePath,
    Not,
    Option,
    Prompt,
    PromptLibrary,
    PromptRule,
    Script,
    ScriptKind,
    Step,
    StepType,
    Subgoal,
)
from bot.dialogs.triggers import parse_trigger


def _loc(value: Any) -> Localized:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def parse_condition(data: Any, path: NodePath, problems: list[Problem]) -> Condition | None:
    if not isinstance(data, dict):
        problems.append(Problem(path, "a condition must be a block like {answer: mood, lte: 2}"))
        return None
    groups = [k for k in ("all", "any", "not") if k in data]
    sources = [k for k in ("answer", "var") if k in data]
    ops = [k for k in COMPARE_OPS if k in data]
    if groups:
        if len(data) != 1:
            problems.append(
                Problem(path, f"'{groups[0]}' must stand alone in its condition block")
            )
            return None
        kind = groups[0]
        if kind == "not":
            inner = parse_condition(data["not"], (*path, "not"), problems)
            return Not(inner, path) if inner is not None else None
        items = [
            parse_condition(item, (*path, kind, i), problems) for i, item in enumerate(data[kind])
        ]
        if any(item is None for item in items):
            return None
        parsed = tuple(cast(list[Condition], items))
        return AllOf(parsed, path) if kind == "all" else AnyOf(parsed, path)
    if len(sources) != 1:
        problems.append(
            Problem(path, "a condition needs exactly one of 'answer: KEY' or 'var: NAME'")
        )
        return None
    if len(ops) != 1:
        problems.append(
            Problem(
                path,
                "a condition needs exactly one test: " + ", ".join(COMPARE_OPS),
            )
        )
        return None
    source = cast(Any, sources[0])
    op: CompareOp = ops[0]
    return Compare(source, str(data[source]), op, data[op], path)


def parse_step(data: Mapping[str, Any], path: NodePath, problems: list[Problem]) -> Step:
    branches: list[Branch] = []
    for i, raw in enumerate(data.get("branches", [])):
        cond = parse_condition(raw["when"], (*path, "branches", i, "when"), problems)
        if cond is not None:
            branches.append(Branch(cond, str(raw["goto"]), (*path, "branches", i)))
    skip_if = None
    if "skip_if" in data:
        skip_if = parse_condition(data["skip_if"], (*path, "skip_if"), problems)
    options = tuple(
        Option(
            value=str(o["value"]),
            label=_loc(o["label"]),
            next=o.get("next"),
            path=(*path, "options", i),
        )
        for i, o in enumerate(data.get("options", []))
    )
    labels = {int(k): _loc(v) for k, v in data.get("labels", {}).items()}
    return Step(
        id=str(data["id"]),
        type=cast(StepType, data["type"]),
        text=_loc(data["text"]),
        path=path,
        key=data.get("key"),
        subgoal=data.get("subgoal"),
        metric=data.get("metric"),
        next=data.get("next"),
        branches=tuple(branches),
        skip_if=skip_if,
        optional=bool(data.get("optional", False)),
        action=data.get("action"),
        for_each=data.get("for_each"),
        invalid_text=_loc(data["invalid_text"]) if "invalid_text" in data else None,
        options=options,
        options_from=data.get("options_from"),
        min_selected=data.get("min_selected"),
        max_selected=data.get("max_selected"),
        min=data.get("min"),
        max=data.get("max"),
        labels=labels,
        integer=bool(data.get("integer", True)),
        max_length=int(data.get("max_length", 1000)),
        crisis_check=bool(data.get("crisis_check", True)),
        share_with_mentor=data.get("share_with_mentor", "ask"),
        min_days=data.get("min_days"),
        max_days=data.get("max_days"),
    )


def parse_script(data: Mapping[str, Any], name: str, problems: list[Problem]) -> Script:
    steps = tuple(parse_step(s, ("steps", i), problems) for i, s in enumerate(data["steps"]))
    return Script(
        id=str(data["id"]),
        version=int(data["version"]),
        kind=cast(ScriptKind, data["kind"]),
        title=_loc(data["title"]),
        description=_loc(data["description"]) if "description" in data else None,
        steps=steps,
        start=str(data.get("start") or steps[0].id),
        variables={str(k): int(v) for k, v in data.get("variables", {}).items()},
        name=name,
        audience=data.get("audience", "youths"),
        triggers=tuple(
            trigger
            for i, raw in enumerate(data.get("triggers", []))
            if (trigger := parse_trigger(raw, ("triggers", i), parse_condition, problems))
        ),
    )


def parse_prompt_library(data: Mapping[str, Any], name: str) -> PromptLibrary:
    prompts = tuple(
        Prompt(
            id=str(p["id"]),
            rule=cast(PromptRule, p["rule"]),
            text=_loc(p["text"]),
            subgoal=p.get("subgoal"),
            path=("prompts", i),
        )
        for i, p in enumerate(data["prompts"])
    )
    ladders: dict[str, Ladder] = {}
    for i, raw in enumerate(data.get("ladders", [])):
        steps = tuple(
            LadderStep(int(s["level"]), _loc(s["text"]), ("ladders", i, "steps", j))
            for j, s in enumerate(raw["steps"])
        )
        # Keep the first ladder for a sub-goal; the linter reports the duplicate.
        ladders.setdefault(str(raw["subgoal"]), Ladder(str(raw["subgoal"]), steps, ("ladders", i)))
    return PromptLibrary(
        id=str(data["id"]),
        version=int(data["version"]),
        title=_loc(data["title"]),
        prompts=prompts,
        ladders=ladders,
        name=name,
    )


def parse_subgoals(data: Mapping[str, Any]) -> list[Subgoal]:
    return [
        Subgoal(
            id=str(s["id"]),
            name=_loc(s["name"]),
            description=_loc(s["description"]),
            default_active=bool(s.get("default_active", True)),
            path=("subgoals", i),
            youth_name=_loc(s["youth_name"]) if s.get("youth_name") else None,
        )
        for i, s in enumerate(data["subgoals"])
    ]
