"""Reads /healthz and /metrics of an App in-process, through the real aiohttp routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession, web
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.ops.http import add_ops_routes, probe_for


def parse_metrics(text: str) -> dict[str, float]:
    """``{"name{label=value,...}": value}`` for every sample (labels sorted)."""
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


class OpsClient:
    def __init__(self, base_url: str, http: ClientSession) -> None:
        self.base_url = base_url
        self.http = http

    async def health(self) -> tuple[int, dict[str, Any]]:
        async with self.http.get(f"{self.base_url}/healthz") as response:
            return response.status, await response.json()

    async def metrics(self) -> dict[str, float]:
        async with self.http.get(f"{self.base_url}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            return parse_metrics(await response.text())


@asynccontextmanager
async def ops_server(app: App) -> AsyncIterator[OpsClient]:
    web_app = web.Application()
    add_ops_routes(web_app, probe_for(app))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with ClientSession() as http:
            yield OpsClient(f"http://127.0.0.1:{port}", http)
    finally:
        await runner.cleanup()
