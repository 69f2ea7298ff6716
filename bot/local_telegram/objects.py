"""State objects of the fake Telegram (chats, bot messages, files, callback queries)."""

from __future__ import annotations

import copy
import struct
from dataclasses import dataclass, field
from typing import Any, Literal

MessageKind = Literal["text", "photo", "document"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A valid 1x1 transparent PNG, used as the default photo a test person sends.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, (1, 1) for a JPEG/GIF/WebP, None if it is not an image."""
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith((b"\xff\xd8\xff", b"GIF8")) or data[8:12] == b"WEBP":
        return 1, 1
    return None


@dataclass
class StoredFile:
    """A file uploaded by the bot or sent by a test person; downloadable via getFile."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def document_api(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "file_size": len(self.data),
        }
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_api(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        ]

    def file_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class InlineButton:
    """One inline keyboard button of a bot message."""

    text: str
    row: int
    column: int
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class MessageVersion:
    """A previous state of an edited bot message."""

    text: str
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    edit_date: int | None


@dataclass
class BotMessage:
    """A message the bot sent. ``text`` is what the user sees (caption for media)."""

    chat: FakeChat
    message_id: int
    date: int
    kind: MessageKind
    sender: dict[str, Any]
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    raw_text: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        return self.text if self.kind != "text" else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    def buttons(self) -> list[InlineButton]:
        return [
            InlineButton(
                text=str(button.get("text", "")),
                row=r,
                column=c,
                callback_data=button.get("callback_data"),
                url=button.get("url"),
            )
            for r, row in enumerate(self.inline_keyboard)
            for c, button in enumerate(row)
        ]

    def button_labels(self) -> list[str]:
        return [b.text for b in self.buttons()]

    def snapshot(self) -> MessageVersion:
        return MessageVersion(
            self.text, copy.deepcopy(self.entities), copy.deepcopy(self.reply_markup),
            self.edit_date,
        )  # fmt: skip

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Message`` object for this message."""
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_api(),
            "from": self.sender,
        }
        if self.kind == "text":
            msg["text"] = self.text
            if self.entities:
                msg["entities"] = self.entities
        else:
            assert self.file is not None
            if self.kind == "photo":
                msg["photo"] = self.file.photo_api()
            else:
                msg["document"] = self.file.document_api()
            if self.text:
                msg["caption"] = self.text
                if self.entities:
                    msg["caption_entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            msg["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        return msg


@dataclass
class FakeChat:
    """A private chat (id == user id) or a group chat (negative id)."""

    id: int
    type: Literal["private", "group"]
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    title: str | None = None
    next_message_id: int = 1
    bot_messages: list[BotMessage] = field(default_factory=list)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def bot_message(self, message_id: int) -> BotMessage | None:
        for message in self.bot_messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("first_name", "last_name", "username", "title"):
            value = getattr(self, key)
            if value is not None:
                chat[key] = value
        return chat


@dataclass
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class CallbackQueryRecord:
    """A button click by a test person, and the bot's answer (None until answered)."""

    id: str
    user_id: int
    data: str | None
    message: BotMessage
    answer: CallbackAnswer | None = None


@dataclass
class CallRecord:
    """One Bot API call: typed params (never the token) and uploaded file names."""

    method: str
    params: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    status: int = 0
    error: str | None = None
