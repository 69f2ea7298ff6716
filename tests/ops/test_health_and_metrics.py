"""`/healthz` and `/metrics` through the real aiohttp routes, on the production app."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter

from bot.clock import ManualClock
from bot.local_telegram.limits import RateLimitConfig, RateLimiter
from bot.scheduling.tick import run_tick
from bot.telegram.retry_after import retry_disabled
from storage.models import DeliveryStatus, Role
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from tests.conftest import CPH
from tests.harness import Harness, running_harness
from tests.ops.ops_client import ops_server
from tests.ops.tcp_proxy import TcpProxy

HANDLED_MESSAGES = "fremad_updates_handled_total{type=message}"
HANDLED_TAPS = "fremad_updates_handled_total{type=callback_query}"


async def test_metrics_parse_and_move_as_people_use_the_bot(harness: Harness) -> None:
    async with ops_server(harness.app) as ops:
        before = await ops.metrics()
        assert before["fremad_messages_sent_total"] == 0
        ada = harness.user(300, "Ada")
        await harness.onboard(ada, Role.YOUTH)
        await ada.send_command("checkin")
        await ada.click("4")
        after = await ops.metrics()
    # Onboarding: /start and three taps; then /checkin and one tap.
    assert after[HANDLED_MESSAGES] == 2
    assert after[HANDLED_TAPS] == 4
    assert after["fremad_update_duration_seconds_count"] == 6
    assert after["fremad_messages_sent_total"] == len(ada.messages)
    assert after["fremad_telegram_requests_total{method=answerCallbackQuery,result=ok}"] >= 4
    assert after["fremad_telegram_retry_after_total"] == 0
    # No personal data in any label: neither the Telegram id nor the name.
    assert not [key for key in after if "300" in key or "Ada" in key]


async def test_429_and_403_are_counted(harness: Harness) -> None:
    ada = harness.user(301, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    # One message per chat, and time stands still: the second message gets a 429.
    harness.tg.limiter = RateLimiter(RateLimitConfig(chat_burst=1, chat_rate=1.0), lambda: 0.0)
    bot = harness.app.bot
    async with ops_server(harness.app) as ops:
        with retry_disabled():
            await bot.send_message(ada.id, "one")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(ada.id, "two")
        harness.tg.limiter = None
        ada.blocked = True
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(ada.id, "three")
        samples = await ops.metrics()
    assert samples["fremad_telegram_retry_after_total"] == 1
    assert samples["fremad_telegram_forbidden_total"] == 1
    assert samples["fremad_telegram_requests_total{method=sendMessage,result=retry_after}"] == 1
    assert samples["fremad_telegram_requests_total{method=sendMessage,result=forbidden}"] == 1


async def test_handler_errors_are_counted(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = harness.user(302, "Ada")
    await harness.onboard(ada, Role.YOUTH)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.services.checkins.CheckinService.begin", broken)
    async with ops_server(harness.app) as ops:
        await ada.send_command("checkin")
        samples = await ops.metrics()
    assert samples["fremad_update_errors_total{type=message}"] == 1
    assert "Sorry" in ada.last_text or "Undskyld" in ada.last_text


async def test_due_unsent_and_tick_gauges(harness: Harness) -> None:
    ada = harness.user(303, "Ada")
    person = await harness.onboard(ada, Role.YOUTH)
    now = harness.clock.now()
    async with harness.app.sessionmaker() as session:
        await DeliveriesRepository(session).add_due(
            [NewDelivery(person.id, "checkin", now.astimezone(CPH).date().isoformat(), now)],
            now,
            DeliveryStatus.PENDING,
        )
        await session.commit()
    async with ops_server(harness.app) as ops:
        before = await ops.metrics()
        await run_tick(harness.app.scheduling.tick_context, harness.clock.now())
        after = await ops.metrics()
    assert before["fremad_deliveries_due_unsent"] == 1
    assert before["fremad_scheduler_last_success_age_seconds"] == -1
    assert after["fremad_deliveries_due_unsent"] == 0
    assert after["fremad_scheduler_last_success_age_seconds"] == 0
    assert after["fremad_scheduler_last_tick_duration_seconds"] > 0
    assert after["fremad_send_queue_depth"] == 0
    assert after["fremad_database_up"] == 1


async def test_healthz_follows_the_scheduler(database_url: str, clock: ManualClock) -> None:
    async with (
        running_harness(database_url, clock, scheduler_enabled=True) as h,
        ops_server(h.app) as ops,
    ):
        status, body = await ops.health()
        assert status == 503
        assert body["checks"]["scheduler"] == {
            "ok": False,
            "enabled": True,
            "running": False,
            "reason": "the minute job is not running",
        }
        h.app.scheduling.start_clock()
        state = h.app.scheduling.tick_context.state
        async with asyncio.timeout(60):  # the first pass runs right at start
            while state.last_success_at is None:
                await asyncio.sleep(0.05)
        status, body = await ops.health()
        assert (status, body["status"]) == (200, "ok")
        assert body["checks"]["last_tick"]["age_seconds"] == 0
        # Passes stop succeeding (time moves on with no pass): unhealthy after the limit.
        clock.advance(timedelta(seconds=181))
        status, body = await ops.health()
        assert status == 503 and body["checks"]["last_tick"]["ok"] is False
        await run_tick(h.app.scheduling.tick_context, clock.now())
        status, _ = await ops.health()
        assert status == 200


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0]
    return f"{parts.scheme}://{user}@127.0.0.1:{port}{parts.path}"


async def test_healthz_unhealthy_while_the_database_is_down_and_back_without_restart(
    postgres_url: str, clock: ManualClock
) -> None:
    target = urlsplit(postgres_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    try:
        async with (
            running_harness(_through(postgres_url, proxy.port), clock) as h,
            ops_server(h.app) as ops,
        ):
            assert (await ops.health())[0] == 200
            await proxy.stop()
            status, body = await ops.health()
            assert status == 503
            assert body["checks"]["database"] == {
                "ok": False,
                "reason": "the database does not answer",
            }
            assert (await ops.metrics())["fremad_database_up"] == 0
            await proxy.start()
            status, body = await ops.health()
            assert (status, body["status"]) == (200, "ok")
            assert (await ops.metrics())["fremad_database_up"] == 1
    finally:
        await proxy.stop()
