"""N real `fremad run --webhook` processes behind a round-robin "load balancer", with the test
playing Telegram's webhook sender.

Telegram's sender (what the Bot API server does, and what :meth:`WebhookCluster.deliver`
copies): updates of one chat go one at a time — the next only after the previous one was
answered 2xx — while different chats go in parallel (up to ``max_connections``). A non-2xx
answer or a broken connection means "try the same update again later". On top of that the
test can redeliver updates on purpose (the same update_id to another instance), as Telegram
does after a timeout, to check that nothing is handled twice.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from sqlalchemy import text

from bot.app import build_app
from bot.clock import ManualClock
from bot.local_telegram import FakeSession, FakeTelegram, FakeUser
from bot.local_telegram.server import apply_webhook_reply
from bot.webhook import WEBHOOK_PATH
from storage.db import create_engine
from storage.models import Base, DeliveryStatus, Role
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from tests.conftest import CPH
from tests.harness import Harness, make_settings
from tests.ops.ops_client import parse_metrics

FREMAD = str(Path(sys.executable).parent / "fremad")
SECRET = "cluster-test-secret-0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chat_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to (Telegram's per-chat delivery queue)."""
    body = next(value for key, value in update.items() if key != "update_id")
    chat = body.get("chat") or (body.get("message") or {}).get("chat")
    return int(chat["id"] if chat else body["from"]["id"])


@dataclass
class Instance:
    name: str
    port: int
    log_path: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""


@dataclass
class DeliveryStats:
    posts: int = 0
    redeliveries: int = 0
    retries: int = 0
    latencies: list[float] = field(default_factory=list)


