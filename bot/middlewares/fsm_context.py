"""aiogram's FSM middleware split in two, so the update's work is ordered as it should be:

1. `ChatLockMiddleware` (outermost): one update per chat at a time (in-process, or across
   instances with Redis). A redelivery of an update still being handled waits here.
2. the concurrency limit (bot/ops/concurrency.py), then the update's session and transaction
   (bot/middlewares/database.py), which reads the person and the conversation in one statement;
3. `OneReadFSMContextMiddleware`: the FSM context for handlers, its state from that read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.dispatcher.middlewares.base import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ChatLockMiddleware(BaseMiddleware):
    """aiogram's event isolation, taken before anything else (the FSM middleware took it)."""

    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self.fsm = fsm

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        context = self.fsm.resolve_event_context(cast(Bot, data["bot"]), data)
        if context is None:
            return await handler(event, data)
        data["fsm_context"] = context
        async with self.fsm.events_isolation.lock(key=context.key):
            return await handler(event, data)


class OneReadFSMContextMiddleware(FSMContextMiddleware):
    """The FSM context without taking the lock again (ChatLockMiddleware holds it). The state
    comes from the read the update's transaction already made (SqlStorage), not a new one."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["fsm_storage"] = self.storage
        context = data.pop("fsm_context", None) or self.resolve_event_context(
            cast(Bot, data["bot"]), data
        )
        if context is not None:
            data.update({"state": context, "raw_state": await context.get_state()})
        return await handler(event, data)
