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
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.local_telegram import FakeSession, FakeTelegram
from bot.local_telegram.objects import BotMessage
from bot.scheduling.tick import run_tick
from bot.services.onboarding import OnboardingService
from storage.models import Role
from storage.repositories.people import PeopleRepository

MENTOR_ID = 1000
YOUTH_ID = 2000
STAFF_ID = 3000
_TAG = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|a)(\s[^>]*)?>")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_STEP = re.compile(r"^\+(\d+)\s*([dhm])$")
_AT = re.compile(r"^(?:(today|tomorrow|" + "|".join(_WEEKDAYS) + r")\s+)?(\d{1,2}):(\d{2})$")

HELP = """Commands (everything else is sent to the bot as text):
  1, 2, …          tap button number N on the latest message with buttons
  :youth / :mentor / :staff   act as the young person (Ada), the mentor (Mette) or staff (Sam)
  :invite          a fresh youth invite code from Mette (it expires in simulated time)
  :upload FILE     send a file to the bot as the current person (staff: a .yaml script to publish)
  :preview FILE    try a script as a young person sees it (a throw-away copy; nothing is saved)
  +1d +3h +30m     move the clock forward (scheduled messages are sent on the way)
  monday 09:00     move the clock to the next such time (also: today/tomorrow HH:MM, HH:MM)
  :now             show the simulated time
  :help  :quit
Every bot message shows its simulated time; edits are shown as they happen; files and
pictures the bot sends are saved in the simulator's folder and their path is printed."""


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


def simulator_folder(settings: Settings) -> Path:
    """The folder of the simulator's database: received files are saved beside it."""
    return Path(settings.database_url.split("///", 1)[-1]).resolve().parent


