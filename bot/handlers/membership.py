"""Block and unblock: Telegram tells us with my_chat_member; we stop or resume sending."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.services.reachability import ReachabilityService


async def on_blocked(event: ChatMemberUpdated, reachability: ReachabilityService) -> None:
    await reachability.mark_unreachable(event.from_user.id)


async def on_unblocked(event: ChatMemberUpdated, reachability: ReachabilityService) -> None:
    await reachability.mark_reachable(event.from_user.id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.register(
        on_blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED)
    )
    router.my_chat_member.register(
        on_unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER)
    )
    return router
