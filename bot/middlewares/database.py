"""One AsyncSession per update, plus the services built on it; and the person who sent it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import PerUpdate
from bot.runtime import Runtime
from storage.repositories.people import PeopleRepository

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], runtime: Runtime) -> None:
        self.sessionmaker = sessionmaker
        self.runtime = runtime

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data.update(PerUpdate(session, self.runtime).as_data())
            user = data.get("event_from_user")
            data["person"] = (
                await PeopleRepository(session).by_telegram_id(user.id) if user else None
            )
            return await handler(event, data)
