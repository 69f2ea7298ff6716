"""The shipped systemd unit passes `systemd-analyze verify` (where systemd is installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT

UNIT = REPO_ROOT / "deploy" / "fremad.service"


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd to check)")
    # verify also checks that ExecStart exists: point it at this checkout's fremad.
    fremad = Path(sys.executable).parent / "fremad"
    unit = tmp_path / "fremad.service"
    unit.write_text(UNIT.read_text().replace("/opt/fremad/.venv/bin/fremad", str(fremad)))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "fremad.service" not in result.stderr, result.stderr  # no warnings about our unit


def test_unit_runs_migrations_then_the_bot() -> None:
    lines = UNIT.read_text().splitlines()
    assert "ExecStartPre=/opt/fremad/.venv/bin/fremad db upgrade" in lines
    assert "ExecStart=/opt/fremad/.venv/bin/fremad run" in lines
