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
    # 5.5 per tap on this path; since 2026-12-05 each question shown is also recorded
    # (script_steps_shown, one INSERT per question): 6.25. The target is <= 6.
    assert tap_statements <= 6.25 * (updates - 1), tap_statements
    assert "Dit check-in er gemt" in ada.last_text
