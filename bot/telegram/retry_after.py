"""Replies sent from handlers wait out Telegram's 429 and go again, instead of failing the update.

Scheduled messages go through the send queue, which paces itself and handles 429 on its own;
it turns this middleware off for its sends with `retry_disabled()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)
_RETRY_ENABLED: ContextVar[bool] = ContextVar("fremad_retry_after_enabled", default=True)
MAX_ATTEMPTS = 4
MAX_WAIT_SECONDS = 30.0


@contextmanager
def retry_disabled() -> Iterator[None]:
    token = _RETRY_ENABLED.set(False)
    try:
        yield
    finally:
        _RETRY_ENABLED.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if not _RETRY_ENABLED.get() or attempt >= MAX_ATTEMPTS:
                    raise
                if exc.retry_after > MAX_WAIT_SECONDS:
                    raise
                log.info("429 on %s: waiting %s s", method.__api_method__, exc.retry_after)
                await self.sleep(exc.retry_after)
                attempt += 1
