"""At most N updates are handled at once by this process (MAX_CONCURRENT_UPDATES).

Why: an update holds its own database session for its whole run and briefly opens a second
one (conversation state, claims). With more updates in flight than the connection pool can
serve twice over, every update holds one connection and waits for a second that never comes:
the pool times out after 30 s and the updates fail. Waiting here instead costs nothing: SQLite
writes one transaction at a time anyway, and more instances are the way to scale out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateConcurrencyMiddleware(BaseMiddleware):
    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.slots:
            return await handler(event, data)
