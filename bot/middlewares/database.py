"""One session and one transaction per update, plus the services built on it and the person
who sent it.

In order, on one session: the update's claim (bot/middlewares/update_dedup.py: a conflict means
"already handled" → rolled back and ignored), the person and the conversation in one read, the
handler, the commit. A handler may commit earlier (the dialog runner stores a turn before its
next question leaves) and any Bot API request commits what is open first
(bot/telegram/commit_before_send.py); whatever is left is committed at the end. A failure rolls
the transaction back — the claim with it — so a redelivery is handled again.

PostgreSQL connections are not pinged on every checkout: a connection that died while pooled
fails on the claim, the update's first statement, and the transaction is retried once on a
fresh connection (the pool drops every connection older than the failure).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import PerUpdate
from bot.middlewares.update_dedup import (
    RecentUpdates,
    claim_update,
    release_update,
    update_fingerprint,
)
from bot.runtime import Runtime
from storage.fsm_storage import SqlStorage, one_read_per_update
from storage.models import Person
from storage.repositories.people import PeopleRepository
from storage.update_scope import update_scope

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateTransactionMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        runtime: Runtime,
        storage: BaseStorage,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.runtime = runtime
        self.storage = storage
        self.recent = RecentUpdates()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot: Bot = data["bot"]
        fingerprint = update_fingerprint(event)
        key = (bot.id, event.update_id)
        if self.recent.handled(key, fingerprint):
            log.info("update %s ignored: already handled here", event.update_id)
            return UNHANDLED
        with one_read_per_update():
            async with self.sessionmaker() as session:
                claimed, person = await self._begin(session, key, fingerprint, data)
                if not claimed:
                    await session.rollback()
                    self.recent.remember(key, fingerprint)
                    log.info("update %s ignored: already handled", event.update_id)
                    return UNHANDLED
                data.update(PerUpdate(session, self.runtime).as_data())
                data["person"] = person
                with update_scope(session):
                    try:
                        result = await handler(event, data)
                        await session.commit()
                    except BaseException:
                        await self._roll_back(session, key)
                        raise
        self.recent.remember(key, fingerprint)
        return result

    async def _begin(
        self,
        session: AsyncSession,
        key: tuple[int, int],
        fingerprint: str,
        data: dict[str, Any],
    ) -> tuple[bool, Person | None]:
        """The claim, then the person (and conversation): retried once on a dropped connection."""
        for attempt in (1, 2):
            try:
                if not await claim_update(session, key, fingerprint, self.runtime.clock):
                    return False, None
                return True, await self._person(session, data)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
                log.warning("update %s: database connection was lost, retrying once", key[1])
                await session.rollback()
        raise AssertionError("unreachable")

    async def _person(self, session: AsyncSession, data: dict[str, Any]) -> Person | None:
        user: User | None = data.get("event_from_user")
        if user is None:
            return None
        context: FSMContext | None = data.get("fsm_context")
        if (
            context is not None
            and isinstance(self.storage, SqlStorage)
            and self.storage.shares_database(session)
        ):
            return await self.storage.person_and_conversation(session, context.key, user.id)
        return await PeopleRepository(session).by_telegram_id(user.id)

    async def _roll_back(self, session: AsyncSession, key: tuple[int, int]) -> None:
        """Rolls the update back; a claim an earlier commit of this update stored is released."""
        try:
            # close, not rollback: the connection's transaction is rolled back while loaded
            # objects keep their values (the error handler still reads the person's locale).
            await session.close()
            await release_update(session, key)
        except Exception:  # noqa: BLE001 - the handler's own failure is the one to report
            log.warning("update %s: could not release its claim", key[1])
