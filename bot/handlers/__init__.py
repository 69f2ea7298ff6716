"""All routers, in order; router-level filters (private chat only) are applied in ONE place."""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers import checkins as checkins
from bot.handlers import dialogs as dialogs
from bot.handlers import fallback as fallback
from bot.handlers import groups as groups
from bot.handlers import invites as invites
from bot.handlers import membership as membership
from bot.handlers import onboarding as onboarding
from bot.handlers import settings as settings


def get_routers() -> list[Router]:
    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    private.include_routers(
        onboarding.create_router(),
        # Feature routers go here, before the dialog router's free-text catch.
        invites.create_router(),
        settings.create_router(),
        checkins.create_router(),
        dialogs.create_router(),
        membership.create_router(),
        fallback.create_router(),
    )

    group = Router(name="group")
    group.message.filter(F.chat.type != "private")
    group.include_router(groups.create_router())
    return [private, group]
