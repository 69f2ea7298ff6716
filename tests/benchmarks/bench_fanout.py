"""Benchmark: fan out N due check-ins (default 10,000) to the fake Bot API over HTTP, with
Telegram's limits on (30 msg/s per bot, 1 msg/s per chat), through the production app.

Run: .venv/bin/python -m tests.benchmarks.bench_fanout [--youths 10000]
Prints messages/s, 429s, duplicates and peak memory. Target: >= 28.5 msg/s, 0 x 429, 0 dupes.
Not part of the default test run (about 6 minutes for 10,000).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeTelegram, FakeTelegramServer
from bot.scheduling.checkins import CHECKIN, compose_placeholder_checkin
from bot.scheduling.tick import run_tick
from storage import migrate
from tests.conftest import CPH
from tests.harness import make_settings
from tests.scheduling.support import add_youths


async def bench(youths: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="fremad-bench-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    await migrate.upgrade_async(database_url)
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    tg = FakeTelegram()  # Telegram's limits on, real time
    ids = list(range(100_000, 100_000 + youths))
    sent_at: list[float] = []
    original_call = tg.call

    async def timed_call(method: str, params: dict[str, str], files: Any = None) -> Any:
        answer = await original_call(method, params, files)
        if method.lower() == "sendmessage" and answer[0] == 200:
            sent_at.append(time.perf_counter())
        return answer

    tg.call = timed_call  # type: ignore[method-assign]
    async with FakeTelegramServer(tg) as server:
        settings = make_settings(
            database_url,
            bot_token=tg.token,
            telegram_api_url=server.base_url,
            scheduler_claim_batch=200,
        )
        app = await build_app(settings, clock)
        try:
            # One short message per check-in: this measures the machinery, not a script.
            app.scheduling.registry.replace_composer(CHECKIN, compose_placeholder_checkin)
            await add_youths(app.sessionmaker, ids, clock.now(), tg=tg)
            started = time.perf_counter()
            report = await run_tick(app.scheduling.tick_context, clock.now())
            elapsed = time.perf_counter() - started
        finally:
            await app.close()
    per_chat = Counter(len(tg.messages_in(chat_id)) for chat_id in ids)
    sends = tg.calls_to("sendMessage")
    delivered = sum(1 for call in sends if call.status == 200)
    return {
        "youths": youths,
        "delivered": delivered,
        "ledger_sent": report.sent,
        "seconds": round(elapsed, 2),
        # From the first message to the last: the queue's sustained rate.
        "messages_per_second": round((len(sent_at) - 1) / (sent_at[-1] - sent_at[0]), 2),
        "pass_messages_per_second": round(delivered / elapsed, 2),
        "slowest_gaps_ms": sorted(
            round((b - a) * 1000) for a, b in zip(sent_at, sent_at[1:], strict=False)
        )[-5:],
        "count_429": tg.count_429,
        "duplicates": sum(
            count - 1 for count, n in per_chat.items() for _ in range(n) if count > 1
        ),
        "missing": per_chat.get(0, 0),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--youths", type=int, default=10_000)
    args = parser.parse_args(argv)
    result = asyncio.run(bench(args.youths))
    for key, value in result.items():
        print(f"{key:>20}: {value}")
    ok = (
        result["messages_per_second"] >= 28.5
        and result["count_429"] == 0
        and result["duplicates"] == 0
        and result["missing"] == 0
    )
    print("target met" if ok else "TARGET NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
