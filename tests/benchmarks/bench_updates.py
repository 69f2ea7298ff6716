"""Benchmark: update handling. The production app answers check-ins (a /checkin, then four
button taps each) from N youths at once, talking to the fake Bot API server over HTTP, beside
bots that show the floor and the ceilings, all on the same server in the same run (same number
of updates; a reply with a keyboard to each message and each tap).

Run: .venv/bin/python -m tests.benchmarks.bench_updates [--youths 50] [--rounds 4]
     [--databases sqlite,postgres] [--json PATH]
Telegram's rate limits are off here: this measures handling, not Telegram (bench_fanout
measures pacing).

Configurations:
- bare echo: a bare aiogram bot, no storage; runs first and last (the machine's speed drifts
  between runs), its mean is the baseline (1.00);
- echo, 3 calls: answers a tap with Fremad's three Bot API calls (answer the tap, take the
  keyboard off the answered question, send the next one) and stores nothing;
- echo storing 1 row: the bare echo bot storing one row per update through the project's engine;
- floor bot: the three calls plus ONE transaction shaped like Fremad's (claim the update id, read
  the person and the conversation, insert the encrypted answer, upsert the conversation) —
  what any bot that does Fremad's job must at least do (per database);
- Fremad: the production app (per database).

Each configuration runs once with one user (latency without queueing: p50/p99 server time per
update and per tap) and once with N users at once (throughput). SQL statements, commits and
sessions are counted per update on the engine (deterministic counts, not timings), and per tap
in the one-user run; so are Bot API calls per tap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from sqlalchemy import event, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeTelegram, FakeTelegramServer, FakeUser
from bot.telegram.response_types import PinnedResponseTypes
from storage import crypto, migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import Answer, ConversationState, Person, Role
from storage.repositories.people import PeopleRepository
from storage.repositories.safety import ProcessedUpdatesRepository
from tests.conftest import CPH, POSTGRES_ADMIN_URL, _admin_execute
from tests.harness import TEST_ENCRYPTION_KEY, Harness, make_settings

Step = Callable[[FakeUser], Awaitable[Any]]
ONE_USER_ROUNDS = 12
BASE_IDS = iter(range(300_000, 10_000_000, 100_000))


def checkin_steps(energy: str) -> list[Step]:
    return [
        lambda u: u.send_command("checkin"),
        lambda u: u.click("3"),
        lambda u: u.click(energy),
        lambda u: u.click("Hviledag"),
        lambda u: u.click("Spring over"),
    ]


class SqlCounts:
    """Statements, commits and sessions (that touched the database) on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.statements = self.commits = self.sessions = 0

    def _statement(self, *_args: Any) -> None:
        self.statements += 1

    def _commit(self, _conn: Any) -> None:
        self.commits += 1

    def _begin(self, session: Session, _transaction: Any, connection: Any) -> None:
        if connection.engine is self.engine and not session.info.get("bench_counted"):
            session.info["bench_counted"] = True
            self.sessions += 1

    def snapshot(self) -> tuple[int, int, int]:
        return self.statements, self.commits, self.sessions

    @contextmanager
    def listening(self) -> Iterator[SqlCounts]:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(Session, "after_begin", self._begin)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._statement)
            event.remove(self.engine, "commit", self._commit)
            event.remove(Session, "after_begin", self._begin)


_SEND_TIMES: dict[int, dict[int, list[float]]] = {}


