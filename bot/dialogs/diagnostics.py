"""Lint messages in the `file:line:col: severity: message` form editors and CI understand."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
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


# Words staff often write in Danish where the file wants the English id.
_ALIASES = {
    "mandag": "mon",
    "tirsdag": "tue",
    "onsdag": "wed",
    "torsdag": "thu",
    "fredag": "fri",
    "lørdag": "sat",
    "søndag": "sun",
    "hverdage": "weekdays",
    "alle_dage": "every_day",
    "tekst": "text",
    "besked": "message",
    "valg": "choice",
    "skala": "scale",
    "ja_nej": "yes_no",
    "tal": "number",
    "tid": "time",
    "dato": "date",
    "trin": "steps",
}
_LIST_LIMIT = 24


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The valid choice `word` was most likely meant to be, if any is close."""
    options = [c for c in choices if c]
    alias = _ALIASES.get(word.lower())
    if alias in options:
        return alias
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' — did you mean `energy`? Valid: mood, energy, plan' (or just the valid list)."""
    options = sorted(set(choices))
    best = closest(word, options)
    shown = ", ".join(options[:_LIST_LIMIT]) + (", …" if len(options) > _LIST_LIMIT else "")
    if not options:
        return ""
    return f"; did you mean `{best}`? Valid: {shown}" if best else f"; valid: {shown}"
