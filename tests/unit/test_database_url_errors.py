"""A DATABASE_URL Fremad cannot use stops every command with one sentence saying what to write,
not a traceback (before, `postgres://`, `not a url` and `mysql://` each ended in one)."""

from __future__ import annotations

import os
import subprocess

import pytest
from pydantic import ValidationError

from bot.config import Settings
from tests.e2e.live import FREMAD

CASES = [
    (
        "postgres://fremad:secret@db/fremad",
        "PostgreSQL needs the asyncpg driver: start it postgresql+asyncpg://",
    ),
    (
        "not a url",
        "not a database URL; expected sqlite+aiosqlite:///PATH or "
        "postgresql+asyncpg://USER:PASSWORD@HOST/NAME",
    ),
    (
        "mysql://fremad@db/fremad",
        "mysql is not supported; expected sqlite+aiosqlite:///PATH or "
        "postgresql+asyncpg://USER:PASSWORD@HOST/NAME",
    ),
    (
        "sqlite:///data/x.sqlite3",
        "SQLite needs the aiosqlite driver: start it sqlite+aiosqlite:///",
    ),
]


@pytest.mark.parametrize(
    ("url", "reason"), CASES, ids=["postgres", "not-a-url", "mysql", "sqlite"]
)
def test_a_bad_database_url_is_one_sentence(url: str, reason: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATABASE_URL": url}
    result = subprocess.run(
        [FREMAD, "db", "upgrade"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"fremad: DATABASE_URL is not valid ({reason}): fix it in the environment or in .env.\n"
    )
    assert "secret" not in result.stderr


@pytest.mark.parametrize("url", ["sqlite+aiosqlite://", "postgresql+asyncpg://u:p@h:5432/n"])
def test_supported_database_urls_are_accepted(url: str) -> None:
    assert Settings(database_url=url).database_url == url


def test_the_check_is_a_settings_error_doctor_lists() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL needs the asyncpg driver"):
        Settings(database_url="postgresql://u@h/n")
