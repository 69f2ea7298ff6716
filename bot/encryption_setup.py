"""Which key encrypts free text at rest: ENCRYPTION_KEY, or a key file beside a SQLite database.

Kept apart from bot.app so the command-line tools that need it (`fremad db rotate-key`) start
without importing the Telegram framework.
"""

from __future__ import annotations

from bot.config import ConfigError, Settings
from storage import crypto, migrate


def configure_encryption(settings: Settings) -> None:
    """Free text is encrypted at rest. With SQLite and no ENCRYPTION_KEY, a key file is made
    beside the database (mode 0600); PostgreSQL deployments must set ENCRYPTION_KEY."""
    if settings.encryption_key is not None:
        crypto.configure(settings.encryption_key.get_secret_value())
        return
    if not settings.is_sqlite:
        raise ConfigError(
            "ENCRYPTION_KEY is not set: set it to a key from `fremad keygen` "
            "(free text is encrypted at rest; keep the key safe and out of the database)."
        )
    key_file = migrate.sqlite_folder(settings.database_url) / "fremad.key"
    if not key_file.exists():
        migrate.ensure_sqlite_folder(settings.database_url)
        try:
            key_file.write_text(crypto.new_key(), encoding="ascii")
            key_file.chmod(0o600)
        except OSError as exc:
            raise ConfigError(
                f"Cannot write the encryption key file {key_file} ({exc.strerror}): let this "
                "user write in that folder, or set ENCRYPTION_KEY to a key from `fremad keygen`."
            ) from exc
    crypto.configure(key_file.read_text(encoding="ascii").strip())
