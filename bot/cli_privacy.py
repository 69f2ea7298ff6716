"""`fremad keygen` and `fremad db rotate-key` (see storage/key_rotation.py for the steps)."""

from __future__ import annotations

from bot.config import ConfigError, Settings
from bot.encryption_setup import configure_encryption
from storage import crypto
from storage.db import create_engine, create_sessionmaker
from storage.key_rotation import rotate_all


def new_key() -> str:
    """A fresh Fernet key (urlsafe base64, 32 bytes)."""
    return crypto.new_key()


async def rotate_key(settings: Settings) -> dict[str, int]:
    """Re-encrypts every encrypted column with the newest key in ENCRYPTION_KEY."""
    configure_encryption(settings)
    engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    try:
        async with create_sessionmaker(engine)() as session:
            try:
                return await rotate_all(session)
            except crypto.EncryptionNotConfigured as exc:
                raise ConfigError(
                    "Some stored text cannot be read with any key in ENCRYPTION_KEY: keep the old "
                    "key in the list (newest first, comma-separated) until rotation is done."
                ) from exc
    finally:
        await engine.dispose()
