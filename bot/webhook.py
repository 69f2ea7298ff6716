"""`fremad run --webhook`: N instances behind a load balancer, each checking the secret header."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import App, build_app, first_contact, publish_menu_safely, update_intake
from bot.config import ConfigError, Settings
from bot.ops.http import add_ops_routes, probe_for
from bot.telegram.update_intake import Intake, MalformedUpdate, UpdateIntake
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


class IntakeRequestHandler(SimpleRequestHandler):
    """aiogram's handler (secret check, routing) with Fremad's answer to Telegram: 400 for a
    body that is not an update, 500 when an infrastructure failure means Telegram must
    deliver it again, else 200 — for a handled, ignored or quarantined update alike."""

    def __init__(self, app: App, intake: UpdateIntake, secret: str) -> None:
        # `webhook_reply`: a handler may return one Bot API method (a tap's answer) to ride on
        # the response instead of a request of its own (bot/handlers/dialogs.py).
        super().__init__(
            dispatcher=app.dp,
            bot=app.bot,
            secret_token=secret,
            handle_in_background=False,
            webhook_reply=True,
        )
        self.intake = intake

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            raw = await request.json(loads=bot.session.json_loads)
            outcome, reply = await self.intake.take_with_reply(raw, webhook_reply=True)
        except (ValueError, MalformedUpdate):  # not JSON, or not an update
            return web.json_response({"ok": False}, status=400)
        if outcome is Intake.RETRY:
            return web.json_response({"ok": False}, status=500)
        method = reply if isinstance(reply, TelegramMethod) else None
        return web.Response(body=self._build_response_writer(bot=bot, result=method))


def create_web_app(app: App, secret: str) -> web.Application:
    """The webhook endpoint plus /healthz and /metrics (keep those internal: docs/DEPLOY.md)."""
    web_app = web.Application()
    # Not in the background: Telegram gets 200 only after the update was handled and stored,
    # so a crash mid-update means Telegram delivers it again instead of losing it; an update
    # another instance is still handling, or whose handling met an outage, gets 500
    # (bot/telegram/update_intake.py); a malformed body 400. It also
    # keeps each chat in order: Telegram sends a chat's next update only after the previous
    # one was answered, whichever instance answered it.
    IntakeRequestHandler(app, update_intake(app), secret).register(web_app, path=WEBHOOK_PATH)
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
        async with first_contact(settings):
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=secret,
                drop_pending_updates=False,
                # Only the update types some handler takes.
                allowed_updates=app.dp.resolve_used_update_types(),
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
