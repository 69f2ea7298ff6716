"""The composition root: Settings → engine/sessionmaker → i18n → storage → dispatcher → run.

Nothing is created at import time; tests build the same pieces with their own Settings/clock.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import TELEGRAM_DEFAULT_API, ConfigError, Settings, TelegramUnreachable
from bot.database_setup import prepare_database
from bot.encryption_setup import configure_encryption
from bot.handlers import errors, get_routers
from bot.i18n import create_i18n
from bot.middlewares.crisis_first_aid import CrisisFirstAidMiddleware
from bot.middlewares.crisis_screen import CrisisScreenMiddleware
from bot.middlewares.database import UpdateTransactionMiddleware
from bot.middlewares.fsm_context import ChatLockMiddleware, OneReadFSMContextMiddleware
from bot.middlewares.locale import PersonLocaleMiddleware
from bot.ops.concurrency import UpdateConcurrencyMiddleware
from bot.ops.metrics import FremadMetrics
from bot.ops.scale_out import (
    install_metrics,
    redis_key_builder,
    shared_events_isolation,
    shared_pacer,
)
from bot.runtime import Runtime, create_runtime
from bot.scheduling.attendance import register_attendance_delivery
from bot.scheduling.checkin_composers import register_checkin_delivery
from bot.scheduling.method_deliveries import register_method_deliveries
from bot.scheduling.motivation_deliveries import register_motivation
from bot.scheduling.reporting import register_reporting
from bot.scheduling.safety_composers import register_safety_deliveries
from bot.scheduling.script_triggers import register_script_triggers
from bot.scheduling.setup import Scheduling, create_scheduling
from bot.scheduling.talk_deliveries import register_talk_delivery
from bot.scheduling.tick import TickReport, send_now
from bot.services.attendance_followup import register_attendance_hooks
from bot.services.checkins import register_checkin_hooks
from bot.services.crisis_outbox import CrisisOutbox
from bot.services.method_report import register_method_report
from bot.services.motivation import library_of
from bot.services.safety_plan import register_safety_plan_hooks
from bot.services.script_events import register_event_hooks
from bot.services.script_registry import check_all_scripts
from bot.services.self_profile import register_self_profile_hooks
from bot.telegram.commands import refresh_menu
from bot.telegram.commit_before_send import CommitBeforeSend
from bot.telegram.inline_filters import run_filters_inline
from bot.telegram.open_questions import OpenQuestionsMiddleware, TurnMiddleware
from bot.telegram.polling import poll_updates
from bot.telegram.response_types import PinnedResponseTypes
from bot.telegram.retry_after import RetryAfterMiddleware
from bot.telegram.stale_callbacks import StaleCallbackMiddleware
from bot.telegram.update_intake import UpdateIntake, UpdateQuarantine
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.fsm_storage import SqlStorage

log = logging.getLogger(__name__)


def crisis_outbox_path(settings: Settings) -> Path:
    if settings.crisis_outbox_path is not None:
        return settings.crisis_outbox_path
    if settings.is_sqlite:
        return migrate.sqlite_folder(settings.database_url) / "crisis-outbox.jsonl"
    return Path.cwd() / "data" / "crisis-outbox.jsonl"


def create_dispatcher(
    *,
    runtime: Runtime,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: BaseStorage,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    """The production dispatcher; tests feed updates into exactly this."""
    # One update at a time per chat: a fast double tap is handled twice in order, not at once.
    isolation = events_isolation or SimpleEventIsolation()
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        disable_fsm=True,  # replaced below by the same middleware reading once per update
        settings=runtime.settings,
        clock=runtime.clock,
        sessionmaker=sessionmaker,
        i18n=runtime.i18n,
        runtime=runtime,
        update_quarantine=UpdateQuarantine(sessionmaker, runtime.clock),
    )
    # First, needing nothing but memory: a crisis text whose update fails is still answered
    # and its flag kept (bot/middlewares/crisis_first_aid.py).
    outbox = CrisisOutbox(crisis_outbox_path(runtime.settings))
    dp["crisis_outbox"] = outbox
    dp.update.outer_middleware(CrisisFirstAidMiddleware(outbox))
    dp.fsm = OneReadFSMContextMiddleware(storage=storage, events_isolation=isolation)
    # In this order (bot/middlewares/fsm_context.py): the chat's lock; a slot of the
    # concurrency limit, before any database work (bot/ops/concurrency.py); the update's one
    # session and transaction, starting with its claim (a redelivery is ignored); the FSM context.
    dp.update.outer_middleware(ChatLockMiddleware(dp.fsm))
    dp.update.outer_middleware(
        UpdateConcurrencyMiddleware(runtime.settings.max_concurrent_updates)
    )
    dp.update.outer_middleware(UpdateTransactionMiddleware(sessionmaker, runtime, storage))
    dp.update.outer_middleware(dp.fsm)
    # What one update sends is one turn: its question ends up last (bot/telegram/open_questions).
    dp.update.outer_middleware(TurnMiddleware())
    PersonLocaleMiddleware(runtime.i18n).setup(dp)
    # Every free text and caption is crisis-screened before any handler sees it.
    dp.message.outer_middleware(CrisisScreenMiddleware())
    dp.edited_message.outer_middleware(CrisisScreenMiddleware(edited=True))
    dp.include_router(errors.create_router())
    dp.include_routers(*get_routers())
    # Plain filters (F.text, F.chat.type …) on the loop, not a thread hop each.
    run_filters_inline(dp)
    return dp


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None and settings.telegram_api_url.rstrip("/") != TELEGRAM_DEFAULT_API:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(
        settings.token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    bot.session.middleware(RetryAfterMiddleware())
    # At most one open question per chat, for handlers' replies and scheduled messages alike.
    bot.session.middleware(OpenQuestionsMiddleware())
    bot.session.middleware(StaleCallbackMiddleware())
    # Parsed-reply classes built once, not after every garbage collection (measured: ~10%).
    bot.session.middleware(PinnedResponseTypes())
    # During an update, what it wrote is committed before a message leaves.
    bot.session.middleware(CommitBeforeSend())
    return bot


def create_storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=redis_key_builder(settings))
    return SqlStorage(sessionmaker, clock.now)


@dataclass
class App:
    """Everything one running Fremad holds; closed in reverse order."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    i18n: I18n
    storage: BaseStorage
    bot: Bot
    dp: Dispatcher
    # The clock, the deliveries ledger and the send queue (bot/scheduling).
    scheduling: Scheduling
    runtime: Runtime
    # Prometheus counters of this process (bot/ops): /metrics.
    metrics: FremadMetrics = field(default_factory=FremadMetrics)

    async def close(self) -> None:
        await self.scheduling.close()
        await self.storage.close()
        await self.bot.session.close()
        await self.engine.dispose()


