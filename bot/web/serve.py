"""`fremad web`: the console alone (no polling, no scheduler) on WEB_HOST:WEB_PORT."""

from __future__ import annotations

import logging

from bot.app import build_app
from bot.config import ConfigError, Settings
from bot.web.app import start_console
from bot.webhook import until_stopped

log = logging.getLogger(__name__)


async def run_console_only(settings: Settings) -> None:
    if settings.web_port is None:
        raise ConfigError("WEB_PORT is not set: set it to the port the console listens on.")
    settings.web_console_url()  # refuse a non-https address before opening the database
    app = await build_app(settings)
    console = None
    try:
        console = await start_console(app)
        await until_stopped()
    finally:
        if console is not None:
            await console.cleanup()
        await app.close()
