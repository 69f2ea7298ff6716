"""Fremad finds its shipped files wherever it is installed, and `fremad doctor` says so when
they are missing (a wheel without catalogues, a SCRIPTS_DIR without the scripts)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import REPO_ROOT, Settings
from bot.ops.doctor import Level, check_resources
from bot.resources import shipped_dialogs_dir, shipped_locales_dir


def settings(**values: object) -> Settings:
    return Settings(database_url="sqlite+aiosqlite://", **values)  # type: ignore[arg-type]


def failures(found: Settings) -> list[str]:
    return [f"{f.topic}: {f.text}" for f in check_resources(found) if f.level is Level.FAIL]


def test_a_checkout_finds_its_top_level_folders() -> None:
    assert shipped_dialogs_dir() == REPO_ROOT / "dialogs"
    assert shipped_locales_dir() == REPO_ROOT / "locales"
    assert failures(settings()) == []


def test_doctor_names_missing_catalogues(tmp_path: Path) -> None:
    (tmp_path / "locales" / "en" / "LC_MESSAGES").mkdir(parents=True)
    found = failures(settings(locales_dir=tmp_path / "locales"))
    assert len(found) == 1
    assert found[0].startswith("catalogues: no translation catalogue for da, en in ")
    assert "reinstall Fremad, or fix LOCALES_DIR" in found[0]


def test_doctor_names_missing_dialog_files(tmp_path: Path) -> None:
    found = failures(settings(dialogs_dir=tmp_path / "nowhere"))
    assert len(found) == 1 and found[0].startswith("scripts: the dialog files are missing (")


def test_doctor_names_the_scripts_a_staff_folder_lacks(tmp_path: Path) -> None:
    staff = tmp_path / "staff-scripts"
    shutil.copytree(REPO_ROOT / "dialogs" / "scripts", staff)
    (staff / "daily_checkin.yaml").unlink()
    found = failures(settings(scripts_dir=staff))
    assert len(found) == 1 and found[0].startswith("scripts: SCRIPTS_DIR lacks daily_checkin.yaml")
    assert failures(settings(scripts_dir=tmp_path / "empty")) == [
        f"scripts: no dialog scripts in {tmp_path / 'empty'}: copy the shipped scripts there, "
        "or fix SCRIPTS_DIR."
    ]


def test_scripts_dir_replaces_the_shipped_scripts(tmp_path: Path) -> None:
    staff = tmp_path / "staff-scripts"
    shutil.copytree(REPO_ROOT / "dialogs" / "scripts", staff)
    found = settings(scripts_dir=staff)
    assert found.script_folder == staff
    assert failures(found) == []
    assert settings().script_folder == REPO_ROOT / "dialogs" / "scripts"


def test_doctor_checks_the_crisis_screen(tmp_path: Path) -> None:
    found = {f.topic: f for f in check_resources(settings())}
    assert found["crisis screen"].level is Level.OK
    assert "rules and the model trained on" in found["crisis screen"].text
    dialogs = tmp_path / "dialogs"
    shutil.copytree(shipped_dialogs_dir(), dialogs)
    (dialogs / "crisis" / "model.npz").unlink()
    found = {f.topic: f for f in check_resources(settings(dialogs_dir=dialogs))}
    assert found["crisis screen"].level is Level.WARN
    assert "the rules run alone" in found["crisis screen"].text
    (dialogs / "crisis" / "model.npz").write_text("not a model", encoding="utf-8")
    broken = failures(settings(dialogs_dir=dialogs))
    assert any(line.startswith("crisis screen: ") for line in broken)
