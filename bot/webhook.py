"""`fremad run --webhook`: N instances behind a load balancer, each checking the secret header."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import App, build_app, publish_menu_safely
from bot.config import ConfigError, Settings
from bot.ops.http import add_ops_routes, probe_for
from bot.web.app import start_console

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"


def webhook_secret(settings: Settings) -> str:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    # Telegram allows 1-256 characters A-Z a-z 0-9 _ -; require a long one.
    if len(secret) < 24 or not all(ch.isalnum() or ch in "_-" for ch in secret):
        raise ConfigError(
            "WEBHOOK_SECRET must be set to at least 24 letters, digits, _ or - for webhook mode: "
            "every request from Telegram is checked against it."
        )
    return secret


def create_web_app(app: App, secret: str) -> web.Application:
    """The webhook endpoint plus /healthz and /metrics (keep those internal: docs/DEPLOY.md)."""
    web_app = web.Application()
    # Not in the background: Telegram gets 200 only after the update was handled and stored,
    # so a crash mid-update means Telegram delivers it again instead of losing it; an update
    # another instance is still handling gets 500 (bot/middlewares/update_dedup.py). It also
    # keeps each chat in order: Telegram sends a chat's next update only after the previous
    # one was answered, whichever instance answered it.
    # `webhook_reply`: a handler may return one Bot API method (a tap's answer) to ride on the
    # response instead of a request of its own (bot/handlers/dialogs.py).
    SimpleRequestHandler(
        dispatcher=app.dp,
        bot=app.bot,
        secret_token=secret,
        handle_in_background=False,
        webhook_reply=True,
    ).register(web_app, path=WEBHOOK_PATH)
    setup_application(web_app, app.dp, bot=app.bot)
    add_ops_routes(web_app, probe_for(app))
    return web_app


async def run_webhook(settings: Settings) -> None:
    secret = webhook_secret(settings)
    if not settings.webhook_url:
        raise ConfigError(
            "WEBHOOK_URL is not set: set it to the public https address the load balancer "
            f"forwards to {WEBHOOK_PATH} (for example https://fremad.example.dk{WEBHOOK_PATH})."
        )
    app = await build_app(settings)
    runner: web.AppRunner | None = None
    console: web.AppRunner | None = None
    try:
        runner = web.AppRunner(create_web_app(app, secret), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        console = await start_console(app)  # the web console when WEB_PORT is set
        await publish_menu_safely(app)
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, drop_pending_updates=False
        )
        app.scheduling.start_clock()
        log.info(
            "Fremad listens for webhooks on %s:%s", settings.webhook_host, settings.webhook_port
        )
        await until_stopped()
    finally:
        if console is not None:
            await console.cleanup()
        if runner is not None:
            await runner.cleanup()
        await app.close()


async def until_stopped() -> None:
    """Waits for SIGTERM or SIGINT (systemd stop, Ctrl-C) so shutdown is clean."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