@dataclass
class WebhookCluster:
    tg: FakeTelegram
    api_url: str
    database_url: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)
    max_connections: int = 40
    _http: ClientSession | None = None
    _round_robin: itertools.count[int] = field(default_factory=itertools.count)

    def env(self, instance: Instance) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FREMAD_")}
        env.update(
            {
                "BOT_TOKEN": self.tg.token,
                "TELEGRAM_API_URL": self.api_url,
                "DATABASE_URL": self.database_url,
                "BOT_USERNAME": self.tg.bot_username,
                "WEBHOOK_URL": "https://fremad.example/telegram/webhook",
                "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(instance.port),
                "LOG_JSON": "true",
                "LOG_LEVEL": "INFO",
            }
        )
        env.update(self.extra_env)
        return env

    async def start(self, count: int) -> None:
        self._http = ClientSession(timeout=ClientTimeout(total=120))
        for index in range(count):
            name = f"instance-{index + 1}"
            instance = Instance(name, free_port(), self.workdir / f"{name}.log")
            log_file = instance.log_path.open("ab")
            instance.process = await asyncio.create_subprocess_exec(
                FREMAD,
                "run",
                "--webhook",
                env=self.env(instance),
                cwd=self.workdir,
                stdout=log_file,
                stderr=log_file,
                stdin=asyncio.subprocess.DEVNULL,
            )
            log_file.close()
            self.instances.append(instance)
        await asyncio.gather(*(self.wait_first_tick(i) for i in self.instances))

    async def health(self, instance: Instance) -> tuple[int, dict[str, Any]]:
        assert self._http is not None
        async with self._http.get(f"{instance.base_url}/healthz") as response:
            return response.status, await response.json()

    async def wait_first_tick(self, instance: Instance, timeout: float = 90.0) -> None:
        """Until /healthz answers 200 and the instance's first scheduler pass is done."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert instance.process is not None
            if instance.process.returncode is not None:
                raise AssertionError(f"{instance.name} exited:\n{instance.log_text()}")
            try:
                status, body = await self.health(instance)
                if status == 200 and body["checks"]["last_tick"]["age_seconds"] is not None:
                    return
            except (ClientError, OSError):
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"{instance.name} did not become healthy:\n{instance.log_text()}")

    async def metrics(self) -> list[dict[str, float]]:
        assert self._http is not None
        result = []
        for instance in self.instances:
            async with self._http.get(f"{instance.base_url}/metrics") as response:
                result.append(parse_metrics(await response.text()))
        return result

    async def stop(self) -> None:
        for instance in self.instances:
            if instance.process and instance.process.returncode is None:
                instance.process.send_signal(signal.SIGTERM)
        for instance in self.instances:
            if instance.process is None:
                continue
            try:
                await asyncio.wait_for(instance.process.wait(), timeout=20)
            except TimeoutError:
                instance.process.kill()
                await instance.process.wait()
        if self._http is not None:
            await self._http.close()

    # ----------------------------------------------------------------- playing Telegram

    async def _post(
        self, instance: Instance, update: dict[str, Any], stats: DeliveryStats
    ) -> None:
        """POST until the instance answers 2xx (Telegram retries failed deliveries)."""
        assert self._http is not None
        url = f"{instance.base_url}{WEBHOOK_PATH}"
        for attempt in range(50):
            started = time.perf_counter()
            try:
                async with self._http.post(
                    url, json=update, headers={SECRET_HEADER: SECRET}
                ) as response:
                    ok = 200 <= response.status < 300
                    if ok:  # a method in the reply runs like any call (Telegram does that)
                        await apply_webhook_reply(self.tg, response)
                    else:
                        await response.read()
            except (ClientError, OSError):
                ok = False
            stats.posts += 1
            if ok:
                stats.latencies.append(time.perf_counter() - started)
                return
            stats.retries += 1
            await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
        raise AssertionError(f"update {update['update_id']} was never accepted")

    def _next_instance(self) -> tuple[Instance, Instance]:
        index = next(self._round_robin) % len(self.instances)
        other = (index + 1) % len(self.instances)
        return self.instances[index], self.instances[other]

    async def deliver(
        self, updates: Iterable[dict[str, Any]] | None = None, *, redeliver_every: int = 0
    ) -> DeliveryStats:
        """Delivers ``updates`` (default: everything the fake has queued) like Telegram.

        With ``redeliver_every=k``, every k-th update is also sent to another instance: once
        right after it was answered, and (for every 2k-th) at the same time as the first.
        """
        if updates is None:
            updates, self.tg.pending_updates = list(self.tg.pending_updates), []
        queues: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for update in updates:
            queues[chat_of(update)].append(update)
        stats = DeliveryStats()
        connections = asyncio.Semaphore(self.max_connections)

        async def one_chat(queue: list[dict[str, Any]]) -> None:
            for update in queue:
                target, other = self._next_instance()
                n = update["update_id"]
                async with connections:
                    if redeliver_every and n % (2 * redeliver_every) == 0:
                        stats.redeliveries += 1
                        await asyncio.gather(
                            self._post(target, update, stats), self._post(other, update, stats)
                        )
                        continue
                    await self._post(target, update, stats)
                    if redeliver_every and n % redeliver_every == 0:
                        stats.redeliveries += 1
                        await self._post(other, update, stats)

        await asyncio.gather(*(one_chat(queue) for queue in queues.values()))
        return stats


# --------------------------------------------------------------------- set-up helpers


async def truncate(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


async def onboard_youths(
    tg: FakeTelegram,
    api_url: str,
    database_url: str,
    redis: dict[str, str],
    count: int,
    *,
    checkin_due: bool = True,
) -> list[tuple[FakeUser, int]]:
    """Youths join through the production dispatcher in this process (same database and
    Redis), and each gets a check-in due right now, which both instances will race for."""
    clock = ManualClock(datetime.now(UTC))
    settings = make_settings(database_url, telegram_api_url=api_url, **redis)
    app = await build_app(settings, clock, FakeSession(tg))
    tg.feed_dispatcher(app.dp, app.bot)
    try:
        harness = Harness(app, tg, clock)
        joined = []
        for index in range(count):
            user = tg.user(7000 + index, f"Ungperson{index}")
            joined.append((user, (await harness.onboard(user, Role.YOUTH)).id))
        if not checkin_due:
            return joined
        today = clock.now().astimezone(CPH).date().isoformat()
        async with app.sessionmaker() as session:
            due = [NewDelivery(pid, "checkin", today, clock.now()) for _, pid in joined]
            await DeliveriesRepository(session).add_due(due, clock.now(), DeliveryStatus.PENDING)
            await session.commit()
    finally:
        tg.set_update_sink(None)
        await app.close()
    return joined
