"""aiogram's FSM middleware, with the conversation row read once per update (SqlStorage)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject

from storage.fsm_storage import one_read_per_update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OneReadFSMContextMiddleware(FSMContextMiddleware):
    """aiogram reads the state before the handlers; the dialog runner then reads state and data.
    Within one update both come from one database read (measured: one statement of ~11 per tap)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        with one_read_per_update():
            return await super().__call__(handler, event, data)
