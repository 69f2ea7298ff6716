"""`fremad invite`: create an invite from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.services.onboarding import InviteError, OnboardingService
from storage import migrate
from storage.db import check_reachable, create_engine, create_sessionmaker
from storage.models import Role

if TYPE_CHECKING:  # aiogram takes seconds to import; with BOT_USERNAME set it is not needed
    from aiogram import Bot


async def bot_username(settings: Settings, bot: Bot | None = None) -> str:
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    from bot.app import create_bot

    own = bot or create_bot(settings)
    try:
        me = await own.get_me()
    finally:
        if bot is None:
            await own.session.close()
    return me.username or ""


def invite_link(username: str, code: str) -> str:
    return f"https://t.me/{username}?start={code}"


async def create_invite(
    settings: Settings, role: str, mentor: int | None, name: str | None
) -> tuple[str, str]:
    username = await bot_username(settings)
    migrate.ensure_sqlite_folder(settings.database_url)
    engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    try:
        await check_reachable(engine)
        if settings.is_sqlite:
            await migrate.upgrade_async(settings.database_url)
        async with create_sessionmaker(engine)() as session:
            service = OnboardingService(session, SystemClock(), settings.invite_ttl_hours)
            try:
                invite = await service.create_invite(
                    Role(role), mentor_telegram_id=mentor, name=name
                )
            except InviteError as exc:
                raise ConfigError(str(exc)) from exc
    finally:
        await engine.dispose()
    return invite.code, invite_link(username, invite.code)
