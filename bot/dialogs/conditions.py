"""Evaluate conditions: a tiny, closed set of comparisons — no eval, no attribute access.

A missing value (unanswered, skipped, or a variable the caller did not supply) never satisfies a
comparison, so `{var: days_missed, gte: 1}` is simply false when the caller does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.dialogs.model import AllOf, AnyOf, Compare, Condition, Not


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None and not isinstance(left, str | None):
        return ln == rn
    return str(left) == str(right)


def compare(cmp: Compare, value: Any) -> bool:
    if cmp.op == "exists":
        return (value is not None) == bool(cmp.value)
    if value is None:
        return cmp.op == "ne" and cmp.value is not None
    if cmp.op == "eq":
        return _equal(value, cmp.value)
    if cmp.op == "ne":
        return not _equal(value, cmp.value)
    if cmp.op in ("in", "not_in"):
        items = cmp.value if isinstance(cmp.value, list) else []
        found = any(_equal(value, item) for item in items)
        return found if cmp.op == "in" else not found
    if cmp.op == "contains":
        return isinstance(value, list) and any(_equal(v, cmp.value) for v in value)
    left, right = _number(value), _number(cmp.value)
    if left is None or right is None:
        return False
    return {
        "lt": left < right,
        "lte": left <= right,
        "gt": left > right,
        "gte": left >= right,
    }[cmp.op]


def evaluate(cond: Condition, answers: Mapping[str, Any], variables: Mapping[str, object]) -> bool:
    if isinstance(cond, AllOf):
        return all(evaluate(c, answers, variables) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(evaluate(c, answers, variables) for c in cond.items)
    if isinstance(cond, Not):
        return not evaluate(cond.item, answers, variables)
    source = answers if cond.source == "answer" else variables
    return compare(cond, source.get(cond.name))
