"""A redelivered update (the same update_id again) is handled once.

Telegram redelivers when it got no answer in time (webhook) or the offset was not confirmed
before a crash (polling). Two layers: a bounded set of recent ids in this process (cheap), and
a claim row per update id in the database, shared by every instance. A claim is released when
its handler raises (so a retry may run), and a claim that never finished (its process died) may
be taken over after `lease`.

A redelivery that arrives while another instance (or this one) is still handling the update is
refused with UpdateStillInProgress: the webhook answers 500 and Telegram delivers it again later.
Then it is either finished (ignored) or, if that instance died, past its lease (handled here).
Answering 200 instead would lose the update whenever the instance holding it dies.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage.repositories.safety import ProcessedUpdatesRepository

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateStillInProgress(Exception):
    """The update is being handled elsewhere right now: ask Telegram to deliver it again."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} is still being handled")


def update_fingerprint(update: Update) -> str:
    """A short hash of the whole update: equal for a redelivery, different for a reused id."""
    raw = update.model_dump_json(exclude_none=True, exclude_unset=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


class UpdateDedupMiddleware(BaseMiddleware):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        recent_size: int = 4096,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.recent_size = recent_size
        self.lease = lease
        self.recent: OrderedDict[tuple[int, int], str] = OrderedDict()

    def _remember(self, key: tuple[int, int], fingerprint: str) -> None:
        self.recent[key] = fingerprint
        self.recent.move_to_end(key)
        while len(self.recent) > self.recent_size:
            self.recent.popitem(last=False)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot: Bot = data["bot"]
        fingerprint = update_fingerprint(event)
        key = (bot.id, event.update_id)
        if self.recent.get(key) == fingerprint:
            log.info("update %s ignored: already handled here", event.update_id)
            return UNHANDLED
        now = self.clock.now()
        async with self.sessionmaker() as session:
            repo = ProcessedUpdatesRepository(session)
            claimed = await repo.claim(key[0], key[1], fingerprint, now, now - self.lease)
            in_progress = not claimed and await repo.unfinished(*key)
            await session.commit()
        if in_progress:
            log.info("update %s refused for now: still being handled", event.update_id)
            raise UpdateStillInProgress(event.update_id)
        if not claimed:
            self._remember(key, fingerprint)
            log.info("update %s ignored: already handled", event.update_id)
            return UNHANDLED
        try:
            result = await handler(event, data)
        except BaseException:
            async with self.sessionmaker() as session:
                await ProcessedUpdatesRepository(session).release(*key)
                await session.commit()
            raise
        async with self.sessionmaker() as session:
            await ProcessedUpdatesRepository(session).finish(*key, self.clock.now())
            await session.commit()
        self._remember(key, fingerprint)
        return result
