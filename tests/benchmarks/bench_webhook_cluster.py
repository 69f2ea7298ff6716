"""Benchmark: two `fremad run --webhook` instances on one PostgreSQL and one Redis under a burst
of updates (default 100 youths x 50 messages = 5,000), delivered the way Telegram does (one
at a time per chat, chats in parallel over up to 40 connections, round-robin over the
instances), with every 10th update delivered a second time to the other instance.

Run: .venv/bin/python -m tests.benchmarks.bench_webhook_cluster [--youths 100] [--messages 50]
Needs PostgreSQL (FREMAD_TEST_POSTGRES_URL, default postgres@127.0.0.1:5432) and Redis
(FREMAD_TEST_REDIS_URL, default 127.0.0.1:6379). Prints updates/s, POST latency, and the
checks: lost = 0, duplicated = 0, chats out of order = 0 (from the update claims each instance
records: a chat's next update was never started before its previous one was done).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select, text

from bot.local_telegram import FakeTelegram, FakeTelegramServer
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import ProcessedUpdate
from tests.conftest import POSTGRES_ADMIN_URL
from tests.e2e.webhook_cluster import WebhookCluster, chat_of, onboard_youths
from tests.harness import TEST_ENCRYPTION_KEY
from tests.ops.redis_fixtures import REDIS_URL

FALLBACK = "Det forstod jeg ikke helt"


async def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _claims(database_url: str) -> dict[int, tuple[Any, Any]]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(
                    ProcessedUpdate.update_id, ProcessedUpdate.claimed_at, ProcessedUpdate.done_at
                )
            )
            return {row[0]: (row[1], row[2]) for row in rows}
    finally:
        await engine.dispose()


async def bench(youths: int, messages: int) -> dict[str, Any]:
    name = f"fremad_bench_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    prefix = f"fremadbench-{uuid.uuid4().hex[:8]}"
    redis = {"redis_url": REDIS_URL, "redis_key_prefix": prefix}
    try:
        await migrate.upgrade_async(database_url)
        tg = FakeTelegram(rate_limits=False)
        async with FakeTelegramServer(tg) as server:
            joined = await onboard_youths(
                tg, server.base_url, database_url, redis, youths, checkin_due=False
            )
            marks = {user.id: len(user.messages) for user, _ in joined}
            cluster = WebhookCluster(
                tg,
                server.base_url,
                database_url,
                Path(tempfile.mkdtemp(prefix="fremad-bench-cluster-")),
                extra_env={
                    "REDIS_URL": REDIS_URL,
                    "REDIS_KEY_PREFIX": prefix,
                    "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
                    "LOG_LEVEL": "WARNING",
                },
            )
            try:
                await cluster.start(2)
                for n in range(messages):
                    for user, _ in joined:
                        await user.send_text(f"hej {n}")
                burst = list(tg.pending_updates)
                started = time.perf_counter()
                stats = await cluster.deliver(redeliver_every=10)
                elapsed = time.perf_counter() - started
                handled = sum(
                    m.get("fremad_updates_handled_total{type=message}", 0.0)
                    for m in await cluster.metrics()
                )
            finally:
                await cluster.stop()
        replies = {
            user.id: sum(FALLBACK in m.text for m in user.messages[marks[user.id] :])
            for user, _ in joined
        }
        claims = await _claims(database_url)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = Redis.from_url(REDIS_URL)
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
    ids = [update["update_id"] for update in burst]
    lost = sum(1 for i in ids if i not in claims or claims[i][1] is None)
    duplicated = sum(max(0, count - messages) for count in replies.values())
    missing_replies = sum(max(0, messages - count) for count in replies.values())
    by_chat: dict[int, list[int]] = defaultdict(list)
    for update in burst:
        by_chat[chat_of(update)].append(update["update_id"])
    out_of_order = 0
    for chat_ids in by_chat.values():
        for before, after in zip(chat_ids, chat_ids[1:], strict=False):
            done, started_next = claims[before][1], claims[after][0]
            if done is None or started_next < done:
                out_of_order += 1
    latencies = sorted(stats.latencies)
    return {
        "instances": 2,
        "updates": len(ids),
        "redelivered": stats.redeliveries,
        "seconds": round(elapsed, 1),
        "updates/s": round(len(ids) / elapsed, 1),
        "p50 ms": round(statistics.median(latencies) * 1000, 1),
        "p99 ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "handled (metrics)": int(handled),
        "lost": lost + missing_replies,
        "duplicated": duplicated + max(0, int(handled) - len(ids)),
        "chats out of order": out_of_order,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=100)
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args(argv)
    result = asyncio.run(bench(args.youths, args.messages))
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = result["lost"] == 0 and result["duplicated"] == 0 and result["chats out of order"] == 0
    print("target (0 lost, 0 duplicated, order kept):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
