"""`fremad dialogs lint [PATH…]` — the lead's CLI dispatches here."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.dialogs.lint import has_errors, lint_paths, shipped_paths
from bot.dialogs.lint_da import render


def lint_command(paths: Sequence[str] = (), lang: str = "en") -> int:
    """Print every message as `file:line:col: severity: message` (in Danish with lang "da");
    0 when there are no errors (warnings alone do not fail), 1 otherwise. No paths: every
    shipped dialog file."""
    targets = list(paths) if paths else [str(p) for p in shipped_paths()]
    messages = lint_paths(targets)
    for message in messages:
        sys.stdout.write(f"{render(message, lang)}\n")
    errors = sum(1 for m in messages if m.severity == "error")
    warnings = len(messages) - errors
    sys.stderr.write(f"{len(targets)} file(s) checked: {errors} error(s), {warnings} warning(s)\n")
    return 1 if has_errors(messages) else 0
