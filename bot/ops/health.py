"""`/healthz`: is this instance able to do its job right now?

Healthy means all three hold:
- the database answers ``SELECT 1`` within a few seconds;
- the scheduler's minute job runs here (when SCHEDULER_ENABLED; otherwise not checked);
- its last good pass is at most HEALTH_MAX_TICK_AGE_SECONDS old (right after a start, before
  the first pass, the instance gets that long to make one).

The answer carries no personal data: flags, ages in seconds, a short reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.ops.metrics import FremadMetrics
from bot.scheduling.setup import Scheduling
from storage.repositories.deliveries import DeliveriesRepository

DATABASE_TIMEOUT_SECONDS = 3.0


@dataclass
class HealthReport:
    ok: bool
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "unhealthy", "checks": self.checks}


@dataclass
class HealthProbe:
    """Looks at one App's database and scheduler; also refreshes the scrape-time gauges."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    scheduling: Scheduling
    metrics: FremadMetrics
    started_at: datetime

    async def database_ok(self) -> bool:
        async def ping() -> None:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(ping(), DATABASE_TIMEOUT_SECONDS)
        except (SQLAlchemyError, OSError, TimeoutError):
            self.metrics.database_up.set(0)
            return False
        self.metrics.database_up.set(1)
        return True

    async def redis_ok(self) -> bool | None:
        """Redis answers a PING (None: no REDIS_URL, nothing to check)."""
        if not self.settings.redis_url:
            return None
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        client = Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=DATABASE_TIMEOUT_SECONDS,
            socket_timeout=DATABASE_TIMEOUT_SECONDS,
        )
        try:
            await asyncio.wait_for(client.ping(), DATABASE_TIMEOUT_SECONDS)
        except (RedisError, OSError, TimeoutError):
            return False
        finally:
            await client.aclose()
        return True

    async def readiness(self) -> HealthReport:
        """/readyz: may this instance take traffic? The database and Redis (when configured)
        answer. The scheduler's freshness is not a reason: a stale tick would take every
        instance out of the load balancer at once (it is a metric and an alert instead)."""
        checks: dict[str, dict[str, Any]] = {"database": {"ok": await self.database_ok()}}
        redis = await self.redis_ok()
        if redis is not None:
            checks["redis"] = {"ok": redis}
        return HealthReport(all(check["ok"] for check in checks.values()), checks)

    def _tick_age(self, now: datetime) -> float | None:
        last = self.scheduling.tick_context.state.last_success_at
        return None if last is None else max(0.0, (now - last).total_seconds())

    async def check(self) -> HealthReport:
        now = self.clock.now()
        checks: dict[str, dict[str, Any]] = {}
        database = await self.database_ok()
        checks["database"] = {"ok": database}
        if not database:
            checks["database"]["reason"] = "the database does not answer"
        enabled = self.settings.scheduler_enabled
        running = self.scheduling.runner.running
        checks["scheduler"] = {
            "ok": running or not enabled,
            "enabled": enabled,
            "running": running,
        }
        if enabled and not running:
            checks["scheduler"]["reason"] = "the minute job is not running"
        age = self._tick_age(now)
        limit = self.settings.health_max_tick_age_seconds
        if not enabled:
            tick_ok = True
        elif age is None:
            tick_ok = (now - self.started_at).total_seconds() <= limit
        else:
            tick_ok = age <= limit
        checks["last_tick"] = {"ok": tick_ok, "age_seconds": age, "max_age_seconds": limit}
        if not tick_ok:
            checks["last_tick"]["reason"] = "no good scheduler pass recently"
        return HealthReport(all(check["ok"] for check in checks.values()), checks)

    async def refresh_gauges(self) -> None:
        """Scrape-time values: queue depth, due-but-unsent, the last pass, database up."""
        metrics, state = self.metrics, self.scheduling.tick_context.state
        metrics.send_queue_depth.set(self.scheduling.send_queue.depth)
        metrics.scheduler_running.set(1 if self.scheduling.runner.running else 0)
        if state.last_duration_seconds is not None:
            metrics.tick_duration.set(state.last_duration_seconds)
        if state.last_success_at is not None:
            metrics.tick_timestamp.set(state.last_success_at.timestamp())
        age = self._tick_age(self.clock.now())
        metrics.tick_age.set(-1 if age is None else age)
        if not await self.database_ok():
            return
        try:
            async with self.sessionmaker() as session:
                due = await DeliveriesRepository(session).count_due_unsent(self.clock.now())
        except (SQLAlchemyError, OSError):
            self.metrics.database_up.set(0)
            return
        metrics.due_unsent.set(due)
