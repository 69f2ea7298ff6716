"""Scale-out: two real `fremad run --webhook` instances on one PostgreSQL and one Redis.

Updates for the same and different youths arrive interleaved over both instances, some of
them twice (Telegram's redelivery): each is handled once and each chat keeps its order; the
scheduled check-ins both instances race for are sent once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.local_telegram import FakeTelegram, FakeTelegramServer, FakeUser
from bot.local_telegram.limits import RateLimitConfig, RateLimiter
from storage.db import create_engine, create_sessionmaker
from storage.models import CheckinDay, Delivery, DeliveryStatus
from tests.e2e.webhook_cluster import WebhookCluster, onboard_youths, truncate
from tests.harness import TEST_ENCRYPTION_KEY
from tests.ops.redis_fixtures import redis_prefix, redis_url

pytestmark = pytest.mark.e2e
__all__ = ["redis_prefix", "redis_url"]  # fixtures
YOUTHS = 12
MOOD_QUESTION = "Hvordan har du det i dag?"


async def test_two_instances_handle_each_update_once_in_order_and_send_schedules_once(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    await truncate(postgres_url)
    redis = {"redis_url": redis_url, "redis_key_prefix": redis_prefix}
    tg = FakeTelegram()
    async with FakeTelegramServer(tg) as server:
        youths = await onboard_youths(tg, server.base_url, postgres_url, redis, YOUTHS)
        marks = {user.id: len(user.messages) for user, _ in youths}
        # Telegram's flood limits afresh, as if the youths had joined a while ago.
        tg.limiter, tg.count_429 = RateLimiter(RateLimitConfig()), 0
        cluster = WebhookCluster(
            tg,
            server.base_url,
            postgres_url,
            tmp_path,
            extra_env={
                "REDIS_URL": redis_url,
                "REDIS_KEY_PREFIX": redis_prefix,
                "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
            },
        )
        try:
            await cluster.start(2)  # returns once both instances finished their first pass
            await _scheduled_checkins_sent_once(tg, youths, marks, postgres_url)
            tg.limiter = None  # from here on: handling, not Telegram's flood limits
            marks = {user.id: len(user.messages) for user, _ in youths}
            # Every youth answers by typing; the updates queue up interleaved across youths.
            streams = {
                user.id: ["3", str(1 + i % 5), "Hviledag", f"note{i}", "nej", "hej"]
                for i, (user, _) in enumerate(youths)
            }
            for step in range(6):
                for user, _ in youths:
                    await user.send_text(streams[user.id][step])
            stats = await cluster.deliver(redeliver_every=3)
            assert stats.redeliveries >= YOUTHS * 6 // 3 - 1
            per_instance = [
                m.get("fremad_updates_handled_total{type=message}", 0.0)
                for m in await cluster.metrics()
            ]
        finally:
            await cluster.stop()
    # Each update handled exactly once, spread over both instances.
    assert sum(per_instance) == YOUTHS * 6 and min(per_instance) > 0
    days, prompts = await _stored(postgres_url)
    for index, (user, person_id) in enumerate(youths):
        replies = [m.text or "" for m in user.messages[marks[user.id] :]]
        # The finished check-in queues a motivational prompt for the next minute's tick: it
        # is sent if a minute boundary fell before the cluster stopped (the ledger says).
        statuses = prompts.get(person_id, [])
        sent, may_have_left = statuses.count(DeliveryStatus.SENT.value), len(statuses)
        extra = len(replies) - 7
        assert sent <= extra <= may_have_left, (user.id, sent, may_have_left, replies)
        # In order: energy, plan, rest tip + note, share?, thanks, then the answer to "hej"
        # (the prompt, if sent, after the thanks: before or after that answer).
        assert replies[0].startswith("Hvor meget energi har du?")
        assert replies[1] == "Hvad står der på din plan i dag?"
        assert replies[5].startswith(f"Tak, {user.first_name}. Dit check-in er gemt.")
        warm = [r for r in replies[6:] if r.startswith("Tak, fordi du skriver")]  # "hej"
        assert len(warm) == 1, (user.id, replies)
        [day] = days[person_id]
        assert (day.status, day.mood, day.energy) == ("answered", 3, 1 + index % 5)
    logs = "".join(instance.log_text() for instance in cluster.instances)
    records = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert records, "LOG_JSON=true writes one JSON object per line"
    assert "Ungperson" not in logs and "note1" not in logs and tg.token not in logs


async def _scheduled_checkins_sent_once(
    tg: FakeTelegram, youths: list[tuple[FakeUser, int]], marks: dict[int, int], url: str
) -> None:
    for user, _ in youths:
        asked = [m for m in user.messages[marks[user.id] :] if MOOD_QUESTION in (m.text or "")]
        assert len(asked) == 1, (user.id, [m.text for m in user.messages[marks[user.id] :]])
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            sent = await session.execute(
                select(Delivery.claimed_by).where(
                    Delivery.kind == "checkin", Delivery.status == DeliveryStatus.SENT.value
                )
            )
            claimed_by = [row[0] for row in sent]
    finally:
        await engine.dispose()
    assert len(claimed_by) == len(youths)
    assert tg.count_429 == 0  # the shared pacer kept both instances under the limits


async def _stored(url: str) -> tuple[dict[int, list[CheckinDay]], dict[int, list[str]]]:
    """Each person's check-in days, and the statuses of their prompt deliveries that may have
    left (sent, or caught mid-send by the stop)."""
    may_have_left = (DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN)
    days: dict[int, list[CheckinDay]] = defaultdict(list)
    prompts: dict[int, list[str]] = defaultdict(list)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            for day in (await session.execute(select(CheckinDay))).scalars():
                days[day.person_id].append(day)
            result = await session.execute(
                select(Delivery.person_id, Delivery.status).where(
                    Delivery.kind == "prompt",
                    Delivery.status.in_([status.value for status in may_have_left]),
                )
            )
            for person_id, status in result:
                prompts[person_id].append(status)
    finally:
        await engine.dispose()
    return days, prompts
