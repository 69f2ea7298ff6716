"""``FakeTelegram``: an in-memory Bot API (state, dispatch, update queue, waiting).

Pure Python, no network. The single entry point for the bot's requests is :meth:`call`,
which takes params exactly as they arrive over HTTP (strings) and returns
``(http_status, envelope)``. Method implementations live in :mod:`bot.local_telegram.methods`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mimetypes
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.local_telegram import spec
from bot.local_telegram.errors import (
    BLOCKED,
    CANT_INITIATE,
    CONFLICT_OTHER_POLL,
    ApiError,
    bad_request,
    too_many_requests,
)
from bot.local_telegram.html_check import HtmlParseError, ParsedText, parse_html
from bot.local_telegram.limits import Clock, RateLimitConfig, RateLimiter
from bot.local_telegram.methods import HANDLERS
from bot.local_telegram.objects import (
    BotMessage,
    CallbackQueryRecord,
    CallRecord,
    FakeChat,
    MessageKind,
    StoredFile,
)
from bot.local_telegram.people import FakeUser

UpdateSink = Callable[[dict[str, Any]], Awaitable[Any]]
Files = dict[str, tuple[str, bytes]]
# Unix seconds (time.time) or an aware datetime (e.g. ``ManualClock().now``).
WallClock = Callable[[], "float | datetime"]

DEFAULT_TOKEN = "123456789:AAFakeTelegramTestTokenForFremadBot00"
# Text and caption limits count Unicode code points of the visible text (Python's len), not
# UTF-16 units: a live probe had 4096 U+1F600 (8192 UTF-16 units) accepted and 4097 refused.
# Entity offsets, by contrast, are in UTF-16 units (see html_check).
MAX_TEXT = 4096
MAX_CAPTION = 1024
IDLE_QUIET_SECONDS = 0.3
# Telegram's default when allowed_updates is not set (or set to []).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class _Poll:
    """One waiting getUpdates request; a newer request terminates it (409)."""

    terminated = False


class FakeTelegram:
    """The fake Bot API. See the package docstring for the public API."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "fremad_test_bot",
        bot_first_name: str = "Fremad",
        rate_limits: bool | RateLimitConfig = True,
        clock: Clock = time.monotonic,
        wall_clock: WallClock = time.time,
        strict_html_ampersand: bool = True,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456789
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.wall_clock = wall_clock
        self.strict_html_ampersand = strict_html_ampersand
        config = rate_limits if isinstance(rate_limits, RateLimitConfig) else RateLimitConfig()
        self.limiter: RateLimiter | None = (
            RateLimiter(config, clock) if rate_limits is not False else None
        )

        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.bot_settings: dict[str, Any] = {}
        self.calls: list[CallRecord] = []
        self.count_429 = 0
        self.count_403 = 0

        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_params: dict[str, Any] = {}
        self.webhook_pusher: UpdateSink | None = None
        self.allowed_updates: list[str] | None = None

        self.pending_updates: list[dict[str, Any]] = []
        self._sink: UpdateSink | None = None
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._group_ids = itertools.count(1)
        self._poll: _Poll | None = None
        self._changed = asyncio.Event()
        self._in_flight = 0
        self._last_request_at = 0.0

    # ----------------------------------------------------------------- identity

    def bot_user(self) -> dict[str, Any]:
        """The bot as a Bot API ``User`` (the ``from`` of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def now(self) -> int:
        """Unix time for message dates, from the injected wall clock."""
        moment = self.wall_clock()
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise ValueError("the fake Telegram's wall clock must return an aware datetime")
            return int(moment.timestamp())
        return int(moment)

    # ----------------------------------------------------------------- people

    def user(
        self,
        telegram_id: int,
        first_name: str = "Ada",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "da",
    ) -> FakeUser:
        """The test person with this id (created on first use; the same object afterwards)."""
        existing = self.users.get(telegram_id)
        if existing is not None:
            return existing
        person = FakeUser(
            self,
            telegram_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[telegram_id] = person
        return person

    def private_chat(self, person: FakeUser) -> FakeChat:
        """The private chat with ``person``, opened when they first write to the bot."""
        chat = self.chats.get(person.id)
        if chat is None:
            chat = FakeChat(
                id=person.id,
                type="private",
                first_name=person.first_name,
                last_name=person.last_name,
                username=person.username,
            )
            self.chats[person.id] = chat
        return chat

    def group_chat(self, title: str = "Test group", chat_id: int | None = None) -> FakeChat:
        """A group chat the bot is a member of (negative id)."""
        if chat_id is None:
            chat_id = -1000 - next(self._group_ids)
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = FakeChat(id=chat_id, type="group", title=title)
        return chat

    async def group_chat_message(
        self, person: FakeUser, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """``person`` writes ``text`` in a group chat with the bot; returns the Update."""
        chat = self.group_chat(chat_id=chat_id)
        message_id = chat.new_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": self.now(),
            "chat": chat.to_api(),
            "from": person.to_api(),
            "text": text,
        }
        chat.user_messages[message_id] = message
        return await self.emit_update("message", message)

    def messages_in(self, chat_id: int) -> list[BotMessage]:
        chat = self.chats.get(chat_id)
        return list(chat.bot_messages) if chat else []

    # ----------------------------------------------------------------- updates

    def set_update_sink(self, sink: UpdateSink | None) -> None:
        """Deliver updates by awaiting ``sink(update_dict)`` (in-process) instead of queueing."""
        self._sink = sink

    def feed_dispatcher(self, dispatcher: Any, bot: Any) -> None:
        """In-process mode: every update is fed to ``dispatcher.feed_update(bot, Update)``."""
        from aiogram.types import Update

        async def sink(update: dict[str, Any]) -> None:
            await dispatcher.feed_update(bot, Update.model_validate(update, context={"bot": bot}))

        self.set_update_sink(sink)

    async def emit_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Create an Update ``{update_id, kind: payload}`` and deliver it."""
        update = {"update_id": next(self._update_ids), kind: payload}
        if self._sink is not None:
            await self._sink(update)
        elif self.webhook_url and self.webhook_pusher is not None:
            await self.webhook_pusher(update)
        else:
            self.pending_updates.append(update)
            self.notify()
        return update

    def confirm_updates(self, offset: int | None) -> None:
        """getUpdates offset semantics: forget updates below ``offset`` (negative: keep last)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.pending_updates = self.pending_updates[offset:]
        else:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        self.notify()

    def _deliverable(self) -> list[dict[str, Any]]:
        allowed = self.allowed_updates

        def wanted(update: dict[str, Any]) -> bool:
            kind = next(k for k in update if k != "update_id")
            return kind in allowed if allowed else kind not in DEFAULT_EXCLUDED_UPDATES

        self.pending_updates = [u for u in self.pending_updates if wanted(u)]
        return self.pending_updates

    async def long_poll(self, limit: int, timeout: float) -> list[dict[str, Any]]:
        """Wait up to ``timeout`` s for updates; an earlier waiting poll is terminated (409)."""
        if self._poll is not None:
            self._poll.terminated = True
        poll = self._poll = _Poll()
        self.notify()
        try:
            await self.wait_for(lambda: poll.terminated or bool(self._deliverable()), timeout)
            if poll.terminated:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            return self._deliverable()[:limit]
        finally:
            if self._poll is poll:
                self._poll = None

    def release_polls(self) -> None:
        """Terminate a waiting getUpdates (used when the HTTP server stops)."""
        if self._poll is not None:
            self._poll.terminated = True
            self.notify()

    # ----------------------------------------------------------------- waiting

    def notify(self) -> None:
        """Wake every waiter; called on each new update, bot message, call and edit."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` is true (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    async def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Wait until all updates are confirmed and no bot request came for ~0.3 s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._sink is not None and self._in_flight == 0:
                return  # in-process: every update was awaited, so nothing is pending
            quiet_for = time.monotonic() - self._last_request_at
            drained = not self.pending_updates or self._sink is not None
            if drained and self._in_flight == 0 and quiet_for >= IDLE_QUIET_SECONDS:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"fake Telegram not idle after {timeout}s: "
                    f"{len(self.pending_updates)} unconfirmed updates, "
                    f"{self._in_flight} requests in flight"
                )
            step = remaining if not drained else max(0.01, IDLE_QUIET_SECONDS - quiet_for)
            # Woken by the next change (an update confirmed, a request done), then checked again.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(step, remaining))

    # ----------------------------------------------------------------- requests

    async def call(
        self, method: str, params: dict[str, str], files: Files | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Handle one Bot API request; params are form strings, files ``{name: (fn, bytes)}``."""
        files = files or {}
        name = spec.canonical_name(method) or method
        record = CallRecord(name, dict(params), {k: fn for k, (fn, _) in files.items()})
        self.calls.append(record)
        polling = name == "getUpdates"
        if not polling:
            self._in_flight += 1
        self.notify()
        try:
            handler = HANDLERS.get(name.lower())
            if handler is None:
                raise ApiError(404, self._not_found(method))
            typed = spec.coerce_params(name, params)
            record.params = typed
            missing = spec.missing_required(name, typed)
            if missing:
                field = missing[0]
                raise bad_request(
                    "message text is empty" if field == "text" else f"{field} is empty"
                )
            result = await handler(self, typed, files)
            record.status = 200
            return 200, {"ok": True, "result": result}
        except spec.ParamError as exc:
            record.status, record.error = 400, str(exc)
            return 400, ApiError(400, str(exc)).envelope()
        except ApiError as exc:
            record.status, record.error = exc.code, exc.description
            if exc.code == 429:
                self.count_429 += 1
            elif exc.code == 403:
                self.count_403 += 1
            return exc.code, exc.envelope()
        finally:
            if not polling:
                self._in_flight -= 1
                self._last_request_at = time.monotonic()
            self.notify()

    @staticmethod
    def _not_found(method: str) -> str:
        known = spec.canonical_name(method)
        if known is None and spec.load_methods():
            return f"Not Found: '{method}' is not a Bot API method (fake Telegram)"
        return (
            f"Not Found: the fake Telegram does not implement '{known or method}'; "
            "add it to bot/local_telegram/methods.py"
        )

    def calls_to(self, method: str) -> list[CallRecord]:
        """Logged calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # ----------------------------------------------------------------- helpers for methods

    def target_chat(self, chat_id: Any) -> FakeChat:
        """The chat the bot wants to act in, or Telegram's 400/403 error."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self.users:
                raise ApiError(403, CANT_INITIATE)
            raise bad_request("chat not found")
        person = self.users.get(chat.id) if chat.type == "private" else None
        if person is not None and person.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def parse_text(
        self,
        text: str | None,
        parse_mode: str | None,
        entities: Any,
        *,
        caption: bool = False,
    ) -> ParsedText:
        """Visible text + entities, enforcing Telegram's length and HTML rules."""
        text = text or ""
        if parse_mode:
            mode = parse_mode.lower()
            if mode == "html":
                try:
                    parsed = parse_html(text, strict_ampersand=self.strict_html_ampersand)
                except HtmlParseError as exc:
                    raise ApiError(400, exc.description) from None
            elif mode in ("markdown", "markdownv2"):
                raise bad_request(
                    f"the fake Telegram only parses parse_mode=HTML, not {parse_mode!r}"
                )
            else:
                raise bad_request("unsupported parse_mode")
        else:
            parsed = ParsedText(text, list(entities) if isinstance(entities, list) else [])
        if caption:
            if len(parsed.text) > MAX_CAPTION:
                raise bad_request("message caption is too long")
        else:
            if not parsed.text.strip():
                raise bad_request("message text is empty")
            if len(parsed.text) > MAX_TEXT:
                raise bad_request("message is too long")
        return parsed

    def take_rate_token(self, chat_id: int) -> None:
        if self.limiter is None:
            return
        retry_after = self.limiter.acquire(chat_id)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def store_bot_message(
        self,
        chat: FakeChat,
        kind: MessageKind,
        parsed: ParsedText,
        *,
        raw_text: str | None,
        parse_mode: str | None,
        reply_markup: dict[str, Any] | None,
        file: StoredFile | None = None,
    ) -> BotMessage:
        message = BotMessage(
            chat=chat,
            message_id=chat.new_message_id(),
            date=self.now(),
            kind=kind,
            sender=self.bot_user(),
            text=parsed.text,
            entities=parsed.entities,
            raw_text=raw_text,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            file=file,
        )
        chat.bot_messages.append(message)
        self.notify()
        return message

    def store_file(
        self, filename: str, data: bytes, *, mime_type: str | None = None, photo: bool = False
    ) -> StoredFile:
        n = next(self._ids)
        folder = "photos" if photo else "documents"
        suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        stored = StoredFile(
            file_id=f"FAKE-FILE-{n}",
            file_unique_id=f"fakeuniq{n}",
            file_path=f"{folder}/file_{n}.{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type or mimetypes.guess_type(filename)[0],
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return stored
        return None
