"""Polling mode with HEALTH_PORT: the real `fremad run` serves /healthz and /metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import ClientSession

from tests.e2e.live import live_bot
from tests.e2e.webhook_cluster import free_port
from tests.ops.ops_client import parse_metrics

pytestmark = pytest.mark.e2e


async def test_polling_instance_serves_health_and_metrics(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        live_bot(
            database_url, tmp_path / "fremad.log", HEALTH_PORT=str(port), LOG_JSON="true"
        ) as live,
        ClientSession() as http,
    ):
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200, await response.text()
            body = await response.json()
        assert body["checks"]["database"] == {"ok": True}
        stranger = live.tg.user(41, "Kim")
        await stranger.send_command("start")
        await stranger.wait_for_messages()
        await live.tg.wait_until_idle()
        async with http.get(f"{base}/metrics") as response:
            samples = parse_metrics(await response.text())
    assert samples["fremad_updates_handled_total{type=message}"] == 1
    assert samples["fremad_messages_sent_total"] == len(stranger.messages) >= 1
    assert "Kim" not in live.log_text()
