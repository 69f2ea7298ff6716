"""Implementations of the Bot API methods the fake Telegram supports.

Each handler gets the core, the typed params and the uploaded files, and returns the
``result`` of the envelope or raises :class:`~bot.local_telegram.errors.ApiError`.
Any method not in :data:`HANDLERS` answers 404 with a description naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.local_telegram.errors import (
    CONFLICT_WEBHOOK,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from bot.local_telegram.objects import BotMessage, CallbackAnswer, FakeChat, StoredFile, image_size

if TYPE_CHECKING:
    from bot.local_telegram.core import FakeTelegram

Params = dict[str, Any]
Files = dict[str, tuple[str, bytes]]
Handler = Callable[["FakeTelegram", Params, Files], Awaitable[Any]]

HANDLERS: dict[str, Handler] = {}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
CALLBACK_DATA_MAX_BYTES = 64
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[name.lower()] = func
        return func

    return register


# --------------------------------------------------------------------------- validation


# Fields that give an inline button its action; a button with none of them (only text, style
# or icon) is a "text button", which Telegram refuses in an inline keyboard.
INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup; inline buttons need an action and 1-64 bytes of callback_data.

    An inline keyboard is returned without empty rows, and one with no buttons at all as None:
    Telegram accepts ``{"inline_keyboard": []}`` (bots use it to remove a keyboard) and the
    message then simply has no ``reply_markup``.
    """
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboard / remove / force reply: stored as given
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif not INLINE_BUTTON_ACTIONS.intersection(button):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
    kept = [row for row in rows if row]
    if not kept:
        return None
    return {**markup, "inline_keyboard": kept}


def inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a message's markup that edits compare and change: its inline keyboard.

    A reply keyboard belongs to the chat, not to the message; Telegram never returns it
    in ``Message.reply_markup`` and an edit neither compares nor removes it.
    """
    return markup if markup is not None and "inline_keyboard" in markup else None


def inline_markup_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def resolve_input_file(tg: FakeTelegram, value: Any, files: Files, *, photo: bool) -> StoredFile:
    """An ``attach://`` upload, a known file_id or an URL -> stored file."""
    if not isinstance(value, str) or not value:
        raise bad_request(
            "there is no photo in the request" if photo else "there is no document in the request"
        )
    if value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request(f"file {value} not found in the request")
        filename, data = upload
        if not data:
            raise bad_request("file must be non-empty")
        limit = MAX_PHOTO_BYTES if photo else MAX_DOCUMENT_BYTES
        if len(data) > limit:
            raise ApiError(413, "Request Entity Too Large")
        stored = tg.store_file(filename, data, photo=photo)
    elif value in tg.files:
        stored = tg.files[value]
    elif value.startswith(("http://", "https://")):
        stored = tg.store_file(value.rsplit("/", 1)[-1] or "file", b"", photo=photo)
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if photo:
        size = image_size(stored.data) if stored.data else (1, 1)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        stored.width, stored.height = size
    return stored


def find_bot_message(chat: FakeChat, message_id: Any, *, action: str) -> BotMessage:
    message = chat.bot_message(message_id) if isinstance(message_id, int) else None
    if message is None:
        if isinstance(message_id, int) and message_id in chat.user_messages:
            raise bad_request(f"message can't be {action}ed")
        raise bad_request(f"message to {action} not found")
    return message


def edit_target(tg: FakeTelegram, p: Params) -> BotMessage:
    if "inline_message_id" in p:
        raise bad_request("the fake Telegram does not support inline_message_id")
    if "chat_id" not in p:
        raise bad_request("chat_id is empty")
    if "message_id" not in p:
        raise bad_request("message identifier is not specified")
    return find_bot_message(tg.target_chat(p["chat_id"]), p["message_id"], action="edit")


