"""Goals through the production dispatcher: set a goal with a step, tick it off, the next
suggestion goes up the ladder; missed steps hold the level, then go one rung down."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.local_telegram import FakeUser
from storage.models import Goal, GoalStep, Role, Success
from tests.harness import Harness

RESPONSIBILITY_LADDER = {
    1: "Show up 2 days this week.",
    2: "Show up 3 days this week.",
    3: "Show up 4 days this week.",
}


async def _youth(h: Harness, telegram_id: int = 300) -> FakeUser:
    user = h.user(telegram_id, "Ada", language_code="en")
    await h.onboard(user, Role.YOUTH, locale_label="English")
    return user


async def _set_goal(user: FakeUser, subgoal_label: str, goal: str, step: str) -> None:
    await user.send_command("goals")
    assert "You have no goals yet" in user.last_text
    await user.click("➕ New goal")
    await user.click(subgoal_label)
    await user.send_text(goal)
    await user.send_text(step)
    await user.click("Tomorrow")
    assert "Shall I save it?" in user.last_text
    await user.click("Yes")


async def _steps(h: Harness) -> list[GoalStep]:
    async with h.app.sessionmaker() as session:
        return list((await session.execute(select(GoalStep).order_by(GoalStep.id))).scalars())


async def test_goal_with_steps_ticked_off_raises_the_next_suggestion(harness: Harness) -> None:
    ada = await _youth(harness)
    await _set_goal(ada, "Showing up and keeping appointments", "Get up on time", "Alarm at 7")
    async with harness.app.sessionmaker() as session:
        goal = (await session.execute(select(Goal))).scalar_one()
    assert goal.subgoal == "responsibility" and goal.text == "Get up on time"
    steps = await _steps(harness)
    assert [(s.text, s.level, s.due_date) for s in steps] == [
        ("Alarm at 7", 1, date(2026, 11, 24))
    ]

    await ada.send_command("goals")
    board = ada.last_text
    assert "Get up on time" in board and "Alarm at 7 — by 24 Nov" in board
    assert "Next, same size: " + RESPONSIBILITY_LADDER[1] in board
    await ada.click("◻️ Alarm at 7")
    await ada.click("✅ Done")
    assert "Done: Alarm at 7. You did that" in ada.last_text
    assert "Next, a little bigger: " + RESPONSIBILITY_LADDER[2] in ada.last_text

    # The next step: take the suggestion (level 2), due in a week.
    await ada.click("➕ Add the next step")
    assert RESPONSIBILITY_LADDER[2] in ada.last_text
    await ada.click("Yes, I'll take that")
    await ada.click("In a week")
    steps = await _steps(harness)
    assert [(s.text, s.level, s.status) for s in steps] == [
        ("Alarm at 7", 1, "done"),
        (RESPONSIBILITY_LADDER[2], 2, "open"),
    ]
    async with harness.app.sessionmaker() as session:
        successes = list((await session.execute(select(Success))).scalars())
    assert [(s.kind, s.text) for s in successes] == [("step_done", "Alarm at 7")]

    # Tick the second one too: the suggestion climbs to level 3.
    await ada.send_command("goals")
    await ada.click("◻️ " + RESPONSIBILITY_LADDER[2][:39])
    await ada.click("✅ Done")
    assert "Next, a little bigger: " + RESPONSIBILITY_LADDER[3] in ada.last_text


async def test_missed_step_holds_the_level_then_goes_smaller(harness: Harness) -> None:
    ada = await _youth(harness, 301)
    await _set_goal(ada, "Showing up and keeping appointments", "Be there", "Bus at 8")
    await ada.send_command("goals")
    await ada.click("◻️ Bus at 8")
    await ada.click("✅ Done")
    await ada.click("➕ Add the next step")
    await ada.click("Yes, I'll take that")  # level 2
    await ada.click("Tomorrow")
    # Two days later the level-2 step is past its date: one miss → the same size.
    harness.clock.advance(timedelta(days=2))
    await ada.send_command("goals")
    assert "the date has passed" in ada.last_text
    assert "Next, same size: " + RESPONSIBILITY_LADDER[2] in ada.last_text
    # Letting that step go is still one miss; a second level-2 step let go makes two misses
    # in a row → one rung down.
    await ada.click("◻️ " + RESPONSIBILITY_LADDER[2][:39])
    await ada.click("🍃 Let it go")
    assert "off your list" in ada.last_text
    assert "Next, same size: " + RESPONSIBILITY_LADDER[2] in ada.last_text
    await ada.click("➕ Add the next step")
    await ada.click("I'll write my own")
    await ada.send_text("Go 3 days")
    await ada.click("Today")
    steps = await _steps(harness)
    assert [(s.text, s.level) for s in steps][-1] == ("Go 3 days", 2)
    await ada.send_command("goals")
    await ada.click("◻️ Go 3 days")
    await ada.click("🍃 Let it go")
    assert "Next, a bit smaller: " + RESPONSIBILITY_LADDER[1] in ada.last_text


async def test_step_gets_a_new_date_and_goal_can_be_reached(harness: Harness) -> None:
    ada = await _youth(harness, 302)
    await _set_goal(ada, "Believing in myself", "Feel better about me", "List 3 strengths")
    await ada.send_command("goals")
    await ada.click("◻️ List 3 strengths")
    await ada.click("📅 New date")
    await ada.click("In 2 weeks")
    assert "New date: 7 Dec" in ada.last_text
    steps = await _steps(harness)
    assert steps[0].due_date == date(2026, 12, 7) and steps[0].times_moved == 1
    await ada.send_command("goals")
    await ada.click("🎯 Feel better about me")
    await ada.click("🏁 Goal reached")
    assert "Goal reached" in ada.last_text
    await ada.send_command("successes")
    assert "Look how far you have come" in ada.last_text
    assert "Goal reached: Feel better about me" in ada.last_text


async def test_a_saved_goal_shows_the_board_the_script_asks_for(harness: Harness) -> None:
    """goal_setting.yaml ends with `action: show_goals`: the board follows the thanks."""
    ada = await _youth(harness, 303)
    await _set_goal(ada, "Showing up and keeping appointments", "Get up on time", "Alarm at 7")
    thanks, board = ada.messages[-2:]
    assert "Saved!" in thanks.text
    assert "Get up on time" in board.text and "Alarm at 7 — by 24 Nov" in board.text
    assert "◻️ Alarm at 7" in ada.buttons(board)


async def test_an_own_success_shows_the_list_the_script_asks_for(harness: Harness) -> None:
    """own_success.yaml ends with `action: show_successes`: the list, with it, follows."""
    ada = await _youth(harness, 304)
    await ada.send_command("successes")
    assert "still empty" in ada.last_text
    await ada.click("⭐ Add a success")
    await ada.send_text("I called the job centre myself")
    await ada.click("No, just for me")
    thanks, listing = ada.messages[-2:]
    assert "Added to your list" in thanks.text
    assert "Look how far you have come" in listing.text
    assert "I called the job centre myself" in listing.text
