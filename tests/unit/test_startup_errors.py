"""What an operator sees when Telegram or the database is not there: one sentence on stderr
naming what failed and what to do, a non-zero exit, no traceback — and a different sentence
for each cause (before, a missing database and an unwritable SQLite path both said "check
that it is running", and `fremad run` without a network printed a 95-line traceback)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.local_telegram import FakeTelegram, FakeTelegramServer
from tests.conftest import TEST_TOKEN
from tests.e2e.live import FREMAD
from tests.faults.servers import free_port
from tests.harness import TEST_ENCRYPTION_KEY

PASSWORD = "s3cretPW"


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SQLITE_DRIVER": "stock"}
    env.update(settings)
    return env


def _fremad(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FREMAD, *args],
        env=_env(tmp_path, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The last line of stderr (log lines may come before it), checked for the rules."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("fremad: ")
    return last.removeprefix("fremad: ")


# ------------------------------------------------------------------------------- Telegram


def test_run_without_telegram_is_one_sentence(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = _fremad(tmp_path, "run", BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=closed)
    assert _one_sentence(result) == (
        f"Cannot reach Telegram at {closed}: check the network connection (and a proxy, or "
        "TELEGRAM_API_URL), then start Fremad again."
    )
    assert TEST_TOKEN not in result.stderr


def test_run_webhook_without_telegram_is_one_sentence(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    result = _fremad(
        tmp_path,
        "run",
        "--webhook",
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=closed,
        WEBHOOK_URL="https://fremad.example.dk/telegram/webhook",
        WEBHOOK_SECRET="s" * 32,
        WEBHOOK_PORT=str(free_port()),
    )
    assert _one_sentence(result).startswith(f"Cannot reach Telegram at {closed}: ")


async def test_run_with_a_token_telegram_rejects_is_one_sentence(tmp_path: Path) -> None:
    tg = FakeTelegram()  # knows only its own token: another one gets 401 Unauthorized
    async with FakeTelegramServer(tg) as server:
        process = await asyncio.create_subprocess_exec(
            FREMAD,
            "run",
            env=_env(tmp_path, BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=server.base_url),
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    result = subprocess.CompletedProcess(["fremad", "run"], process.returncode, "", err.decode())
    assert _one_sentence(result) == (
        "Telegram rejected BOT_TOKEN (401 Unauthorized): it was mistyped or revoked; copy the "
        "current token from @BotFather."
    )
    assert TEST_TOKEN not in result.stderr


# ------------------------------------------------------------------------------- PostgreSQL


def test_a_postgres_server_that_is_not_listening(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql+asyncpg://fremad:{PASSWORD}@127.0.0.1:{port}/fremad"
    result = _fremad(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert _one_sentence(result) == (
        f"Cannot reach the database server at 127.0.0.1:{port}: is PostgreSQL running there, "
        "and are the host and port in DATABASE_URL right?"
    )


def test_a_database_that_does_not_exist_on_the_server(tmp_path: Path, postgres_url: str) -> None:
    server = make_url(postgres_url)
    url = server.set(database="fremad_nowhere", password=PASSWORD).render_as_string(
        hide_password=False
    )
    result = _fremad(
        tmp_path, "db", "upgrade", DATABASE_URL=url, ENCRYPTION_KEY=TEST_ENCRYPTION_KEY
    )
    assert _one_sentence(result) == (
        f"Database 'fremad_nowhere' does not exist on the server at {server.host}:"
        f"{server.port or 5432}: create it (createdb fremad_nowhere) or fix the name in "
        "DATABASE_URL."
    )


def test_a_user_the_server_refuses(tmp_path: Path, postgres_url: str) -> None:
    server = make_url(postgres_url)
    url = server.set(username="fremad_nobody", password=PASSWORD).render_as_string(
        hide_password=False
    )
    result = _fremad(tmp_path, "people", DATABASE_URL=url)
    assert _one_sentence(result).startswith(
        f"The database server at {server.host}:{server.port or 5432} refused user "
        "'fremad_nobody': check the user name and password in DATABASE_URL"
    )


# ------------------------------------------------------------------------------- SQLite


def test_a_sqlite_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be", encoding="utf-8")
    database = tmp_path / "data" / "fremad.sqlite3"
    result = _fremad(tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert _one_sentence(result) == (
        f"Cannot create the SQLite database at {database}: {database.parent} is a file, not a "
        "folder; move it or set DATABASE_URL to a path in a folder."
    )


def test_a_sqlite_folder_on_a_read_only_file_system(tmp_path: Path) -> None:
    """/proc stands in for a read-only mount (nobody may make folders there, not even root)."""
    database = Path("/proc/fremad-nowhere/fremad.sqlite3")
    result = _fremad(tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert _one_sentence(result).startswith(
        f"Cannot create the SQLite database at {database}: the folder {database.parent} does "
        "not exist and cannot be made ("
    )


def test_run_with_a_sqlite_folder_that_cannot_be_made(tmp_path: Path) -> None:
    """`fremad run` makes the folder for the key file first: the same sentence, not OSError."""
    (tmp_path / "data").write_text("in the way", encoding="utf-8")
    result = _fremad(tmp_path, "run", BOT_TOKEN=TEST_TOKEN)
    assert _one_sentence(result) == (
        f"Cannot create the SQLite database at {tmp_path / 'data' / 'fremad.sqlite3'}: "
        f"{tmp_path / 'data'} is a file, not a folder; move it or set DATABASE_URL to a path "
        "in a folder."
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_sqlite_folder_this_user_may_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        database = folder / "fremad.sqlite3"
        result = _fremad(tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    finally:
        folder.chmod(0o755)
    assert _one_sentence(result) == (
        f"Cannot create the SQLite database at {database}: this user may not write in the "
        f"folder {folder}; allow it or set DATABASE_URL to a writable folder."
    )


def test_each_cause_has_its_own_advice(tmp_path: Path) -> None:
    """The reasons are worded apart (the operator learns which of the three it is)."""
    from storage.db import why_sqlite_unusable, why_unreachable

    no_server = why_unreachable(
        f"postgresql+asyncpg://u:{PASSWORD}@127.0.0.1:1/x", ConnectionRefusedError()
    )
    no_folder = why_sqlite_unusable(str(tmp_path / "missing" / "x.sqlite3"))
    assert "is PostgreSQL running" in no_server and PASSWORD not in no_server
    assert "does not exist" in no_folder and "running" not in no_folder


def test_an_unwritable_folder_is_told_apart_from_a_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root (this machine) no folder is unwritable, so the permission is faked here; the
    subprocess test above covers it for other users."""
    from storage import db

    monkeypatch.setattr(db.os, "access", lambda path, mode: False)
    database = tmp_path / "fremad.sqlite3"
    assert db.why_sqlite_unusable(str(database)) == (
        f"Cannot create the SQLite database at {database}: this user may not write in the "
        f"folder {tmp_path}; allow it or set DATABASE_URL to a writable folder."
    )
    database.touch()
    assert db.why_sqlite_unusable(str(database)).endswith(
        "this user may not read and write the file; fix its owner or permissions, or set "
        "DATABASE_URL to another file."
    )
