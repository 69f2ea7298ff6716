"""`fremad --version` and a description on every subcommand's --help."""

from __future__ import annotations

import argparse
import re
from importlib.metadata import version

import pytest

from bot.cli import build_parser, main
from bot.config import REPO_ROOT


def _subparsers(
    parser: argparse.ArgumentParser, path: str = "fremad"
) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[f"{path} {name}"] = sub
                found.update(_subparsers(sub, f"{path} {name}"))
    return found


def test_every_subcommand_says_what_it_does() -> None:
    subcommands = _subparsers(build_parser())
    assert {"fremad run", "fremad doctor", "fremad dialogs lint", "fremad export"} <= set(
        subcommands
    )
    for name, sub in subcommands.items():
        assert sub.description, f"{name} --help has no description"
        assert sub.description in " ".join(sub.format_help().split())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"fremad {version('fremad')}"


def _readme_command_lines() -> list[str]:
    """The lines of the README's command list (the code block under '## Commands')."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("\n## Commands\n", 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines() if line.startswith("fremad ")]


def test_the_readme_lists_every_subcommand() -> None:
    """Every subcommand of the parser, and every choice of a positional argument
    (`fremad db rotate-key`, `fremad invite staff|mentor|youth`), is in README.md's list."""
    lines = _readme_command_lines()
    for name, sub in _subparsers(build_parser()).items():
        own = [line for line in lines if line == name or line.startswith(f"{name} ")]
        assert own, f"README.md's command list lacks `{name}`"
        for action in sub._actions:
            if action.option_strings or isinstance(action, argparse._SubParsersAction):
                continue
            for choice in action.choices or ():
                assert any(re.search(rf"[ |]{re.escape(choice)}\b", line) for line in own), (
                    f"README.md's command list lacks `{name} {choice}`"
                )
