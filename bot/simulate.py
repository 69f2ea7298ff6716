"""`fremad simulate`: chat with the real bot in the terminal — no token, no network.

The same app as `fremad run` (build_app → production dispatcher and handlers), talking to the
local in-process Bot API (bot/local_telegram) instead of Telegram, on a local SQLite file, with a
clock that only moves when you say so. Buttons are shown as numbers; type the number to tap.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import REPO_ROOT, Settings
from bot.local_telegram import FakeSession, FakeTelegram
from bot.local_telegram.objects import BotMessage
from bot.scheduling.tick import run_tick
from bot.services.onboarding import OnboardingService
from storage.models import Role
from storage.repositories.people import PeopleRepository

MENTOR_ID = 1000
YOUTH_ID = 2000
_TAG = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|a)(\s[^>]*)?>")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_STEP = re.compile(r"^\+(\d+)\s*([dhm])$")
_AT = re.compile(r"^(?:(today|tomorrow|" + "|".join(_WEEKDAYS) + r")\s+)?(\d{1,2}):(\d{2})$")

HELP = """Commands (everything else is sent to the bot as text):
  1, 2, …          tap button number N on the latest message with buttons
  :youth / :mentor act as the young person (Ada) or the mentor (Mette)
  :invite          a fresh youth invite code from Mette
  +1d +3h +30m     move the clock forward (scheduled messages are sent on the way)
  monday 09:00     move the clock to the next such time (also: today/tomorrow HH:MM, HH:MM)
  :now             show the simulated time
  :help  :quit"""


def plain(text: str) -> str:
    """Telegram HTML as a terminal shows it."""
    return html.unescape(_TAG.sub("", text))


def format_message(message: BotMessage) -> str:
    lines = [plain(message.text or "") or f"[{message.kind}]"]
    buttons = message.buttons()
    if buttons:
        lines.append("   " + "   ".join(f"[{i}] {b.text}" for i, b in enumerate(buttons, 1)))
    return "\n".join(lines)


def parse_clock_command(text: str, now_local: datetime) -> datetime | None:
    """'+1d', '+2h', '+30m', 'monday 09:00', 'tomorrow 8:00', '14:00' → a local time, or None."""
    step = _STEP.match(text)
    if step:
        amount, unit = int(step.group(1)), step.group(2)
        return (
            now_local
            + {
                "d": timedelta(days=amount),
                "h": timedelta(hours=amount),
                "m": timedelta(minutes=amount),
            }[unit]
        )
    at = _AT.match(text)
    if not at:
        return None
    day, hour, minute = at.group(1), int(at.group(2)), int(at.group(3))
    if hour > 23 or minute > 59:
        return None
    target_time = time(hour, minute)
    date = now_local.date()
    if day == "tomorrow":
        date += timedelta(days=1)
    elif day in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(day) - date.weekday()) % 7 or 7
        date += timedelta(days=ahead)
    candidate = datetime.combine(date, target_time, tzinfo=now_local.tzinfo)
    if day is None and candidate <= now_local:
        candidate += timedelta(days=1)
    return candidate


class Simulator:
    def __init__(
        self, app: App, tg: FakeTelegram, clock: ManualClock, write: Callable[[str], None] = print
    ) -> None:
        self.app = app
        self.tg = tg
        self.clock = clock
        self.write = write
        self.tz = ZoneInfo(app.settings.timezone)
        self.youth = tg.user(YOUTH_ID, first_name="Ada", language_code="da")
        self.mentor = tg.user(MENTOR_ID, first_name="Mette", language_code="da")
        self.actor = self.youth
        self.seen: dict[int, int] = {YOUTH_ID: 0, MENTOR_ID: 0}

    async def setup(self) -> None:
        """A mentor who is already set up, and an invite for the young person you play."""
        async with self.app.sessionmaker() as session:
            onboarding = OnboardingService(session, self.clock)
            if await PeopleRepository(session).by_telegram_id(MENTOR_ID) is None:
                invite = await onboarding.create_invite(Role.MENTOR, name="Mette")
                await onboarding.accept(MENTOR_ID, "Mette", invite.code, "da")
            youth_known = await PeopleRepository(session).by_telegram_id(YOUTH_ID) is not None
        self.write(f"Fremad simulator — simulated time {self._now_text()}.\n{HELP}\n")
        if youth_known:
            self.write("You are Ada again (the young person). /help shows what the bot can do.")
        else:
            code = await self.new_youth_code()
            self.write(
                f"You are Ada, a young person. Your contact person Mette gave you a code.\n"
                f"Type:  /start {code}"
            )

    async def new_youth_code(self) -> str:
        async with self.app.sessionmaker() as session:
            invite = await OnboardingService(session, self.clock).create_invite(
                Role.YOUTH, mentor_telegram_id=MENTOR_ID, name="Ada"
            )
        return invite.code

    def _now_text(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%A %d %B %Y %H:%M")

    async def handle(self, line: str) -> bool:
        """One line of input; False when the person wants to stop."""
        text = line.strip()
        if not text:
            return True
        if text in (":quit", ":q", ":exit"):
            return False
        if text == ":help":
            self.write(HELP)
        elif text in (":youth", ":mentor"):
            self.actor = self.youth if text == ":youth" else self.mentor
            self.write(f"— you are now {self.actor.first_name} —")
        elif text == ":invite":
            self.write(f"New youth invite code: {await self.new_youth_code()}")
        elif text == ":now":
            self.write(self._now_text())
        elif target := parse_clock_command(text, self.clock.now().astimezone(self.tz)):
            await self.move_clock(target)
        elif text.isdigit():
            await self.tap(int(text))
        else:
            await self.actor.send_text(text)
        self.show_new()
        return True

    async def tap(self, number: int) -> None:
        try:
            message = self.actor.keyboard_message()
        except AssertionError:
            self.write("(no buttons to tap)")
            return
        buttons = message.buttons()
        if not 1 <= number <= len(buttons):
            self.write(f"(choose 1–{len(buttons)})")
            return
        await self.actor.click(buttons[number - 1].text, in_message=message)

    async def move_clock(self, target: datetime) -> None:
        if target <= self.clock.now():
            self.write("(the clock only moves forward)")
            return
        await advance_clock(self.app, self.clock, target)
        self.write(f"— it is now {self._now_text()} —")

    def show_new(self) -> None:
        for user in (self.youth, self.mentor):
            messages = user.messages
            fresh = messages[self.seen[user.id] :]
            if not fresh:
                continue
            if user is self.actor:
                for message in fresh:
                    self.write(f"\n🤖 {format_message(message)}")
                self.seen[user.id] = len(messages)
            else:
                self.write(
                    f"({user.first_name} has {len(fresh)} new message(s): "
                    f":{'mentor' if user is self.mentor else 'youth'} to see)"
                )


# The simulator ticks every few simulated minutes (production: every minute); anything due in
# between is sent at the next tick, well within the scheduler's grace window.
SIMULATED_TICK = timedelta(minutes=5)


async def advance_clock(app: App, clock: ManualClock, target: datetime) -> None:
    """Moves the clock to `target`; the scheduler runs on the way, as it would in production."""
    while clock.now() < target:
        clock.set(min(target, clock.now() + SIMULATED_TICK))
        await run_tick(app.scheduling.tick_context, clock.now())


async def start_simulator(settings: Settings, clock: ManualClock) -> tuple[App, FakeTelegram]:
    tg = FakeTelegram(rate_limits=False, wall_clock=lambda: clock.now().timestamp())
    app = await build_app(settings, clock, FakeSession(tg))
    tg.feed_dispatcher(app.dp, app.bot)
    return app, tg


def simulator_settings(settings: Settings, database: str | None) -> Settings:
    path = Path(database) if database else REPO_ROOT / "data" / "simulate.sqlite3"
    return settings.model_copy(
        update={
            "bot_token": SecretStr(FakeTelegram().token),
            "database_url": f"sqlite+aiosqlite:///{path.resolve()}",
            "bot_username": "fremad_local_bot",
            "redis_url": None,
        }
    )


async def _simulate(settings: Settings) -> int:
    clock = ManualClock(datetime.now(ZoneInfo(settings.timezone)).replace(second=0, microsecond=0))
    app, tg = await start_simulator(settings, clock)
    try:
        simulator = Simulator(app, tg, clock)
        await simulator.setup()
        while True:
            try:
                line = await asyncio.to_thread(input, f"\n{simulator.actor.first_name}> ")
            except EOFError:
                break
            if not await simulator.handle(line):
                break
    finally:
        await app.close()
    return 0


def run_simulator(settings: Settings, database: str | None = None) -> int:
    return asyncio.run(_simulate(simulator_settings(settings, database)))


def preview_script(settings: Settings, script: str, lang: str) -> int:
    """`fremad dialogs preview`: see bot/preview.py (imported here, where the CLI looks)."""
    from bot.preview import preview_script as run

    return run(settings, script, lang)