def send_times(tg: FakeTelegram) -> dict[int, list[float]]:
    """When each sendMessage reached the fake server, per chat (the server's call is wrapped
    once per FakeTelegram)."""
    if id(tg) in _SEND_TIMES:
        return _SEND_TIMES[id(tg)]
    times: dict[int, list[float]] = _SEND_TIMES.setdefault(id(tg), {})
    original = tg.call

    async def call(method: str, params: dict[str, str], files: Any = None) -> Any:
        if method == "sendMessage" and "chat_id" in params:
            chat = times.setdefault(int(params["chat_id"]), [])
            chat.append(time.perf_counter())
            del chat[:-8]
        return await original(method, params, files)

    tg.call = call  # type: ignore[method-assign]
    return times


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)] if ordered else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def drive(
    users: list[FakeUser],
    rounds: int,
    between: Callable[[], None],
    tg: FakeTelegram,
    counts: SqlCounts | None = None,
) -> dict[str, Any]:
    """Each user runs the check-in ``rounds`` times; all users at once. Latency per update;
    with one user also per tap (the four button steps), with SQL and Bot API calls per tap."""
    latencies: list[float] = []
    taps: list[float] = []
    # Until the next question reached Telegram: what the young person waits for.
    to_question: list[float] = []
    per_tap = {"statements": 0, "commits": 0, "sessions": 0, "bot_api_calls": 0}
    single = len(users) == 1

    async def one(user: FakeUser, index: int) -> None:
        for number, step in enumerate(checkin_steps(str(1 + index % 5))):
            before = counts.snapshot() if counts and single else (0, 0, 0)
            calls_before = len(tg.calls)
            started = time.perf_counter()
            await step(user)
            spent = time.perf_counter() - started
            latencies.append(spent)
            if number > 0:
                taps.append(spent)
                sent = next((t for t in send_times(tg).get(user.id, []) if t >= started), None)
                if sent is not None:
                    to_question.append(sent - started)
                if single:
                    per_tap["bot_api_calls"] += len(tg.calls) - calls_before
                    if counts:
                        after = counts.snapshot()
                        per_tap["statements"] += after[0] - before[0]
                        per_tap["commits"] += after[1] - before[1]
                        per_tap["sessions"] += after[2] - before[2]

    at_start = counts.snapshot() if counts else (0, 0, 0)
    cpu_started = time.process_time()
    started = time.perf_counter()
    for _ in range(rounds):
        await asyncio.gather(*(one(user, i) for i, user in enumerate(users)))
        between()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result: dict[str, Any] = {
        "users": len(users),
        "updates": len(latencies),
        "seconds": round(elapsed, 2),
        "updates_per_s": round(len(latencies) / elapsed, 1),
        # This process's CPU (bot and fake Telegram server alike), robust to other load.
        "cpu_ms_per_update": _ms(cpu / len(latencies)),
        "p50_ms": _ms(statistics.median(latencies)),
        "p99_ms": _ms(_percentile(latencies, 0.99)),
        "tap_p50_ms": _ms(statistics.median(taps)),
        "tap_p99_ms": _ms(_percentile(taps, 0.99)),
    }
    if to_question:
        result["tap_next_question_p50_ms"] = _ms(statistics.median(to_question))
    if counts:
        end = counts.snapshot()
        n = len(latencies)
        result["statements_per_update"] = round((end[0] - at_start[0]) / n, 2)
        result["commits_per_update"] = round((end[1] - at_start[1]) / n, 2)
        result["sessions_per_update"] = round((end[2] - at_start[2]) / n, 2)
    if single:
        result["per_tap"] = {key: round(value / len(taps), 2) for key, value in per_tap.items()}
        if not counts:
            for key in ("statements", "commits", "sessions"):
                result["per_tap"].pop(key)
    return result


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=str(n), callback_data=f"n:{n}") for n in range(1, 6)],
            [
                InlineKeyboardButton(text="Hviledag", callback_data="rest"),
                InlineKeyboardButton(text="Spring over", callback_data="skip"),
            ],
        ]
    )


