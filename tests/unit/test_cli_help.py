"""`fremad --version` and a description on every subcommand's --help."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from bot.cli import build_parser, main


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
