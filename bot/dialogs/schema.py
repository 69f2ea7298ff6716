"""JSON Schema validation of dialog data, with messages a non-programmer can act on."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from bot.dialogs.diagnostics import Problem
from bot.dialogs.subgoals import DIALOGS_DIR

SCHEMA_FILE = DIALOGS_DIR / "schema.json"
_UNEXPECTED = re.compile(r"'([^']+)' (?:was|were) unexpected")


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def schema_problems(data: Any) -> list[Problem]:
    problems: list[Problem] = []
    for error in validator().iter_errors(data):
        path = tuple(error.absolute_path)
        message = error.message
        at_key = False
        if error.validator == "additionalProperties":
            match = _UNEXPECTED.search(message)
            if match:
                # Point at the unknown field itself rather than the block that holds it.
                path = (*path, match.group(1))
                at_key = True
                message = f"unknown field '{match.group(1)}' (check the spelling)"
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        if error.validator in {"pattern", "enum", "const"} and description:
            message = f"{message} — expected {description}"
        if error.validator in ("minItems", "maxItems"):
            limit = "at least" if error.validator == "minItems" else "at most"
            message = f"needs {limit} {error.validator_value} entries"
            at_key = True  # a list's own position is its first item; the key reads better
        if error.validator == "type" and error.instance is None:
            message = "has no value (a text with a comma inside {...} must be in quotes)"
        where = _where(path)
        problems.append(Problem(path, f"{where}: {message}" if where else message, at_key=at_key))
    return problems
