"""What one update costs the database, counted (not timed): a regression guard for the
one-session, one-transaction update path (bot/middlewares/database.py). A daily check-in —
/checkin and four taps — on SQLite and PostgreSQL through the production dispatcher."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from storage.models import Role
from tests.benchmarks.bench_updates import SqlCounts, checkin_steps
from tests.harness import running_harness


async def test_a_checkin_costs_one_session_one_commit_per_update_and_few_statements(
    any_database_url: str, clock: ManualClock
) -> None:
    async with running_harness(any_database_url, clock) as harness:
        ada = harness.user(730, "Ada")
        await harness.onboard(ada, Role.YOUTH)
        steps = checkin_steps("4")
        for step in steps:  # a first check-in, so the second is an ordinary day
            await step(ada)
        clock.advance(timedelta(days=1))
        with SqlCounts(harness.app.engine).listening() as counts:
            await steps[0](ada)  # /checkin
            after_command = counts.snapshot()
            for step in steps[1:]:  # four taps
                await step(ada)
        statements, commits, sessions = counts.snapshot()
    updates = len(steps)
    assert sessions == updates  # one session per update
    assert commits <= 1.2 * updates
    tap_statements = statements - after_command[0]
    # Per tap: claim the update, read the person, store the answer, update the day, record the
    # next question as shown (script analytics), save the conversation: 6, 6, 5 (no mood or
    # energy, the day already kept), 8 for the last (the day answered, successes refreshed,
    # a prompt queued, the conversation closed) = 25.
    assert tap_statements <= 6.25 * (updates - 1), tap_statements
    assert "Dit check-in er gemt" in ada.last_text
