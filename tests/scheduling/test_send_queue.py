"""The send queue against the fake Telegram core with Telegram's limits on, on fake time."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod

from bot.local_telegram import FakeSession, FakeTelegram
from bot.telegram.pacing import LocalPacer
from bot.telegram.send_queue import SendOutcome, SendQueue
from tests.scheduling.support import FakeTime


def _queue(tg: FakeTelegram, time: FakeTime, bot: Bot | None = None, **kwargs: Any) -> SendQueue:
    bot = bot or Bot(tg.token, session=FakeSession(tg))
    pacer = LocalPacer(29.0, 1.0, clock=time.monotonic)
    queue = SendQueue(bot, pacer, clock=time.monotonic, sleep=time.sleep, **kwargs)
    queue.start()
    return queue


def _chats(tg: FakeTelegram, ids: list[int]) -> None:
    for chat_id in ids:
        tg.private_chat(tg.user(chat_id))


async def test_paced_sends_never_hit_429_and_keep_each_chats_order() -> None:
    time = FakeTime()
    tg = FakeTelegram(clock=time.monotonic)  # Telegram's limits on, on the same fake clock
    ids = list(range(1, 101))
    _chats(tg, ids)
    queue = _queue(tg, time)
    started = time.now
    futures = [
        queue.submit(chat_id, SendMessage(chat_id=chat_id, text=f"{chat_id}-{n}"))
        for n in range(5)
        for chat_id in ids
    ]
    results = await asyncio.gather(*futures)
    await queue.close()
    assert all(result.outcome is SendOutcome.SENT for result in results)
    assert tg.count_429 == 0
    for chat_id in ids:
        assert [m.text for m in tg.messages_in(chat_id)] == [f"{chat_id}-{n}" for n in range(5)]
    # 500 messages at 29/s take at least 500/29 s of (fake) time.
    assert time.now - started >= 499 / 29


async def test_forced_429_is_retried_after_retry_after_once_and_in_order() -> None:
    time = FakeTime()
    tg = FakeTelegram(rate_limits=False)
    _chats(tg, [5])
    session = FakeSession(tg)
    calls = {"n": 0}

    async def flood_once(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=7)
        return await make_request(bot, method)

    session.middleware(flood_once)
    queue = _queue(tg, time, Bot(tg.token, session=session))
    before = time.now
    results = await asyncio.gather(
        *(queue.submit(5, SendMessage(chat_id=5, text=str(n))) for n in range(4))
    )
    await queue.close()
    assert [r.outcome for r in results] == [SendOutcome.SENT] * 4
    assert [m.text for m in tg.messages_in(5)] == ["0", "1", "2", "3"]
    assert queue.stats.retry_after == 1
    assert time.now - before >= 7


async def test_403_reports_the_chat_and_drops_its_queued_messages() -> None:
    time = FakeTime()
    tg = FakeTelegram(clock=time.monotonic)
    _chats(tg, [6, 7])
    await tg.user(6).block()
    reported: list[int] = []

    async def on_forbidden(chat_id: int) -> None:
        reported.append(chat_id)

    queue = _queue(tg, time, on_forbidden=on_forbidden)
    blocked = [queue.submit(6, SendMessage(chat_id=6, text=str(n))) for n in range(3)]
    other = queue.submit(7, SendMessage(chat_id=7, text="hi"))
    results = await asyncio.gather(*blocked, other)
    await queue.close()
    assert [r.outcome for r in results] == [
        SendOutcome.BLOCKED,
        SendOutcome.DROPPED,
        SendOutcome.DROPPED,
        SendOutcome.SENT,
    ]
    assert reported == [6] and tg.count_403 == 1


async def test_network_errors_are_retried_with_backoff_then_given_up() -> None:
    time = FakeTime()
    tg = FakeTelegram(rate_limits=False)
    _chats(tg, [8, 9])
    session = FakeSession(tg)
    failures = {8: 2, 9: 100}

    async def flaky(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        chat_id = int(method.chat_id)  # type: ignore[attr-defined]
        if failures[chat_id] > 0:
            failures[chat_id] -= 1
            raise TelegramNetworkError(method=method, message="ClientConnectorError")
        return await make_request(bot, method)

    session.middleware(flaky)
    queue = _queue(tg, time, Bot(tg.token, session=session), max_network_attempts=4)
    before = time.now
    recovered, lost = await asyncio.gather(
        queue.submit(8, SendMessage(chat_id=8, text="a")),
        queue.submit(9, SendMessage(chat_id=9, text="b")),
    )
    await queue.close()
    assert recovered.outcome is SendOutcome.SENT and len(tg.messages_in(8)) == 1
    assert (lost.outcome, lost.error, lost.retryable) == (SendOutcome.FAILED, "network", True)
    assert time.now - before >= 0.5 + 1.0 + 2.0  # backoff 0.5, 1, 2 s


async def test_before_send_false_skips_the_message() -> None:
    time = FakeTime()
    tg = FakeTelegram(rate_limits=False)
    _chats(tg, [10])
    queue = _queue(tg, time)

    async def no() -> bool:
        return False

    result = await queue.send(10, SendMessage(chat_id=10, text="x"), before_send=no)
    await queue.close()
    assert result.outcome is SendOutcome.SKIPPED and tg.messages_in(10) == []
