"""``FakeUser``: a test person who writes to the bot and taps its buttons by label."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.local_telegram.objects import (
    TINY_PNG,
    BotMessage,
    CallbackAnswer,
    CallbackQueryRecord,
    InlineButton,
    image_size,
)

if TYPE_CHECKING:
    from bot.local_telegram.core import FakeTelegram


class FakeUser:
    """A Telegram user in a private chat with the bot (chat id == user id).

    Every ``send_*``/``click``/``block`` creates an Update. In-process mode (an update sink
    is set) awaits the bot's handling; in HTTP mode the update is queued for getUpdates and
    tests use :meth:`wait_for_messages` or ``core.wait_until_idle()``.
    """

    def __init__(
        self,
        core: FakeTelegram,
        telegram_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "da",
    ) -> None:
        self.core = core
        self.id = telegram_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self._mark = 0

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"

    # ----------------------------------------------------------------- identity

    def to_api(self) -> dict[str, Any]:
        """This person as a Bot API ``User``."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                user[key] = value
        return user

    @property
    def started(self) -> bool:
        """True once the person has written to the bot (the bot may then message them)."""
        return self.id in self.core.chats

    # ----------------------------------------------------------------- what the bot sent

    @property
    def messages(self) -> list[BotMessage]:
        """All bot messages to this chat in order (deleted ones too, with ``.deleted``)."""
        return self.core.messages_in(self.id)

    @property
    def visible_messages(self) -> list[BotMessage]:
        return [m for m in self.messages if not m.deleted]

    @property
    def last_message(self) -> BotMessage:
        messages = self.messages
        if not messages:
            raise AssertionError(f"the bot has sent no messages to {self!r}")
        return messages[-1]

    @property
    def last_text(self) -> str:
        """Visible text (or caption) of the latest bot message."""
        return self.last_message.text

    def keyboard_message(self) -> BotMessage:
        """The latest (not deleted) bot message that has inline buttons."""
        for message in reversed(self.messages):
            if message.buttons() and not message.deleted:
                return message
        raise AssertionError(f"no bot message with inline buttons in the chat of {self!r}")

    def buttons(self, in_message: BotMessage | None = None) -> list[str]:
        """Labels of the latest inline keyboard (or of ``in_message``), row by row."""
        message = in_message or self.keyboard_message()
        return message.button_labels()

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answerCallbackQuery answers to this person's clicks, in click order."""
        return [
            q.answer
            for q in self.core.callback_queries.values()
            if q.user_id == self.id and q.answer is not None
        ]

    # ----------------------------------------------------------------- actions

    def _private_chat_api(self) -> dict[str, Any]:
        return self.core.private_chat(self).to_api()

    async def _send(self, **content: Any) -> dict[str, Any]:
        chat = self.core.private_chat(self)
        message: dict[str, Any] = {
            "message_id": chat.new_message_id(),
            "date": self.core.now(),
            "chat": chat.to_api(),
            "from": self.to_api(),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        self._mark = len(self.messages)
        return await self.core.emit_update("message", message)

    async def send_text(self, text: str) -> dict[str, Any]:
        """Write ``text`` to the bot; returns the Update dict."""
        return await self._send(text=text)

    async def send_command(self, command: str, args: str | None = None) -> dict[str, Any]:
        """``/command`` or ``/command ARGS`` (e.g. ``send_command("start", "CODE")``)."""
        head = f"/{command.lstrip('/')}"
        text = f"{head} {args}" if args else head
        entity = {"type": "bot_command", "offset": 0, "length": len(head)}
        return await self._send(text=text, entities=[entity])

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        file_id = self.core.next_id("STICKER-")
        sticker = {
            "file_id": file_id,
            "file_unique_id": file_id.lower(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._send(sticker=sticker)

    async def send_photo(
        self, data: bytes = TINY_PNG, caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.core.store_file("photo.png", data, mime_type="image/png", photo=True)
        stored.width, stored.height = image_size(data) or (1, 1)
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return await self._send(photo=stored.photo_api(), **extra)

    async def send_location(
        self, latitude: float = 55.6761, longitude: float = 12.5683
    ) -> dict[str, Any]:
        return await self._send(location={"latitude": latitude, "longitude": longitude})

    async def send_document(
        self,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored = self.core.store_file(filename, data, mime_type=mime_type)
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return await self._send(document=stored.document_api(), **extra)

    async def edit_message(self, message: dict[str, Any] | int, text: str) -> dict[str, Any]:
        """Edit one of this person's own messages (an Update dict, a Message dict or an id)."""
        if isinstance(message, dict):
            inner = message.get("message", message)
            message_id = int(inner["message_id"])
        else:
            message_id = message
        chat = self.core.private_chat(self)
        original = chat.user_messages.get(message_id)
        if original is None:
            raise AssertionError(f"{self!r} has no message {message_id} to edit")
        edited = {**original, "text": text, "edit_date": self.core.now()}
        edited.pop("entities", None)
        chat.user_messages[message_id] = edited
        self._mark = len(self.messages)
        return await self.core.emit_update("edited_message", edited)

    async def click(self, label: str, in_message: BotMessage | None = None) -> str:
        """Tap the inline button with this exact label (else the one containing it).

        Uses the latest bot message with inline buttons unless ``in_message`` is given.
        Returns the callback query id; raises AssertionError listing the labels present.
        """
        message = in_message or self.keyboard_message()
        buttons = message.buttons()
        matches = [b for b in buttons if b.text == label] or [
            b for b in buttons if label in b.text
        ]
        if not matches:
            labels = [b.text for b in buttons]
            raise AssertionError(
                f"no button {label!r} in message {message.message_id}; buttons: {labels}"
            )
        if len(matches) > 1 and matches[0].text != label:
            raise AssertionError(f"{label!r} matches several buttons: {[b.text for b in matches]}")
        return await self._press(message, matches[0])

    async def click_index(self, n: int, in_message: BotMessage | None = None) -> str:
        """Tap button number ``n`` (1-based, row by row, left to right) of the latest keyboard.

        Uses the latest bot message with inline buttons unless ``in_message`` is given; for
        labels that repeat or are hard to type (the terminal simulator numbers buttons).
        """
        message = in_message or self.keyboard_message()
        buttons = message.buttons()
        if not 1 <= n <= len(buttons):
            labels = [f"{i}. {b.text}" for i, b in enumerate(buttons, 1)]
            raise AssertionError(
                f"no button number {n} in message {message.message_id}; buttons: {labels}"
            )
        return await self._press(message, buttons[n - 1])

    async def tap_in_flight(self, message: BotMessage, button: InlineButton) -> str:
        """A tap on a button that was on screen (``button``, read earlier) but whose keyboard
        the bot has since taken off: the tap left the phone before the edit arrived."""
        return await self._press(message, button)

    async def _press(self, message: BotMessage, button: InlineButton) -> str:
        if message.deleted:
            raise AssertionError(f"message {message.message_id} was deleted by the bot")
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} is not a callback button: {button}")
        query_id = self.core.next_id(f"cbq-{self.id}-")
        self.core.callback_queries[query_id] = CallbackQueryRecord(
            id=query_id, user_id=self.id, data=button.callback_data, message=message
        )
        self._mark = len(self.messages)
        await self.core.emit_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.to_api(),
                "message": message.to_api(),
                "chat_instance": f"ci-{self.id}",
                "data": button.callback_data,
            },
        )
        return query_id

    async def _member_status(self, old: str, new: str) -> dict[str, Any]:
        bot = self.core.bot_user()
        new_member: dict[str, Any] = {"status": new, "user": bot}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: dict[str, Any] = {"status": old, "user": bot}
        if old == "kicked":
            old_member["until_date"] = 0
        self._mark = len(self.messages)
        return await self.core.emit_update(
            "my_chat_member",
            {
                "chat": self._private_chat_api(),
                "from": self.to_api(),
                "date": self.core.now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            },
        )

    async def block(self) -> dict[str, Any]:
        """Block the bot: later sends get 403; a my_chat_member (kicked) update is sent."""
        self.blocked = True
        return await self._member_status("member", "kicked")

    async def unblock(self) -> dict[str, Any]:
        """Unblock the bot; a my_chat_member (member) update is sent."""
        self.blocked = False
        return await self._member_status("kicked", "member")

    # ----------------------------------------------------------------- waiting (HTTP mode)

    async def wait_for_messages(self, n: int = 1, timeout: float = 10.0) -> list[BotMessage]:
        """Wait for ``n`` more bot messages than at this person's last action.

        Returns all bot messages since that action; AssertionError on timeout.
        """
        target = self._mark + n
        if not await self.core.wait_for(lambda: len(self.messages) >= target, timeout):
            got = [m.text for m in self.messages[self._mark :]]
            raise AssertionError(
                f"{self!r}: expected {n} new bot message(s) within {timeout}s, got {got}"
            )
        return self.messages[self._mark :]
