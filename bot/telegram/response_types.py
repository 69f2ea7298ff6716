"""Keeps aiogram's parsed-reply classes alive, so they are built once per process, not per reply.

aiogram reads every Bot API reply with ``Response[method.__returning__]``; pydantic caches
such parametrized classes only *weakly*, so each garbage collection drops them and the next
reply builds the class again (a few milliseconds each). Measured in bench_updates: about 10% of
the handling time went there. This middleware holds a strong reference to each class it has
seen (one per return type: a few dozen at most); behaviour is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot


class PinnedResponseTypes(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.pinned: dict[Any, type[Any]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self.pinned:
            self.pinned[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
