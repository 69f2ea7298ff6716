"""`fremad dialogs preview SCRIPT [--lang en]`: try a script in the terminal before publishing.

The real app (build_app → production dispatcher, the same engine and rendering) talks to the
in-process fake Telegram, exactly as in `fremad simulate`, on a throw-away SQLite file: a
simulated young person is set up directly, the script is started for them with
`DialogRunner.begin` (purpose "preview", so no feature reacts to the answers), and you answer as
they would. SCRIPT is a script id (a shipped file in dialogs/scripts/) or a path to a .yaml
file, which is linted first and previewed without being published anywhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.context import dialog_runner
from bot.dialogs import Script, check_file, default_catalogue
from bot.dialogs.lint import YAML_SUFFIXES
from bot.handlers.dialogs import send_turn
from bot.services.checkins import local_today
from bot.services.dialog_runner import RunTurn
from bot.services.motivation import motivation_services
from bot.services.onboarding import OnboardingService
from bot.simulate import YOUTH_ID, Simulator, simulator_settings, start_simulator
from storage.models import Person, Role, ScriptVersion
from storage.repositories.dialogs import ScriptVersionsRepository
from storage.repositories.people import PeopleRepository

PREVIEW_PURPOSE = "preview"
PREVIEW_HELP = """You are Ada, a young person. Type a button's number (or its label) to tap it;
anything else is sent as your answer. :help  :quit"""

# Example values for the variables a script may use, so texts read as they will.
SAMPLE_VARIABLES: Mapping[str, Mapping[str, object]] = {
    "da": {
        "mentor_name": "Mette",
        "streak": 3,
        "goal": "Møde op i praktikken hver dag i en uge",
        "step": "Stå op kl. 7 tre dage i træk",
        "activity": "praktik i Netto",
        "date": "mandag 30. november",
        "time": "09:00",
        "days_missed": 0,
    },
    "en": {
        "mentor_name": "Mette",
        "streak": 3,
        "goal": "Show up at the internship every day for a week",
        "step": "Get up at 7 three days in a row",
        "activity": "internship at Netto",
        "date": "Monday 30 November",
        "time": "09:00",
        "days_missed": 0,
    },
}

Write = Callable[[str], None]
Read = Callable[[str], Awaitable[str]]


@dataclass(frozen=True)
class PreviewTarget:
    path: Path
    script: Script
    source: str


def sample_variables(script: Script, lang: str) -> dict[str, object]:
    values = dict(SAMPLE_VARIABLES.get(lang, SAMPLE_VARIABLES["da"]))
    for name in script.variables:
        values.setdefault(name, f"[{name}]")
    return values


def resolve_target(target: str, dialogs_dir: Path, scripts_dir: Path | None = None) -> Path | None:
    """A path to a file, or the id of a script in use (SCRIPTS_DIR, else the shipped ones)."""
    path = Path(target)
    if path.is_file() or target.endswith(YAML_SUFFIXES):
        return path
    shipped = (scripts_dir or dialogs_dir / "scripts") / f"{target}.yaml"
    return shipped if shipped.is_file() else None


def load_target(
    target: str, dialogs_dir: Path, lang: str, err: Write, scripts_dir: Path | None = None
) -> PreviewTarget | None:
    """The script to preview, linted; prints what is wrong and returns None when unusable."""
    path = resolve_target(target, dialogs_dir, scripts_dir)
    if path is None:
        shipped = sorted(p.stem for p in (scripts_dir or dialogs_dir / "scripts").glob("*.yaml"))
        err(f"fremad: no script called {target!r}; shipped scripts: {', '.join(shipped)}")
        return None
    checked = check_file(path, require_en=False, catalogue=default_catalogue(dialogs_dir))
    for message in checked.messages:
        err(str(message))
    if not checked.ok:
        err("fremad: fix the errors above first; nothing was previewed.")
        return None
    if checked.script is None:
        err(f"fremad: {path} is not a conversation script (nothing to walk through).")
        return None
    if lang != "da":
        strict = check_file(path, require_en=True, catalogue=default_catalogue(dialogs_dir))
        missing = [m for m in strict.messages if m not in checked.messages]
        if missing:
            err(f"note: {len(missing)} text(s) have no English; the Danish text is shown there.")
    return PreviewTarget(path, checked.script, path.read_text(encoding="utf-8"))


async def install_script(app: App, target: PreviewTarget) -> None:
    """Makes the file the active version in the throw-away database (the shipped scripts are
    stored there at start: a file with a shipped script's id and version takes its place)."""
    sha256 = hashlib.sha256(target.source.encode("utf-8")).hexdigest()
    async with app.sessionmaker() as session:
        repo = ScriptVersionsRepository(session)
        row = await repo.get(target.script.id, target.script.version)
        if row is None:
            await repo.add(
                ScriptVersion(
                    script_id=target.script.id,
                    version=target.script.version,
                    kind=target.script.kind,
                    source=target.source,
                    sha256=sha256,
                    is_active=True,
                    published_at=app.clock.now(),
                )
            )
        else:
            row.source, row.sha256 = target.source, sha256
        await repo.activate(target.script.id, target.script.version)
        await session.commit()
    app.runtime.scripts.forget(target.script.id, target.script.version)


async def onboard_youth(app: App, clock: ManualClock, telegram_id: int, lang: str) -> Person:
    """A young person who has accepted an invite and chosen a check-in time."""
    async with app.sessionmaker() as session:
        onboarding = OnboardingService(session, clock)
        invite = await onboarding.create_invite(Role.YOUTH, name="Ada")
        accepted = await onboarding.accept(telegram_id, "Ada", invite.code, lang)
        assert not isinstance(accepted, str), accepted
        person, _role = accepted
        await onboarding.set_checkin_time(person, "09:00")
        return person


def conversation(app: App, telegram_id: int) -> FSMContext:
    """The same conversation store the dispatcher uses for this person's private chat."""
    key = StorageKey(bot_id=app.bot.id, chat_id=telegram_id, user_id=telegram_id)
    return FSMContext(storage=app.storage, key=key)


async def begin_script(
    app: App,
    telegram_id: int,
    script_id: str,
    *,
    purpose: str = PREVIEW_PURPOSE,
    variables: Mapping[str, object] | None = None,
) -> RunTurn:
    """Starts `script_id` for a person and sends its first turn through the bot."""
    async with app.sessionmaker() as session:
        person = await PeopleRepository(session).by_telegram_id(telegram_id)
        assert person is not None, telegram_id
        runner = dialog_runner(session, app.runtime)
        run = await runner.begin(
            person,
            conversation(app, telegram_id),
            script_id,
            purpose=purpose,
            for_date=local_today(person, app.clock.now()),
            variables=variables,
        )
        locale = person.locale or app.settings.default_locale
        with app.i18n.context(), app.i18n.use_locale(locale):
            motivation = motivation_services(session, app.runtime, runner)
            await send_turn(app.bot, person, run, app.runtime, motivation)
    return run


class PreviewSimulator(Simulator):
    """The simulator's terminal, narrowed to one young person answering one script."""

    async def expected_input(self) -> str | None:
        """What the open question takes (None when the script has finished)."""
        async with self.app.sessionmaker() as session:
            person = await PeopleRepository(session).by_telegram_id(self.youth.id)
            assert person is not None
            run = await dialog_runner(session, self.app.runtime).resume(
                person, conversation(self.app, self.youth.id)
            )
        return run.turn.input if run is not None else None

    async def handle(self, line: str) -> bool:
        text = line.strip()
        if text in (":quit", ":q", ":exit"):
            return False
        if text == ":help":
            self.write(PREVIEW_HELP)
        elif text:
            await self.answer(text)
        self.show_new()
        return True

    async def answer(self, text: str) -> None:
        """A button's exact label taps it; a number taps that button unless the question wants
        typed text, a number or a time; anything else is typed."""
        last = self.youth.messages[-1] if self.youth.messages else None
        buttons = last.buttons() if last is not None and not last.deleted else []
        labels = [b.text for b in buttons]
        typed = await self.expected_input() in ("text", "number", "time")
        if text in labels:
            await self.youth.click(text, in_message=last)
        elif text.isdigit() and not typed and 1 <= int(text) <= len(buttons):
            await self.youth.click_index(int(text), in_message=last)
        else:
            await self.youth.send_text(text)


async def run_preview(
    settings: Settings, target: PreviewTarget, lang: str, write: Write, read: Read
) -> int:
    with tempfile.TemporaryDirectory(prefix="fremad-preview-") as folder:
        preview_settings = simulator_settings(settings, str(Path(folder) / "preview.sqlite3"))
        tz = preview_settings.tz
        clock = ManualClock(datetime.now(tz).replace(second=0, microsecond=0))
        app, tg = await start_simulator(preview_settings, clock)
        try:
            await install_script(app, target)
            await onboard_youth(app, clock, YOUTH_ID, lang)
            sim = PreviewSimulator(app, tg, clock, write)
            sim.youth.language_code = lang
            tg.private_chat(sim.youth)
            title = target.script.title.get(lang) or target.script.title["da"]
            write(f"Preview of {target.script.id} v{target.script.version} ({title}), {lang}.")
            write(PREVIEW_HELP)
            await begin_script(
                app, YOUTH_ID, target.script.id, variables=sample_variables(target.script, lang)
            )
            sim.show_new()
            while await sim.expected_input() is not None:
                try:
                    line = await read("\nAda> ")
                except EOFError:
                    write("\n(preview stopped before the end of the script)")
                    return 0
                if not await sim.handle(line):
                    return 0
            write("\n— end of the script. Nothing was saved: this was a preview. —")
            return 0
        finally:
            await app.close()


async def _read_line(prompt: str) -> str:
    return await asyncio.to_thread(input, prompt)


def preview_script(settings: Settings, script: str, lang: str) -> int:
    """The `fremad dialogs preview` command: 0 when previewed, 1 when the file has errors,
    2 when there is no such script."""

    def err(text: str) -> None:
        sys.stderr.write(text + "\n")

    target = load_target(script, settings.dialogs_dir, lang, err, settings.script_folder)
    if target is None:
        return 1 if resolve_target(script, settings.dialogs_dir, settings.script_folder) else 2
    return asyncio.run(run_preview(settings, target, lang, print, _read_line))
