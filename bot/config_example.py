"""`.env.example` from the Settings class: every setting, its comment in bot/config.py and its
default, so the example never drifts from the code (tests/ops/test_env_example.py).

    python3 scripts/env_example.py      # rewrites .env.example
"""

from __future__ import annotations

import inspect
import re

from pydantic_core import PydanticUndefined

from bot.config import Settings

HEADER = """\
# Fremad's settings, generated from bot/config.py by `python3 scripts/env_example.py`
# (do not edit by hand: a test fails when this file and the settings drift apart).
# Copy to .env (mode 0600) and set what you need; a commented line shows the default.
# `fremad doctor` checks the result.
"""

# Read by compose.yaml only (not by Fremad): the PostgreSQL password of the compose stack.
COMPOSE_ONLY = """\

# --- compose.yaml only (not read by Fremad) ---
# The password of the compose stack's PostgreSQL (its DATABASE_URL is built from it).
# POSTGRES_PASSWORD=
"""

_FIELD = re.compile(r"^    (\w+): ")


def _comments() -> dict[str, list[str]]:
    """The comment lines right above each field in the class body."""
    found: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in inspect.getsource(Settings).splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = _FIELD.match(line)
        if match:
            found[match.group(1)] = pending
        pending = []
    return found


def _default(name: str) -> str | None:
    field = Settings.model_fields[name]
    if field.default_factory is not None:
        return None  # computed (a shipped folder): nothing to write down
    value = field.default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_env_example() -> str:
    comments = _comments()
    parts = [HEADER]
    for name in Settings.model_fields:
        lines = [""] + [f"# {text}".rstrip() for text in comments.get(name, [])]
        # Every line commented: an empty value is not "unset" (ENCRYPTION_KEY= is an error).
        default = _default(name)
        if default is None:
            lines.append(f"# {name.upper()}=   (default: the folder shipped with Fremad)")
        else:
            lines.append(f"# {name.upper()}={default}")
        parts.append("\n".join(lines) + "\n")
    parts.append(COMPOSE_ONLY)
    return "".join(parts)
