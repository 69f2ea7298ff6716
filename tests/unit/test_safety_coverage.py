"""Every path a free text can take is crisis-screened: the screen sits on the dispatcher's
text-bearing observers, every handler that takes text lies behind it, and every free-text step
of every shipped script, reached through the real bot, records a flag."""

from __future__ import annotations

from pathlib import Path

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.context import dialog_runner
from bot.dialogs import load_script
from bot.middlewares.crisis_screen import CrisisScreenMiddleware
from bot.services.dialog_runner import DialogRunner
from bot.telegram.dialog_render import turn_messages
from storage.models import CrisisFlag, Person, Role
from tests.harness import Harness

TEXT_EVENTS = (
    "message",
    "edited_message",
    "business_message",
    "edited_business_message",
    "channel_post",
    "edited_channel_post",
)
SCRIPTS = Path(__file__).resolve().parents[2] / "dialogs" / "scripts"


def _routers(router: Router) -> list[Router]:
    found = [router]
    for child in router.sub_routers:
        found += _routers(child)
    return found


def test_every_text_handler_is_behind_the_crisis_screen(harness: Harness) -> None:
    dp = harness.app.dp
    screened = {
        name
        for name in TEXT_EVENTS
        if any(isinstance(m, CrisisScreenMiddleware) for m in dp.observers[name].outer_middleware)
    }
    handlers = [
        (router.name, name, handler.callback.__name__)
        for router in _routers(dp)
        for name in TEXT_EVENTS
        for handler in router.observers[name].handlers
    ]
    assert len(handlers) > 10  # the enumeration found the real handlers
    unscreened = [h for h in handlers if h[1] not in screened]
    assert unscreened == [], f"free text reaches these handlers unscreened: {unscreened}"


def _text_step_scripts() -> dict[str, set[str]]:
    scripts: dict[str, set[str]] = {}
    for path in sorted(SCRIPTS.glob("*.yaml")):
        if path.stem == "prompts":
            continue
        script = load_script(path)
        steps = {step.id for step in script.steps if step.type == "text"}
        if steps:
            scripts[script.id] = steps
    return scripts


ANSWERS = {"number": "3", "time": "08:30", "date": "i morgen"}


async def _walk(
    h: Harness, person: Person, script_id: str, runner: DialogRunner, state: FSMContext, pick: int
) -> set[str]:
    """Runs `script_id` through the real bot, answering every free-text step with a crisis
    phrase and everything else with button number `pick` (-1: the last one, which is often
    "other"/"no"); returns the text steps reached."""
    user = h.user(person.telegram_id)
    run = await runner.begin(
        person, state, script_id, purpose="coverage", for_date=h.clock.now().date()
    )
    for method in turn_messages(person.telegram_id, run):
        await h.app.bot(method)
    reached: set[str] = set()
    for _ in range(30):
        async with h.app.sessionmaker() as session:
            current = await dialog_runner(session, h.app.runtime).resume(person, state)
        if current is None or current.turn.finished:
            break
        turn = current.turn
        if turn.input == "text" and turn.step_id not in reached:
            reached.add(str(turn.step_id))
            await user.send_text("I want to kill myself")
            await _answer_the_crisis_reply(user)
        elif turn.buttons:
            keyboard = _last_dialog_keyboard(user)
            count = len(keyboard.buttons())
            await user.click_index(count if pick < 0 else min(pick, count), in_message=keyboard)
        else:
            await user.send_text(ANSWERS.get(str(turn.input), "ok"))
    return reached


async def _answer_the_crisis_reply(user) -> None:  # type: ignore[no-untyped-def]
    """The crisis reply is the one open question; answering it brings the script back."""
    for prefix in ("ca:", "cs:"):
        for message in reversed(user.messages):
            buttons = [b for b in message.buttons() if (b.callback_data or "").startswith(prefix)]
            if buttons and not message.deleted:
                await user.click_index(1 if prefix == "ca:" else len(buttons), in_message=message)
                break


def _last_dialog_keyboard(user):  # type: ignore[no-untyped-def]
    for message in reversed(user.messages):
        if any((b.callback_data or "").startswith("d:") for b in message.buttons()):
            return message
    raise AssertionError("no dialog question on screen")


async def test_every_free_text_step_in_every_script_is_screened(harness: Harness) -> None:
    youth = harness.user(500, "Ada")
    person = await harness.onboard(youth, Role.YOUTH)
    scripts = _text_step_scripts()
    assert {"daily_checkin", "goal_setting", "weekly_reflection", "safety_plan"} <= set(scripts)
    key = StorageKey(harness.app.bot.id, person.telegram_id, person.telegram_id)
    state = FSMContext(harness.app.storage, key)
    for script_id, text_steps in scripts.items():
        reached: set[str] = set()
        for pick in (1, -1, 2, 3, 4):
            async with harness.app.sessionmaker() as session:
                runner = dialog_runner(session, harness.app.runtime)
                reached |= await _walk(harness, person, script_id, runner, state, pick)
        assert reached, f"{script_id}: no free-text step reached"
        async with harness.app.sessionmaker() as session:
            flags = (
                (
                    await session.execute(
                        select(CrisisFlag).where(CrisisFlag.source == f"script:{script_id}")
                    )
                )
                .scalars()
                .all()
            )
        # One flag per free text sent: each walk sends one per text step it reaches.
        assert len(flags) >= len(reached), (script_id, reached, text_steps)
        assert {f.category for f in flags} == {"active_ideation"}
