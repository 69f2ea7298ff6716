from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.live import LiveBot, live_bot


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[LiveBot]:
    # The running bot's own minute job stays off: e2e tests drive time with `fremad tick --at`,
    # so a test run at 09:00 does not also meet a youth's real 09:00 check-in.
    async with live_bot(
        database_url, tmp_path / "fremad.log", SCHEDULER_ENABLED="false"
    ) as running:
        yield running
