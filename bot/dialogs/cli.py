"""`fremad dialogs lint [PATH…]` — the lead's CLI dispatches here."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from bot.dialogs.lint import has_errors, lint_paths, missing_dialog_files, shipped_paths
from bot.dialogs.lint_da import render
from bot.dialogs.subgoals import DIALOGS_DIR


def lint_command(
    paths: Sequence[str] = (),
    lang: str = "en",
    dialogs_dir: Path | None = None,
    scripts_dir: Path | None = None,
) -> int:
    """Print every message as `file:line:col: severity: message` (in Danish with lang "da");
    0 when there are no errors (warnings alone do not fail), 1 otherwise. No paths: every
    shipped dialog file."""
    if paths:
        targets = list(paths)
    else:
        dialogs_dir = dialogs_dir or DIALOGS_DIR
        problem = missing_dialog_files(dialogs_dir, scripts_dir)
        if problem:
            sys.stderr.write(f"fremad: {problem}\n")
            return 1
        targets = [str(p) for p in shipped_paths(dialogs_dir, scripts_dir)]
    messages = lint_paths(targets)
    for message in messages:
        sys.stdout.write(f"{render(message, lang)}\n")
    errors = sum(1 for m in messages if m.severity == "error")
    warnings = len(messages) - errors
    sys.stderr.write(f"{len(targets)} file(s) checked: {errors} error(s), {warnings} warning(s)\n")
    return 1 if has_errors(messages) else 0
