"""`/web`: a mentor or staff member gets a single-use sign-in link to the web console."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ConfigError, Settings
from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.web.sign_in import ConsoleSignIn, may_use_console
from storage.models import Person


async def on_web(
    message: Message,
    person: Person | None,
    session: AsyncSession,
    runtime: Runtime,
    access: AccessService,
) -> None:
    settings: Settings = runtime.settings
    if not may_use_console(person):
        await access.refuse(person, "web_console", None)
        await message.answer(_("The web console is for mentors and staff."))
        return
    try:
        base = settings.web_console_url()
    except ConfigError:
        await message.answer(_("The web console is not turned on here. Ask your IT contact."))
        return
    sign_in = ConsoleSignIn(
        session, runtime.clock, settings.web_link_minutes, settings.web_session_idle_hours
    )
    assert person is not None  # may_use_console() is False without one
    token = await sign_in.new_link_token(person)
    if token is None:
        return
    link = f"{base}/login/{token}"
    await message.answer(
        ngettext(
            "Your sign-in link to the web console. It works once, for {minutes} minute — "
            "don't pass it on.\n\n{link}",
            "Your sign-in link to the web console. It works once, for {minutes} minutes — "
            "don't pass it on.\n\n{link}",
            settings.web_link_minutes,
        ).format(minutes=settings.web_link_minutes, link=html.escape(link))
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_web, Command("web"))
    return router
