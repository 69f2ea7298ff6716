"""A button tap whose callback answer comes too late is still handled."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, SendMessage

from bot.local_telegram import FakeSession, FakeTelegram
from bot.telegram.stale_callbacks import StaleCallbackMiddleware


async def test_query_too_old_is_not_an_error() -> None:
    tg = FakeTelegram(rate_limits=False)
    bot = Bot(tg.token, session=FakeSession(tg))
    bot.session.middleware(StaleCallbackMiddleware())
    ada = tg.user(5, "Ada")
    await ada.send_text("hi")
    await bot(SendMessage(chat_id=5, text="x"))
    # An unknown (expired) query id: Telegram answers 400 "query is too old".
    assert await bot(AnswerCallbackQuery(callback_query_id="999999")) is True
    # Other bad requests still fail loudly.
    with pytest.raises(TelegramBadRequest):
        await bot(SendMessage(chat_id=5, text=""))
    await bot.session.close()
