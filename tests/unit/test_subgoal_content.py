"""Content for every sub-goal: a staff script with a measure, and concrete ladder rungs — and the
measures reach the summary (sobriety only where switched on, and only with the youth's yes)."""

from __future__ import annotations

from pathlib import Path

from bot.dialogs import check_file
from bot.local_telegram import FakeUser
from bot.services.active_subgoals import ActiveSubgoals
from tests.harness import Harness
from tests.unit.reporting_support import cph, mentor_and_youths, texts, tick_at

ROOT = Path(__file__).resolve().parents[2]
# The eleven sub-goals of the research (METHOD.md), in its order.
ELEVEN = (
    "self_belief",
    "community",
    "responsibility",
    "skills",
    "clarity",
    "illness_coping",
    "system_trust",
    "labour_market",
    "everyday_coping",
    "motivation",
    "sobriety",
)
# Rungs that say nothing a young person can do this week.
GENERIC = ("do your best", "work on", "improve", "try harder", "be better", "keep going")


def test_each_of_the_eleven_subgoals_has_a_script_a_measure_and_concrete_rungs() -> None:
    library = check_file(ROOT / "dialogs/scripts/prompts.yaml").library
    catalogue = check_file(ROOT / "dialogs/subgoals.yaml").subgoals
    assert library is not None and catalogue is not None
    assert [s.id for s in catalogue] == list(ELEVEN)
    seen_rungs: set[str] = set()
    for subgoal in ELEVEN:
        result = check_file(ROOT / f"dialogs/scripts/measure_{subgoal}.yaml")
        assert result.ok and result.script is not None, (subgoal, result.messages)
        steps = result.script.steps
        measures = [s for s in steps if s.metric == "measure" and s.subgoal == subgoal]
        assert len(measures) == 1 and measures[0].type == "yes_no", subgoal
        # Questions with buttons: the measure and at least one choice of a next idea.
        assert any(s.type == "choice" and s.subgoal == subgoal for s in steps), subgoal
        ladder = library.ladders.get(subgoal)
        assert ladder is not None and len(ladder.steps) >= 4, subgoal
        for rung in ladder.steps:
            for language in ("da", "en"):
                text = rung.text[language]
                assert 10 <= len(text) <= 90, (subgoal, text)
                assert not any(g in text.lower() for g in GENERIC), (subgoal, text)
            assert rung.text["en"] not in seen_rungs, (subgoal, rung.text["en"])
            seen_rungs.add(rung.text["en"])


async def _answer_focus(user: FakeUser, *, yes: bool, share: bool | None = None) -> None:
    await user.send_command("focus")
    await user.click("Ja" if yes else "Nej")
    await user.click_index(1)  # the first idea
    if share is not None:
        await user.click("Ja" if share else "Nej")


async def test_measures_reach_the_summary_sobriety_only_with_consent(harness: Harness) -> None:
    mentor, [(ada, person)] = await mentor_and_youths(harness, ["Ada"])
    harness.clock.set(cph(2026, 11, 24, 10, 0))
    # Ten sub-goals are active by default (sobriety is off): /focus asks each once this week.
    for index in range(10):
        await _answer_focus(ada, yes=index % 2 == 0)
    await ada.send_command("focus")
    assert "svaret på ugens spørgsmål" in ada.last_text
    await tick_at(harness, cph(2026, 11, 30, 8, 0))
    summary = texts(mentor.messages)[-1]
    assert "📏 Denne uge: Tro på egne evner ja 1 af 1 · Fagligt fællesskab ja 0 af 1" in summary
    assert "Afrusning" not in summary
    # The mentor switches sobriety on; the youth answers it but says no to sharing.
    async with harness.app.sessionmaker() as session:
        await ActiveSubgoals(session, harness.app.runtime.catalogue, harness.clock).switch(
            person, "sobriety", True, None
        )
    harness.clock.set(cph(2026, 12, 1, 10, 0))
    for _ in range(10):
        await _answer_focus(ada, yes=True)
    await _answer_focus(ada, yes=True, share=False)
    await tick_at(harness, cph(2026, 12, 7, 8, 0))
    assert "Afrusning" not in texts(mentor.messages)[-1]
    # Next week she says yes to sharing: now, and only now, the mentor sees it.
    harness.clock.set(cph(2026, 12, 8, 10, 0))
    for _ in range(10):
        await _answer_focus(ada, yes=True)
    await _answer_focus(ada, yes=True, share=True)
    await tick_at(harness, cph(2026, 12, 14, 8, 0))
    assert "Afrusning ja 1 af 1" in texts(mentor.messages)[-1]
