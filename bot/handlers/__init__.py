"""All routers, in order; router-level filters (private chat only) are applied in ONE place."""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers import attendance as attendance
from bot.handlers import checkins as checkins
from bot.handlers import coping as coping
from bot.handlers import demands as demands
from bot.handlers import dialogs as dialogs
from bot.handlers import fallback as fallback
from bot.handlers import focus as focus
from bot.handlers import goals as goals
from bot.handlers import groups as groups
from bot.handlers import invites as invites
from bot.handlers import joint_review as joint_review
from bot.handlers import membership as membership
from bot.handlers import mentor_desk as mentor_desk
from bot.handlers import mentor_progress as mentor_progress
from bot.handlers import onboarding as onboarding
from bot.handlers import plan as plan
from bot.handlers import privacy as privacy
from bot.handlers import quiet_hours as quiet_hours
from bot.handlers import reporting as reporting
from bot.handlers import safety as safety
from bot.handlers import scripts as scripts
from bot.handlers import self_profile as self_profile
from bot.handlers import settings as settings
from bot.handlers import talk as talk
from bot.handlers import web_console as web_console


def get_routers() -> list[Router]:
    # Script buttons first: their callback prefix is unique (tests/unit/test_callback_prefixes.py).
    buttons = Router(name="private_buttons")
    buttons.callback_query.filter(F.message.chat.type == "private")
    buttons.include_router(dialogs.create_button_router())

    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    private.include_routers(
        # /sos first: help must be reachable mid-onboarding and mid-conversation.
        safety.create_router(),
        onboarding.create_router(),
        # Feature routers go here, before the dialog router's free-text catch.
        privacy.create_router(),
        invites.create_router(),
        web_console.create_router(),
        settings.create_router(),
        checkins.create_router(),
        plan.create_router(),
        attendance.create_router(),
        scripts.create_router(),
        mentor_desk.create_router(),
        reporting.create_router(),
        quiet_hours.create_router(),
        goals.create_router(),
        mentor_progress.create_router(),
        talk.create_router(),
        focus.create_router(),
        joint_review.create_router(),
        demands.create_router(),
        self_profile.create_router(),
        coping.create_router(),
        dialogs.create_router(),
        membership.create_router(),
        fallback.create_router(),
    )

    group = Router(name="group")
    group.message.filter(F.chat.type != "private")
    group.include_router(groups.create_router())
    return [buttons, private, group]
