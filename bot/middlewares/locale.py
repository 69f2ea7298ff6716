"""The language to speak: the person's own, else the one picked while joining, else Telegram's."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from aiogram.utils.i18n.middleware import I18nMiddleware

from bot.config import SUPPORTED_LOCALES
from storage.models import Person


class PersonLocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        person: Person | None = data.get("person")
        if person is not None and person.locale in SUPPORTED_LOCALES:
            return person.locale
        state: FSMContext | None = data.get("state")
        if state is not None:
            chosen = (await state.get_data()).get("locale")
            if chosen in SUPPORTED_LOCALES:
                return str(chosen)
        user = data.get("event_from_user")
        code = (getattr(user, "language_code", None) or "")[:2]
        # Danish first: only an English-speaking Telegram gets English before a choice is made.
        return "en" if code == "en" else self.i18n.default_locale
