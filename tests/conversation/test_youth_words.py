"""A young person reads every sub-goal in their own words; mentors keep the programme's names.

Driven through the production dispatcher and the fake Telegram: goal setting, the weekly
self-rating, /progress, the joint review (question, side-by-side view, star chart, agreed focus)
and /mysummary, for a Danish and an English youth. Every text, caption, button label (also of
edited messages) and button answer a youth receives is searched for a programme name that
differs from the youth_name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import bot.handlers.reporting as reporting_handlers
import bot.telegram.review_messages as review_messages
from bot.dialogs import check_file, lint_text, load_catalogue
from bot.dialogs.subgoals import DIALOGS_DIR, SHIPPED_FILE
from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from bot.services.report_chart import ChartLabels
from bot.services.review_chart import RadarSeries
from storage.models import Role
from tests.conversation.invariants import official_names, programme_names_in, what_they_read
from tests.harness import Harness
from tests.unit.reporting_support import cph, texts, tick_at


def last_with(user: FakeUser, needle: str) -> BotMessage:
    for message in reversed(user.messages):
        if needle in message.text and message.buttons() and not message.deleted:
            return message
    raise AssertionError(f"no open question with {needle!r} for {user!r}")


async def rate_everything(user: FakeUser, needle: str, value: int = 5) -> int:
    """Answers every rating question with `needle` until none is left; how many were asked."""
    asked = 0
    while True:
        try:
            question = last_with(user, needle)
        except AssertionError:
            return asked
        await user.click(str(value), in_message=question)
        asked += 1


async def joint_review(
    mentor: FakeUser, youth: FakeUser, name: str, youth_asks: str, focus: list[str]
) -> None:
    await mentor.send_command("review")
    await mentor.click(name)
    asked = await rate_everything(youth, youth_asks)
    assert await rate_everything(mentor, f"Hvor ser du {name} lige nu?") == asked
    for subgoal in focus:
        await mentor.click(f"▫ {subgoal}", in_message=last_with(mentor, "Aftal fokus"))
    await mentor.click("Næste →", in_message=last_with(mentor, "Aftal fokus"))
    await mentor.click("6 uger", in_message=last_with(mentor, "næste fælles status"))


def test_every_shipped_sub_goal_has_a_youth_name_in_danish_and_english() -> None:
    checked = check_file(DIALOGS_DIR / SHIPPED_FILE)
    assert checked.messages == []  # no warning either (a missing youth_name is one)
    assert checked.subgoals is not None and len(checked.subgoals) == 11
    for sg in checked.subgoals:
        assert sg.youth_name is not None, f"{SHIPPED_FILE}: {sg.id} has no youth_name"
        assert set(sg.youth_name) >= {"da", "en"}, f"{SHIPPED_FILE}: {sg.id}"
        for lang in ("da", "en"):
            words = sg.youth_name[lang].strip()
            assert words and words != sg.name[lang], f"{sg.id} ({lang}) reads like the programme"


def test_programme_names_become_the_youths_words_in_any_language() -> None:
    catalogue = load_catalogue()
    mentor_text = (
        "📈 Vurderinger: Tro på egne evner – → 5 (selv); Hverdagsmestring 4 → 6\n"
        "📈 Ratings: Sobriety 3 → 4 (mentor)"
    )
    assert catalogue.in_youth_words(mentor_text) == (
        "📈 Vurderinger: At tro på mig selv – → 5 (selv); "
        "At få hverdagen til at hænge sammen 4 → 6\n"
        "📈 Ratings: Keeping alcohol and drugs in check 3 → 4 (mentor)"
    )
    assert programme_names_in([catalogue.in_youth_words(mentor_text)], catalogue) == []


def test_lint_warns_about_a_sub_goal_without_youth_name() -> None:
    local = (
        "kind: subgoals\nsubgoals:\n"
        "  - id: cooking\n    name: {da: Madlavning, en: Cooking}\n"
        "    description: {da: Lave mad selv, en: Cooking for yourself}\n"
    )
    [warning] = lint_text(local, "subgoals.local.yaml")
    assert warning.severity == "warning" and "no youth_name" in warning.message
    named = local + "    youth_name: {da: At lave mad}\n"
    [missing_en] = lint_text(named, "subgoals.local.yaml")
    assert missing_en.severity == "error" and "youth_name has no English" in missing_en.message
    assert lint_text(named, "subgoals.local.yaml", require_en=False) == []


async def test_a_young_person_never_reads_the_programme_names(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = harness.app.runtime.catalogue
    spokes: list[list[str]] = []
    chart_names: list[list[str]] = []

    def radar_spy(title: str, names: Sequence[str], series: Sequence[RadarSeries]) -> bytes:
        spokes.append(list(names))
        return radar_png(title, names, series)

    def chart_spy(series: Any, labels: ChartLabels) -> bytes:
        chart_names.append(list(labels.subgoal_names.values()))
        return render_png(series, labels)

    radar_png, render_png = review_messages.radar_png, reporting_handlers.render_png
    monkeypatch.setattr(review_messages, "radar_png", radar_spy)
    monkeypatch.setattr(reporting_handlers, "render_png", chart_spy)

    mette = harness.user(970, "Mette")
    await harness.onboard(mette, Role.MENTOR)
    ada = harness.user(971, "Ada")
    await harness.onboard(ada, Role.YOUTH, mentor=970)
    bo = harness.user(972, "Bo", language_code="en")
    await harness.onboard(bo, Role.YOUTH, mentor=970, locale_label="English")
    # Sobriety on for Ada: all eleven sub-goals reach her joint review.
    await mette.send_command("subgoals")
    await mette.click("Ada")
    await mette.click("⬜ Afrusning")

    # Goal setting offers the sub-goals as buttons.
    await ada.send_command("goals")
    await ada.click("➕ Nyt mål")
    assert "At møde op og holde aftaler" in ada.buttons()
    await ada.click("At tro på mig selv")
    await ada.send_text("Tro mere på mig selv")
    await ada.send_text("Skrive tre ting, jeg er god til")
    await ada.click("I dag")
    await ada.click("Ja")

    # The weekly self-rating and /progress.
    await ada.send_command("rating")
    assert await rate_everything(ada, "Hvor er du lige nu?") == 3
    await ada.click("Spring over")
    await ada.send_command("progress")
    assert "At tro på mig selv" in ada.last_text
    await bo.send_command("rating")
    assert await rate_everything(bo, "Where are you right now?") == 3
    await bo.click("Skip")
    await bo.send_command("progress")
    assert "Believing in myself" in bo.last_text

    # The joint review: each sub-goal, the view side by side, the chart, the agreed focus.
    await joint_review(
        mette, ada, "Ada", "Hvor er du lige nu?", ["Ansvar og mødestabilitet", "Afrusning"]
    )
    await joint_review(mette, bo, "Bo", "Where are you right now?", ["Tillid til systemet"])
    assert "„At møde op og holde aftaler“ og „At have styr på alkohol og stoffer“" in ada.last_text
    assert "“Being heard”" in bo.last_text
    youth_charts = [spoke for spoke in spokes if "At tro på mig selv" in spoke]
    mentor_charts = [spoke for spoke in spokes if "Tro på egne evner" in spoke]
    assert len(youth_charts) == 1 and len(mentor_charts) == 2
    assert "Believing in myself" in [s for spoke in spokes for s in spoke]
    assert not [s for spoke in youth_charts for s in spoke if s in official_names(catalogue)]

    # The weekly summary: the mentor reads the programme's names, /mysummary the youth's words.
    await tick_at(harness, cph(2026, 11, 30, 8, 0))
    summary = next(t for t in reversed(texts(mette.messages)) if t.startswith("Ada ·"))
    assert "Tro på egne evner" in summary
    await ada.send_command("mysummary")
    assert "At tro på mig selv" in ada.last_text
    assert chart_names and not [n for n in chart_names[-1] if n in official_names(catalogue)]
    await bo.send_command("mysummary")

    # The mentor keeps the programme's names, with the youth's words where they talk it over.
    mentor_read = "\n".join(what_they_read(mette))
    assert "Ansvar og mødestabilitet" in mentor_read
    assert "Ada ser det som „At møde op og holde aftaler“." in mentor_read
    for youth in (ada, bo):
        assert programme_names_in(what_they_read(youth), catalogue) == []
