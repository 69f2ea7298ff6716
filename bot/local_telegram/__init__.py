"""Fake Telegram for Fremad's tests: one core, two front doors.

Core (pure Python, no network)::

    core = FakeTelegram(token=DEFAULT_TOKEN, bot_username="fremad_test_bot",
                        rate_limits=True | False | RateLimitConfig(...),
                        clock=time.monotonic, wall_clock=time.time (or -> aware datetime),
                        strict_html_ampersand=True)
    await core.call(method, params: dict[str, str], files: dict[str, (filename, bytes)])
        -> (http_status, {"ok": True, "result": ...} | {"ok": False, "error_code", ...})
    core.calls / core.calls_to("sendMessage")   # CallRecord(method, params, files, status, error)
    core.count_429, core.count_403, core.chats, core.files, core.callback_queries,
    core.commands, core.webhook_url, core.webhook_secret, core.pending_updates
    core.set_update_sink(async_fn)              # in-process: awaited per update
    core.feed_dispatcher(dp, bot)               # sink = dp.feed_update(bot, Update)
    await core.group_chat_message(user, text)   # message in a group chat (negative id)
    await core.wait_for(predicate, timeout) -> bool
    await core.wait_until_idle(timeout=10)      # updates confirmed + no request for 0.3 s

Test people::

    user = core.user(42, first_name="Ada", language_code="da")
    await user.send_text("hej"); await user.send_command("start", "CODE")
    await user.send_sticker(); await user.send_photo(); await user.send_location()
    await user.send_document("cv.pdf", b"..."); await user.edit_message(update, "new")
    await user.click("Label", in_message=None)  # exact label, else substring
    await user.click_index(2, in_message=None)  # 1-based, row by row, left to right
    await user.block(); await user.unblock()
    user.messages, user.last_message, user.last_text, user.buttons(), user.callback_answers
    # user.messages / core.messages_in(chat_id): bot messages in order, each the latest
    # version (edits applied in place; .edits holds earlier versions, .deleted is kept);
    # message.buttons() -> [InlineButton(text, row, column, callback_data, url)]
    await user.wait_for_messages(n=1, timeout=10)   # HTTP mode

Front doors::

    bot = Bot(core.token, session=FakeSession(core))            # in-process
    async with FakeTelegramServer(core) as srv:                  # over HTTP
        AiohttpSession(api=TelegramAPIServer.from_base(srv.base_url))
        await srv.deliver_webhook(update_dict, secret=...)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_telegram.core import DEFAULT_TOKEN, FakeTelegram
from bot.local_telegram.limits import RateLimitConfig
from bot.local_telegram.objects import BotMessage, CallbackAnswer, CallRecord, InlineButton
from bot.local_telegram.people import FakeUser
from bot.local_telegram.session import FakeSession

if TYPE_CHECKING:
    from bot.local_telegram.server import FakeTelegramServer

__all__ = [
    "DEFAULT_TOKEN",
    "BotMessage",
    "CallRecord",
    "CallbackAnswer",
    "FakeSession",
    "FakeTelegram",
    "FakeTelegramServer",
    "FakeUser",
    "InlineButton",
    "RateLimitConfig",
]


def __getattr__(name: str) -> Any:
    # Imported lazily so `python -m bot.local_telegram.server` does not import the module twice.
    if name == "FakeTelegramServer":
        from bot.local_telegram.server import FakeTelegramServer

        return FakeTelegramServer
    raise AttributeError(name)
