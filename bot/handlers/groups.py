"""Fremad works in private chats only: personal data never belongs in a group."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _


async def on_group_message(message: Message) -> None:
    # Answer only when addressed (a command), so the bot does not chatter in a busy group.
    if message.text and message.text.startswith("/"):
        await message.answer(
            _(
                "I only work in a private chat, to keep what you share private. "
                "Write to me directly."
            )
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_group_message)
    return router
