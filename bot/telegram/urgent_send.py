"""Sending a message that must arrive (the crisis answer): retried on 5xx and network errors.

At-least-once: when Telegram's answer is lost after it delivered the message, the person may
see it twice — for a crisis answer, twice is far better than never. 429 is waited out by the
session's RetryAfterMiddleware; 4xx other than 429 is not retried (it would fail again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.methods import TelegramMethod

log = logging.getLogger(__name__)

URGENT_ATTEMPTS = 6
URGENT_BASE_DELAY = 0.5
URGENT_MAX_DELAY = 8.0


async def send_urgent(
    bot: Bot,
    method: TelegramMethod[Any],
    *,
    attempts: int = URGENT_ATTEMPTS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Any:
    """``bot(method)`` with up to ``attempts`` tries (0.5, 1, 2, 4, 8 s apart); the last
    failure is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return await bot(method)
        except (TelegramServerError, TelegramNetworkError) as exc:
            if attempt == attempts:
                raise
            log.warning(
                "urgent %s failed (%s), attempt %d of %d",
                method.__api_method__,
                type(exc).__name__,
                attempt,
                attempts,
            )
            await sleep(min(URGENT_MAX_DELAY, URGENT_BASE_DELAY * 2 ** (attempt - 1)))
    raise AssertionError("unreachable")  # pragma: no cover
