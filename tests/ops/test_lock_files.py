"""The lock files pin every dependency of pyproject.toml within its allowed range, at the same
version in both files (scripts/lock.sh regenerates them)."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import REPO_ROOT


def pins(name: str) -> dict[str, str]:
    text = (REPO_ROOT / name).read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE)
    return {canonicalize_name(package): version for package, version in found}


def requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-dev.lock", "test")]
)
def test_every_dependency_is_pinned_within_its_range(lock: str, extra: str | None) -> None:
    pinned = pins(lock)
    for requirement in requirements() + (requirements(extra) if extra else []):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in {lock}: run scripts/lock.sh"
        assert requirement.specifier.contains(version), f"{requirement.name}=={version} {lock}"


def test_both_lock_files_pin_the_same_versions() -> None:
    app, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in app} == app


def test_libraries_whose_internals_fremad_uses_have_an_upper_bound() -> None:
    bounded = {canonicalize_name(r.name): r.specifier for r in requirements()}
    for name in ("aiogram", "sqlalchemy", "aiosqlite"):
        assert any(spec.operator == "<" for spec in bounded[name]), name
