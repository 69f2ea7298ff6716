from __future__ import annotations

import asyncio

from bot.clock import ManualClock
from bot.scheduling.runner import TickRunner
from tests.scheduling.support import scheduler_stack


async def test_runner_ticks_once_at_start_up_and_exposes_health(
    database_url: str, clock: ManualClock
) -> None:
    async with scheduler_stack(database_url, clock) as stack:
        state = stack.scheduling.tick_context.state
        runner = TickRunner(stack.scheduling.tick_context)
        runner.start()
        try:
            async with asyncio.timeout(10):
                while state.last_success_at is None:
                    await asyncio.sleep(0.01)
        finally:
            runner.stop()
    assert state.last_success_at == clock.now()
    assert state.last_duration_seconds is not None and state.last_report is not None
    assert not runner.running
