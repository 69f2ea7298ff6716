"""Which script starts answer the young person (outside the daily budget of unsolicited
messages) and which are Fremad speaking on its own (inside it)."""

from __future__ import annotations

from bot.dialogs.triggers import EVENTS, REPLY_WITHIN_MINUTES
from bot.services.script_triggers import answers_the_youth


def test_a_start_right_after_the_youths_own_answer_is_a_reply() -> None:
    assert answers_the_youth("absence_with_reason", 1)
    assert answers_the_youth("checkin_low_mood", 0)
    assert answers_the_youth("goal_step_done", REPLY_WITHIN_MINUTES)


def test_a_late_start_or_an_event_the_youth_did_not_cause_is_fremad_speaking() -> None:
    assert not answers_the_youth("absence_with_reason", REPLY_WITHIN_MINUTES + 1)
    for event in ("silent_days", "mentor_note", "success", "activity_ended"):
        assert not answers_the_youth(event, 0), event
    assert not answers_the_youth("no_such_event", 0)


def test_every_event_says_whether_the_youth_caused_it() -> None:
    caused = {name for name, info in EVENTS.items() if info.by_the_youth}
    assert caused == {
        "checkin_low_mood",
        "absence_with_reason",
        "goal_step_done",
        "goal_step_missed",
        "prompt_answered",
    }
