"""Free text is encrypted at rest: a column type that encrypts on write and decrypts on read.

Keys come from settings (ENCRYPTION_KEY: one or more Fernet keys, comma-separated, newest first).
Rotation: put the new key first and keep the old ones after it; everything stays readable, new
writes use the new key; `fremad db rotate-key` re-encrypts old rows, then drop old keys.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

_cipher: MultiFernet | None = None


class EncryptionNotConfigured(RuntimeError):
    pass


def configure(keys: str) -> None:
    """Sets the process's keys ('k1,k2': k1 encrypts; all decrypt)."""
    global _cipher
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ValueError("no encryption key given")
    _cipher = MultiFernet([Fernet(k.encode()) for k in parts])


def new_key() -> str:
    return Fernet.generate_key().decode()


def _get() -> MultiFernet:
    if _cipher is None:
        raise EncryptionNotConfigured("encryption keys are not configured")
    return _cipher


def encrypt(text: str) -> str:
    return _get().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _get().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise EncryptionNotConfigured("this text was encrypted with a key Fremad lacks") from exc


def rotate(token: str) -> str:
    """Re-encrypts with the newest key."""
    return _get().rotate(token.encode("ascii")).decode("ascii")


class EncryptedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(str(value))
