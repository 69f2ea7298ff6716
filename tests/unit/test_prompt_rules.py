"""The motivational prompt rules over the shipped prompt library: each rule wins with a fixture
made for it; low mood eases off; nothing twice a day."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import REPO_ROOT
from bot.dialogs import PromptLibrary, load_catalogue
from bot.services.prompt_library import prompt_library
from bot.services.prompt_rules import Celebration, PromptFacts, choose_prompt

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    dialogs = REPO_ROOT / "dialogs"
    return prompt_library(dialogs, load_catalogue(dialogs))


def facts(**values: object) -> PromptFacts:
    base: dict[str, object] = {"today": TODAY, "trigger": "checkin"}
    base.update(values)
    return PromptFacts(**base)  # type: ignore[arg-type]


def test_celebrate_step_wins_after_a_done_step(library: PromptLibrary) -> None:
    done = Celebration("step:7", "responsibility", "Call the bakery")
    choice = choose_prompt(
        facts(steps_done=[done], streak=5, weakest_subgoal="community"), library
    )
    assert choice is not None and choice.rule == "celebrate_step"
    assert choice.ref == "step:7" and choice.variables["step"] == "Call the bakery"


def test_a_celebrated_step_is_not_celebrated_again(library: PromptLibrary) -> None:
    done = Celebration("step:7", "responsibility", "Call the bakery")
    choice = choose_prompt(facts(steps_done=[done], celebrated_refs={"step:7"}), library)
    assert choice is not None and choice.rule == "encourage"


def test_celebrate_rating_names_the_sub_goal(library: PromptLibrary) -> None:
    rose = Celebration("rating:community:2026-11-27", "community")
    choice = choose_prompt(facts(ratings_rose=[rose]), library)
    assert choice is not None and choice.rule == "celebrate_rating"
    assert choice.subgoal == "community" and choice.prompt.subgoal == "community"


def test_celebrate_attendance_after_a_week_of_showing_up(library: PromptLibrary) -> None:
    choice = choose_prompt(facts(attended_week=Celebration("attendance:2026-W48")), library)
    assert choice is not None and choice.rule == "celebrate_attendance"


def test_streak_milestone_is_reflected(library: PromptLibrary) -> None:
    choice = choose_prompt(facts(streak=10), library)
    assert choice is not None and choice.rule == "streak" and choice.variables["streak"] == 10
    # Not a milestone: no streak prompt (and nothing shames a broken streak).
    other = choose_prompt(facts(streak=7, days_since_last_prompt=1), library)
    assert other is None


def test_encourage_prefers_the_dropped_sub_goal_then_the_weakest(library: PromptLibrary) -> None:
    dropped = choose_prompt(facts(dropped_subgoal="skills", weakest_subgoal="community"), library)
    assert dropped is not None and dropped.rule == "encourage"
    assert dropped.prompt.subgoal == "skills"
    weakest = choose_prompt(facts(weakest_subgoal="community"), library)
    assert weakest is not None and weakest.prompt.subgoal == "community"


def test_way_back_only_on_own_time_after_missed_days(library: PromptLibrary) -> None:
    choice = choose_prompt(facts(trigger="own_time", days_missed=3), library)
    assert choice is not None and choice.rule == "way_back"
    assert choose_prompt(facts(trigger="own_time", days_missed=1), library) is None
    assert (
        choose_prompt(facts(trigger="own_time", days_missed=3, checked_in_today=True), library)
        is None
    )


def test_low_mood_eases_off_to_a_warm_check(library: PromptLibrary) -> None:
    low = {"recent_moods": [2, 1, 2, 4], "steps_done": [Celebration("step:1", None, "x")]}
    choice = choose_prompt(facts(**low), library)
    assert choice is not None and choice.rule == "low_mood_check"
    # The next days: nothing, until EASE_OFF_DAYS have passed.
    assert choose_prompt(facts(days_since_low_mood_check=1, **low), library) is None
    assert choose_prompt(facts(days_since_low_mood_check=2, **low), library) is None
    again = choose_prompt(facts(days_since_low_mood_check=3, **low), library)
    assert again is not None and again.rule == "low_mood_check"
    # Two low days are not yet "several".
    mixed = choose_prompt(facts(recent_moods=[1, 2, 4], streak=5), library)
    assert mixed is not None and mixed.rule == "streak"


def test_at_most_one_prompt_a_day(library: PromptLibrary) -> None:
    assert choose_prompt(facts(prompted_today=True, streak=5), library) is None


def test_recently_sent_prompts_are_skipped(library: PromptLibrary) -> None:
    first = choose_prompt(facts(streak=5), library)
    assert first is not None
    second = choose_prompt(facts(streak=5, recent_prompt_ids={first.prompt.id}), library)
    assert second is not None and second.prompt.id != first.prompt.id
    every_streak = {p.id for p in library.prompts if p.rule == "streak"}
    exhausted = choose_prompt(facts(streak=5, recent_prompt_ids=every_streak), library)
    assert exhausted is not None and exhausted.rule == "encourage"
