"""Helpers for the script publishing tests: modified copies of shipped scripts, and a youth who
answers whatever a script asks, through the production dispatcher."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from bot.app import App
from bot.context import dialog_runner
from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from bot.preview import conversation
from storage.models import Answer, AuditEntry, Role, ScriptVersion
from storage.repositories.people import PeopleRepository
from tests.harness import Harness

Row = TypeVar("Row", ScriptVersion, Answer, AuditEntry)

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dialogs"
NEW_HELLO_DA = "Ny version: hej {first_name}, klar?"
NEW_HELLO_EN = "New version: hi {first_name}, ready?"
NEW_ENERGY_DA = "Hvor frisk er du i dag (version to)?"


def checkin_v2(version: int = 2) -> bytes:
    """The shipped daily check-in with a new greeting and a reworded energy question."""
    text = (DIALOGS / "scripts" / "daily_checkin.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1\n", f"version: {version}\n", 1)
    text = text.replace(
        '"Hej {first_name} 👋 Klar til dagens check-in? Det tager et minut."', f'"{NEW_HELLO_DA}"'
    )
    text = text.replace(
        '"Hi {first_name} 👋 Ready for today\'s check-in? It takes a minute."',
        f'"{NEW_HELLO_EN}"',
    )
    text = text.replace("da: Hvor meget energi har du?", f"da: {NEW_ENERGY_DA}")
    assert NEW_HELLO_DA in text and NEW_ENERGY_DA in text
    return text.encode("utf-8")


async def rows(app: App, model: type[Row]) -> list[Row]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def versions_of(app: App, script_id: str) -> list[ScriptVersion]:
    """The stored versions of one script (every shipped script is stored at start)."""
    return [v for v in await rows(app, ScriptVersion) if v.script_id == script_id]


async def staff_published(app: App) -> list[ScriptVersion]:
    return [v for v in await rows(app, ScriptVersion) if v.published_by_id is not None]


async def expected_input(app: App, user: FakeUser) -> tuple[str, dict[str, float | None]] | None:
    """What the open question takes, with a number question's limits; None when finished."""
    async with app.sessionmaker() as session:
        person = await PeopleRepository(session).by_telegram_id(user.id)
        assert person is not None
        runner = dialog_runner(session, app.runtime)
        run = await runner.resume(person, conversation(app, user.id))
        if run is None:
            return None
        limits: dict[str, float | None] = {}
        if run.turn.step_id is not None:
            script = await app.runtime.scripts.version(
                session, run.info.script_id, run.info.version
            )
            step = script.step(run.turn.step_id)
            limits = {"min": step.min, "max": step.max}
        return run.turn.input, limits


def dialog_question(user: FakeUser) -> BotMessage | None:
    """The latest message that carries a script question's buttons (an offer sent after it,
    such as "talk to your contact person", has other buttons)."""
    for message in reversed(user.messages):
        if not message.deleted and any(
            (b.callback_data or "").startswith("d:") for b in message.buttons()
        ):
            return message
    return None


async def answer_whatever_is_asked(app: App, user: FakeUser, done_label: str = "Done") -> int:
    """Answers each question as a cooperative youth would, until the script ends; returns how
    many answers were given. Taps the first button of the question where there are buttons."""
    given = 0
    while (asked := await expected_input(app, user)) is not None:
        kind, limits = asked
        given += 1
        assert given < 80, "the script never ended"
        question = dialog_question(user)
        if kind == "multi_choice":
            await user.click(first_answer(question), in_message=question)
            question = dialog_question(user)
            await user.click(done_label, in_message=question)
        elif kind == "text":
            await user.send_text("Det gik okay i dag")
        elif kind == "number":
            await user.send_text(str(int(limits.get("min") or 0)))
        elif kind == "time":
            await user.send_text("09:30")
        else:
            await user.click(first_answer(question), in_message=question)
    return given


def first_answer(question: BotMessage | None) -> str:
    """The label of a question's first answer button (offers riding on it are not answers)."""
    assert question is not None, "no open question on screen"
    return next(b.text for b in question.buttons() if (b.callback_data or "").startswith("d:"))


async def answer(user: FakeUser, value: str) -> None:
    """Tap the button with this label on the latest message, or else type it."""
    last = user.last_message
    if value in last.button_labels():
        await user.click(value, in_message=last)
    else:
        await user.send_text(value)


STAFF_ID = 900


async def staff_member(h: Harness) -> FakeUser:
    """A staff member who speaks English, onboarded by tapping."""
    sam = h.user(STAFF_ID, "Sam", language_code="en")
    await h.onboard(sam, Role.STAFF, locale_label="English")
    return sam
