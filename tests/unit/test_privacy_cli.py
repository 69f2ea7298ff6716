"""`fremad keygen` and `fremad db rotate-key` as an operator runs them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from storage import crypto

FREMAD = str(Path(sys.executable).parent / "fremad")


def _env(database_url: str, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FREMAD_")}
    env.update({"DATABASE_URL": database_url, "ENCRYPTION_KEY": key})
    return env


def test_keygen_prints_a_new_fernet_key() -> None:
    out = subprocess.run([FREMAD, "keygen"], capture_output=True, text=True, check=True)
    key = out.stdout.strip()
    Fernet(key.encode())  # a valid key
    again = subprocess.run([FREMAD, "keygen"], capture_output=True, text=True, check=True)
    assert again.stdout.strip() != key


def test_rotate_key_re_encrypts_and_the_old_key_can_go(database_url: str) -> None:
    old, new = crypto.new_key(), crypto.new_key()
    path = database_url.split("///", 1)[1]
    crypto.configure(old)
    token = crypto.encrypt("min hemmelige plan")
    now = datetime(2026, 11, 23, tzinfo=UTC).isoformat()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO people (id, telegram_id, first_name, timezone, is_youth, "
            "is_mentor, is_staff, created_at) VALUES (1, 42, 'A', 'Europe/Copenhagen', "
            "1, 0, 0, ?)",
            (now,),
        )
        conn.execute(
            "INSERT INTO safety_plans (person_id, calming, updated_at) VALUES (1, ?, ?)",
            (token, now),
        )
    done = subprocess.run(
        [FREMAD, "db", "rotate-key"],
        env=_env(database_url, f"{new},{old}"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        (stored,) = conn.execute("SELECT calming FROM safety_plans").fetchone()
    assert stored != token and "hemmelige" not in stored
    crypto.configure(new)  # the new key alone reads it
    assert crypto.decrypt(stored) == "min hemmelige plan"
    # Without the old key, a value only it could read stops rotation with one sentence.
    crypto.configure(old)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE safety_plans SET calming = ?", (crypto.encrypt("x"),))
    failed = subprocess.run(
        [FREMAD, "db", "rotate-key"], env=_env(database_url, new), capture_output=True, text=True
    )
    assert failed.returncode == 2 and "ENCRYPTION_KEY" in failed.stderr
    assert "Traceback" not in failed.stderr
