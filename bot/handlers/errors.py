"""The last line of defence: no update ends in an unhandled exception or a silent failure.

An infrastructure failure (bot/ops/failure_kind.py) is raised on, so the update is not
acknowledged and Telegram delivers it again once the outage is over (the young person is not
told "sorry": their message will be answered). Any other failure is a bug: the update is
quarantined by ids and types, acknowledged (never retried forever) and the person is told.
"""

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
from bot.ops.failure_kind import is_infrastructure_failure
from bot.services.dialog_runner import ScriptFailed
from bot.services.reachability import ReachabilityService
from bot.telegram.update_intake import UpdateQuarantine

log = logging.getLogger(__name__)


def _chat_id(event: ErrorEvent) -> int | None:
    inner = event.update.event
    chat = getattr(inner, "chat", None) or getattr(getattr(inner, "message", None), "chat", None)
    return chat.id if chat is not None else None


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    update_quarantine: UpdateQuarantine,
) -> None:
    exc = event.exception
    update_id = event.update.update_id
    if is_infrastructure_failure(exc):
        # Not acknowledged: the webhook answers 500, polling keeps its offset before it.
        raise exc
    chat_id = _chat_id(event)
    if isinstance(exc, TelegramForbiddenError):
        if chat_id is not None:
            async with sessionmaker() as session:
                await ReachabilityService(session, clock).mark_unreachable(chat_id)
        return
    # Log the kind of failure, where it happened and the update id: never the exception's message,
    # which may quote what someone wrote (SQL parameters, for one).
    log.error("update %s failed: %s at %s", update_id, type(exc).__name__, _where(exc))
    await update_quarantine.store(bot.id, update_id, event.update.event_type, "handle", exc)
    if chat_id is None:
        return
    try:
        await bot.send_message(
            chat_id, _("Sorry — something went wrong on my side. Please try again in a moment.")
        )
    except Exception:  # noqa: BLE001 - a failed apology must not raise again
        log.warning("could not tell chat about a failed update %s", update_id)


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
