"""The console over HTTP in-process: the production app (fake Telegram, injected clock) and the
console's aiohttp application on a test server; people sign in with the link `/web` sends."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bot.clock import ManualClock
from bot.local_telegram import FakeUser
from bot.web.app import create_console
from storage.models import Person, Role
from tests.harness import Harness, running_harness

BASE_URL = "http://console.test"
LINK = re.compile(r"(https?://\S+/login/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def web_settings(**extra: Any) -> dict[str, Any]:
    return {"web_base_url": BASE_URL, "web_insecure_http": True} | extra


@dataclass
class Console:
    harness: Harness
    server: TestServer

    def client(self) -> ClientSession:
        """A browser of its own (own cookies); closing it leaves the console running."""
        return ClientSession(
            base_url=str(self.server.make_url("/")).rstrip("/"), cookie_jar=CookieJar(unsafe=True)
        )

    async def link_for(self, user: FakeUser) -> str:
        """What a person gets from /web in the bot: the sign-in link (path only)."""
        return (await self.full_link_for(user)).removeprefix(BASE_URL)

    async def full_link_for(self, user: FakeUser) -> str:
        await user.send_command("web")
        found = LINK.search(user.last_text)
        assert found is not None, user.last_text
        return found.group(1)

    async def signed_in(self, user: FakeUser) -> ClientSession:
        client = self.client()
        response = await client.get(await self.link_for(user))
        assert response.status == 200, await response.text()
        return client


async def csrf_of(client: ClientSession, path: str = "/") -> str:
    page = await (await client.get(path)).text()
    found = CSRF.search(page)
    assert found is not None, page[:500]
    return found.group(1)


@asynccontextmanager
async def running_console(
    database_url: str, clock: ManualClock, port: int | None = None, **settings: Any
) -> AsyncIterator[Console]:
    """The console on 127.0.0.1; with `port`, links from /web point at it (for a browser)."""
    if port is not None:
        settings["web_base_url"] = f"http://127.0.0.1:{port}"
    async with running_harness(database_url, clock, **web_settings(**settings)) as harness:
        server = TestServer(create_console(harness.app), port=port)
        await server.start_server()
        try:
            yield Console(harness, server)
        finally:
            await server.close()


async def mentor_with_youths(
    harness: Harness, mentor_id: int, names: list[str], first_youth_id: int
) -> tuple[FakeUser, list[Person]]:
    mentor = harness.user(mentor_id, "Mette")
    await harness.onboard(mentor, Role.MENTOR)
    youths = []
    for offset, name in enumerate(names):
        user = harness.user(first_youth_id + offset, name)
        youths.append(await harness.onboard(user, Role.YOUTH, mentor=mentor_id))
    return mentor, youths
