"""Two instances on one PostgreSQL and one Redis, in this process: their scheduler passes race
for the same due check-ins, and each youth still gets exactly one."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from typing import Any

from aiogram.types import Update
from sqlalchemy import select

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram, FakeUser
from bot.ops.scale_out import shared_events_isolation
from bot.scheduling.tick import run_tick
from bot.telegram.redis_pacer import RedisPacer
from storage.models import Answer, Delivery, DeliveryStatus, Role
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


async def test_the_same_updates_to_both_instances_at_once_are_handled_once_in_order(
    any_database_url: str, redis_url: str, redis_prefix: str
) -> None:
    """Telegram redelivers to another instance while the first is still handling the update:
    the per-chat lock in Redis holds the second until the first is done, then its claim says
    "handled" (no 500 and no lease needed). Each tap is handled once, in the chat's order."""
    clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=CPH))
    tg = FakeTelegram(rate_limits=False)
    redis = {"redis_url": redis_url, "redis_key_prefix": redis_prefix}
    one = await _app(tg, any_database_url, clock, **redis)
    two = await _app(tg, any_database_url, clock, **redis)
    try:
        tg.feed_dispatcher(one.dp, one.bot)
        harness = Harness(one, tg, clock)
        youths = [harness.user(8100 + i, f"Ung{i}") for i in range(4)]
        for youth in youths:
            await harness.onboard(youth, Role.YOUTH)

        async def to_both(update: dict[str, Any]) -> None:
            await asyncio.gather(
                *(
                    app.dp.feed_update(
                        app.bot, Update.model_validate(update, context={"bot": app.bot})
                    )
                    for app in (one, two)
                )
            )

        tg.set_update_sink(to_both)

        async def check_in(youth: FakeUser) -> None:
            await youth.send_command("checkin")
            for label in ("3", "4", "Hviledag", "Spring over"):
                await youth.click(label)

        await asyncio.gather(*(check_in(youth) for youth in youths))
        async with one.sessionmaker() as session:
            answers = Counter(
                (
                    await session.execute(
                        select(Answer.person_id, Answer.key).where(
                            Answer.script_id == "daily_checkin"
                        )
                    )
                ).all()
            )
    finally:
        await one.close()
        await two.close()
    assert answers and set(answers.values()) == {1}  # every answer stored once
    for youth in youths:
        assert sum(MOOD_QUESTION in m.text for m in youth.messages) == 1
