"""Invite codes people can also type: no look-alike characters, case and spaces forgiven."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_NOT_CODE = re.compile(r"[\s\-_]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(raw: str) -> str:
    """Upper-cases and drops spaces, dashes and underscores people add when typing a code."""
    return _NOT_CODE.sub("", raw).upper()[:64]


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)
