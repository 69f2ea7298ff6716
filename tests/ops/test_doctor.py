"""`fremad doctor` as an operator runs it: a subprocess, against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import io
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.local_telegram import FakeTelegram, FakeTelegramServer
from bot.ops.doctor import diagnose, load_settings, print_findings
from storage.db import create_engine
from tests.conftest import POSTGRES_ADMIN_URL
from tests.e2e.live import FREMAD
from tests.harness import TEST_ENCRYPTION_KEY

OTHER_VALID_TOKEN = "987654321:ZZZtokenZZZtokenZZZtokenZZZtokenZZZ"


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegram, str]]:
    tg = FakeTelegram()
    async with FakeTelegramServer(tg) as server:
        yield tg, server.base_url


def doctor_env(tg: FakeTelegram, base_url: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k == "PATH" or k.startswith(("LANG", "LC_"))}
    env.update(
        {
            "BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": base_url,
            "DATABASE_URL": database_url,
            "BOT_USERNAME": tg.bot_username,
            "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
        }
    )
    env.update(extra)
    return env


async def run_doctor(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        FREMAD,
        "doctor",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def doctor_in_process(
    tg: FakeTelegram, base_url: str, database_url: str, **overrides: str | None
) -> tuple[int, str]:
    """The same checks and printing as the command, in this process (no interpreter start)."""
    values: dict[str, str | None] = {
        "bot_token": tg.token,
        "telegram_api_url": base_url,
        "database_url": database_url,
        "bot_username": tg.bot_username,
        "encryption_key": TEST_ENCRYPTION_KEY,
    }
    values.update(overrides)
    settings, findings = load_settings(_env_file=None, **values)
    if settings is not None:
        findings.extend(await diagnose(settings))
    out = io.StringIO()
    return print_findings(findings, out), out.getvalue()


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL")]


async def test_all_good(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    code, out = await run_doctor(doctor_env(tg, base_url, database_url), tmp_path)
    assert code == 0, out
    assert "All good" in out and "the token belongs to @fremad_test_bot" in out
    assert "no webhook set (polling mode)" in out


async def test_every_invalid_setting_is_listed(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    code, out = await doctor_in_process(
        tg, base_url, database_url, timezone="Mars/Olympus", default_locale="fr"
    )
    assert code == 1
    assert [line.split(" is not valid")[0] for line in failures(out)] == [
        "FAIL  settings: TIMEZONE",
        "FAIL  settings: DEFAULT_LOCALE",
    ]


async def test_bad_token_format_and_unreachable_database(
    telegram: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    tg, base_url = telegram
    env = doctor_env(
        tg,
        base_url,
        "postgresql+asyncpg://fremad:s3cret@127.0.0.1:1/fremad",
        BOT_TOKEN="not-a-token",
    )
    code, out = await run_doctor(env, tmp_path)
    assert code == 1
    fails = failures(out)
    assert any("BOT_TOKEN does not look like a Telegram bot token" in line for line in fails)
    assert any(
        "cannot reach the database server at 127.0.0.1:1: is PostgreSQL running there" in line
        for line in fails
    )
    assert "s3cret" not in out and "not-a-token" not in out
    assert not tg.calls  # Telegram is not asked with a malformed token


async def test_token_rejected_by_telegram(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    code, out = await doctor_in_process(tg, base_url, database_url, bot_token=OTHER_VALID_TOKEN)
    assert code == 1
    assert failures(out) == [
        "FAIL  telegram: Telegram rejected BOT_TOKEN (401 Unauthorized): it was mistyped or "
        "revoked; copy the current token from @BotFather."
    ]
    assert OTHER_VALID_TOKEN not in out


async def test_webhook_set_while_polling(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    await tg.call("setWebhook", {"url": "https://elsewhere.example/hook"})
    code, out = await run_doctor(doctor_env(tg, base_url, database_url), tmp_path)
    assert code == 1
    (line,) = failures(out)
    assert "a webhook is set (https://elsewhere.example/hook)" in line
    assert "set up for polling" in line


async def test_webhook_mode_settings(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    code, out = await doctor_in_process(
        tg,
        base_url,
        database_url,
        webhook_url="http://fremad.example/hook",
        webhook_secret="short",
    )
    assert code == 1
    fails = failures(out)
    assert any("WEBHOOK_URL must start with https://" in line for line in fails)
    assert any("WEBHOOK_SECRET must be set to at least 24" in line for line in fails)
    assert "WARN  webhook: Telegram has no webhook set" in out


async def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def test_migrations_behind_and_missing_key_on_postgres(
    telegram: tuple[FakeTelegram, str], postgres_url: str, tmp_path: Path
) -> None:
    tg, base_url = telegram
    name = f"fremad_doctor_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        code, out = await doctor_in_process(
            tg, base_url, f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}", encryption_key=None
        )
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert code == 1
    fails = failures(out)
    assert any("ENCRYPTION_KEY is not set" in line for line in fails)
    assert any(
        "the database is at nothing, the code needs" in line and "fremad db upgrade" in line
        for line in fails
    )
    assert postgres_url  # the machine's PostgreSQL is up (else the fixture skipped)
