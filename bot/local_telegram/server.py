"""Front door 2: the core behind a real aiohttp Bot API server on 127.0.0.1.

Serves ``/bot{token}/{method}`` (multipart, urlencoded, JSON or query params) and
``/file/bot{token}/{file_path}``. ``python -m bot.local_telegram.server --port N --token T``
runs it standalone and prints the base URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, ClientResponse, ClientSession, MultipartReader, web

from bot.local_telegram.core import DEFAULT_TOKEN, FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
_CONFIGURED = object()


def _as_form_string(value: Any) -> str:
    """A JSON body value as the string the Bot API would have received in a form."""
    return value if isinstance(value, str) else json.dumps(value)


async def read_request(
    request: web.Request,
) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Params (all strings) and uploaded files of a Bot API request."""
    params: dict[str, str] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if not request.can_read_body:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update({k: _as_form_string(v) for k, v in body.items() if v is not None})
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = (value.filename, value.file.read())
        elif isinstance(value, str):
            params[key] = value
        else:
            params[key] = bytes(value).decode("utf-8")
    return params, files


async def apply_webhook_reply(core: FakeTelegram, response: ClientResponse) -> None:
    """Telegram runs a Bot API method the bot puts in its webhook response (one method, as
    multipart form data with a ``method`` field); so does the fake."""
    if not response.content_type.startswith("multipart/"):
        await response.read()
        return
    params: dict[str, str] = {}
    reader = MultipartReader.from_response(response)
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.name:
            params[part.name] = (await part.read(decode=True)).decode("utf-8")
    method = params.pop("method", "")
    if method:
        await core.call(method, params)


class FakeTelegramServer:
    """``async with FakeTelegramServer(core) as srv:`` then point the bot at ``srv.base_url``.

    With ``push_webhooks=True`` and a webhook set by the bot, updates from test people are
    POSTed to the webhook instead of being queued for getUpdates.
    """

    def __init__(
        self,
        core: FakeTelegram,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        push_webhooks: bool = False,
    ) -> None:
        self.core = core
        self.host = host
        self.port = port
        self.push_webhooks = push_webhooks
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._api)
        self.app.router.add_get("/file/bot{token}/{file_path:.+}", self._file)
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:PORT``; use with ``TelegramAPIServer.from_base``."""
        if self._runner is None:
            raise RuntimeError("FakeTelegramServer is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if self.push_webhooks:
            self.core.webhook_pusher = self._push_webhook

    async def stop(self) -> None:
        self.core.release_polls()
        if self.core.webhook_pusher == self._push_webhook:
            self.core.webhook_pusher = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ----------------------------------------------------------------- HTTP handlers

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.core.token:
            return web.json_response(UNAUTHORIZED, status=401)
        params, files = await read_request(request)
        status, body = await self.core.call(request.match_info["method"], params, files)
        return web.json_response(body, status=status)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.core.token:
            return web.json_response(UNAUTHORIZED, status=401)
        stored = self.core.file_by_path(request.match_info["file_path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ----------------------------------------------------------------- webhooks

    async def deliver_webhook(
        self, update: dict[str, Any], *, secret: str | None | object = _CONFIGURED
    ) -> int:
        """POST ``update`` to the webhook URL set by the bot; returns the HTTP status.

        ``secret`` defaults to the bot's ``secret_token``; pass None to omit the header or
        another string to test rejection.
        """
        if not self.core.webhook_url:
            raise AssertionError("the bot has not set a webhook (setWebhook)")
        token = self.core.webhook_secret if secret is _CONFIGURED else secret
        headers = {SECRET_HEADER: str(token)} if token is not None else {}
        if self._client is None:
            self._client = ClientSession()
        async with self._client.post(self.core.webhook_url, json=update, headers=headers) as r:
            if 200 <= r.status < 300:
                await apply_webhook_reply(self.core, r)
            return r.status

    async def deliver_pending_webhooks(self) -> list[int]:
        """Deliver every queued update to the webhook (oldest first); returns the statuses."""
        statuses = []
        while self.core.pending_updates:
            update = self.core.pending_updates.pop(0)
            statuses.append(await self.deliver_webhook(update))
        self.core.notify()
        return statuses

    async def _push_webhook(self, update: dict[str, Any]) -> None:
        status = await self.deliver_webhook(update)
        if not 200 <= status < 300:
            self.core.pending_updates.append(update)  # Telegram would retry it later
            self.core.notify()


async def _serve(host: str, port: int, token: str, rate_limits: bool) -> None:
    core = FakeTelegram(token=token, rate_limits=rate_limits)
    async with FakeTelegramServer(core, host, port) as server:
        sys.stdout.write(f"{server.base_url}\n")
        sys.stdout.flush()
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-rate-limits", action="store_true")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token, not args.no_rate_limits))


if __name__ == "__main__":
    main()
