"""The scheduler pass against a real database and the fake Telegram, with an injected clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.clock import ManualClock
from bot.local_telegram import FakeTelegram
from bot.scheduling.checkins import CHECKIN, REMINDER, reminder_planner
from bot.scheduling.registry import ComposeContext, DueDelivery
from bot.telegram.send_queue import SendMethod
from storage.models import Delivery, DeliveryStatus, Person
from storage.repositories.deliveries import DeliveriesRepository
from tests.conftest import CPH
from tests.scheduling.support import Stack, add_youths, scheduler_stack


async def statuses(stack: Stack, kind: str = CHECKIN) -> Counter[str]:
    async with stack.sessionmaker() as session:
        return Counter(await DeliveriesRepository(session).count_by_status(kind))


def _sweep_step(local: datetime) -> timedelta:
    """Every minute around the check-in times and the DST switch; coarser elsewhere."""
    minutes = local.hour * 60 + local.minute
    near = any(abs(minutes - centre) <= 45 for centre in (150, 9 * 60))
    return timedelta(minutes=1 if near else 30)


@pytest.mark.parametrize("dst_sunday", [date(2026, 3, 29), date(2026, 10, 25)])
async def test_checkin_fires_once_on_dst_days(
    database_url: str, clock: ManualClock, dst_sunday: date
) -> None:
    """09:00 and 02:30 check-ins, every day: Saturday, the DST Sunday and Monday."""
    start = datetime.combine(dst_sunday - timedelta(days=1), time(0, 0), tzinfo=CPH)
    end = datetime.combine(dst_sunday + timedelta(days=2), time(0, 0), tzinfo=CPH)
    clock.set(start)
    async with scheduler_stack(database_url, clock) as stack:
        await add_youths(stack.sessionmaker, [1], clock.now(), checkin_days="1234567", tg=stack.tg)
        await add_youths(
            stack.sessionmaker,
            [2],
            clock.now(),
            checkin_time="02:30",
            checkin_days="1234567",
            tg=stack.tg,
        )
        sent_at: dict[int, list[datetime]] = {1: [], 2: []}
        while clock.now() < end:
            await stack.tick()
            for chat_id, moments in sent_at.items():
                while len(moments) < len(stack.tg.messages_in(chat_id)):
                    moments.append(clock.now().astimezone(CPH))
            clock.advance(_sweep_step(clock.now().astimezone(CPH)))

    days = [dst_sunday + timedelta(days=offset) for offset in (-1, 0, 1)]
    assert [(m.date(), m.time()) for m in sent_at[1]] == [(d, time(9, 0)) for d in days]
    expected_0230 = [(d, time(3, 0) if d == date(2026, 3, 29) else time(2, 30)) for d in days]
    assert [(m.date(), m.time()) for m in sent_at[2]] == expected_0230
    if dst_sunday.month == 10:  # the repeated hour: the first 02:30 (summer time)
        assert sent_at[2][1].utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("restart_at", "expected"),
    [((8, 59), DeliveryStatus.SENT), ((9, 30), DeliveryStatus.SENT), ((9, 31), "missed")],
)
async def test_restart_catches_up_within_grace_and_records_the_rest_missed(
    database_url: str,
    clock: ManualClock,
    restart_at: tuple[int, int],
    expected: str,
) -> None:
    """The first process ran until 08:30; a new one starts at 08:59, 09:30 or 09:31."""
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=CPH))
    async with scheduler_stack(database_url, clock) as first:
        await add_youths(first.sessionmaker, [7], clock.now(), tg=first.tg)
        await first.tick()
        tg = first.tg
    clock.set(datetime(2026, 11, 23, *restart_at, tzinfo=CPH))
    async with scheduler_stack(database_url, clock, tg=tg) as second:
        for _ in range(90):
            await second.tick()
            clock.advance(timedelta(minutes=1))
        counts = await statuses(second)
    assert counts == Counter({str(expected): 1})
    assert len(tg.messages_in(7)) == (1 if expected == DeliveryStatus.SENT else 0)


async def test_restart_after_downtime_records_each_missed_day(
    database_url: str, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=CPH))  # Friday
    async with scheduler_stack(database_url, clock) as stack:
        await add_youths(stack.sessionmaker, [8], clock.now(), tg=stack.tg)
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=CPH))  # Tuesday, 08:00: down since Fri
        await stack.tick()
        async with stack.sessionmaker() as session:
            rows = await DeliveriesRepository(session).for_person(1)
    # Saturday and Sunday are not check-in days; Monday was missed; Tuesday is not due yet.
    assert [(row.slot_key, row.status) for row in rows] == [("2026-11-23", "missed")]
    assert stack.tg.messages_in(8) == []


async def test_paused_days_get_no_checkin(database_url: str, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=CPH))  # Monday
    async with scheduler_stack(database_url, clock) as stack:
        await add_youths(
            stack.sessionmaker,
            [9],
            clock.now(),
            paused_from=date(2026, 11, 24),
            paused_until=date(2026, 11, 25),
            tg=stack.tg,
        )
        for _ in range(4 * 24 * 2):  # Mon..Thu, every 30 minutes
            await stack.tick()
            clock.advance(timedelta(minutes=30))
        async with stack.sessionmaker() as session:
            rows = await DeliveriesRepository(session).for_person(1, CHECKIN)
    assert [row.slot_key for row in rows] == ["2026-11-23", "2026-11-26"]
    assert len(stack.tg.messages_in(9)) == 2


async def test_blocked_youth_is_marked_unreachable_and_gets_nothing_more(
    database_url: str, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 59, tzinfo=CPH))
    async with scheduler_stack(database_url, clock) as stack:
        await add_youths(stack.sessionmaker, [10, 11], clock.now(), tg=stack.tg)
        await stack.tg.user(10).block()
        for _ in range(3 * 48):  # three days, every half hour
            await stack.tick()
            clock.advance(timedelta(minutes=30))
        async with stack.sessionmaker() as session:
            query = select(Person).where(Person.telegram_id == 10)
            person = (await session.execute(query)).scalar_one()
            rows = await DeliveriesRepository(session).for_person(person.id, CHECKIN)
    assert person.unreachable_since is not None
    assert [(row.slot_key, row.status, row.error) for row in rows] == [
        ("2026-11-23", "blocked", "forbidden")
    ]
    assert stack.tg.count_403 == 1
    assert len(stack.tg.messages_in(11)) == 3


async def test_reminder_once_when_unanswered_and_none_when_answered(
    database_url: str, clock: ManualClock
) -> None:
    answered_slots: set[tuple[int, str]] = set()

    async def answered(session: object, checkins: object) -> set[tuple[int, str]]:
        return answered_slots

    clock.set(datetime(2026, 11, 23, 8, 55, tzinfo=CPH))
    async with scheduler_stack(database_url, clock) as stack:
        registry = stack.scheduling.registry
        registry.register(
            REMINDER,
            planner=reminder_planner(answered),
            composer=registry.composer(REMINDER),  # type: ignore[arg-type]
        )
        first, second = await add_youths(
            stack.sessionmaker, [12, 13], clock.now(), reminder_delay_minutes=120, tg=stack.tg
        )
        answered_slots.add((second, "2026-11-23"))
        for _ in range(6 * 60):  # 08:55 → 14:55, every minute
            await stack.tick()
            clock.advance(timedelta(minutes=1))
        async with stack.sessionmaker() as session:
            reminders = await DeliveriesRepository(session).for_person(first, REMINDER)
    assert len(stack.tg.messages_in(12)) == 2
    assert len(stack.tg.messages_in(13)) == 1
    assert [(r.slot_key, r.status) for r in reminders] == [("2026-11-23", "sent")]
    assert reminders[0].due_at == datetime(2026, 11, 23, 11, 0, tzinfo=CPH)


async def test_composer_is_replaced_in_one_line(database_url: str, clock: ManualClock) -> None:
    seen: list[DueDelivery] = []

    async def compose(ctx: ComposeContext, due: DueDelivery, person: Person) -> list[SendMethod]:
        seen.append(due)
        return [
            SendMessage(chat_id=person.telegram_id, text="one"),
            SendMessage(chat_id=person.telegram_id, text="two"),
        ]

    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    async with scheduler_stack(database_url, clock) as stack:
        stack.scheduling.registry.replace_composer(CHECKIN, compose)
        await add_youths(stack.sessionmaker, [14], clock.now(), tg=stack.tg)
        report = await stack.tick()
    assert report.sent == 1
    assert [m.text for m in stack.tg.messages_in(14)] == ["one", "two"]
    assert [(d.kind, d.slot_key) for d in seen] == [(CHECKIN, "2026-11-23")]


async def test_killed_mid_fanout_then_restarted_every_youth_gets_exactly_one(
    database_url: str, clock: ManualClock
) -> None:
    """The pass is cancelled (as a process dies) after 200 of 500 messages have left."""
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    ids = list(range(1000, 1500))
    unlimited = FakeTelegram(rate_limits=False)
    async with scheduler_stack(
        database_url, clock, tg=unlimited, send_rate_per_second=1000, scheduler_claim_batch=50
    ) as first:
        await add_youths(first.sessionmaker, ids, clock.now(), tg=first.tg)
        tg = first.tg
        tick = asyncio.create_task(first.tick())
        assert await tg.wait_for(lambda: len(tg.calls_to("sendMessage")) >= 200, timeout=30)
        tick.cancel()
        with pytest.raises(asyncio.CancelledError):
            await tick
    clock.advance(timedelta(minutes=3))  # past the lease
    async with scheduler_stack(database_url, clock, tg=tg, send_rate_per_second=1000) as second:
        report = await second.tick()
        counts = await statuses(second)
    per_chat = Counter(len(tg.messages_in(chat_id)) for chat_id in ids)
    assert per_chat[2] == 0, "nobody gets a check-in twice"
    # Rows left "sending" are never resent; here they had all reached Telegram (the queue
    # finished what it had started), so every youth has exactly one message.
    assert counts["sent"] + counts["uncertain"] == 500
    assert per_chat == Counter({1: 500})
    assert report.released_claims > 0 and report.sent > 0


async def test_two_schedulers_on_postgres_send_each_message_once(
    postgres_url: str, clock: ManualClock
) -> None:
    """Two instances (own engines, queues, instance ids) run the same pass at the same time."""
    from storage.db import create_engine
    from tests.conftest import _truncate_and_dispose

    await _truncate_and_dispose(create_engine(postgres_url))
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    ids = list(range(2000, 2300))
    async with (
        scheduler_stack(
            postgres_url,
            clock,
            tg=FakeTelegram(rate_limits=False),
            send_rate_per_second=1000,
            scheduler_claim_batch=7,
        ) as one,
        scheduler_stack(
            postgres_url,
            clock,
            tg=one.tg,
            fake_time=one.time,
            send_rate_per_second=1000,
            scheduler_claim_batch=7,
        ) as two,
    ):
        await add_youths(one.sessionmaker, ids, clock.now(), tg=one.tg)
        reports = await asyncio.gather(one.tick(), two.tick(), one.tick(), two.tick())
        counts = await statuses(one)
    assert Counter(len(one.tg.messages_in(chat_id)) for chat_id in ids) == Counter({1: 300})
    assert counts == Counter({"sent": 300})
    assert sum(r.sent for r in reports) == 300
    assert reports[0].sent > 0 and reports[1].sent > 0, "both instances took part"


async def test_ledger_rows_hold_no_message_text(database_url: str, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=CPH))
    async with scheduler_stack(database_url, clock) as stack:
        await add_youths(stack.sessionmaker, [15], clock.now(), tg=stack.tg)
        await stack.tick()
        async with stack.sessionmaker() as session:
            row = (await session.execute(select(Delivery))).scalar_one()
    text = stack.tg.messages_in(15)[0].text or ""
    assert text and text not in repr(vars(row))
