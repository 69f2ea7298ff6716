"""The shared pacer: the bot-wide and per-chat limits hold across instances sharing Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.telegram.pacing import LocalPacer
from bot.telegram.redis_pacer import RedisPacer


class WallClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_two_instances_share_the_bot_wide_rate(redis: Redis, redis_prefix: str) -> None:
    clock = WallClock()
    one = RedisPacer(redis, prefix=redis_prefix, rate_per_second=20, clock=clock)
    two = RedisPacer(redis, prefix=redis_prefix, rate_per_second=20, clock=clock)
    assert await one.try_acquire(1) == 0.0
    # The other instance, another chat, same instant: it must wait for the bot's next slot.
    assert await two.try_acquire(2) == pytest.approx(0.05)
    clock.now += 0.05
    assert await two.try_acquire(2) == 0.0
    assert await one.try_acquire(3) == pytest.approx(0.05)


async def test_per_chat_interval_and_hold_are_shared(redis: Redis, redis_prefix: str) -> None:
    clock = WallClock()
    one = RedisPacer(redis, prefix=redis_prefix, rate_per_second=1000, clock=clock)
    two = RedisPacer(redis, prefix=redis_prefix, rate_per_second=1000, clock=clock)
    assert await one.try_acquire(7) == 0.0
    clock.now += 0.25
    assert await two.try_acquire(7) == pytest.approx(0.75)
    assert await two.try_acquire(8) == 0.0  # another chat is not held up
    clock.now += 0.75
    assert await two.try_acquire(7) == 0.0
    # A 429 seen by one instance holds the chat for all of them.
    await one.hold_chat(8, 5.0)
    clock.now += 1.0
    assert await two.try_acquire(8) == pytest.approx(4.0)


async def _redis_seconds(redis: Redis) -> float:
    seconds, micros = await redis.time()
    return float(seconds) + float(micros) / 1_000_000


async def test_real_time_grants_never_exceed_the_rate(redis: Redis, redis_prefix: str) -> None:
    """Three instances hammering on Redis's own clock: 12 grants take at least 11 intervals of
    Redis time, however fast or slow this machine is (a slow machine only makes it longer)."""
    rate, wanted = 25, 12
    pacers = [RedisPacer(redis, prefix=redis_prefix, rate_per_second=rate) for _ in range(3)]
    granted: list[int] = []
    started = await _redis_seconds(redis)

    async def hammer(pacer: RedisPacer, base: int) -> None:
        chat = base
        for _ in range(10_000):  # bounded: fails below rather than hanging
            if len(granted) >= wanted:
                return
            wait = await pacer.try_acquire(chat)
            if wait == 0.0:
                granted.append(chat)
                chat += 3
            else:
                await asyncio.sleep(min(wait, 0.01))

    await asyncio.gather(*(hammer(p, i) for i, p in enumerate(pacers)))
    finished = await _redis_seconds(redis)
    assert len(granted) >= wanted
    assert len(set(granted)) == len(granted)  # each chat once: no slot handed out twice
    assert finished - started >= (len(granted) - 1) / rate


async def test_unreachable_redis_falls_back_to_local_pacing() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    clock = WallClock()
    fallback = LocalPacer(10, 1.0, clock=clock)
    pacer = RedisPacer(client, prefix="unused", rate_per_second=10, fallback=fallback)
    try:
        assert await pacer.try_acquire(1) == 0.0
        # The local per-chat interval still holds.
        assert await pacer.try_acquire(1) == pytest.approx(1.0)
        await pacer.hold_chat(2, 3.0)
        assert await pacer.try_acquire(2) == pytest.approx(3.0)
        clock.now += 3.0
        assert await pacer.try_acquire(2) == 0.0
    finally:
        await client.aclose()
