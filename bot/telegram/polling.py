"""Long polling that never confirms an update it could not handle for an infrastructure reason.

aiogram's own loop confirms each batch before handling it and parses a batch as a whole (one
update it cannot parse fails every getUpdates, forever). Here the raw batch is read, each
update goes through the intake (bot/telegram/update_intake.py) on its own, and the next offset
is the first update that must be delivered again (``RETRY``), or past the batch when none must.
Updates after a failed one in the same batch are delivered again too, and skipped as already
handled (bot/middlewares/update_dedup.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod

from bot.telegram.update_intake import Intake, MalformedUpdate, UpdateIntake

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 25
RETRY_BASE_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0
# Updates not acknowledged (an outage): asked for again at least this often, so people are
# answered within seconds of the database or Redis coming back.
REDELIVERY_MAX_SECONDS = 5.0


class GetRawUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates whose result stays JSON: each update is parsed on its own."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


def next_offset(batch: Sequence[tuple[int, Intake]], current: int | None) -> int | None:
    """The first update to be delivered again, else one past the batch."""
    retry = [update_id for update_id, outcome in batch if outcome is Intake.RETRY]
    if retry:
        return min(retry)
    if batch:
        return max(update_id for update_id, _ in batch) + 1
    return current


def backoff(failures: int, cap: float = RETRY_MAX_SECONDS) -> float:
    """Exponential with jitter: 1, 2, 4 … s, capped (30 s by default)."""
    step: float = min(cap, RETRY_BASE_SECONDS * 2 ** max(failures - 1, 0))
    return step * (0.5 + random.random() / 2)


async def _take(intake: UpdateIntake, raw: Any) -> tuple[int, Intake] | None:
    try:
        outcome, reply = await intake.take_with_reply(raw)
    except MalformedUpdate:
        log.warning("getUpdates returned something that is not an update: skipped")
        return None
    return raw["update_id"], outcome


async def poll_updates(
    bot: Bot,
    intake: UpdateIntake,
    allowed_updates: list[str],
    stop: asyncio.Event,
    *,
    poll_timeout: int = POLL_TIMEOUT_SECONDS,
) -> None:
    """Runs until ``stop`` is set; a batch being handled is finished first."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        request = GetRawUpdates(
            offset=offset, timeout=poll_timeout, allowed_updates=allowed_updates
        )
        fetch = asyncio.ensure_future(bot(request, request_timeout=poll_timeout + 15))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if stop.is_set():
            fetch.cancel()
            break
        try:
            raw_updates = fetch.result()
        except TelegramRetryAfter as exc:
            await _pause(stop, exc.retry_after)
            continue
        except (TelegramNetworkError, TelegramServerError, TelegramConflictError) as exc:
            failures += 1
            log.warning("getUpdates failed: %s; retrying", type(exc).__name__)
            await _pause(stop, backoff(failures))
            continue
        outcomes = [
            taken
            for taken in await asyncio.gather(*(_take(intake, raw) for raw in raw_updates))
            if taken is not None
        ]
        offset = next_offset(outcomes, offset)
        if any(outcome is Intake.RETRY for _, outcome in outcomes):
            failures += 1
            await _pause(stop, backoff(failures, REDELIVERY_MAX_SECONDS))
        else:
            failures = 0
    if offset is not None:
        # Confirm what was handled, so a restart does not see it again.
        try:
            await bot(GetRawUpdates(offset=offset, timeout=0, limit=1))
        except Exception as exc:  # noqa: BLE001 - best effort at shutdown
            log.info("could not confirm the last updates: %s", type(exc).__name__)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
