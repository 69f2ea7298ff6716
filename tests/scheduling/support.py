"""Helpers for the scheduling tests: fake monotonic time, youths in the DB, a wired stack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.i18n import create_i18n
from bot.local_telegram import FakeSession, FakeTelegram
from bot.scheduling.setup import Scheduling, create_scheduling
from bot.scheduling.tick import TickReport, run_tick
from storage.db import create_engine, create_sessionmaker
from storage.fsm_storage import SqlStorage
from storage.models import Person, YouthSettings
from tests.harness import make_settings


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


async def add_youths(
    sessionmaker: async_sessionmaker[AsyncSession],
    telegram_ids: list[int],
    now: datetime,
    *,
    checkin_time: str = "09:00",
    checkin_days: str = "12345",
    paused_from: date | None = None,
    paused_until: date | None = None,
    reminder_delay_minutes: int = 0,
    tg: FakeTelegram | None = None,
) -> list[int]:
    """Onboarded youths straight into the database (and their chats opened at the fake core).

    Reminders are off (delay 0) unless a test asks for them.
    """
    ids: list[int] = []
    async with sessionmaker() as session:
        for telegram_id in telegram_ids:
            person = Person(
                telegram_id=telegram_id,
                first_name=f"Y{telegram_id}",
                locale="da",
                is_youth=True,
                created_at=now,
                onboarded_at=now,
            )
            session.add(person)
            await session.flush()
            session.add(
                YouthSettings(
                    person_id=person.id,
                    checkin_time=checkin_time,
                    checkin_days=checkin_days,
                    paused_from=paused_from,
                    paused_until=paused_until,
                    reminder_delay_minutes=reminder_delay_minutes,
                    updated_at=now,
                )
            )
            ids.append(person.id)
        await session.commit()
    if tg is not None:
        for telegram_id in telegram_ids:
            tg.private_chat(tg.user(telegram_id))
    return ids


@dataclass
class Stack:
    """The production scheduling pieces on one engine, talking to a fake Telegram core."""

    tg: FakeTelegram
    clock: ManualClock
    time: FakeTime
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    scheduling: Scheduling

    async def tick(self, now: datetime | None = None) -> TickReport:
        return await run_tick(self.scheduling.tick_context, now or self.clock.now())


@asynccontextmanager
async def scheduler_stack(
    database_url: str,
    clock: ManualClock,
    *,
    tg: FakeTelegram | None = None,
    fake_time: FakeTime | None = None,
    **settings: Any,
) -> AsyncIterator[Stack]:
    time = fake_time or FakeTime()
    tg = tg or FakeTelegram(clock=time.monotonic)
    config = make_settings(database_url, bot_token=tg.token, **settings)
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    bot = Bot(
        tg.token,
        session=FakeSession(tg),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    scheduling = create_scheduling(
        settings=config,
        clock=clock,
        sessionmaker=sessionmaker,
        i18n=create_i18n(config.locales_dir, config.default_locale),
        bot=bot,
        storage=SqlStorage(sessionmaker, clock.now),
        monotonic=time.monotonic,
        sleep=time.sleep,
    )
    try:
        yield Stack(tg, clock, time, engine, sessionmaker, scheduling)
    finally:
        await scheduling.close()
        await engine.dispose()


def bot_texts(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [message.text or "" for message in tg.messages_in(chat_id)]
