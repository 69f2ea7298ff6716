"""The last line of defence: no update ends in an unhandled exception or a silent failure."""

from __future__ import annotations

import logging
import traceback

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services.dialog_runner import ScriptFailed
from bot.services.reachability import ReachabilityService

log = logging.getLogger(__name__)


def _chat_id(event: ErrorEvent) -> int | None:
    inner = event.update.event
    chat = getattr(inner, "chat", None) or getattr(getattr(inner, "message", None), "chat", None)
    return chat.id if chat is not None else None


async def on_error(
    event: ErrorEvent, bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    chat_id = _chat_id(event)
    if isinstance(event.exception, TelegramForbiddenError):
        if chat_id is not None:
            async with sessionmaker() as session:
                await ReachabilityService(session, clock).mark_unreachable(chat_id)
        return
    # Log the kind of failure, where it happened and the update id: never the exception's message,
    # which may quote what someone wrote (SQL parameters, for one).
    frames = traceback.extract_tb(event.exception.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    log.error(
        "update %s failed: %s at %s", event.update.update_id, type(event.exception).__name__, where
    )
    if chat_id is None:
        return
    try:
        await bot.send_message(
            chat_id, _("Sorry — something went wrong on my side. Please try again in a moment.")
        )
    except Exception:  # noqa: BLE001 - a failed apology must not raise again
        log.warning("could not tell chat about a failed update %s", event.update.update_id)


async def on_script_failed(event: ErrorEvent, bot: Bot) -> None:
    """A staff script broke while running (logged and staff alerted by the runner): the young
    person hears, kindly, that this conversation stopped — never a stack trace or silence."""
    chat_id = _chat_id(event)
    inner = event.update.callback_query
    if inner is not None:
        try:
            await inner.answer()
        except Exception:  # noqa: BLE001 - the kind message below matters more
            log.warning("could not answer the tap of update %s", event.update.update_id)
    if chat_id is None:
        return
    await bot.send_message(
        chat_id,
        _(
            "Sorry — something in this conversation went wrong on our side, so I have stopped "
            "it. What you answered so far is saved, and the staff have been told. /help shows "
            "what you can do now."
        ),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.error.register(on_script_failed, ExceptionTypeFilter(ScriptFailed))
    router.error.register(on_error)
    return router
