"""At most one open question per chat, and a question is the last message of its turn.

Every message Fremad sends — a handler's reply or a scheduled delivery from the send queue —
goes through the bot's session, so this request middleware sees all of them. That makes it the
one place the conversation invariants hold, whatever a feature does:

- An *open question* is a message with callback buttons (URL-only keyboards are links, not
  questions). Standing actions on a record are not questions either: each alert keeps its
  "acknowledge", each summary its "note after the talk", each staff decision its buttons
  (``STANDING_PREFIXES``: a mentor reading four summaries can act on any of them).
  When a new question goes out in a chat, the previous open question there loses its
  buttons: two keyboards never compete, and an old check-in's buttons never stack up.
- A *turn* is everything sent while one update is handled (``TurnMiddleware`` marks it). When
  a turn sends a plain message after its own question (the question would end up buried above
  it), the question is moved down: the earlier copy is deleted and the same question is sent
  again at the bottom. Features should order their messages right in the first place
  (``send_turn`` does); this is the guarantee for the ones that do not.

Where the open question is remembered: in this process (``OpenQuestionsMemory``). With several
instances a chat's updates and deliveries may be handled by different processes; the worst
case is then one extra keyboard left open, never a lost message.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    DeleteMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    Response,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, Message, TelegramObject

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_CHATS_REMEMBERED = 200_000
CLOSED_REMEMBERED = 10_000
_SENDS = (SendMessage, SendPhoto, SendDocument)
_EDITS = (EditMessageReplyMarkup, EditMessageText, EditMessageCaption)


# Callback prefixes of standing actions (bot/telegram/reporting_keyboards.py: alert ack, youth
# actions under a summary, digest entries; safety_keyboards: erasure decision; script drafts;
# a mentor's per-youth items: the joint review that is due, a talk request's times, a demand
# suggested for one young person; a young person's demand of the week, which they may call too
# much or answer at any time until it is followed up).
STANDING_PREFIXES = frozenset({"aa", "ry", "rs", "ed", "sd", "jrs", "tkt", "dmp", "dms", "dmt"})


def asks_something(markup: object) -> bool:
    """True for an inline keyboard with a callback button that is not a standing action."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return False
    return any(
        button.callback_data and button.callback_data.split(":", 1)[0] not in STANDING_PREFIXES
        for row in markup.inline_keyboard
        for button in row
    )


class OpenQuestionsMemory:
    """chat id → message id of its open question (bounded: the oldest chats are forgotten)."""

    def __init__(self, limit: int = MAX_CHATS_REMEMBERED) -> None:
        self.limit = limit
        self._open: OrderedDict[int, int] = OrderedDict()

    def get(self, chat_id: int) -> int | None:
        return self._open.get(chat_id)

    def swap(self, chat_id: int, message_id: int) -> int | None:
        """Marks ``message_id`` open; returns the question it replaces (if another)."""
        previous = self._open.pop(chat_id, None)
        self._open[chat_id] = message_id
        while len(self._open) > self.limit:
            self._open.popitem(last=False)
        return previous if previous != message_id else None

    def close(self, chat_id: int, message_id: int) -> None:
        if self._open.get(chat_id) == message_id:
            del self._open[chat_id]


@dataclass
class _Asked:
    message_id: int
    method: SendMessage


@dataclass
class Turn:
    """What one update's handling sent so far: per chat, its question and whether something
    came after it."""

    asked: dict[int, _Asked] = field(default_factory=dict)


_TURN: ContextVar[Turn | None] = ContextVar("fremad_turn", default=None)


class TurnMiddleware(BaseMiddleware):
    """Marks the handling of one update as one turn (outer middleware on ``dp.update``)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        token = _TURN.set(Turn())
        try:
            return await handler(event, data)
        finally:
            _TURN.reset(token)


class OpenQuestionsMiddleware(BaseRequestMiddleware):
    def __init__(self, memory: OpenQuestionsMemory | None = None) -> None:
        self.memory = memory or OpenQuestionsMemory()
        # Questions this middleware closed lately: a handler closing one too is no error.
        self._closed: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._own: set[int] = set()  # ids of the closing requests in flight

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # aiogram's session chain passes the method's result (a Message, True), not a Response;
        # an error is raised, so everything below runs for requests that succeeded.
        if isinstance(method, _EDITS):
            if self._closed_by_us(method):
                # A handler takes the keyboard off the question this middleware has just
                # closed (the next question went out first): already done, no second request.
                return cast(Response[TelegramType], True)
            # Closed from the moment the request leaves: a question sent beside it then finds
            # nothing open to close a second time.
            self._edited(method)
        result: Any = await make_request(bot, method)
        if isinstance(method, _SENDS):
            await self._sent(bot, method, result)
        elif isinstance(method, DeleteMessage) and isinstance(method.chat_id, int):
            self.memory.close(method.chat_id, method.message_id)
        return cast(Response[TelegramType], result)

    async def _sent(
        self, bot: Bot, method: SendMessage | SendPhoto | SendDocument, result: object
    ) -> None:
        if not isinstance(result, Message) or not isinstance(method.chat_id, int):
            return
        chat_id, turn = method.chat_id, _TURN.get()
        if asks_something(method.reply_markup):
            previous = self.memory.swap(chat_id, result.message_id)
            if previous is not None:
                await self._close(bot, chat_id, previous)
            if turn is not None and isinstance(method, SendMessage):
                turn.asked[chat_id] = _Asked(result.message_id, method)
            return
        asked = turn.asked.pop(chat_id, None) if turn is not None else None
        if asked is not None and self.memory.get(chat_id) == asked.message_id:
            await self._move_down(bot, chat_id, asked)

    def _edited(
        self, method: EditMessageReplyMarkup | EditMessageText | EditMessageCaption
    ) -> None:
        if not isinstance(method.chat_id, int) or method.message_id is None:
            return
        if not asks_something(method.reply_markup):
            self.memory.close(method.chat_id, method.message_id)

    async def _close(self, bot: Bot, chat_id: int, message_id: int) -> None:
        """Takes the buttons off an earlier question (gone or too old: nothing to do)."""
        self._closed[(chat_id, message_id)] = None
        while len(self._closed) > CLOSED_REMEMBERED:
            self._closed.popitem(last=False)
        closing = EditMessageReplyMarkup(chat_id=chat_id, message_id=message_id)
        self._own.add(id(closing))
        try:
            with contextlib.suppress(TelegramAPIError):
                await bot(closing)
        finally:
            self._own.discard(id(closing))

    def _closed_by_us(self, method: object) -> bool:
        return (
            isinstance(method, EditMessageReplyMarkup)
            and id(method) not in self._own
            and not asks_something(method.reply_markup)
            and isinstance(method.chat_id, int)
            and (method.chat_id, method.message_id or 0) in self._closed
        )

    async def _move_down(self, bot: Bot, chat_id: int, asked: _Asked) -> None:
        """The turn's question went out before other messages: ask it again below them."""
        with contextlib.suppress(TelegramAPIError):
            await bot(DeleteMessage(chat_id=chat_id, message_id=asked.message_id))
        self.memory.close(chat_id, asked.message_id)
        again = asked.method.model_copy()
        await bot(again)
