"""Buttons of the motivation feature: the goal board, step and goal menus, successes, and the
mentor's pick-a-youth → pick-a-sub-goal → value flows."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.dialogs import SubgoalCatalogue
from bot.services.goals import MOVE_CHOICES_DAYS, GoalBoard
from storage.models import Person

LABEL_CHARS = 40


class GoalAct(CallbackData, prefix="gl"):
    """step/done/move/mv/drop (id = step), goal/next/reach/gdrop (id = goal), new, addsucc."""

    action: str
    id: int = 0
    arg: int = 0


class MentorPick(CallbackData, prefix="mr"):
    """flow: rate, belief, sg (sub-goals on/off), succ (add a success), prog (progress)."""

    flow: str
    youth: int = 0
    subgoal: str = ""
    value: int = -1


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def board_keyboard(boards: Sequence[GoalBoard]) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for board in boards:
        rows.append(
            [_button("🎯 " + _short(board.goal.text), GoalAct(action="goal", id=board.goal.id))]
        )
        for step in board.steps:
            if step.status == "open":
                rows.append(
                    [_button("◻️ " + _short(step.text), GoalAct(action="step", id=step.id))]
                )
    rows.append([_button(_("➕ New goal"), GoalAct(action="new"))])
    return _markup(rows)


def step_keyboard(step_id: int) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(_("✅ Done"), GoalAct(action="done", id=step_id))],
            [_button(_("📅 New date"), GoalAct(action="move", id=step_id))],
            [_button(_("🍃 Let it go"), GoalAct(action="drop", id=step_id))],
        ]
    )


def move_keyboard(step_id: int) -> InlineKeyboardMarkup:
    labels = {
        1: _("Tomorrow"),
        3: _("In 3 days"),
        7: _("In a week"),
        14: _("In 2 weeks"),
    }
    return _markup(
        [
            [_button(labels[days], GoalAct(action="mv", id=step_id, arg=days))]
            for days in MOVE_CHOICES_DAYS
        ]
    )


def goal_keyboard(goal_id: int) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(_("➕ Next step"), GoalAct(action="next", id=goal_id))],
            [_button(_("🏁 Goal reached"), GoalAct(action="reach", id=goal_id))],
            [_button(_("🍃 Let the goal go"), GoalAct(action="gdrop", id=goal_id))],
        ]
    )


def next_step_keyboard(goal_id: int) -> InlineKeyboardMarkup:
    return _markup([[_button(_("➕ Add the next step"), GoalAct(action="next", id=goal_id))]])


def successes_keyboard() -> InlineKeyboardMarkup:
    return _markup([[_button(_("⭐ Add a success"), GoalAct(action="addsucc"))]])


def youths_keyboard(flow: str, youths: Sequence[Person]) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(_short(y.first_name or str(y.id)), MentorPick(flow=flow, youth=y.id))]
            for y in youths
        ]
    )


def subgoals_keyboard(
    flow: str, youth_id: int, subgoals: Sequence[str], catalogue: SubgoalCatalogue, locale: str
) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(catalogue.name(s, locale), MentorPick(flow=flow, youth=youth_id, subgoal=s))]
            for s in subgoals
        ]
    )


def values_keyboard(
    flow: str, youth_id: int, subgoal: str, low: int, high: int
) -> InlineKeyboardMarkup:
    buttons = [
        _button(str(v), MentorPick(flow=flow, youth=youth_id, subgoal=subgoal, value=v))
        for v in range(low, high + 1)
    ]
    return _markup([buttons[i : i + 6] for i in range(0, len(buttons), 6)])


def toggles_keyboard(
    youth_id: int, active: Sequence[str], catalogue: SubgoalCatalogue, locale: str
) -> InlineKeyboardMarkup:
    rows = []
    for subgoal in catalogue:
        on = subgoal.id in active
        label = ("✅ " if on else "⬜ ") + catalogue.name(subgoal.id, locale)
        data = MentorPick(flow="sg", youth=youth_id, subgoal=subgoal.id, value=0 if on else 1)
        rows.append([_button(label, data)])
    return _markup(rows)
