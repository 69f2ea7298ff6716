"""Pacing shared by every instance through Redis: the limits hold for the bot, not per process.

The algorithm is the same GCRA ("virtual scheduling") as :class:`LocalPacer`, run atomically
in Redis by one small Lua script per call:

- ``<prefix>:pace:bot`` holds the bot's *theoretical arrival time* (TAT), in milliseconds. A
  send may go when ``TAT - tolerance <= now``; taking it moves the TAT to
  ``max(TAT, now) + 1000 / rate``. So however many instances ask, grants are spaced
  ``1 / rate`` apart (29/s by default, under Telegram's ~30/s per bot).
- ``<prefix>:pace:chat:<chat_id>`` holds the earliest moment the next message to that chat
  may go (now + ``chat_interval`` after each grant; ``hold_chat`` pushes it out after a 429).
- Both checks and both updates happen in one script, so two instances can never take the
  same slot. When the answer is "wait", nothing is taken and the seconds to wait are returned.
- "now" is Redis's own clock (``TIME``), one clock for every instance, so clock skew between
  machines does not matter. Keys expire shortly after they stop mattering.

If Redis cannot be reached, the pacer falls back to a :class:`LocalPacer` with the same
limits (logged once) rather than stopping the send queue; the limits then hold per instance
until Redis answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.telegram.pacing import LocalPacer

log = logging.getLogger(__name__)

# KEYS: bot TAT, chat key. ARGV: now_ms ("" = Redis TIME), bot interval ms, bot tolerance ms,
# chat interval ms. Returns the wait in ms as a string (Lua numbers would be truncated).
_ACQUIRE = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local chat_interval = tonumber(ARGV[4])
local bot_tat = tonumber(redis.call('GET', KEYS[1])) or 0
local chat_next = tonumber(redis.call('GET', KEYS[2])) or 0
local wait = math.max(0, bot_tat - tolerance - now, chat_next - now)
if wait > 0 then
  return tostring(wait)
end
local new_tat = math.max(bot_tat, now) + interval
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil(new_tat - now + 1000))
if chat_interval > 0 then
  redis.call('SET', KEYS[2], tostring(now + chat_interval), 'PX',
             math.ceil(chat_interval + 1000))
end
return '0'
"""

# KEYS: chat key. ARGV: now_ms ("" = Redis TIME), hold ms.
_HOLD = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local until_ms = now + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1])) or 0
if until_ms > current then
  redis.call('SET', KEYS[1], tostring(until_ms), 'PX', math.ceil(until_ms - now + 1000))
end
return '0'
"""


class RedisPacer:
    """The :class:`~bot.telegram.pacing.Pacer` for several instances sharing one Redis.

    ``clock`` (wall-clock seconds) is for tests only; by default Redis's ``TIME`` is used.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "fremad",
        rate_per_second: float = 29.0,
        chat_interval_seconds: float = 1.0,
        burst: int = 1,
        clock: Callable[[], float] | None = None,
        fallback: LocalPacer | None = None,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.redis = redis
        self.bot_key = f"{prefix}:pace:bot"
        self.chat_prefix = f"{prefix}:pace:chat:"
        self.interval_ms = 1000.0 / rate_per_second
        self.tolerance_ms = self.interval_ms * (max(burst, 1) - 1)
        self.chat_interval_ms = chat_interval_seconds * 1000.0
        self.clock = clock
        self.fallback = fallback or LocalPacer(rate_per_second, chat_interval_seconds, burst=burst)
        self._acquire = redis.register_script(_ACQUIRE)
        self._hold = redis.register_script(_HOLD)
        self._degraded = False

    def _now_arg(self) -> str:
        return "" if self.clock is None else repr(self.clock() * 1000.0)

    async def try_acquire(self, chat_id: int) -> float:
        try:
            wait_ms = await self._acquire(
                keys=[self.bot_key, f"{self.chat_prefix}{chat_id}"],
                args=[
                    self._now_arg(),
                    repr(self.interval_ms),
                    repr(self.tolerance_ms),
                    repr(self.chat_interval_ms),
                ],
            )
        except (RedisError, OSError) as exc:
            self._note_degraded(exc)
            return await self.fallback.try_acquire(chat_id)
        self._note_recovered()
        return float(wait_ms) / 1000.0

    async def hold_chat(self, chat_id: int, seconds: float) -> None:
        try:
            await self._hold(
                keys=[f"{self.chat_prefix}{chat_id}"],
                args=[self._now_arg(), repr(seconds * 1000.0)],
            )
        except (RedisError, OSError) as exc:
            self._note_degraded(exc)
        await self.fallback.hold_chat(chat_id, seconds)

    def _note_degraded(self, exc: BaseException) -> None:
        if not self._degraded:
            log.warning(
                "Redis unreachable for send pacing (%s): pacing this instance alone",
                type(exc).__name__,
            )
            self._degraded = True

    def _note_recovered(self) -> None:
        if self._degraded:
            log.info("Redis reachable again: send pacing is shared again")
            self._degraded = False
