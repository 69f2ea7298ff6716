"""The operator's HTTP door: `/livez` (the process answers), `/readyz` (database and Redis
reachable: may take traffic), `/healthz` (also the scheduler; 200 or 503, JSON) and `/metrics`.

In webhook mode both routes sit on the webhook's own aiohttp server; in polling mode a small
server serves them when HEALTH_PORT is set. Neither needs the webhook secret: put them behind
the reverse proxy's allow-list (docs/DEPLOY.md), they carry no personal data either way.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.ops.health import HealthProbe
from bot.ops.metrics import CONTENT_TYPE

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

PROBE_KEY = web.AppKey("fremad_health_probe", HealthProbe)


async def healthz(request: web.Request) -> web.Response:
    report = await request.app[PROBE_KEY].check()
    return web.json_response(report.as_dict(), status=200 if report.ok else 503)


async def livez(request: web.Request) -> web.Response:
    """The process is alive and its event loop answers; nothing else is checked."""
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    report = await request.app[PROBE_KEY].readiness()
    return web.json_response(report.as_dict(), status=200 if report.ok else 503)


async def metrics(request: web.Request) -> web.Response:
    probe = request.app[PROBE_KEY]
    await probe.refresh_gauges()
    return web.Response(body=probe.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


def add_ops_routes(app: web.Application, probe: HealthProbe) -> None:
    app[PROBE_KEY] = probe
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/livez", livez)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def start_ops_server(probe: HealthProbe, host: str, port: int) -> web.AppRunner:
    """A small server with only the two routes (polling mode); ``await runner.cleanup()``."""
    app = web.Application()
    add_ops_routes(app, probe)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def probe_for(app: App) -> HealthProbe:
    """The health probe of a built App, counting its age from now."""
    return HealthProbe(
        settings=app.settings,
        clock=app.clock,
        engine=app.engine,
        sessionmaker=app.sessionmaker,
        scheduling=app.scheduling,
        metrics=app.metrics,
        started_at=app.clock.now(),
    )


async def start_polling_ops(app: App) -> web.AppRunner | None:
    """Polling mode: the ops server on HEALTH_HOST:HEALTH_PORT, or None when it is unset."""
    port = app.settings.health_port
    if port is None:
        return None
    runner = await start_ops_server(probe_for(app), app.settings.health_host, port)
    log.info("health and metrics on %s:%s", app.settings.health_host, port)
    return runner