async def build_app(
    settings: Settings, clock: Clock | None = None, session: BaseSession | None = None
) -> App:
    settings.token()  # fail before touching anything else
    migrate.ensure_sqlite_folder(settings.database_url)  # the SQLite key file goes there too
    configure_encryption(settings)
    engine = create_engine(settings.database_url, sqlite_driver=settings.sqlite_driver)
    try:
        await prepare_database(settings, engine)
    except BaseException:
        await engine.dispose()
        raise
    clock = clock or SystemClock()
    sessionmaker = create_sessionmaker(engine)
    i18n = create_i18n(settings.locales_dir, settings.default_locale)
    storage = create_storage(settings, sessionmaker, clock)
    bot = create_bot(settings, session)
    runtime = create_runtime(settings, clock, i18n, sessionmaker)
    # With Redis: per-chat locks and send pacing shared by every instance (bot/ops/scale_out.py).
    dp = create_dispatcher(
        runtime=runtime,
        sessionmaker=sessionmaker,
        storage=storage,
        events_isolation=shared_events_isolation(storage),
    )
    metrics = FremadMetrics()
    install_metrics(dp, bot, metrics)
    scheduling = create_scheduling(
        settings=settings,
        clock=clock,
        sessionmaker=sessionmaker,
        i18n=i18n,
        bot=bot,
        storage=storage,
        pacer=shared_pacer(storage, settings),
    )
    register_features(runtime, scheduling)
    wire_resilience(dp, scheduling, metrics)
    try:
        await check_scripts_at_start(runtime)
    except BaseException:
        await scheduling.close()
        await bot.session.close()
        await engine.dispose()
        raise
    return App(
        settings, clock, engine, sessionmaker, i18n, storage, bot, dp, scheduling, runtime, metrics
    )


def wire_resilience(dp: Dispatcher, scheduling: Scheduling, metrics: FremadMetrics) -> None:
    """The pieces that need both the dispatcher and the scheduler: the crisis alert sent at
    once through the ledger, the crisis outbox replayed by each pass, and the counts."""
    tick_context = scheduling.tick_context

    async def deliver_now(slot_keys: list[str]) -> None:
        await send_now(tick_context, slot_keys)

    def count(report: TickReport) -> None:
        metrics.deliveries_expired.inc(report.expired)
        metrics.deliveries_requeued.inc(report.requeued)

    dp["deliver_now"] = deliver_now
    tick_context.crisis_outbox = dp["crisis_outbox"]
    tick_context.crisis_rules = dp["runtime"].crisis_rules
    tick_context.on_report = count
    dp["update_quarantine"].on_quarantined = lambda stage: metrics.updates_quarantined.labels(
        stage
    ).inc()


