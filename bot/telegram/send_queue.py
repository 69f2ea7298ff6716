"""The one outgoing queue: scheduled messages leave through it, paced under Telegram's limits.

Rules, in plain words:
- Never faster than the pacer allows: by default 29 messages/s for the bot, 1/s per chat.
- One person's messages leave in the order they were submitted, one at a time; different chats
  interleave freely.
- 429 (TelegramRetryAfter): hold that chat for ``retry_after`` seconds and send the same message
  again; its later messages wait behind it, so order is kept.
- 403 (TelegramForbiddenError): the person blocked the bot. ``on_forbidden(chat_id)`` is called
  (mark them unreachable) and that chat's remaining queued messages are dropped (``DROPPED``).
- Network errors and 5xx: retried with exponential backoff, a bounded number of times; then
  the message fails with ``retryable=True`` and the scheduler's ledger tries again later.
- At-most-once messages (``at_most_once=True``: check-ins, where a duplicate is worse than a
  late one): after a 5xx or a network error the answer may have been lost after Telegram
  delivered it, so before sending again the queue asks "did it arrive?" (bot/telegram/
  arrival_check.py). Arrived: SENT, not sent again. Not arrived: sent again. Cannot tell yet:
  FAILED with ``check_after_message_id``, so the next try checks first (``check_after``).
- Any other API error (400 ...): that message fails; the chat's next messages still go.

Each submitted message gets a future with its :class:`SendResult`. ``before_send`` (optional) is
awaited right before the first attempt leaves; returning False skips the message (``SKIPPED``) —
the scheduler uses it to commit "sending" to its ledger at the last possible moment.

Time is injected (``clock`` = a monotonic clock, ``sleep``) so tests never really wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import Message

from bot.telegram.arrival_check import Arrival, ChatMessageIds, did_it_arrive
from bot.telegram.pacing import LocalPacer, Pacer
from bot.telegram.retry_after import retry_disabled

log = logging.getLogger(__name__)

SendMethod = SendMessage | SendPhoto | SendDocument
BeforeSend = Callable[[], Awaitable[bool]]
OnForbidden = Callable[[int], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class SendOutcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot (or never started it)
    FAILED = "failed"  # gave up: bad request, or network/server errors after all retries
    DROPPED = "dropped"  # not attempted: the chat was blocked earlier, or the queue closed
    SKIPPED = "skipped"  # not attempted: before_send said no


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    message: Message | None = None
    # A short code (never Telegram's text, which may quote the message): "forbidden", ...
    error: str | None = None
    # True when it failed only through network/server errors (nothing known to have arrived).
    retryable: bool = False
    # At-most-once whose arrival could not be checked yet: check after this id before resending.
    check_after_message_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is SendOutcome.SENT


@dataclass
class SendStats:
    sent: int = 0
    retry_after: int = 0
    forbidden: int = 0
    network_errors: int = 0
    arrived_unseen: int = 0  # answers lost, messages found in the chat: not sent again
    failed: int = 0
    dropped: int = 0


@dataclass
class _Item:
    chat_id: int
    method: SendMethod
    before_send: BeforeSend | None
    future: asyncio.Future[SendResult]
    at_most_once: bool = False
    check_after: int | None = None


@dataclass
class _Chat:
    items: deque[_Item] = field(default_factory=deque)
    busy: bool = False


def _error_code(exc: BaseException) -> str:
    name = type(exc).__name__.removeprefix("Telegram").removesuffix("Error")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_") or "error"


class SendQueue:
    """``queue.start()``, then ``await queue.send(chat_id, SendMessage(...))`` or ``submit``."""

    def __init__(
        self,
        bot: Bot,
        pacer: Pacer | None = None,
        *,
        on_forbidden: OnForbidden | None = None,
        arrivals: ChatMessageIds | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_in_flight: int = 8,
        max_network_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_after: int = 10,
    ) -> None:
        self.bot = bot
        self.pacer: Pacer = pacer or LocalPacer(clock=clock)
        self.on_forbidden = on_forbidden
        self.arrivals = arrivals or ChatMessageIds()
        self.clock = clock
        self.sleep = sleep
        self.max_network_attempts = max_network_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.stats = SendStats()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._chats: dict[int, _Chat] = {}
        self._ready: list[tuple[float, int, int]] = []  # (ready_at, seq, chat_id)
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._queued = 0

    # ----------------------------------------------------------------- public

    def start(self) -> None:
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="send-queue")

    @property
    def depth(self) -> int:
        """Messages waiting or in flight."""
        return self._queued

    def submit(
        self,
        chat_id: int,
        method: SendMethod,
        *,
        before_send: BeforeSend | None = None,
        at_most_once: bool = False,
        check_after: int | None = None,
    ) -> asyncio.Future[SendResult]:
        if self._runner is None:
            raise RuntimeError("SendQueue.start() was not called")
        future: asyncio.Future[SendResult] = asyncio.get_running_loop().create_future()
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.items.append(_Item(chat_id, method, before_send, future, at_most_once, check_after))
        self._queued += 1
        if not chat.busy and len(chat.items) == 1:
            self._make_ready(chat_id, self.clock())
        return future

    async def send(
        self, chat_id: int, method: SendMethod, *, before_send: BeforeSend | None = None
    ) -> SendResult:
        return await self.submit(chat_id, method, before_send=before_send)

    async def close(self, in_flight_timeout: float = 10.0) -> None:
        """Starts nothing new, lets requests already on the wire finish (up to the timeout, so
        a clean shutdown leaves nothing "uncertain"), and resolves the rest as DROPPED."""
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=in_flight_timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for chat_id in list(self._chats):
            self._drop_queued(chat_id, "shutdown")

    # ----------------------------------------------------------------- dispatching

    def _make_ready(self, chat_id: int, at: float) -> None:
        heapq.heappush(self._ready, (at, next(self._seq), chat_id))
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._slots.acquire()
            try:
                chat_id = await self._next_chat()
            except BaseException:
                self._slots.release()
                raise
            chat = self._chats[chat_id]
            item = chat.items.popleft()
            chat.busy = True
            task = asyncio.create_task(self._deliver(chat, item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _next_chat(self) -> int:
        """Waits for a chat whose turn it is and a pacing slot for it."""
        while True:
            self._wake.clear()
            if not self._ready:
                await self._wake.wait()
                continue
            ready_at, seq, chat_id = self._ready[0]
            now = self.clock()
            if ready_at > now:
                await self._wait(ready_at - now)
                continue
            wait = await self.pacer.try_acquire(chat_id)
            if wait > 0:
                heapq.heapreplace(self._ready, (now + wait, seq, chat_id))
                continue
            heapq.heappop(self._ready)
            return chat_id

    async def _wait(self, seconds: float) -> None:
        """Sleeps ``seconds``, or less if a new chat became ready."""
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()

    # ----------------------------------------------------------------- one message

    async def _deliver(self, chat: _Chat, item: _Item) -> None:
        try:
            result = SendResult(SendOutcome.SKIPPED)
            if item.before_send is None or await item.before_send():
                result = await self._attempts(item)
            self._resolve(item, result)
            if result.outcome is SendOutcome.BLOCKED:
                self._drop_queued(item.chat_id, "forbidden")
        except asyncio.CancelledError:
            self._resolve(item, SendResult(SendOutcome.DROPPED, error="shutdown"))
            raise
        except Exception as exc:  # a bug must not stop the queue
            log.exception("send queue: unexpected %s", type(exc).__name__)
            self._resolve(item, SendResult(SendOutcome.FAILED, error="internal"))
        finally:
            self._slots.release()
            chat.busy = False
            if chat.items:
                self._make_ready(item.chat_id, self.clock())
            elif self._chats.get(item.chat_id) is chat:
                del self._chats[item.chat_id]

    async def _arrival(self, item: _Item, after_id: int | None) -> Arrival:
        with retry_disabled():
            return await did_it_arrive(
                self.bot, self.arrivals, item.chat_id, after_id, item.method.reply_markup
            )

    def _arrived(self) -> SendResult:
        self.stats.arrived_unseen += 1
        return SendResult(SendOutcome.SENT)

    async def _attempts(self, item: _Item) -> SendResult:
        """Sends with retries, holding one in-flight slot whenever a request is out."""
        retry_afters = network_failures = 0
        if item.check_after is not None:
            # An earlier try lost Telegram's answer: look before sending again.
            arrival = await self._arrival(item, item.check_after)
            if arrival is Arrival.ARRIVED:
                return self._arrived()
            if arrival is Arrival.UNKNOWN:
                return self._unconfirmed(item.check_after)
        while True:
            after_id = self.arrivals.last_id(item.chat_id) or item.check_after
            try:
                # The queue paces and waits out 429s itself; the session middleware must not.
                with retry_disabled():
                    message = await self.bot(item.method)
            except TelegramRetryAfter as exc:
                self.stats.retry_after += 1
                retry_afters += 1
                if retry_afters > self.max_retry_after:
                    return self._failed("retry_after")
                await self.pacer.hold_chat(item.chat_id, exc.retry_after)
                await self._pause_then_reacquire(item.chat_id, exc.retry_after)
                continue
            except TelegramForbiddenError:
                self.stats.forbidden += 1
                await self._report_forbidden(item.chat_id)
                return SendResult(SendOutcome.BLOCKED, error="forbidden")
            except (TelegramNetworkError, TelegramServerError) as exc:
                self.stats.network_errors += 1
                network_failures += 1
                if item.at_most_once:
                    arrival = await self._arrival(item, after_id)
                    if arrival is Arrival.ARRIVED:
                        return self._arrived()
                    if arrival is Arrival.UNKNOWN:
                        return self._unconfirmed(after_id)
                if network_failures >= self.max_network_attempts:
                    return self._failed(_error_code(exc), retryable=True)
                delay = min(self.backoff_max, self.backoff_base * 2 ** (network_failures - 1))
                await self._pause_then_reacquire(item.chat_id, delay)
                continue
            except TelegramAPIError as exc:
                return self._failed(_error_code(exc))
            self.stats.sent += 1
            return SendResult(SendOutcome.SENT, message=message)

    async def _pause_then_reacquire(self, chat_id: int, seconds: float) -> None:
        """Gives the in-flight slot back while waiting; takes a slot and a pacing turn again."""
        self._slots.release()
        try:
            await self.sleep(seconds)
        finally:
            await self._slots.acquire()
        while (wait := await self.pacer.try_acquire(chat_id)) > 0:
            await self.sleep(wait)

    def _unconfirmed(self, after_id: int | None) -> SendResult:
        """At-most-once, and whether it arrived cannot be told yet. Without a known last id
        it can never be told: not retryable (the ledger records it uncertain)."""
        self.stats.failed += 1
        return SendResult(
            SendOutcome.FAILED,
            error="unconfirmed",
            retryable=after_id is not None,
            check_after_message_id=after_id,
        )

    def _failed(self, code: str, *, retryable: bool = False) -> SendResult:
        self.stats.failed += 1
        return SendResult(SendOutcome.FAILED, error=code, retryable=retryable)

    async def _report_forbidden(self, chat_id: int) -> None:
        if self.on_forbidden is None:
            return
        try:
            await self.on_forbidden(chat_id)
        except Exception as exc:
            log.exception("send queue: on_forbidden failed with %s", type(exc).__name__)

    def _resolve(self, item: _Item, result: SendResult) -> None:
        self._queued -= 1
        if not item.future.done():
            item.future.set_result(result)

    def _drop_queued(self, chat_id: int, reason: str) -> None:
        chat = self._chats.get(chat_id)
        if chat is None:
            return
        while chat.items:
            self.stats.dropped += 1
            self._resolve(chat.items.popleft(), SendResult(SendOutcome.DROPPED, error=reason))
        self._ready = [entry for entry in self._ready if entry[2] != chat_id]
        heapq.heapify(self._ready)