class Simulator:
    def __init__(
        self,
        app: App,
        tg: FakeTelegram,
        clock: ManualClock,
        write: Callable[[str], None] = print,
        folder: Path | None = None,
    ) -> None:
        self.app = app
        self.tg = tg
        self.clock = clock
        self.write = write
        self.folder = folder or simulator_folder(app.settings)
        self.tz = ZoneInfo(app.settings.timezone)
        self.youth = tg.user(YOUTH_ID, first_name="Ada", language_code="da")
        self.mentor = tg.user(MENTOR_ID, first_name="Mette", language_code="da")
        self.staff = tg.user(STAFF_ID, first_name="Sam", language_code="da")
        self.actor = self.youth
        self.seen: dict[int, int] = {YOUTH_ID: 0, MENTOR_ID: 0, STAFF_ID: 0}
        # Per shown message: how many edits it had, and whether it was deleted.
        self.shown: dict[tuple[int, int], tuple[int, bool]] = {}
        self.preview: Preview | None = None

    async def setup(self) -> None:
        """A mentor and a staff member who are already set up, and an invite for the young
        person you play."""
        async with self.app.sessionmaker() as session:
            onboarding = OnboardingService(session, self.clock)
            people = PeopleRepository(session)
            for telegram_id, name, role in (
                (MENTOR_ID, "Mette", Role.MENTOR),
                (STAFF_ID, "Sam", Role.STAFF),
            ):
                if await people.by_telegram_id(telegram_id) is None:
                    invite = await onboarding.create_invite(role, name=name)
                    await onboarding.accept(telegram_id, name, invite.code, "da")
            youth_known = await PeopleRepository(session).by_telegram_id(YOUTH_ID) is not None
        self.write(f"Fremad simulator — simulated time {self._now_text()}.\n{HELP}\n")
        if youth_known:
            self.write("You are Ada again (the young person). /help shows what the bot can do.")
        else:
            code, until = await self.new_youth_code()
            self.write(
                f"You are Ada, a young person. Your contact person Mette gave you a code "
                f"(valid until {until}, simulated time).\n"
                f"Type:  /start {code}"
            )

    async def new_youth_code(self) -> tuple[str, str]:
        """A youth invite from Mette, and when it expires (it expires against the simulated
        clock, like everything else here)."""
        async with self.app.sessionmaker() as session:
            invite = await OnboardingService(
                session, self.clock, self.app.settings.invite_ttl_hours
            ).create_invite(Role.YOUTH, mentor_telegram_id=MENTOR_ID, name="Ada")
        return invite.code, self._time_text(invite.expires_at)

    def _time_text(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%a %d %b %H:%M")

    def _now_text(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%A %d %B %Y %H:%M")

    async def handle(self, line: str) -> bool:
        """One line of input; False when the person wants to stop."""
        text = line.strip()
        if not text:
            return True
        if self.preview is not None:
            return await self.preview_line(text)
        if text in (":quit", ":q", ":exit"):
            return False
        if text == ":help":
            self.write(HELP)
        elif text in (":youth", ":mentor", ":staff"):
            self.actor = {":youth": self.youth, ":mentor": self.mentor, ":staff": self.staff}[text]
            self.write(f"— you are now {self.actor.first_name} —")
        elif text == ":invite":
            code, until = await self.new_youth_code()
            self.write(f"New youth invite code: {code} (valid until {until}, simulated time)")
        elif text.startswith(":upload"):
            await self.upload(text.removeprefix(":upload").strip())
        elif text.startswith(":preview"):
            await self.start_preview(text.removeprefix(":preview").strip())
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

    async def upload(self, name: str) -> None:
        path = Path(name).expanduser()
        if not name or not path.is_file():
            self.write(f"(no such file: {name or '—'}; give the path of a file)")
            return
        await self.actor.send_document(path.name, path.read_bytes())

    async def start_preview(self, name: str) -> None:
        from bot.preview import load_target

        settings = self.app.settings
        target = load_target(name, settings.dialogs_dir, "da", self.write, settings.script_folder)
        if target is None:
            return
        self.preview = await Preview.open(self, target)
        if not await self.preview.waiting():
            await self.end_preview()

    async def preview_line(self, text: str) -> bool:
        assert self.preview is not None
        if text in (":quit", ":q", ":exit"):
            await self.end_preview()
            return True
        await self.preview.sim.handle(text)
        if not await self.preview.waiting():
            await self.end_preview()
        return True

    async def end_preview(self) -> None:
        assert self.preview is not None
        await self.preview.close()
        self.preview = None
        self.write(
            "— end of the preview; nothing was saved. You are "
            f"{self.actor.first_name} again (:upload the file to publish it) —"
        )

    async def move_clock(self, target: datetime) -> None:
        if target <= self.clock.now():
            self.write("(the clock only moves forward)")
            return
        sent_before = sum(len(u.messages) for u in (self.youth, self.mentor, self.staff))

        def progress(now: datetime) -> None:
            sent = sum(len(u.messages) for u in (self.youth, self.mentor, self.staff))
            self.write(
                f"⏩ {now.astimezone(self.tz).strftime('%a %d %b %H:%M')} — "
                f"{sent - sent_before} message(s) sent on the way"
            )

        await advance_clock(self.app, self.clock, target, on_new_day=progress)
        self.write(f"— it is now {self._now_text()} —")

    def show_new(self) -> None:
        for user in (self.youth, self.mentor, self.staff):
            messages = user.messages
            fresh = messages[self.seen[user.id] :]
            if user is self.actor:
                for message in messages[: self.seen[user.id]]:
                    self._show_change(message)
                for message in fresh:
                    self.write(f"\n🤖 {self._stamp(message)} {format_message(message)}")
                    self._remember(message)
                    self._save_file(message)
                self.seen[user.id] = len(messages)
            elif fresh:
                seat = {YOUTH_ID: "youth", MENTOR_ID: "mentor", STAFF_ID: "staff"}[user.id]
                self.write(f"({user.first_name} has {len(fresh)} new message(s): :{seat} to see)")

    def _stamp(self, message: BotMessage) -> str:
        moment = datetime.fromtimestamp(message.date, self.tz)
        return f"[{moment.strftime('%a %H:%M')}]"

    def _remember(self, message: BotMessage) -> None:
        self.shown[(message.chat.id, message.message_id)] = (len(message.edits), message.deleted)

    def _show_change(self, message: BotMessage) -> None:
        """An edit (text or buttons) or a deletion of a message already shown."""
        key = (message.chat.id, message.message_id)
        edits, deleted = self.shown.get(key, (len(message.edits), message.deleted))
        if message.deleted and not deleted:
            self.write(f"🗑  (the bot deleted: {plain(message.text)[:60]!r})")
        elif len(message.edits) > edits:
            what = format_message(message) if message.text or message.buttons() else "(no buttons)"
            self.write(f"✏️  (edited) {what}")
        self._remember(message)

    def _save_file(self, message: BotMessage) -> None:
        if message.file is None:
            return
        folder = self.folder / "files"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.fromtimestamp(message.date, self.tz).strftime("%Y%m%d-%H%M")
        path = folder / f"{stamp}-{message.message_id}-{Path(message.file.filename).name}"
        path.write_bytes(message.file.data)
        self.write(f"   📎 saved: {path}")


class Preview:
    """`:preview FILE`: the script in a throw-away copy of the bot, answered as Ada."""

    def __init__(self, app: App, sim: Simulator) -> None:
        self.app = app
        self.sim = sim

    @classmethod
    async def open(cls, owner: Simulator, target: Any) -> Preview:
        from bot.preview import (
            PreviewSimulator,
            begin_script,
            install_script,
            onboard_youth,
            sample_variables,
        )

        folder = owner.folder / "preview"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "preview.sqlite3"
        database.unlink(missing_ok=True)
        settings = simulator_settings(owner.app.settings, str(database))
        app, tg = await start_simulator(settings, owner.clock)
        await install_script(app, target)
        await onboard_youth(app, owner.clock, YOUTH_ID, "da")
        sim = PreviewSimulator(app, tg, owner.clock, owner.write, folder)
        tg.private_chat(sim.youth)
        owner.write(
            f"— preview of {target.script.id} version {target.script.version}: "
            "answer as Ada; :quit ends it —"
        )
        await begin_script(
            app, YOUTH_ID, target.script.id, variables=sample_variables(target.script, "da")
        )
        sim.show_new()
        return cls(app, sim)

    async def waiting(self) -> bool:
        return await self.sim.expected_input() is not None  # type: ignore[attr-defined]

    async def close(self) -> None:
        await self.app.close()


# The simulator ticks every few simulated minutes (production: every minute); anything due in
# between is sent at the next tick, well within the scheduler's grace window.
SIMULATED_TICK = timedelta(minutes=5)


async def advance_clock(
    app: App,
    clock: ManualClock,
    target: datetime,
    on_new_day: Callable[[datetime], None] | None = None,
) -> None:
    """Moves the clock to `target`; the scheduler runs on the way, as it would in production.
    `on_new_day` hears each local midnight passed (the simulator prints a progress line)."""
    zone = ZoneInfo(app.settings.timezone)
    day = clock.now().astimezone(zone).date()
    while clock.now() < target:
        clock.set(min(target, clock.now() + SIMULATED_TICK))
        await run_tick(app.scheduling.tick_context, clock.now())
        today = clock.now().astimezone(zone).date()
        if on_new_day is not None and today != day and clock.now() < target:
            on_new_day(clock.now())
        day = today


async def start_simulator(settings: Settings, clock: ManualClock) -> tuple[App, FakeTelegram]:
    tg = FakeTelegram(rate_limits=False, wall_clock=lambda: clock.now().timestamp())
    app = await build_app(settings, clock, FakeSession(tg))
    tg.feed_dispatcher(app.dp, app.bot)
    return app, tg


def simulator_settings(settings: Settings, database: str | None) -> Settings:
    # In the working directory, like the default DATABASE_URL (never inside the install).
    path = Path(database) if database else Path("data") / "simulate.sqlite3"
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