def echo_dispatcher(
    *, like_fremad: bool = False, store: async_sessionmaker[AsyncSession] | None = None
) -> Dispatcher:
    """A bare aiogram bot: answers each message and tap with a message and seven buttons.
    `like_fremad`: a tap also takes the keyboard off the tapped message (Fremad's three calls).
    `store`: each update also stores one row (one INSERT and a commit)."""
    keyboard = _keyboard()
    router = Router()

    async def store_one(user_id: int, value: str) -> None:
        if store is None:
            return
        async with store() as session:
            await session.execute(
                text("INSERT INTO echo_rows (user_id, value) VALUES (:user_id, :value)"),
                {"user_id": user_id, "value": value},
            )
            await session.commit()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await store_one(message.chat.id, message.text or "")
        await message.answer(message.text or "", reply_markup=keyboard)

    @router.callback_query()
    async def tap(call: CallbackQuery) -> None:
        await store_one(call.from_user.id, call.data or "")
        await call.answer()
        if isinstance(call.message, Message):
            if like_fremad:
                await call.message.edit_reply_markup(reply_markup=None)
            await call.message.answer(call.data or "", reply_markup=keyboard)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def floor_dispatcher(sessionmaker: async_sessionmaker[AsyncSession], bot_id: int) -> Dispatcher:
    """The floor bot: Fremad's three Bot API calls per tap and one transaction per update that
    claims the update id, reads the person and the conversation, inserts the encrypted answer
    and upserts the conversation. Sequential calls, like a straightforward bot."""
    keyboard = _keyboard()
    router = Router()

    async def one_transaction(update: Update, user_id: int, value: str) -> None:
        now = datetime.now(UTC)
        async with sessionmaker() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            repo = ProcessedUpdatesRepository(session)
            if not await repo.claim(bot_id, update.update_id, "floor", now, now):
                return
            person = await PeopleRepository(session).by_telegram_id(user_id)
            assert person is not None
            key = f"floor:{user_id}"
            (
                await session.execute(
                    select(ConversationState.state, ConversationState.data).where(
                        ConversationState.key == key
                    )
                )
            ).first()
            session.add(
                Answer(
                    person_id=person.id,
                    script_id="floor",
                    script_version=1,
                    run_id="floor",
                    step_id="s",
                    key="k",
                    value=json.dumps(value),
                    local_date=now.date(),
                    answered_at=now,
                )
            )
            table = ConversationState.__table__
            upsert = insert(ConversationState).values(
                key=key, state="floor", data=json.dumps({"v": value}), revision=1, updated_at=now
            )
            await session.execute(
                upsert.on_conflict_do_update(
                    index_elements=[table.c.key],
                    set_={"data": upsert.excluded.data, "revision": table.c.revision + 1},
                )
            )
            await session.commit()

    @router.message(F.text)
    async def echo(message: Message, event_update: Update) -> None:
        await one_transaction(event_update, message.chat.id, message.text or "")
        await message.answer(message.text or "", reply_markup=keyboard)

    @router.callback_query()
    async def tap(call: CallbackQuery, event_update: Update) -> None:
        await one_transaction(event_update, call.from_user.id, call.data or "")
        await call.answer()
        if isinstance(call.message, Message):
            await call.message.edit_reply_markup(reply_markup=None)
            await call.message.answer(call.data or "", reply_markup=keyboard)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def run_bot(
    tg: FakeTelegram,
    base_url: str,
    youths: int,
    rounds: int,
    dp: Dispatcher,
    *,
    engine: AsyncEngine | None = None,
    people: async_sessionmaker[AsyncSession] | None = None,
) -> dict[str, Any]:
    """One simple bot on the server, driven like Fremad (same steps), at 1 user then N users.
    `people`: its users get a people row first (the floor bot reads them)."""
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    # Same aiogram set-up as Fremad's: reply classes built once (bot/telegram/response_types.py).
    bot.session.middleware(PinnedResponseTypes())
    first_id = next(BASE_IDS)
    try:
        tg.feed_dispatcher(dp, bot)
        users = [tg.user(first_id + i, f"Echo{i}") for i in range(youths + 1)]
        if people is not None:
            async with people() as session:
                now = datetime.now(UTC)
                session.add_all(
                    Person(telegram_id=u.id, first_name="E", created_at=now, is_youth=True)
                    for u in users
                )
                await session.commit()
        for user in users:
            await user.send_text("hej")
        counts = SqlCounts(engine) if engine is not None else None
        with counts.listening() if counts else _nothing():
            one = await drive(users[:1], ONE_USER_ROUNDS, lambda: None, tg, counts)
            many = await drive(users[1:], rounds, lambda: None, tg, counts)
        return {"one_user": one, "many_users": many}
    finally:
        await bot.session.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _sqlite_engines(*, on_loop: bool) -> Iterator[None]:
    """The app's engine built with SQLite's statements on the loop or on the thread."""
    import bot.app

    stock = bot.app.create_engine
    bot.app.create_engine = lambda url: stock(url, sqlite_on_loop=on_loop)  # type: ignore[assignment]
    try:
        yield
    finally:
        bot.app.create_engine = stock


