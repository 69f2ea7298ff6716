"""The wheel works outside the checkout: built, installed in a fresh venv in a temporary folder,
then `fremad --version`, `fremad dialogs lint`, `fremad doctor` (SQLite) and `fremad simulate`
run from there, and nothing is written into the install folder (scripts/wheel_smoke.py).

Slow (~40 s: a build and a full install), so deselected by default; `pytest -m slow` runs it,
and .ci/run runs the same script after the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import REPO_ROOT

pytestmark = pytest.mark.slow


def test_the_wheel_installs_and_runs_outside_the_checkout() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "wheel_smoke.py")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "wheel smoke: dialogs lint: 26 file(s) checked: 0 error(s), 0 warning(s)" in lines
    assert "wheel smoke: doctor: All good." in lines
    assert "wheel smoke: simulate: onboarding in Danish works" in lines
    assert lines[-1] == "wheel smoke: ok"
