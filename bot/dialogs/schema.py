"""JSON Schema validation of dialog data, with messages a non-programmer can act on.

One mistake gives one message: a misspelt field is reported as "unknown field `tekst`; did you
mean `text`?" and not also as "text is missing"; a value that fits none of a field's forms is
explained by the closest form, not by "is not valid under any of the given schemas".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from bot.dialogs.diagnostics import Problem, closest, did_you_mean
from bot.dialogs.subgoals import DIALOGS_DIR

SCHEMA_FILE = DIALOGS_DIR / "schema.json"

_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list (lines starting with '- ')",
    "object": "a block of 'name: value' lines",
    "null": "empty",
}


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _where(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """oneOf/anyOf: the closest branch's own errors, not the branch summary."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        inner = best_match(error.context)
        if inner is not None:
            # Prefer a branch that named the allowed words (enum) for a text value.
            if isinstance(error.instance, str):
                inner = next((e for e in error.context if e.validator == "enum"), inner)
            yield from _leaves(inner)
            return
    yield error


def _allowed_fields(error: ValidationError) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return sorted(schema.get("properties", {}))


def _unknown_fields(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    allowed = set(_allowed_fields(error))
    return sorted(str(k) for k in instance if k not in allowed)


def _message(error: ValidationError) -> tuple[str, bool]:
    """(plain words, point at the key rather than the value)."""
    validator_name = error.validator
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    instance = error.instance
    if validator_name == "enum":
        options = [str(o) for o in error.validator_value]
        return f"`{instance}` is not allowed here{did_you_mean(str(instance), options)}", False
    if validator_name == "const":
        return f"must be `{error.validator_value}`", False
    if validator_name == "pattern":
        hint = f" — expected {description}" if description else ""
        return f"`{instance}` is not written the right way{hint}", False
    if validator_name == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        if instance is None:
            return "has no value (a text with a comma inside {...} must be in quotes)", False
        if (
            isinstance(instance, int)
            and "string" in names
            and error.path
            and error.path[-1] == "at"
        ):
            return 'a time must be in quotes, like at: "14:00"', False
        words = " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)
        return f"should be {words}", False
    if validator_name in ("minItems", "maxItems"):
        limit = "at least" if validator_name == "minItems" else "at most"
        return f"needs {limit} {error.validator_value} entries", True
    if validator_name in ("minimum", "maximum"):
        limit = "at least" if validator_name == "minimum" else "at most"
        return f"must be {limit} {error.validator_value}", False
    if validator_name == "minLength":
        return "is empty; write a text", False
    if validator_name == "minProperties":
        return "is empty", False
    if validator_name == "propertyNames":
        hint = f" — expected {description}" if description else ""
        return f"has a name that is not allowed{hint}", False
    return error.message, False


def schema_problems(data: Any) -> list[Problem]:
    problems: list[Problem] = []
    errors = [leaf for error in validator().iter_errors(data) for leaf in _leaves(error)]
    # A misspelt field explains the "required" error of the field it was meant to be.
    misspelt: set[tuple[tuple[str | int, ...], str]] = set()
    for error in errors:
        if error.validator == "additionalProperties":
            for field in _unknown_fields(error):
                target = closest(field, _allowed_fields(error))
                if target:
                    misspelt.add((tuple(error.absolute_path), target))
    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            for field in _unknown_fields(error):
                where = _where((*path, field))
                hint = did_you_mean(field, _allowed_fields(error))
                problems.append(
                    Problem((*path, field), f"{where}: unknown field `{field}`{hint}", at_key=True)
                )
            continue
        if error.validator == "required":
            missing = str(error.validator_value[0]) if len(error.validator_value) == 1 else None
            names = [str(n) for n in error.validator_value if n not in error.instance]
            if any((path, name) in misspelt for name in names):
                continue
            if missing is None and names:
                missing = names[0]
            where = _where(path)
            text = f"`{missing}` is missing" if missing else error.message
            problems.append(Problem(path, f"{where}: {text}" if where else text))
            continue
        message, at_key = _message(error)
        where = _where(path)
        problems.append(Problem(path, f"{where}: {message}" if where else message, at_key=at_key))
    return _one_per_place(problems)


def _one_per_place(problems: list[Problem]) -> list[Problem]:
    """Two schema rules broken by one value (an if/then on top of a type) give one message."""
    seen: set[tuple[str | int, ...]] = set()
    out = []
    for problem in problems:
        if problem.path in seen:
            continue
        seen.add(problem.path)
        out.append(problem)
    return out
