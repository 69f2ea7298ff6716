"""The edge where raw updates from Telegram come in (polling and webhook alike).

Rules, in plain words:
* Input hygiene first: lone UTF-16 surrogates become U+FFFD and control characters (other
  than tab and newlines) are dropped from every string, so nothing later trips over them.
* A body that is not an update (no integer ``update_id``) is malformed: the webhook says 400.
* An update type this bot does not know is acknowledged and ignored.
* An update that cannot be parsed, or whose handling failed with a bug, is quarantined (ids
  and types only), counted and acknowledged: it never blocks the updates behind it.
* An update whose handling failed for an infrastructure reason (bot/ops/failure_kind.py) is
  *not* acknowledged: ``RETRY`` (webhook 500, polling offset left before it).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.ops.failure_kind import is_infrastructure_failure
from bot.telegram.arrival_check import ChatMessageIds
from storage.repositories.quarantine import QuarantineRepository

log = logging.getLogger(__name__)

UPDATE_KINDS = frozenset(Update.model_fields) - {"update_id"}
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 controls except \t \n \r, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Intake(StrEnum):
    HANDLED = "handled"
    IGNORED = "ignored"  # an update type this bot does not know
    QUARANTINED = "quarantined"
    RETRY = "retry"  # infrastructure failure: not acknowledged


class MalformedUpdate(ValueError):
    """The body is not a Telegram update at all."""


def clean_text(value: str) -> str:
    if _LONE_SURROGATE.search(value):
        value = _LONE_SURROGATE.sub("\ufffd", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def clean_payload(value: Any) -> Any:
    """The same JSON value with every string cleaned (see clean_text)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_payload(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_payload(item) for item in value]
    return value


def update_kind(raw: dict[str, Any]) -> str:
    """The update's type by its key ("message", ...), or "unknown"."""
    return next((key for key in raw if key in UPDATE_KINDS), "unknown")


def update_id_of(raw: Any) -> int:
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        raise MalformedUpdate("not a Telegram update")
    return int(raw["update_id"])


class UpdateQuarantine:
    """Stores quarantined updates by ids and types (never content) and counts them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_quarantined: Callable[[str], None] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.on_quarantined = on_quarantined
        self.counts: Counter[str] = Counter()

    async def store(
        self, bot_id: int, update_id: int, update_type: str, stage: str, exc: BaseException
    ) -> None:
        """Raises when the database cannot store it (then the update is not acknowledged)."""
        error = type(exc).__name__
        async with self.sessionmaker() as session:
            await QuarantineRepository(session).add(
                bot_id, update_id, update_type, stage, error, self.clock.now()
            )
            await session.commit()
        self.counts[stage] += 1
        if self.on_quarantined is not None:
            self.on_quarantined(stage)
        log.warning("update %s (%s) quarantined at %s: %s", update_id, update_type, stage, error)


class UpdateIntake:
    """``await intake.take(raw)`` → what the transport must answer (see Intake)."""

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        quarantine: UpdateQuarantine,
        arrivals: ChatMessageIds | None = None,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.quarantine = quarantine
        self.arrivals = arrivals
        self.counts: Counter[Intake] = Counter()

    async def take(self, raw: Any) -> Intake:
        outcome, _reply = await self.take_with_reply(raw)
        return outcome

    async def take_with_reply(
        self, raw: Any, *, webhook_reply: bool = False
    ) -> tuple[Intake, Any]:
        """The outcome, and what the dispatcher returned. With ``webhook_reply`` a handler may
        return one Bot API method (a tap's answer) to ride on the webhook's answer."""
        update_id = update_id_of(raw)
        outcome, reply = await self._take(update_id, clean_payload(raw), webhook_reply)
        self.counts[outcome] += 1
        return outcome, reply

    async def _take(
        self, update_id: int, raw: dict[str, Any], webhook_reply: bool
    ) -> tuple[Intake, Any]:
        kind = update_kind(raw)
        if kind == "unknown":
            log.info("update %s ignored: a type this bot does not handle", update_id)
            return Intake.IGNORED, None
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValidationError as exc:
            return await self._quarantine(update_id, kind, "parse", exc), None
        if self.arrivals is not None and update.message is not None:
            # The chat's latest message id: where a "did it arrive?" check starts.
            self.arrivals.saw(update.message.chat.id, update.message.message_id, ours=False)
        try:
            reply = await self.dp.feed_update(self.bot, update, webhook_reply=webhook_reply)
        except Exception as exc:
            if is_infrastructure_failure(exc):
                log.warning(
                    "update %s (%s) not acknowledged: %s", update_id, kind, type(exc).__name__
                )
                return Intake.RETRY, None
            # The errors router handles bugs; this is one that escaped it.
            return await self._quarantine(update_id, kind, "handle", exc), None
        return Intake.HANDLED, reply

    async def _quarantine(
        self, update_id: int, kind: str, stage: str, exc: BaseException
    ) -> Intake:
        try:
            await self.quarantine.store(self.bot.id, update_id, kind, stage, exc)
        except Exception as store_exc:
            if is_infrastructure_failure(store_exc):
                return Intake.RETRY  # stored once the database is back
            raise
        return Intake.QUARANTINED
