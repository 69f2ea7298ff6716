"""The Bot API method list (``bot_api_methods.json``, the fields of every method taken from
``shared/telegram/api.min.json``: Bot API 10.1), used to type form params.

Telegram receives every parameter as a string (form encoding); objects and arrays arrive
as JSON strings. :func:`coerce_params` turns them back into Python values using the
field types from the spec. If the spec file is missing, params stay raw strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent / "bot_api_methods.json"


class ParamError(ValueError):
    """A parameter could not be read as its Bot API type; the message is Telegram's description."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]


@lru_cache(maxsize=1)
def load_methods(path: Path = SPEC_PATH) -> dict[str, MethodSpec]:
    """All methods keyed by lower-case name (Telegram method names are case-insensitive)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    methods: dict[str, MethodSpec] = {}
    for name, fields_raw in raw.get("methods", {}).items():
        fields = {
            field: FieldSpec(field, tuple(types), bool(required))
            for field, types, required in fields_raw
        }
        methods[name.lower()] = MethodSpec(name=name, fields=fields)
    return methods


def canonical_name(method: str) -> str | None:
    """The spec's spelling of ``method`` (case-insensitive), or None if it is not in the spec."""
    spec = load_methods().get(method.lower())
    return spec.name if spec else None


def _coerce(field: FieldSpec, raw: str) -> Any:
    types = field.types
    if "Integer" in types:
        try:
            return int(raw)
        except ValueError:
            if "String" in types:
                return raw
            raise ParamError(f"Bad Request: invalid {field.name} specified") from None
    if "Float" in types:
        try:
            return float(raw)
        except ValueError:
            raise ParamError(f"Bad Request: invalid {field.name} specified") from None
    if "Boolean" in types:
        lowered = raw.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
        raise ParamError(f"Bad Request: invalid {field.name} specified")
    if "String" in types or "InputFile" in types:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        raise ParamError(f"Bad Request: can't parse {field.name} JSON object") from None


def coerce_params(method: str, params: dict[str, str]) -> dict[str, Any]:
    """Typed values for ``params``; unknown fields (or a missing spec) keep their raw strings."""
    spec = load_methods().get(method.lower())
    if spec is None:
        return dict(params)
    typed: dict[str, Any] = {}
    for key, raw in params.items():
        field = spec.fields.get(key)
        typed[key] = raw if field is None else _coerce(field, raw)
    return typed


def missing_required(method: str, typed: dict[str, Any]) -> list[str]:
    """Names of required fields of ``method`` that are absent from ``typed``."""
    spec = load_methods().get(method.lower())
    if spec is None:
        return []
    return [f.name for f in spec.fields.values() if f.required and f.name not in typed]
