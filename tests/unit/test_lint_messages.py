"""Lint messages a social worker can act on: each typical mistake gives one error, on its line,
in plain words (English and Danish), with "did you mean" and the valid list where it fits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogs import lint_text
from bot.dialogs.lint_da import render
from tests.scripts_support import FIXTURES

MISTAKES: dict[str, Any] = yaml.safe_load(
    (FIXTURES / "staff_mistakes.yaml").read_text(encoding="utf-8")
)
BASE: str = MISTAKES["base"]


def errors(text: str) -> list[Any]:
    return [m for m in lint_text(text, "week_talk.yaml") if m.severity == "error"]


def test_the_fixture_has_at_least_25_mistakes_on_a_clean_base() -> None:
    assert len(MISTAKES["cases"]) >= 25
    assert lint_text(BASE, "week_talk.yaml") == []


@pytest.mark.parametrize("case", MISTAKES["cases"], ids=lambda c: c["name"])
def test_each_mistake_gives_its_one_message(case: dict[str, Any]) -> None:
    old, new = case["replace"]
    assert old in BASE, "the fixture's base no longer has the text this case changes"
    found = errors(BASE.replace(old, new, 1))
    assert len(found) == 1, [str(m) for m in found]
    (message,) = found
    assert message.line == case["line"], str(message)
    assert case["says"] in message.message, str(message)
    danish = render(message, "da")
    assert case["siger"] in danish, danish
    assert danish.startswith(f"week_talk.yaml:{case['line']}:") and ": fejl: " in danish


def test_schema_and_meaning_mistakes_are_reported_together() -> None:
    broken = BASE.replace("    tekst:", "    tekst:").replace(
        "    text:\n      da: Hvor meget", "    tekst:\n      da: Hvor meget", 1
    )
    broken = broken.replace("goto: low", "goto: lwo")
    found = [str(m) for m in errors(broken)]
    assert len(found) == 2, found
    assert "did you mean `text`?" in found[1] and "did you mean `low`?" in found[0]


def test_lint_cli_speaks_danish(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from bot.dialogs.cli import lint_command

    path = tmp_path / "week_talk.yaml"
    path.write_text(BASE.replace("days: fri", "days: fredag"), encoding="utf-8")
    assert lint_command([str(path)], "da") == 1
    out = capsys.readouterr().out
    assert ": fejl: " in out and "mente du `fri`?" in out
