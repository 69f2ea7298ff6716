"""Pre-release only: rewrite storage/migrations/versions/0001 from the models.

Until Fremad's first production deployment the schema lives in one initial migration; after it,
add ordinary Alembic revisions instead (`alembic revision --autogenerate`) and delete this file.
Run: .venv/bin/python scripts/regenerate_initial_migration.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from storage.migrate import MIGRATIONS_DIR, alembic_config


def main() -> None:
    for old in (MIGRATIONS_DIR / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'empty.sqlite3'}"
        command.revision(
            alembic_config(url), message="initial schema", autogenerate=True, rev_id="0001"
        )


if __name__ == "__main__":
    main()
