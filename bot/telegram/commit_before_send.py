"""Before a Bot API request leaves during an update, what the update wrote is committed.

A person never sees a message whose state (the conversation moved on, the answer stored, the
update's claim) could still roll back; and SQLite's single write lock — the update's claim
takes it — is never held across a network round trip. Outside an update (the scheduler's send
queue has its own ledger) nothing happens. See storage/update_scope.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from storage.update_scope import current_update

if TYPE_CHECKING:
    from aiogram import Bot


class CommitBeforeSend(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        scope = current_update()
        if scope is not None:
            await scope.commit_before_send()
        return await make_request(bot, method)
