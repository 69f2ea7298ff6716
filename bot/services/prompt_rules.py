"""Which motivational prompt, if any, a youth gets today — a pure rule over their data.

In order (the first rule that has a fitting, not-recently-sent prompt wins):
1. At most one prompt a day.
2. Mood low several days (the latest LOW_MOOD_DAYS moods all ≤ 2): ease off — nothing but a
   warm check (`low_mood_check`), and that at most once every EASE_OFF_DAYS days.
3. On its own at the youth's time (trigger "own_time"): only a way back after missed days
   (`way_back`), and only when today's check-in has not been answered.
4. After a check-in, name a success before anything else: a step done (`celebrate_step`), a
   self-rating that rose (`celebrate_rating`), a week of showing up (`celebrate_attendance`),
   then a streak milestone (`streak`) — each success celebrated once.
5. Otherwise encourage the most recently dropped or the weakest sub-goal (`encourage`), but
   not more often than every ENCOURAGE_EVERY_DAYS days.
No prompt id is sent twice to one youth within REPEAT_WINDOW_DAYS days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.dialogs import Prompt, PromptLibrary
from bot.dialogs.model import PromptRule

Trigger = Literal["checkin", "own_time"]
REPEAT_WINDOW_DAYS = 30
LOW_MOOD_MAX = 2
LOW_MOOD_DAYS = 3
EASE_OFF_DAYS = 3
ENCOURAGE_EVERY_DAYS = 2
WAY_BACK_AFTER_MISSED = 2
STREAK_MILESTONES = frozenset({3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100})


@dataclass(frozen=True)
class Celebration:
    """A success to celebrate once: `ref` says which ("step:12")."""

    ref: str
    subgoal: str | None = None
    step: str | None = None


@dataclass(frozen=True)
class PromptFacts:
    today: date
    trigger: Trigger
    prompted_today: bool = False
    days_since_last_prompt: int | None = None
    days_since_low_mood_check: int | None = None
    recent_prompt_ids: frozenset[str] = frozenset()
    celebrated_refs: frozenset[str] = frozenset()
    recent_moods: Sequence[int] = ()
    """Moods of the latest check-in days (within a week), newest first."""
    days_missed: int = 0
    checked_in_today: bool = False
    streak: int = 0
    steps_done: Sequence[Celebration] = ()
    ratings_rose: Sequence[Celebration] = ()
    attended_week: Celebration | None = None
    dropped_subgoal: str | None = None
    weakest_subgoal: str | None = None


@dataclass(frozen=True)
class PromptChoice:
    prompt: Prompt
    rule: PromptRule
    subgoal: str | None = None
    ref: str | None = None
    variables: dict[str, object] = field(default_factory=dict)


def mood_is_low(facts: PromptFacts) -> bool:
    latest = list(facts.recent_moods)[:LOW_MOOD_DAYS]
    return len(latest) >= LOW_MOOD_DAYS and all(m <= LOW_MOOD_MAX for m in latest)


def _rested(since: int | None, days: int) -> bool:
    return since is None or since >= days


def choose_prompt(facts: PromptFacts, library: PromptLibrary) -> PromptChoice | None:
    """The prompt to send now, or None (see the module docstring for the rules)."""
    if facts.prompted_today:
        return None

    def pick(
        rule: PromptRule,
        subgoal: str | None = None,
        ref: str | None = None,
        **variables: object,
    ) -> PromptChoice | None:
        found = library.candidates(rule, subgoal, exclude_ids=facts.recent_prompt_ids)
        if not found:
            return None
        return PromptChoice(found[0], rule, subgoal, ref, dict(variables))

    if mood_is_low(facts):
        rested = _rested(facts.days_since_low_mood_check, EASE_OFF_DAYS)
        return pick("low_mood_check") if rested else None
    if facts.trigger == "own_time":
        if facts.days_missed >= WAY_BACK_AFTER_MISSED and not facts.checked_in_today:
            return pick("way_back", days_missed=facts.days_missed)
        return None
    for done in facts.steps_done:
        if done.ref not in facts.celebrated_refs:
            choice = pick("celebrate_step", done.subgoal, done.ref, step=done.step)
            if choice:
                return choice
    for rose in facts.ratings_rose:
        if rose.ref not in facts.celebrated_refs:
            choice = pick("celebrate_rating", rose.subgoal, rose.ref)
            if choice:
                return choice
    week = facts.attended_week
    if week is not None and week.ref not in facts.celebrated_refs:
        choice = pick("celebrate_attendance", ref=week.ref)
        if choice:
            return choice
    streak_ref = f"streak:{facts.streak}"
    if facts.streak in STREAK_MILESTONES and streak_ref not in facts.celebrated_refs:
        choice = pick("streak", ref=streak_ref, streak=facts.streak)
        if choice:
            return choice
    if _rested(facts.days_since_last_prompt, ENCOURAGE_EVERY_DAYS):
        for subgoal in (facts.dropped_subgoal, facts.weakest_subgoal):
            if subgoal is not None and (choice := pick("encourage", subgoal)):
                return choice
        return pick("encourage")
    return None
