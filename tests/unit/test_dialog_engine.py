"""The engine: branches, loops, skips and ends; invalid input re-asks without losing answers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.dialogs import (
    DONE,
    SKIP,
    DialogContext,
    Script,
    StateMismatch,
    Turn,
    answer,
    current,
    load_catalogue,
    load_script,
    start,
)
from bot.dialogs.lint import shipped_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs"
TODAY = date(2025, 3, 10)


@pytest.fixture(scope="module")
def long_script() -> Script:
    return load_script(FIXTURES / "long_branching.yaml")


def ctx(locale: str = "en", **variables: Any) -> DialogContext:
    return DialogContext(
        locale=locale,
        variables={"first_name": "Sam", **variables},
        catalogue=load_catalogue(),
        active_subgoals=["responsibility", "self_belief", "motivation"],
        today=TODAY,
    )


def run(script: Script, answers: list[str], context: DialogContext) -> list[Turn]:
    """Play answers in order; every state must survive a JSON round trip (it is persisted)."""
    turns = [start(script, context)]
    for raw in answers:
        state = json.loads(json.dumps(turns[-1].state))
        turns.append(answer(script, state, raw, context))
    return turns


def recorded(turns: list[Turn]) -> dict[str, Any]:
    return {r.key: r.value for t in turns for r in t.recorded}


@pytest.mark.parametrize(
    ("answers", "end_text", "expected"),
    [
        (["3", "work", "4", "8.30", "yes", "rest"], "End: middle", {"plan": "rest", "hours": 4}),
        (["3", "school", "2,0", "kl 9", "no"], "End: middle", {"start": "09:00", "again": False}),
        (
            ["1", "yes", "Hard day", "no", "2", "tomorrow"],
            "End: low",
            {"follow_up": "2025-03-11", "low_note": "Hard day"},
        ),
        (["2", "no", "3", "24/3"], "End: low", {"talk": False, "follow_up": "2025-03-24"}),
        (["5", "a", "b", DONE, "3", "4"], "End: high", {"things": ["a", "b"], "rate": 4}),
        (["4", "c", DONE, "About c"], "End: c", {"things": ["c"], "c_text": "About c"}),
        (["5", "b", DONE, "1", "9", "no", "10", "yes"], "End: top", {"rate": 10}),
    ],
)
def test_thirty_step_script_runs_to_each_end(
    long_script: Script, answers: list[str], end_text: str, expected: dict[str, Any]
) -> None:
    assert len(long_script.steps) == 30
    turns = run(long_script, answers, ctx())
    last = turns[-1]
    assert last.finished and last.input == "none" and last.state["finished"]
    assert last.messages[-1] == end_text
    assert expected.items() <= recorded(turns).items()
    assert all(t.error is None for t in turns)


def test_low_path_offers_sos_and_runs_free_text_through_crisis_check(long_script: Script) -> None:
    turns = run(long_script, ["1", "yes", "I feel <bad>"], ctx())
    assert "show_sos" in turns[2].actions
    assert turns[3].crisis_check == ("I feel <bad>",)
    assert turns[3].input == "share"
    turns.append(answer(long_script, turns[3].state, "yes", ctx()))
    [note] = turns[4].recorded
    assert note.value == "I feel <bad>" and note.shared_with_mentor is True


def test_skip_if_uses_caller_variables(long_script: Script) -> None:
    answers = ["5", "b", DONE, "1", "9", "yes"]
    without = run(long_script, answers, ctx())[-1].messages
    with_streak = run(long_script, answers, ctx(streak=3))[-1].messages
    assert "No streak yet" in without and "No streak yet" not in with_streak


def test_rendered_answer_shows_labels(long_script: Script) -> None:
    turns = run(long_script, ["5", "a", "c", DONE], ctx())
    assert "Picked: A, C" in turns[-1].messages


def test_loop_back_overwrites_the_answer_and_keeps_others(long_script: Script) -> None:
    turns = run(
        long_script, ["3", "work", "4", "08:00", "yes", "school", "6", "10:15", "no"], ctx()
    )
    assert turns[-1].finished
    assert turns[-1].state["answers"] == {
        "mood": 3,
        "plan": "school",
        "hours": 6,
        "start": "10:15",
        "again": False,
    }


@pytest.mark.parametrize(
    ("prefix", "bad", "error"),
    [
        (["3", "work"], "abc", "invalid_number"),
        (["3", "work"], "13", "invalid_number_max"),
        (["3", "work", "4"], "25:99", "invalid_time"),
        (["3", "work", "4"], "soon", "invalid_time"),
        ([], "6", "invalid_scale"),
        ([], "three", "invalid_scale"),
        (["3"], "holiday", "invalid_choice"),
        (["3", "work", "4", "08:00"], "maybe", "invalid_yes_no"),
        (["1", "no", "2"], "31/02/2025", "invalid_date"),
        (["1", "no", "2"], "2025-05-01", "date_too_late"),
        (["1", "no", "2"], "2025-03-01", "date_too_early"),
        (["1", "yes"], "x" * 101, "text_too_long"),
        (["1", "yes"], "   ", "text_empty"),
        (["5"], DONE, "too_few_selected"),
    ],
)
def test_invalid_input_reasks_without_losing_answers(
    long_script: Script, prefix: list[str], bad: str, error: str
) -> None:
    before = run(long_script, prefix, ctx())[-1]
    after = answer(long_script, before.state, bad, ctx())
    assert after.error == error
    assert after.step_id == before.step_id and not after.finished
    assert after.state["answers"] == before.state["answers"]
    assert after.recorded == ()
    assert len(after.messages) == 2 and after.messages[1] == before.messages[-1]
    assert after.buttons == before.buttons


def test_reask_message_is_translated_via_engine_texts(long_script: Script) -> None:
    def texts(key: str, locale: str) -> str:
        return f"[{locale}:{key}] {{min}}-{{max}}"

    context = DialogContext(locale="da", texts=texts, today=TODAY)
    turn = start(long_script, context)
    turn = answer(long_script, turn.state, "9", context)
    assert turn.messages[0] == "[da:invalid_scale] 1-5"
    assert turn.messages[1] == "Humør?"


def test_optional_step_has_a_skip_button_and_records_a_skip(long_script: Script) -> None:
    turns = run(long_script, ["1", "yes"], ctx())
    assert turns[-1].buttons[-1].value == SKIP
    turn = answer(long_script, turns[-1].state, SKIP, ctx())
    assert turn.recorded[0].skipped and turn.recorded[0].value is None
    assert turn.step_id == "s15"


def test_multi_choice_toggles_and_marks_selection(long_script: Script) -> None:
    turns = run(long_script, ["5", "a", "b", "a"], ctx())
    labels = [b.label for b in turns[-1].buttons]
    assert labels == ["A", "✓ B", "C", "Done"]
    assert turns[-1].state["pending"] == ["b"]


def test_typed_label_counts_like_a_button(long_script: Script) -> None:
    turns = run(long_script, ["3", "school"], ctx())
    assert recorded(turns)["plan"] == "school"
    turns = run(long_script, ["3", "Skole"], ctx("da"))
    assert recorded(turns)["plan"] == "school"


def test_state_from_another_version_is_refused(long_script: Script) -> None:
    turn = start(long_script, ctx())
    with pytest.raises(StateMismatch):
        answer(long_script, {**turn.state, "version": 2}, "3", ctx())


def test_current_reshows_the_open_question(long_script: Script) -> None:
    turn = run(long_script, ["3"], ctx())[-1]
    again = current(long_script, turn.state, ctx())
    assert again.messages == (turn.messages[-1],) and again.buttons == turn.buttons
    assert again.state["seq"] == turn.state["seq"]


def test_answer_after_finish_is_a_no_op(long_script: Script) -> None:
    last = run(long_script, ["3", "rest"], ctx())[-1]
    assert last.finished
    assert answer(long_script, last.state, "3", ctx()).finished


def test_for_each_asks_once_per_active_subgoal_in_catalogue_order() -> None:
    script = load_script(Path("dialogs/scripts/self_rating.yaml").resolve())
    turns = run(script, ["4", "6", "9", SKIP], ctx())
    keys = [(r.key, r.subgoal, r.value) for t in turns for r in t.recorded if r.metric]
    assert keys[:3] == [
        ("rating.self_belief", "self_belief", 4),
        ("rating.responsibility", "responsibility", 6),
        ("rating.motivation", "motivation", 9),
    ]
    assert "Believing in myself" in turns[0].messages[-1]  # the sub-goal in youth words
    assert turns[-1].finished


def test_daily_checkin_way_back_opening_after_missed_days() -> None:
    script = load_script(Path("dialogs/scripts/daily_checkin.yaml").resolve())
    assert "Ny dag, nyt forsøg" in start(script, ctx("da", days_missed=2)).messages[0]
    assert "Klar til dagens check-in" in start(script, ctx("da", days_missed=0)).messages[0]
    assert "Klar til dagens check-in" in start(script, ctx("da")).messages[0]


def test_daily_checkin_tags_mood_and_offers_sos_on_low_mood() -> None:
    script = load_script(Path("dialogs/scripts/daily_checkin.yaml").resolve())
    turns = run(script, ["1", "yes", "2", "internship", SKIP], ctx())
    mood = turns[1].recorded[0]
    assert (mood.key, mood.subgoal, mood.metric) == ("mood", "illness_coping", "mood")
    assert "show_sos" in turns[2].actions
    assert turns[-1].finished and "/sos" in turns[-1].messages[-1]


def test_attendance_absent_with_reason() -> None:
    script = load_script(Path("dialogs/scripts/attendance_followup.yaml").resolve())
    context = ctx(activity="<Bageriet>")
    first = start(script, context)
    assert "&lt;Bageriet&gt;" in first.messages[0]
    turns = run(script, ["absent", "anxiety", SKIP, "Pack my bag", "no"], context)
    values = recorded(turns)
    assert values["attendance"] == "absent" and values["absence_reason"] == "anxiety"
    assert turns[-1].finished
    attended = run(script, ["attended"], context)[-1]
    assert attended.finished and "showed up" in attended.messages[-1]


@pytest.mark.parametrize("locale", ["da", "en", "de"])
@pytest.mark.parametrize(
    "path", [p for p in shipped_paths() if p.parent.name == "scripts" and p.stem != "prompts"]
)
def test_every_shipped_script_starts_in_every_locale(path: Path, locale: str) -> None:
    turn = start(load_script(path), ctx(locale, activity="praktik"))
    assert turn.messages and not turn.finished and turn.input != "none"
