"""Pacing for outgoing messages: how many per second for the bot, how often per chat.

Telegram allows about 30 messages per second per bot and about one per second per chat. The
send queue asks a :class:`Pacer` before each send. :class:`LocalPacer` paces one process; a
shared pacer (e.g. Redis-backed, for several instances) only needs the same two methods.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

Monotonic = Callable[[], float]


class Pacer(Protocol):
    async def try_acquire(self, chat_id: int) -> float:
        """0.0 and a send slot taken for ``chat_id``; else seconds to wait (nothing taken)."""
        ...

    async def hold_chat(self, chat_id: int, seconds: float) -> None:
        """No send to ``chat_id`` for ``seconds`` (after a 429's retry_after)."""
        ...


class LocalPacer:
    """GCRA ("virtual scheduling") for the bot and for each chat, on an injected clock.

    Slots are spaced ``1 / rate`` apart from the previous *slot*, not from when the caller
    came back, so loop overhead does not eat into the rate.
    """

    def __init__(
        self,
        rate_per_second: float = 29.0,
        chat_interval_seconds: float = 1.0,
        *,
        burst: int = 1,
        clock: Monotonic = time.monotonic,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.interval = 1.0 / rate_per_second
        self.tolerance = self.interval * (max(burst, 1) - 1)
        self.chat_interval = chat_interval_seconds
        self.clock = clock
        self._bot_next = 0.0  # theoretical arrival time of the next bot-wide slot
        self._chat_next: dict[int, float] = {}

    async def try_acquire(self, chat_id: int) -> float:
        now = self.clock()
        bot_wait = max(0.0, self._bot_next - self.tolerance - now)
        chat_wait = max(0.0, self._chat_next.get(chat_id, 0.0) - now)
        wait = max(bot_wait, chat_wait)
        if wait > 0:
            return wait
        self._bot_next = max(self._bot_next, now) + self.interval
        self._chat_next[chat_id] = now + self.chat_interval
        if len(self._chat_next) > 4096:
            self._forget_idle_chats(now)
        return 0.0

    async def hold_chat(self, chat_id: int, seconds: float) -> None:
        now = self.clock()
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + seconds)

    def _forget_idle_chats(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
