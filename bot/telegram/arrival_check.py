""" "Did it arrive?" — for messages where a duplicate is worse than a late one (check-ins).

When Telegram's answer to a send is lost (a 5xx or a dropped connection), the message may or
may not be in the chat. In a private chat, message ids go up by one for every message, the
person's and ours. So, knowing the chat's last message id *before* the send, the ids after it
are probed with ``editMessageReplyMarkup`` carrying the very keyboard we sent:

* "message is not modified" (or an edit that succeeded): a message of ours we did not know
  about is there — ours, lost answer and all: it ARRIVED (never send it again);
* "message can't be edited": the person's own message: look at the next id;
* "message to edit not found": nothing after it: NOT_ARRIVED (safe to send);
* anything else (Telegram still away): UNKNOWN — look again later, do not send.

The last ids come from every message this process sent or received (``ChatMessageIds``, a
bot-session middleware); a process that never saw the chat cannot check, and says UNKNOWN.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import EditMessageReplyMarkup, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, Message

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_PROBE = 6
KNOWN_PER_CHAT = 16


class Arrival(StrEnum):
    ARRIVED = "arrived"
    NOT_ARRIVED = "not_arrived"
    UNKNOWN = "unknown"


class ChatMessageIds(BaseRequestMiddleware):
    """The last message id seen per chat, and the recent ids of our own messages."""

    def __init__(self, max_chats: int = 200_000) -> None:
        self.max_chats = max_chats
        self._last: OrderedDict[int, int] = OrderedDict()
        self._ours: dict[int, deque[int]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        # aiogram hands the parsed result through the request middlewares (not the envelope).
        result: Any = response
        if isinstance(result, Message):
            self.saw(result.chat.id, result.message_id, ours=True)
        return response

    def saw(self, chat_id: int, message_id: int, *, ours: bool) -> None:
        if message_id > self._last.get(chat_id, 0):
            self._last[chat_id] = message_id
        self._last.move_to_end(chat_id)
        if ours:
            self._ours.setdefault(chat_id, deque(maxlen=KNOWN_PER_CHAT)).append(message_id)
        while len(self._last) > self.max_chats:
            old, _ = self._last.popitem(last=False)
            self._ours.pop(old, None)

    def last_id(self, chat_id: int) -> int | None:
        return self._last.get(chat_id)

    def ours(self, chat_id: int) -> set[int]:
        return set(self._ours.get(chat_id, ()))


async def did_it_arrive(
    bot: Bot,
    ids: ChatMessageIds,
    chat_id: int,
    after_id: int | None,
    markup: Any,
) -> Arrival:
    """Looks for a message of ours after ``after_id`` that this process did not see arrive."""
    if after_id is None:
        return Arrival.UNKNOWN
    keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
    known = ids.ours(chat_id)
    for message_id in range(after_id + 1, after_id + 1 + MAX_PROBE):
        if message_id in known:
            continue  # another message of ours, sent in between
        try:
            await bot(
                EditMessageReplyMarkup(
                    chat_id=chat_id, message_id=message_id, reply_markup=keyboard
                )
            )
        except TelegramBadRequest as exc:
            reason = exc.message.lower()
            if "not modified" in reason:
                return _arrived(ids, chat_id, message_id)
            if "not found" in reason:
                return Arrival.NOT_ARRIVED
            if "can't be edited" in reason or "cant be edited" in reason:
                continue
            return Arrival.UNKNOWN
        except TelegramAPIError:
            return Arrival.UNKNOWN
        return _arrived(ids, chat_id, message_id)
    return Arrival.UNKNOWN


def _arrived(ids: ChatMessageIds, chat_id: int, message_id: int) -> Arrival:
    ids.saw(chat_id, message_id, ours=True)
    log.info("a message whose answer was lost had arrived: not sent again")
    return Arrival.ARRIVED
