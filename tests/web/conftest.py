from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from tests.web.support import Console, running_console


@pytest.fixture
async def console(database_url: str, clock: ManualClock) -> AsyncIterator[Console]:
    async with running_console(database_url, clock) as running:
        yield running
