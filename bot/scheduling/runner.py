"""APScheduler is only the clock: once at start-up and at the top of every minute it runs one
pass (`run_tick`). Missed runs are coalesced into one, and passes never overlap."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.tick import TickContext, TickReport, run_tick

log = logging.getLogger(__name__)

JOB_ID = "fremad-tick"


class TickRunner:
    def __init__(self, ctx: TickContext) -> None:
        self.ctx = ctx
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None

    async def tick_once(self) -> TickReport | None:
        """One pass at the clock's now; errors are logged, never raised into APScheduler."""
        async with self._lock:
            try:
                report = await run_tick(self.ctx, self.ctx.clock.now())
            except Exception as exc:
                log.exception("scheduler pass failed: %s", type(exc).__name__)
                return None
        if report.claimed or report.recorded_missed or report.uncertain:
            log.info("scheduler pass: %s", report.as_dict())
        return report

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self.tick_once,
            CronTrigger(second=0, timezone=UTC),
            id=JOB_ID,
            next_run_time=datetime.now(UTC),  # once at start-up, then every minute
            coalesce=True,
            max_instances=1,
            misfire_grace_time=50,
        )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running