def register_features(runtime: Runtime, scheduling: Scheduling) -> None:
    """Each feature's dialog hooks and scheduled kinds, in one place."""
    register_checkin_hooks(runtime.dialog_hooks)
    register_checkin_delivery(scheduling.registry, runtime)
    register_attendance_hooks(runtime.dialog_hooks, runtime.clock)
    register_attendance_delivery(scheduling.registry, runtime)
    register_safety_plan_hooks(runtime.dialog_hooks)
    register_safety_deliveries(scheduling.registry, runtime)
    # Reporting last: it wraps the check-in's mood hook with the low-mood alert.
    register_reporting(scheduling.registry, runtime)
    # Motivation: goals, ratings, successes, prompts; wraps the check-in's finish hook.
    register_motivation(runtime, scheduling.registry)
    register_talk_delivery(scheduling.registry, runtime)
    register_method_deliveries(scheduling.registry, runtime)
    register_self_profile_hooks(runtime.dialog_hooks)
    register_method_report(
        runtime.report_sources, runtime.clock, runtime.catalogue, library_of(runtime)
    )
    # Scripts started by their own triggers (schedule, event, command), and the events.
    register_script_triggers(scheduling.registry, runtime)
    register_event_hooks(runtime.dialog_hooks)


async def check_scripts_at_start(runtime: Runtime) -> None:
    """A broken shipped script stops start-up; a broken published one is logged with
    file:line and never started (its triggers are off; a start gives the kind message)."""
    async with runtime.sessionmaker() as session:
        shipped, published = await check_all_scripts(runtime.scripts, session, runtime.clock.now())
        await session.commit()
    for message in published:
        log.error("published script problem: %s", message)
    if shipped:
        raise ConfigError(
            "A shipped dialog script has mistakes; fix them (or run `fremad dialogs lint`):\n"
            + "\n".join(str(m) for m in shipped)
        )


@asynccontextmanager
async def first_contact(settings: Settings) -> AsyncIterator[None]:
    """Around the first call to Telegram at start: no answer (no network, a wrong
    TELEGRAM_API_URL) or a token Telegram rejects stops start-up with one sentence. Later
    outages are waited out (bot/telegram/polling.py, the send queue); this one is not, so a
    mistake shows at once instead of as a bot that starts and never hears anything."""
    try:
        yield
    except TelegramNetworkError as exc:
        raise TelegramUnreachable(
            f"Cannot reach Telegram at {settings.telegram_api_url}: check the network connection "
            "(and a proxy, or TELEGRAM_API_URL), then start Fremad again."
        ) from exc
    except TelegramUnauthorizedError as exc:
        raise ConfigError(
            "Telegram rejected BOT_TOKEN (401 Unauthorized): it was mistyped or revoked; "
            "copy the current token from @BotFather."
        ) from exc


async def publish_menu_safely(app: App) -> None:
    """The command menu is a nicety: a failure to set it is logged, never fatal."""
    try:
        await refresh_menu(app.bot, app.i18n, app.sessionmaker)
    except TelegramAPIError as exc:
        log.warning("could not set the command menu: %s", type(exc).__name__)


def update_intake(app: App) -> UpdateIntake:
    """The edge for raw updates (polling and webhook): hygiene, parse, quarantine, ACK."""
    return UpdateIntake(
        app.dp, app.bot, app.dp["update_quarantine"], app.scheduling.send_queue.arrivals
    )


async def run_polling(settings: Settings) -> None:
    from bot.ops.http import start_polling_ops
    from bot.web.app import start_console

    app = await build_app(settings)
    try:
        log.info("Fremad starts polling")
        async with first_contact(settings):
            await app.bot.delete_webhook(drop_pending_updates=False)
        await publish_menu_safely(app)
        app.scheduling.start_clock()
        ops = await start_polling_ops(app)  # /healthz and /metrics when HEALTH_PORT is set
        console = await start_console(app)  # the web console when WEB_PORT is set
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            await app.dp.emit_startup(bot=app.bot)
            # Only the update types some handler takes (Telegram drops the rest for us).
            await poll_updates(
                app.bot, update_intake(app), app.dp.resolve_used_update_types(), stop
            )
            await app.dp.emit_shutdown(bot=app.bot)
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            if console is not None:
                await console.cleanup()
            if ops is not None:
                await ops.cleanup()
    finally:
        await app.close()
