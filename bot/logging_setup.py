"""Logging that never carries the bot token or what people wrote.

Fremad's own code logs ids, counts and types only. What other libraries log cannot be
reviewed, so every record passing the handler is made safe (``PrivacyFilter``):
* a traceback keeps its frames (file, line, function) and exception *types*, never an
  exception's message — a pydantic or SQL error quotes the input (names, texts, parameters);
* a library's log arguments keep numbers; strings and exceptions are replaced by their type.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

_TOKEN_IN_TEXT = re.compile(r"\d{6,20}:[A-Za-z0-9_-]{30,}")


# Database drivers log SQL with its parameters at DEBUG (Telegram ids, names, ciphertext): they
# stay at WARNING whatever LOG_LEVEL says.
QUIET_LOGGERS = {
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
}


class RedactingFilter(logging.Filter):
    """Removes anything shaped like a bot token from every record, whatever logger wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_IN_TEXT.search(message):
            record.msg = _TOKEN_IN_TEXT.sub("<token>", message)
            record.args = None
        return True


# Loggers whose records Fremad writes itself (reviewed: ids, counts and types only).
OWN_LOGGERS = ("bot", "storage", "fremad", "__main__")


def _own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def safe_traceback(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """The traceback's frames and exception types (the whole chain), without any message."""
    parts: list[str] = []
    seen: set[int] = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        parts.append(
            "\n".join(
                [
                    "Traceback (most recent call last):",
                    *lines,
                    f"{type(current).__module__}.{type(current).__qualname__}",
                ]
            )
        )
        current = current.__cause__ or current.__context__
    if not parts and exc_type is not None:
        parts.append(exc_type.__qualname__)
    return "\n-- caused by / during --\n".join(reversed(parts))


def _safe_arg(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, BaseException):
        return type(value).__name__
    return f"<{type(value).__name__}>"


class PrivacyFilter(logging.Filter):
    """No exception message anywhere, and no string argument from a library's log call."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_text = safe_traceback(*record.exc_info)
            record.exc_info = None
        elif record.exc_text and not _own(record.name):
            record.exc_text = "<traceback withheld>"
        if record.stack_info and not _own(record.name):
            record.stack_info = None
        if not _own(record.name) and not isinstance(record.msg, str):
            record.msg, record.args = f"<{type(record.msg).__name__}>", None
        if not _own(record.name) and record.args:
            args = record.args
            if isinstance(args, dict):
                record.args = {key: _safe_arg(value) for key, value in args.items()}
            else:
                record.args = tuple(_safe_arg(value) for value in args)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "INFO", as_json: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(PrivacyFilter())
    handler.addFilter(RedactingFilter())
    if as_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs every handled update at INFO with ids only; its event logger stays quiet.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(quiet)
    # Warnings (aiogram's "unknown update type" one quotes the update) go through the filter.
    logging.captureWarnings(True)
