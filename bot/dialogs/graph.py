"""The step graph: where each step can lead, and the problems that only show as a whole."""

from __future__ import annotations

from collections import deque

from bot.dialogs.diagnostics import Problem
from bot.dialogs.model import END, Script, Step


def successors(script: Script, step: Step) -> list[str]:
    """Every step `step` may lead to, in the engine's order: branches, the chosen option's
    `next`, then the step's `next` (or the following step)."""
    targets = [b.goto for b in step.branches]
    targets += [o.next for o in step.options if o.next]
    default = step.next or script.following(step.id)
    every_option_routes = (
        step.type == "choice" and step.options and all(o.next for o in step.options)
    )
    # A choice whose every option says where to go never uses the default, unless it can be
    # skipped (optional / skip_if) or its options come from the catalogue.
    if (
        not every_option_routes
        or step.optional
        or step.skip_if is not None
        or step.options_from is not None
    ):
        targets.append(default)
    return targets


def _edges(script: Script) -> dict[str, list[str]]:
    # An unknown target is reported on its own; counting it as an exit here keeps the
    # linter from adding "can never finish" noise on top of that one message.
    known = {s.id for s in script.steps}
    return {s.id: [t if t in known else END for t in successors(script, s)] for s in script.steps}


def _on_cycle(node: str, edges: dict[str, list[str]]) -> bool:
    seen: set[str] = set()
    stack = list(edges.get(node, []))
    while stack:
        current = stack.pop()
        if current == node:
            return True
        if current != END and current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))
    return False


def graph_problems(script: Script) -> list[Problem]:
    ids = [s.id for s in script.steps]
    if len(set(ids)) != len(ids) or script.start not in ids:
        return []  # reported elsewhere; the graph is not well defined
    edges = _edges(script)
    by_id = {s.id: s for s in script.steps}

    reachable = {script.start}
    queue = deque([script.start])
    while queue:
        for nxt in edges.get(queue.popleft(), []):
            if nxt != END and nxt not in reachable:
                reachable.add(nxt)
                queue.append(nxt)

    reverse: dict[str, list[str]] = {}
    for src, targets in edges.items():
        for t in targets:
            reverse.setdefault(t, []).append(src)
    can_finish = {END}
    queue = deque([END])
    while queue:
        for prev in reverse.get(queue.popleft(), []):
            if prev not in can_finish:
                can_finish.add(prev)
                queue.append(prev)

    problems: list[Problem] = []
    for step in script.steps:
        where = (*step.path, "id")
        if step.id not in reachable:
            problems.append(Problem(where, f"step '{step.id}' can never be reached"))
        elif step.id not in can_finish and _on_cycle(step.id, edges):
            # Only steps on the loop itself: the steps leading into it are fine on their own.
            problems.append(
                Problem(
                    where,
                    f"step '{step.id}' is in a loop with no way out: the script can never "
                    "finish from here",
                )
            )
    problems += _silent_loops(script, edges, by_id, reachable)
    return problems


def _silent_loops(
    script: Script, edges: dict[str, list[str]], by_id: dict[str, Step], reachable: set[str]
) -> list[Problem]:
    """A loop made only of message steps never waits for the youth, so it would spin."""
    silent = {s.id for s in script.steps if s.type == "message"}
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in sorted(silent & reachable):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, trail = stack.pop()
            for nxt in edges[node]:
                if nxt == start and start not in reported:
                    reported.update(trail)
                    step = by_id[start]
                    problems.append(
                        Problem(
                            (*step.path, "id"),
                            "loop with no question in it ("
                            + " → ".join([*trail, start])
                            + ") would repeat forever",
                        )
                    )
                elif nxt in silent and nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    return problems
