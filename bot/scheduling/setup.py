"""Builds the scheduling pieces for one process: registry, send queue, tick context, runner."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.scheduling.checkins import register_checkins
from bot.scheduling.registry import DeliveryRegistry
from bot.scheduling.runner import TickRunner
from bot.scheduling.tick import TickContext
from bot.services.reachability import ReachabilityService
from bot.telegram.arrival_check import ChatMessageIds
from bot.telegram.pacing import LocalPacer, Pacer
from bot.telegram.send_queue import SendQueue, Sleep


def new_instance_id() -> str:
    """Host, pid and a random part: unique per process, readable in the ledger."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Scheduling:
    registry: DeliveryRegistry
    send_queue: SendQueue
    tick_context: TickContext
    runner: TickRunner

    def start_clock(self) -> None:
        """Starts the minute job (production only; tests call run_tick themselves)."""
        if self.tick_context.settings.scheduler_enabled:
            self.runner.start()

    async def close(self) -> None:
        self.runner.stop()
        await self.send_queue.close()


def create_scheduling(
    *,
    settings: Settings,
    clock: Clock,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    storage: BaseStorage,
    pacer: Pacer | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Scheduling:
    """Everything wired, the send queue started; the minute job is not (see start_clock).

    ``monotonic`` and ``sleep`` drive the send queue's pacing (tests pass fake ones).
    """

    async def mark_unreachable(chat_id: int) -> None:
        async with sessionmaker() as session:
            await ReachabilityService(session, clock).mark_unreachable(chat_id)

    # Every message this process sends or receives: the "did it arrive?" check's starting point.
    arrivals = ChatMessageIds()
    bot.session.middleware(arrivals)
    send_queue = SendQueue(
        bot,
        pacer
        or LocalPacer(
            settings.send_rate_per_second,
            settings.send_chat_interval_seconds,
            burst=settings.send_burst,
            clock=monotonic,
        ),
        on_forbidden=mark_unreachable,
        arrivals=arrivals,
        clock=monotonic,
        sleep=sleep,
        max_in_flight=settings.send_max_in_flight,
        max_network_attempts=settings.send_max_network_attempts,
    )
    send_queue.start()
    registry = DeliveryRegistry()
    register_checkins(registry)
    tick_context = TickContext(
        settings=settings,
        clock=clock,
        sessionmaker=sessionmaker,
        registry=registry,
        send_queue=send_queue,
        i18n=i18n,
        bot=bot,
        storage=storage,
        instance_id=new_instance_id(),
        monotonic=monotonic,
    )
    return Scheduling(registry, send_queue, tick_context, TickRunner(tick_context))
