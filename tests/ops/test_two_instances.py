"""Two instances on one PostgreSQL and one Redis, in this process: their scheduler passes race
for the same due check-ins, and each youth still gets exactly one."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram
from bot.ops.scale_out import shared_events_isolation
from bot.scheduling.tick import run_tick
from bot.telegram.redis_pacer import RedisPacer
from storage.models import Delivery, DeliveryStatus, Role
from tests.conftest import CPH
from tests.harness import Harness, make_settings
from tests.ops.redis_fixtures import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]
MOOD_QUESTION = "Hvordan har du det i dag?"


async def _app(tg: FakeTelegram, url: str, clock: ManualClock, **settings: object) -> App:
    return await build_app(make_settings(url, **settings), clock, FakeSession(tg))


async def test_racing_scheduler_passes_send_each_checkin_once(
    any_database_url: str, redis_url: str, redis_prefix: str
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=CPH))
    tg = FakeTelegram(rate_limits=False)
    redis = {"redis_url": redis_url, "redis_key_prefix": redis_prefix}
    # Small claim batches, so both instances get work in the same pass.
    one = await _app(tg, any_database_url, clock, scheduler_claim_batch=3, **redis)
    two = await _app(tg, any_database_url, clock, scheduler_claim_batch=3, **redis)
    try:
        assert isinstance(one.scheduling.send_queue.pacer, RedisPacer)
        assert shared_events_isolation(one.storage) is not None
        tg.feed_dispatcher(one.dp, one.bot)
        harness = Harness(one, tg, clock)
        youths = [harness.user(8000 + i, f"Ung{i}") for i in range(20)]
        for youth in youths:
            await harness.onboard(youth, Role.YOUTH, checkin_time="09:00")
        marks = {youth.id: len(youth.messages) for youth in youths}
        clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=CPH))  # Tuesday, check-in time
        for _ in range(3):  # several racing passes: later ones find nothing left
            await asyncio.gather(
                run_tick(one.scheduling.tick_context, clock.now()),
                run_tick(two.scheduling.tick_context, clock.now()),
            )
        async with one.sessionmaker() as session:
            rows = (
                await session.execute(
                    select(Delivery.claimed_by).where(
                        Delivery.kind == "checkin", Delivery.status == DeliveryStatus.SENT.value
                    )
                )
            ).all()
    finally:
        await one.close()
        await two.close()
    for youth in youths:
        asked = [m for m in youth.messages[marks[youth.id] :] if MOOD_QUESTION in m.text]
        assert len(asked) == 1, youth.id
    assert len(rows) == len(youths)
    by_instance = Counter(row[0] == one.scheduling.tick_context.instance_id for row in rows)
    assert by_instance[True] > 0 and by_instance[False] > 0, by_instance
