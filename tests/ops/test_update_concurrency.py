"""A burst of people writing at once never exhausts the database pool (MAX_CONCURRENT_UPDATES)."""

from __future__ import annotations

import asyncio

from tests.harness import Harness


async def test_forty_people_at_once_all_get_an_answer(harness: Harness) -> None:
    # Each update holds a connection and briefly needs a second one; 40 at once on a pool of
    # 5 + 10 used to wait for each other until the pool timed out and the updates failed.
    people = [harness.user(9000 + i, f"P{i}") for i in range(40)]
    await asyncio.wait_for(
        asyncio.gather(*(person.send_command("start") for person in people)), timeout=25
    )
    for person in people:
        assert len(person.messages) == 1
        assert "invitation" in person.last_text
