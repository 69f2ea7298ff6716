"""Telegram's flood limits as token buckets on an injectable monotonic clock."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; one message costs one token."""

    burst: float
    rate: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True)
class RateLimitConfig:
    """Per-chat and per-bot bucket sizes; defaults follow Telegram's Bot FAQ."""

    chat_burst: float = 3
    chat_rate: float = 1.0
    bot_burst: float = 30
    bot_rate: float = 30.0


class RateLimiter:
    """Checks both the chat's and the bot's bucket; a rejected message consumes nothing."""

    def __init__(self, config: RateLimitConfig, clock: Clock = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.bot_bucket = TokenBucket(config.bot_burst, config.bot_rate)
        self.chat_buckets: dict[int | str, TokenBucket] = {}

    def acquire(self, chat_id: int | str) -> int | None:
        """Take a token for ``chat_id``; None on success, else ``retry_after`` in whole seconds."""
        now = self.clock()
        chat = self.chat_buckets.get(chat_id)
        if chat is None:
            chat = self.chat_buckets[chat_id] = TokenBucket(
                self.config.chat_burst, self.config.chat_rate
            )
        chat.refill(now)
        self.bot_bucket.refill(now)
        wait = max(chat.wait_time(), self.bot_bucket.wait_time())
        if wait > 0:
            return max(1, math.ceil(wait))
        chat.tokens -= 1
        self.bot_bucket.tokens -= 1
        return None
