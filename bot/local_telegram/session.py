"""Front door 1: an aiogram session that talks to the core in-process.

Requests are built exactly like ``AiohttpSession.build_form_data`` (every value a string,
objects as JSON, uploads as ``attach://`` parts), and responses go through aiogram's own
``check_response``, so the bot sees real ``TelegramBadRequest``/``TelegramRetryAfter``/... .
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.local_telegram.core import FakeTelegram

UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


class FakeSession(BaseSession):
    """``Bot(core.token, session=FakeSession(core))``: no network, same strings as HTTP."""

    def __init__(self, core: FakeTelegram, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.core = core

    async def build_request(
        self, bot: Bot, method: TelegramMethod[Any]
    ) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
        """(params, files) as ``AiohttpSession.build_form_data`` would put them in the form."""
        uploads: dict[str, InputFile] = {}
        params: dict[str, str] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=uploads)
            if not prepared:
                continue
            # A str-based Enum (ParseMode.HTML) goes over HTTP as its value, as aiohttp sends it.
            params[key] = str(prepared.value if isinstance(prepared, Enum) else prepared)
        files: dict[str, tuple[str, bytes]] = {}
        for key, upload in uploads.items():
            chunks = [chunk async for chunk in upload.read(bot)]
            files[key] = (upload.filename or key, b"".join(chunks))
        return params, files

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        params, files = await self.build_request(bot, method)
        if bot.token != self.core.token:
            status, body = 401, dict(UNAUTHORIZED)
        else:
            status, body = await self.core.call(method.__api_method__, params, files)
        response = self.check_response(
            bot=bot, method=method, status_code=status, content=json.dumps(body)
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """Yield a stored file's bytes for a ``.../file/bot<token>/<file_path>`` URL."""
        _, _, tail = url.partition("/file/bot")
        token, _, file_path = tail.partition("/")
        stored = self.core.file_by_path(file_path) if token == self.core.token else None
        if stored is None:
            if raise_for_status:
                raise FileNotFoundError(f"fake Telegram has no file at {url!r}")
            return
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]

    async def close(self) -> None:
        return None
