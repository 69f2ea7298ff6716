"""Lint messages in the `file:line:col: severity: message` form editors and CI understand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.dialogs.model import NodePath

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class LintMessage:
    file: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding before it has a file position: the path is resolved through the source map."""

    path: NodePath
    message: str
    severity: Severity = "error"
    at_key: bool = False  # point at the key (e.g. `crisis_check:`) rather than its value


class DialogError(Exception):
    """A dialog file that cannot be used; carries the lint messages that explain why."""

    def __init__(self, messages: list[LintMessage]) -> None:
        super().__init__("\n".join(str(m) for m in messages))
        self.messages = messages
