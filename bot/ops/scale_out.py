"""The pieces that let N instances act as one bot, all riding on the FSM storage's Redis.

With REDIS_URL set (aiogram's RedisStorage), every instance shares:
- the conversation state (RedisStorage itself);
- per-chat event isolation (aiogram's RedisEventIsolation): one update per chat at a time
  across all instances, so two taps of one person never run at once;
- send pacing (:class:`~bot.telegram.redis_pacer.RedisPacer`): 29 msg/s and 1 msg/s per chat
  for the bot as a whole.
Without Redis (SQLite, or one PostgreSQL instance) these are the in-process defaults.

Exactly-once scheduled messages need nothing from Redis: the deliveries ledger in the
database claims each due row for one instance (bot/scheduling/tick.py). Redelivered updates
are claimed in the database too (bot/middlewares/update_dedup.py).
"""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

from bot.config import Settings
from bot.ops.metrics import FremadMetrics, RequestMetricsMiddleware, UpdateMetricsMiddleware
from bot.telegram.pacing import Pacer
from bot.telegram.redis_pacer import RedisPacer

# A lock outlives a dead holder by at most this long (aiogram's default is 60 s too).
CHAT_LOCK_TIMEOUT_SECONDS = 60


def redis_key_builder(settings: Settings) -> DefaultKeyBuilder:
    """FSM keys look like ``<prefix>:fsm:<chat>:<user>``; locks end in ``:lock``."""
    return DefaultKeyBuilder(prefix=f"{settings.redis_key_prefix}:fsm")


def shared_events_isolation(storage: BaseStorage) -> BaseEventIsolation | None:
    """Redis locks per chat when the storage is Redis; None = the dispatcher's default."""
    if isinstance(storage, RedisStorage):
        return RedisEventIsolation(
            storage.redis,
            key_builder=storage.key_builder,
            lock_kwargs={"timeout": CHAT_LOCK_TIMEOUT_SECONDS},
        )
    return None


def shared_pacer(storage: BaseStorage, settings: Settings) -> Pacer | None:
    """A Redis-backed pacer on the storage's connection pool; None = the local default."""
    if isinstance(storage, RedisStorage):
        return RedisPacer(
            storage.redis,
            prefix=settings.redis_key_prefix,
            rate_per_second=settings.send_rate_per_second,
            chat_interval_seconds=settings.send_chat_interval_seconds,
        )
    return None


def install_metrics(dp: Dispatcher, bot: Bot, metrics: FremadMetrics) -> None:
    """Counts updates (innermost outer middleware) and Bot API requests (innermost)."""
    dp.update.outer_middleware(UpdateMetricsMiddleware(metrics))
    bot.session.middleware(RequestMetricsMiddleware(metrics))
