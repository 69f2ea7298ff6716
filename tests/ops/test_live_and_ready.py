"""/livez and /readyz on the production app's ops routes: readiness is the database and Redis,
never the scheduler's freshness (a stale tick must not take every instance out at once)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.scheduling.tick import run_tick
from tests.harness import running_harness
from tests.ops.ops_client import ops_server


async def test_ready_with_a_stale_scheduler_while_healthz_is_not(
    database_url: str, clock: ManualClock
) -> None:
    async with (
        running_harness(database_url, clock, scheduler_enabled=True) as h,
        ops_server(h.app) as ops,
    ):
        async with ops.http.get(f"{ops.base_url}/livez") as response:
            assert (response.status, await response.json()) == (200, {"status": "alive"})
        clock.advance(timedelta(hours=2))  # no scheduler pass for two hours
        health, _ = await ops.health()
        assert health == 503
        async with ops.http.get(f"{ops.base_url}/readyz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok", "checks": {"database": {"ok": True}}}


async def test_not_ready_when_the_configured_redis_does_not_answer(
    database_url: str, clock: ManualClock
) -> None:
    async with (
        running_harness(database_url, clock) as h,
        ops_server(h.app) as ops,
    ):
        # The running app keeps its own storage; readiness asks the configured Redis afresh.
        h.app.settings.redis_url = "redis://127.0.0.1:1/0"
        async with ops.http.get(f"{ops.base_url}/readyz") as response:
            assert response.status == 503
            body = await response.json()
        assert body["checks"] == {"database": {"ok": True}, "redis": {"ok": False}}
        async with ops.http.get(f"{ops.base_url}/livez") as response:
            assert response.status == 200


async def test_ready_when_the_configured_redis_answers(
    database_url: str, clock: ManualClock, redis_url: str
) -> None:
    async with (
        running_harness(database_url, clock) as h,
        ops_server(h.app) as ops,
    ):
        h.app.settings.redis_url = redis_url
        async with ops.http.get(f"{ops.base_url}/readyz") as response:
            assert response.status == 200
            assert (await response.json())["checks"]["redis"] == {"ok": True}


async def test_last_tick_is_a_timestamp_metric(database_url: str, clock: ManualClock) -> None:
    async with (
        running_harness(database_url, clock) as h,
        ops_server(h.app) as ops,
    ):
        assert (await ops.metrics())["fremad_scheduler_last_tick_timestamp_seconds"] == 0
        await run_tick(h.app.scheduling.tick_context, clock.now())
        samples = await ops.metrics()
        assert samples["fremad_scheduler_last_tick_timestamp_seconds"] == clock.now().timestamp()
