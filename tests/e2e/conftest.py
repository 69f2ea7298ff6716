from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.live import LiveBot, live_bot


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[LiveBot]:
    async with live_bot(database_url, tmp_path / "fremad.log") as running:
        yield running