def apply_edit(
    tg: FakeTelegram,
    message: BotMessage,
    *,
    text: str,
    entities: list[dict[str, Any]],
    markup: dict[str, Any] | None,
    raw_text: str | None,
    parse_mode: str | None,
) -> dict[str, Any]:
    if (text, entities, markup) == (
        message.text,
        message.entities,
        inline_part(message.reply_markup),
    ):
        raise ApiError(400, NOT_MODIFIED)
    message.edits.append(message.snapshot())
    if markup is not None or inline_part(message.reply_markup) is not None:
        message.reply_markup = markup
    message.text, message.entities = text, entities
    message.raw_text, message.parse_mode = raw_text, parse_mode
    message.edit_date = tg.now()
    tg.notify()
    return message.to_api()


# --------------------------------------------------------------------------- bot & updates


@handler("getMe")
async def get_me(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return {
        **tg.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


@handler("getUpdates")
async def get_updates(tg: FakeTelegram, p: Params, files: Files) -> Any:
    if tg.webhook_url:
        raise ApiError(409, CONFLICT_WEBHOOK)
    if "allowed_updates" in p:
        allowed = p["allowed_updates"]
        tg.allowed_updates = list(allowed) if isinstance(allowed, list) and allowed else None
    tg.confirm_updates(p.get("offset"))
    limit = min(max(int(p.get("limit", 100)), 1), 100)
    timeout = max(float(p.get("timeout", 0)), 0.0)
    return await tg.long_poll(limit, timeout)


@handler("setWebhook")
async def set_webhook(tg: FakeTelegram, p: Params, files: Files) -> Any:
    url = p.get("url") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        tg.pending_updates.clear()
    tg.webhook_url, tg.webhook_secret = url, secret if url else None
    tg.webhook_params = {k: v for k, v in p.items() if k != "url"} if url else {}
    if "allowed_updates" in p:
        allowed = p["allowed_updates"]
        tg.allowed_updates = list(allowed) if allowed else None
    tg.notify()
    return True


@handler("deleteWebhook")
async def delete_webhook(tg: FakeTelegram, p: Params, files: Files) -> Any:
    if p.get("drop_pending_updates"):
        tg.pending_updates.clear()
    tg.webhook_url = tg.webhook_secret = None
    tg.webhook_params = {}
    tg.notify()
    return True


@handler("getWebhookInfo")
async def get_webhook_info(tg: FakeTelegram, p: Params, files: Files) -> Any:
    info: dict[str, Any] = {
        "url": tg.webhook_url or "",
        "has_custom_certificate": False,
        "pending_update_count": len(tg.pending_updates),
    }
    if tg.webhook_url and tg.allowed_updates:
        info["allowed_updates"] = tg.allowed_updates
    return info


# --------------------------------------------------------------------------- sending


@handler("sendMessage")
async def send_message(tg: FakeTelegram, p: Params, files: Files) -> Any:
    chat = tg.target_chat(p["chat_id"])
    parsed = tg.parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
    markup = check_reply_markup(p.get("reply_markup"))
    tg.take_rate_token(chat.id)
    message = tg.store_bot_message(
        chat, "text", parsed, raw_text=p["text"], parse_mode=p.get("parse_mode"),
        reply_markup=markup,
    )  # fmt: skip
    return message.to_api()


async def _send_media(tg: FakeTelegram, p: Params, files: Files, *, photo: bool) -> Any:
    chat = tg.target_chat(p["chat_id"])
    parsed = tg.parse_text(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    markup = check_reply_markup(p.get("reply_markup"))
    stored = resolve_input_file(tg, p.get("photo" if photo else "document"), files, photo=photo)
    tg.take_rate_token(chat.id)
    message = tg.store_bot_message(
        chat, "photo" if photo else "document", parsed, raw_text=p.get("caption"),
        parse_mode=p.get("parse_mode"), reply_markup=markup, file=stored,
    )  # fmt: skip
    return message.to_api()


@handler("sendPhoto")
async def send_photo(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return await _send_media(tg, p, files, photo=True)


@handler("sendDocument")
async def send_document(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return await _send_media(tg, p, files, photo=False)


@handler("sendChatAction")
async def send_chat_action(tg: FakeTelegram, p: Params, files: Files) -> Any:
    tg.target_chat(p["chat_id"])
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


# --------------------------------------------------------------------------- editing


@handler("editMessageText")
async def edit_message_text(tg: FakeTelegram, p: Params, files: Files) -> Any:
    message = edit_target(tg, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    parsed = tg.parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
    markup = inline_markup_only(check_reply_markup(p.get("reply_markup")))
    return apply_edit(
        tg, message, text=parsed.text, entities=parsed.entities, markup=markup,
        raw_text=p.get("text"), parse_mode=p.get("parse_mode"),
    )  # fmt: skip


@handler("editMessageCaption")
async def edit_message_caption(tg: FakeTelegram, p: Params, files: Files) -> Any:
    message = edit_target(tg, p)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    parsed = tg.parse_text(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    markup = inline_markup_only(check_reply_markup(p.get("reply_markup")))
    return apply_edit(
        tg, message, text=parsed.text, entities=parsed.entities, markup=markup,
        raw_text=p.get("caption"), parse_mode=p.get("parse_mode"),
    )  # fmt: skip


@handler("editMessageReplyMarkup")
async def edit_message_reply_markup(tg: FakeTelegram, p: Params, files: Files) -> Any:
    message = edit_target(tg, p)
    markup = inline_markup_only(check_reply_markup(p.get("reply_markup")))
    return apply_edit(
        tg, message, text=message.text, entities=message.entities, markup=markup,
        raw_text=message.raw_text, parse_mode=message.parse_mode,
    )  # fmt: skip


@handler("deleteMessage")
async def delete_message(tg: FakeTelegram, p: Params, files: Files) -> Any:
    chat = tg.target_chat(p["chat_id"])
    message_id = p["message_id"]
    message = chat.bot_message(message_id)
    if message is not None:
        message.deleted = True
    elif chat.user_messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    tg.notify()
    return True


# --------------------------------------------------------------------------- callbacks


@handler("answerCallbackQuery")
async def answer_callback_query(tg: FakeTelegram, p: Params, files: Files) -> Any:
    query = tg.callback_queries.get(p["callback_query_id"])
    if query is None or query.answer is not None:
        raise ApiError(400, QUERY_TOO_OLD)
    if len(p.get("text") or "") > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = CallbackAnswer(
        query_id=query.id,
        text=p.get("text"),
        show_alert=bool(p.get("show_alert", False)),
        url=p.get("url"),
    )
    tg.notify()
    return True


# --------------------------------------------------------------------------- commands & chat


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


@handler("setMyCommands")
async def set_my_commands(tg: FakeTelegram, p: Params, files: Files) -> Any:
    commands = p["commands"]
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        description = command.get("description", "") if isinstance(command, dict) else ""
        if not COMMAND_RE.fullmatch(name) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_INVALID")
    tg.commands[_commands_key(p)] = commands
    return True


@handler("deleteMyCommands")
async def delete_my_commands(tg: FakeTelegram, p: Params, files: Files) -> Any:
    tg.commands.pop(_commands_key(p), None)
    return True


@handler("getMyCommands")
async def get_my_commands(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return tg.commands.get(_commands_key(p), [])


async def _store_setting(tg: FakeTelegram, p: Params, key: str) -> Any:
    tg.bot_settings[f"{key}:{p.get('language_code') or ''}"] = p.get(key)
    return True


@handler("setMyDescription")
async def set_my_description(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return await _store_setting(tg, p, "description")


@handler("setMyShortDescription")
async def set_my_short_description(tg: FakeTelegram, p: Params, files: Files) -> Any:
    return await _store_setting(tg, p, "short_description")


@handler("setChatMenuButton")
async def set_chat_menu_button(tg: FakeTelegram, p: Params, files: Files) -> Any:
    tg.bot_settings[f"menu_button:{p.get('chat_id', '')}"] = p.get("menu_button")
    return True


@handler("getChat")
async def get_chat(tg: FakeTelegram, p: Params, files: Files) -> Any:
    chat_id = p["chat_id"]
    chat = tg.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise bad_request("chat not found")
    return {
        **chat.to_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


@handler("getFile")
async def get_file(tg: FakeTelegram, p: Params, files: Files) -> Any:
    stored = tg.files.get(p["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_api()
