"""Prometheus metrics for one process: what Fremad did, never who it did it for.

Labels hold only bounded, non-personal values: the update type ("message", "callback_query"),
the Bot API method name and a short result code. Never a chat id, a name or a text.

Counters move as updates are handled (an outer middleware on the dispatcher) and as Bot API
requests come back (a request middleware on the bot's session, so replies from handlers and
scheduled messages from the send queue are both counted). Gauges that need a look at the
database or the scheduler (queue depth, due-but-unsent, the last pass) are read on scrape.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

if TYPE_CHECKING:
    from aiogram import Bot

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Methods that put a message in someone's chat.
_SENDING_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendVideo", "sendAudio"}
)


class FremadMetrics:
    """One registry per App (tests and benchmarks build several in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates_handled = Counter(
            "fremad_updates_handled", "Updates the dispatcher finished.", ["type"], registry=r
        )
        self.update_errors = Counter(
            "fremad_update_errors", "Updates whose handler raised.", ["type"], registry=r
        )
        self.update_seconds = Histogram(
            "fremad_update_duration_seconds",
            "Time to handle one update, Bot API replies included.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=r,
        )
        self.api_requests = Counter(
            "fremad_telegram_requests",
            "Bot API requests by method and result.",
            ["method", "result"],
            registry=r,
        )
        self.messages_sent = Counter(
            "fremad_messages_sent", "Messages Telegram accepted (send* methods).", registry=r
        )
        self.retry_after = Counter(
            "fremad_telegram_retry_after", "429 Too Many Requests answers.", registry=r
        )
        self.forbidden = Counter(
            "fremad_telegram_forbidden", "403 Forbidden answers (blocked the bot).", registry=r
        )
        self.send_queue_depth = Gauge(
            "fremad_send_queue_depth", "Scheduled messages waiting or in flight.", registry=r
        )
        self.due_unsent = Gauge(
            "fremad_deliveries_due_unsent",
            "Deliveries due and not sent yet (pending, claimed or sending).",
            registry=r,
        )
        self.tick_duration = Gauge(
            "fremad_scheduler_last_tick_duration_seconds",
            "How long the last good scheduler pass took.",
            registry=r,
        )
        self.tick_age = Gauge(
            "fremad_scheduler_last_success_age_seconds",
            "Seconds since the last good scheduler pass (-1: none yet).",
            registry=r,
        )
        self.tick_timestamp = Gauge(
            "fremad_scheduler_last_tick_timestamp_seconds",
            "Unix time of the last good scheduler pass (0: none yet); alert on time() - this.",
            registry=r,
        )
        self.database_up = Gauge(
            "fremad_database_up", "1 when the database answered the last check.", registry=r
        )
        self.updates_quarantined = Counter(
            "fremad_updates_quarantined",
            "Updates that could not be parsed or whose handling hit a bug: skipped, stored "
            "by ids and types.",
            ["stage"],
            registry=r,
        )
        self.deliveries_requeued = Counter(
            "fremad_deliveries_requeued",
            "Scheduled sends put back in the ledger after a retryable failure (an outage).",
            registry=r,
        )
        self.deliveries_expired = Counter(
            "fremad_deliveries_expired",
            "Scheduled messages given up on: an outage lasted until they no longer made sense.",
            registry=r,
        )
        self.scheduler_running = Gauge(
            "fremad_scheduler_running", "1 when the minute job is running here.", registry=r
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class UpdateMetricsMiddleware(BaseMiddleware):
    """Counts handled updates and handler errors by update type, and times them."""

    def __init__(self, metrics: FremadMetrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = event.event_type if isinstance(event, Update) else "other"
        started = time.perf_counter()
        try:
            result = await handler(event, data)
        except Exception:
            self.metrics.update_errors.labels(kind).inc()
            raise
        finally:
            self.metrics.update_seconds.observe(time.perf_counter() - started)
            self.metrics.updates_handled.labels(kind).inc()
        return result


def _result_code(exc: Exception) -> str:
    for kind, code in (
        (TelegramRetryAfter, "retry_after"),
        (TelegramForbiddenError, "forbidden"),
        (TelegramUnauthorizedError, "unauthorized"),
        (TelegramBadRequest, "bad_request"),
        (TelegramServerError, "server_error"),
        (TelegramNetworkError, "network_error"),
    ):
        if isinstance(exc, kind):
            return code
    return "other_error"


class RequestMetricsMiddleware(BaseRequestMiddleware):
    """Counts every Bot API attempt (inner to the retry-after middleware: each 429 counts)."""

    def __init__(self, metrics: FremadMetrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        try:
            response = await make_request(bot, method)
        except Exception as exc:
            code = _result_code(exc)
            self.metrics.api_requests.labels(name, code).inc()
            if code == "retry_after":
                self.metrics.retry_after.inc()
            elif code == "forbidden":
                self.metrics.forbidden.inc()
            raise
        self.metrics.api_requests.labels(name, "ok").inc()
        if name in _SENDING_METHODS:
            self.metrics.messages_sent.inc()
        return response