async def run_fremad(
    tg: FakeTelegram,
    base_url: str,
    database_url: str,
    youths: int,
    rounds: int,
    *,
    sqlite_on_loop: bool = True,
) -> dict[str, Any]:
    """The production app, talking HTTP to the server. `sqlite_on_loop=False`: SQLite's
    statements on the connection's thread (one hop each) instead of the event loop."""
    clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=CPH))
    settings = make_settings(database_url, telegram_api_url=base_url)
    with _sqlite_engines(on_loop=sqlite_on_loop):
        app = await build_app(settings, clock)
    first_id = next(BASE_IDS)
    try:
        tg.feed_dispatcher(app.dp, app.bot)
        harness = Harness(app, tg, clock)
        users = [tg.user(first_id + i, f"Ung{i}") for i in range(youths + 1)]
        for user in users:
            await harness.onboard(user, Role.YOUTH)
        counts = SqlCounts(app.engine)
        next_day = lambda: clock.advance(timedelta(days=1))  # noqa: E731
        with counts.listening():
            one = await drive(users[:1], ONE_USER_ROUNDS, next_day, tg, counts)
            many = await drive(users[1:], rounds, next_day, tg, counts)
        return {"one_user": one, "many_users": many}
    finally:
        await app.close()


async def database(kind: str) -> str:
    """A fresh, migrated database of this run."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="fremad-bench-updates-"))
        url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    else:
        name = f"fremad_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await _admin_execute(f'CREATE DATABASE "{name}"')
        url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    await migrate.upgrade_async(url)
    return url


async def bench(
    youths: int, rounds: int, databases: list[str], thread_variant: bool = True
) -> dict[str, Any]:
    crypto.configure(TEST_ENCRYPTION_KEY)  # the floor bot encrypts its answer like Fremad
    tg = FakeTelegram(rate_limits=False)
    send_times(tg)
    configs: dict[str, dict[str, Any]] = {}
    urls = {kind: await database(kind) for kind in databases}
    try:
        async with FakeTelegramServer(tg) as server:
            base = server.base_url
            configs["bare echo (first)"] = await run_bot(
                tg, base, youths, rounds, echo_dispatcher()
            )
            configs["echo, 3 calls per tap, stores nothing"] = await run_bot(
                tg, base, youths, rounds, echo_dispatcher(like_fremad=True)
            )
            for kind, url in urls.items():
                engine = create_engine(url)
                try:
                    async with engine.begin() as conn:
                        await conn.execute(
                            text(
                                "CREATE TABLE echo_rows "
                                "(id INTEGER PRIMARY KEY, user_id BIGINT, value TEXT)"
                                if kind == "sqlite"
                                else "CREATE TABLE echo_rows "
                                "(id SERIAL PRIMARY KEY, user_id BIGINT, value TEXT)"
                            )
                        )
                    sessionmaker = create_sessionmaker(engine)
                    configs[f"echo storing 1 row ({kind})"] = await run_bot(
                        tg,
                        base,
                        youths,
                        rounds,
                        echo_dispatcher(store=sessionmaker),
                        engine=engine,
                    )
                    bot_id = int(tg.token.split(":")[0])
                    configs[f"floor bot ({kind})"] = await run_bot(
                        tg,
                        base,
                        youths,
                        rounds,
                        floor_dispatcher(sessionmaker, bot_id),
                        engine=engine,
                        people=sessionmaker,
                    )
                finally:
                    await engine.dispose()
                configs[f"Fremad ({kind})"] = await run_fremad(tg, base, url, youths, rounds)
                if kind == "sqlite" and thread_variant:
                    configs["Fremad (sqlite, statements on a thread)"] = await run_fremad(
                        tg, base, url, youths, rounds, sqlite_on_loop=False
                    )
            configs["bare echo (last)"] = await run_bot(
                tg, base, youths, rounds, echo_dispatcher()
            )
    finally:
        for kind, url in urls.items():
            if kind != "sqlite":
                await _admin_execute(
                    f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'
                )
    echo = statistics.mean(
        configs[name]["many_users"]["updates_per_s"]
        for name in ("bare echo (first)", "bare echo (last)")
    )
    for figures in configs.values():
        figures["vs_bare_echo"] = round(figures["many_users"]["updates_per_s"] / echo, 3)
    verdicts: dict[str, Any] = {}
    for kind in databases:
        fremad, floor = configs[f"Fremad ({kind})"], configs[f"floor bot ({kind})"]
        many, one = fremad["many_users"], fremad["one_user"]
        verdicts[kind] = {
            "fremad_vs_floor": round(
                many["updates_per_s"] / floor["many_users"]["updates_per_s"], 3
            ),
            # The same ratio from CPU per update: what other load on the machine cannot skew.
            "fremad_vs_floor_by_cpu": round(
                floor["many_users"]["cpu_ms_per_update"] / many["cpu_ms_per_update"], 3
            ),
            "commits_per_update": many["commits_per_update"],
            "sessions_per_update": many["sessions_per_update"],
            "statements_per_tap": one["per_tap"]["statements"],
            "tap_p50_ms_one_user": one["tap_p50_ms"],
        }
    return {
        "machine": _machine(),
        "youths": youths,
        "rounds": rounds,
        "bare_echo_updates_per_s": round(echo, 1),
        "configurations": configs,
        "targets": {
            "fremad_vs_floor": ">= 0.8",
            "commits_per_update": "<= 1.2",
            "sessions_per_update": "<= 1.2",
            "statements_per_tap": "<= 6",
            "tap_p50_ms_one_user": "<= 5",
        },
        "verdicts": verdicts,
    }


def _machine() -> str:
    from tests.benchmarks.__main__ import machine

    return machine()


def _met(verdict: dict[str, Any]) -> bool:
    return bool(
        verdict["fremad_vs_floor"] >= 0.8
        and verdict["commits_per_update"] <= 1.2
        and verdict["sessions_per_update"] <= 1.2
        and verdict["statements_per_tap"] <= 6
        and verdict["tap_p50_ms_one_user"] <= 5
    )


def print_result(result: dict[str, Any]) -> None:
    print(f"youths: {result['youths']} × {result['rounds']} check-ins (1 user: {ONE_USER_ROUNDS})")
    print(f"bare echo updates/s (mean of first and last): {result['bare_echo_updates_per_s']}")
    for name, figures in result["configurations"].items():
        many, one = figures["many_users"], figures["one_user"]
        line = (
            f"{many['updates_per_s']}/s ({figures['vs_bare_echo']:.2f} of echo); "
            f"CPU {many['cpu_ms_per_update']} ms/update; "
            f"{many['users']} users p50 {many['p50_ms']} p99 {many['p99_ms']} ms; "
            f"1 user p50 {one['p50_ms']} p99 {one['p99_ms']} ms, tap p50 {one['tap_p50_ms']} ms "
            f"(next question sent after {one.get('tap_next_question_p50_ms')} ms)"
        )
        if "statements_per_update" in many:
            line += (
                f"; per update {many['statements_per_update']} SQL, "
                f"{many['commits_per_update']} commits, {many['sessions_per_update']} sessions"
            )
        tap = one.get("per_tap", {})
        if "statements" in tap:
            line += f"; per tap {tap['statements']} SQL"
        line += f", {tap.get('bot_api_calls')} Bot API calls per tap"
        print(f"{name}: {line}")
    for kind, verdict in result["verdicts"].items():
        shown = ", ".join(f"{key} {value}" for key, value in verdict.items())
        print(f"verdict {kind}: {shown} → {'met' if _met(verdict) else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--youths", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--json", type=Path, help="write every figure of the run here")
    parser.add_argument(
        "--no-thread-variant", action="store_true", help="skip Fremad with SQLite on a thread"
    )
    args = parser.parse_args(argv)
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    result = asyncio.run(
        bench(args.youths, args.rounds, databases, thread_variant=not args.no_thread_variant)
    )
    print_result(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"json: {args.json}")
    return 0 if all(_met(v) for v in result["verdicts"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
