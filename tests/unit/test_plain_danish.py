"""Danish a 17-year-old reads: one quote style („…“, the one most Danish texts already used) and
no job-centre words — the mentor keeps the programme's sub-goal names, the young person gets
plain ones."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from bot.dialogs.texts import _DANISH as ENGINE_DANISH
from storage.models import Role
from tests.harness import Harness

DANISH_PAIR = re.compile(r"„[^„“”]*“")
OTHER_QUOTES = re.compile(r"[“”«»‹›]")
STRAIGHT_QUOTED = re.compile(r'"[^"]+"')
HTML_TAG = re.compile(r"<[^>]*>")
JARGON = re.compile(r"mødestabil", re.IGNORECASE)


def foreign_quotes(text: str, *, straight: bool = True) -> list[str]:
    rest = DANISH_PAIR.sub("", HTML_TAG.sub("", text))
    found = OTHER_QUOTES.findall(rest)
    if straight:
        found += STRAIGHT_QUOTED.findall(rest)
    return found


def _danish_catalogue() -> list[str]:
    path = REPO_ROOT / "locales" / "da" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="da")
    texts: list[str] = []
    for message in catalog:
        if message.id:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [form for form in forms if form]
    return texts


def _danish_script_lines() -> list[tuple[Path, str]]:
    lines = []
    for path in sorted((REPO_ROOT / "dialogs").rglob("*.yaml")):
        in_danish = [line for line in path.read_text("utf-8").splitlines() if "da:" in line]
        lines += [(path, line) for line in in_danish]
    return lines


def test_the_quote_check_finds_other_styles() -> None:
    assert foreign_quotes("tryk «Spring over»") == ["«", "»"]
    assert foreign_quotes("Slet “{title}” fra planen?") == ["“", "”"]
    assert foreign_quotes('svarede: "Jeg er okay."') == ['"Jeg er okay."']
    assert foreign_quotes('tryk „Spring over“ <a href="x">her</a>') == []


def test_danish_texts_use_one_quote_style() -> None:
    wrong = [t for t in _danish_catalogue() if foreign_quotes(t)]
    wrong += [t for t in ENGINE_DANISH.values() if foreign_quotes(t)]
    # YAML uses straight quotes as syntax, so only the typographic ones are checked there.
    wrong += [
        f"{p.name}: {line}"
        for p, line in _danish_script_lines()
        if foreign_quotes(line, straight=False)
    ]
    assert wrong == [], "Danish quotes are „…“:\n" + "\n".join(wrong)


def test_shipped_scripts_speak_without_job_centre_words() -> None:
    # Scripts reach young people; the programme's sub-goal names stay in subgoals.yaml `name`.
    found = [
        f"{p.name}: {line.strip()}"
        for p, line in _danish_script_lines()
        if JARGON.search(line) and p.name != "subgoals.yaml"
    ]
    assert found == []


async def test_youth_reads_plain_words_and_the_mentor_the_sub_goal_name(
    harness: Harness,
) -> None:
    mette = harness.user(960, "Mette")
    await harness.onboard(mette, Role.MENTOR)
    ada = harness.user(961, "Ada")
    await harness.onboard(ada, Role.YOUTH, mentor=960)

    await ada.send_command("goals")
    await ada.click("➕ Nyt mål")
    assert "At møde op og holde aftaler" in ada.buttons()
    await ada.click("At møde op og holde aftaler")
    await ada.send_text("Møde til tiden")
    await ada.send_text("Stille to vækkeure")
    await ada.click("I dag")
    await ada.click("Ja")
    await ada.send_command("goals")
    assert "At møde op og holde aftaler" in ada.last_text
    assert not any(JARGON.search(m.text or "") for m in ada.messages)

    await mette.send_command("subgoals")
    await mette.click("Ada")
    assert any("Ansvar og mødestabilitet" in label for label in mette.buttons())


async def test_the_checkin_note_step_quotes_the_danish_way(harness: Harness) -> None:
    ada = harness.user(962, "Ada")
    await harness.onboard(ada, Role.YOUTH)
    await ada.send_command("checkin")
    await ada.click("4")
    await ada.click("3")
    await ada.click(ada.buttons()[0])
    assert "„Spring over“" in ada.last_text
    assert all(not foreign_quotes(m.text or "") for m in ada.messages)
