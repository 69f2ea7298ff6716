"""The linter: shipped files are clean; every error class points at the right line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.dialogs import lint_file, lint_text, load_catalogue, load_prompt_library
from bot.dialogs.cli import lint_command
from bot.dialogs.lint import shipped_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
_EXPECT = re.compile(r"#\s*expect:\s*(.+?)\s*$")


def _expectations(path: Path) -> list[tuple[int, str]]:
    """`# expect: text` on a fixture line: a message containing `text` must be on that line."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if match := _EXPECT.search(line):
            out.append((number, match.group(1)))
    return out


@pytest.mark.parametrize("path", shipped_paths(), ids=lambda p: p.name)
def test_shipped_file_lints_clean(path: Path) -> None:
    assert [str(m) for m in lint_file(path)] == []


def test_lint_command_passes_on_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_command([]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_fixture_reports_each_error_on_its_line(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path.name} has no '# expect:' markers"
    messages = lint_file(path)
    for line, text in expected:
        hits = [m for m in messages if m.line == line and text in f"{m.severity}: {m.message}"]
        assert hits, f"{path.name}:{line}: no message containing {text!r}; got:\n" + "\n".join(
            map(str, messages)
        )
    expected_lines = {line for line, _ in expected}
    stray = [m for m in messages if m.severity == "error" and m.line not in expected_lines]
    assert stray == [], "\n".join(map(str, stray))


def test_lint_message_format_is_file_line_col() -> None:
    messages = lint_file(FIXTURES / "broken" / "unknown_subgoal.yaml")
    assert "unknown_subgoal.yaml:9:14: error: unknown sub-goal `happiness`; valid: " in str(
        messages[0]
    )


def test_lint_command_fails_on_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_command([str(FIXTURES / "broken" / "unreachable.yaml")]) == 1
    assert "unreachable.yaml:7:10: error: step 'b' can never be reached" in capsys.readouterr().out


def test_warnings_alone_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_command([str(FIXTURES / "broken" / "wrong_field_for_type.yaml")]) == 0
    assert "warning" in capsys.readouterr().out


def test_english_is_optional_when_not_required() -> None:
    text = (FIXTURES / "broken" / "missing_language.yaml").read_text(encoding="utf-8")
    assert lint_text(text, "own.yaml", require_en=False) == []
    assert lint_text(text, "own.yaml", require_en=True) != []


def test_thirty_step_fixture_is_clean() -> None:
    assert lint_file(FIXTURES / "long_branching.yaml") == []


def test_catalogue_has_the_eleven_subgoals_and_sobriety_is_off_by_default() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.subgoals) == 11
    assert "sobriety" not in catalogue.default_active()
    assert catalogue.name("self_belief", "en") == "Belief in own abilities"


def test_local_subgoals_are_merged(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "dialogs" / "subgoals.yaml"
    (tmp_path / "subgoals.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "subgoals.local.yaml").write_text(
        "kind: subgoals\nsubgoals:\n"
        "  - id: cooking\n    name: {da: Madlavning, en: Cooking}\n"
        "    description: {da: Lave mad selv, en: Cooking for yourself}\n"
        "  - id: sobriety\n    name: {da: Afrusning, en: Sobriety}\n"
        "    description: {da: Mindre rus, en: Less use}\n    default_active: true\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(tmp_path)
    assert [s.id for s in catalogue][-1] == "cooking"
    assert "sobriety" in catalogue.default_active()
    assert len(catalogue.subgoals) == 12


def test_prompt_library_covers_every_subgoal_with_prompts_and_a_ladder() -> None:
    library = load_prompt_library()
    for subgoal in load_catalogue().ids:
        assert len([p for p in library.prompts if p.subgoal == subgoal]) >= 5, subgoal
        assert len(library.ladders[subgoal].steps) >= 4, subgoal
        for prompt in library.prompts:
            assert {"da", "en"} <= set(prompt.text)


def test_prompt_candidates_skip_recent_ids_and_prefer_the_subgoal() -> None:
    library = load_prompt_library()
    first = library.candidates("encourage", "responsibility")
    assert first[0].subgoal == "responsibility"
    recent = {p.id for p in first[:2]}
    assert not recent & {p.id for p in library.candidates("encourage", "responsibility", recent)}
    assert all(p.rule == "way_back" for p in library.candidates("way_back"))


def test_ladder_goes_up_after_done_and_holds_then_lowers_after_misses() -> None:
    ladder = load_prompt_library().ladders["responsibility"]
    assert ladder.suggest(None, None).level == 1
    assert ladder.suggest(1, "done").level == 2
    assert ladder.suggest(4, "done").level == 4
    assert ladder.suggest(3, "missed").level == 3
    assert ladder.suggest(3, "missed", misses_in_row=2).level == 2
    assert ladder.suggest(1, "missed", misses_in_row=3).level == 1
    assert "2" in ladder.at(1).text["da"]
