"""The trained half of the crisis screen (issue 15): the shipped model is trained from the
current tuning and training splits (never a held-out one) and holds no sentence; the trainer
learns what it is shown; the model reads only what the rules leave, names its category and the
rule id ``model``, is more sensitive right after a low mood answer, and a broken model file gets
a clear error. The measured figures are in test_crisis_corpus.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.resources import shipped_dialogs_dir
from bot.services.crisis_detection import CrisisRules, load_crisis_rules, load_crisis_screen
from bot.services.crisis_model import MODEL_RULE_ID, CrisisModelError, load_crisis_model
from bot.services.crisis_model_training import TRAINING_SPLITS, main
from tests.harness import running_harness
from tests.unit.test_crisis_categories import CRISIS_BUTTON, _alerts, _flags, _pair

ROOT = Path(__file__).resolve().parents[2]
CRISIS = ROOT / "dialogs" / "crisis"
PHRASES = CRISIS / "phrases.yaml"
CORPUS = ROOT / "tests" / "fixtures" / "crisis"
HEADER = "text\tlabel\tcategory\tlanguage\tcontext\tsplit"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_model_is_trained_from_the_current_corpus_and_rules() -> None:
    trained_on = load_crisis_model(CRISIS / "model.npz").trained_on
    retrain = "retrain: python -m bot.services.crisis_model_training"
    expected = {f"{split}.tsv": _sha256(CORPUS / f"{split}.tsv") for split in TRAINING_SPLITS}
    assert trained_on["corpus"] == expected, retrain
    assert trained_on["phrases_sha256"] == _sha256(PHRASES), retrain
    assert not any(name.startswith("heldout") for name in trained_on["corpus"])


def test_shipped_model_holds_no_sentence() -> None:
    model = load_crisis_model(CRISIS / "model.npz")
    for feature in model.index:
        if feature.startswith("#"):
            assert " " not in feature
        elif feature.startswith(("%", "&")):
            assert feature.count(" ") == 1
        else:
            assert len(feature) <= 5


def _corpus(path: Path) -> Path:
    """A small made-up corpus: two invented words stand for two kinds of crisis."""
    days = [
        "i dag var jeg i praktik",
        "vi spiste frokost sammen",
        "jeg sov længe i weekenden",
        "mødet på jobcentret gik fint",
        "jeg spillede fodbold med min bror",
        "bussen var forsinket igen",
        "min chef roste mig",
        "jeg lavede lektier hele aftenen",
        "vi så en film i klassen",
        "jeg købte nye sko",
    ]
    rows = [HEADER]
    for day in days:
        rows.append(f"{day}\tnone\teveryday\tda\t\ttuning")
        rows.append(f"{day} og det var okay\tnone\teveryday\tda\t\ttuning")
        rows.append(f"{day} men jeg er helt blorp\tcrisis\tpassive_wish\tda\t\ttuning")
        rows.append(f"blorp igen, {day}\tcrisis\tpassive_wish\tda\t\ttuning")
        rows.append(f"{day}, bagefter kvanx igen\tcrisis\tself_harm\tda\t\ttuning")
        rows.append(f"kvanx i aftes efter at {day}\tcrisis\tself_harm\tda\t\ttuning")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrisisRules, Path]:
    folder = tmp_path_factory.mktemp("model")
    out = folder / "model.npz"
    assert main(["--corpus", str(_corpus(folder / "corpus.tsv")), "--out", str(out)]) == 0
    return load_crisis_rules(PHRASES, model=out), out


def test_trainer_learns_what_it_is_shown_and_the_screen_names_category_and_rule(
    trained: tuple[CrisisRules, Path],
) -> None:
    screen, out = trained
    rules_alone = screen.with_model(None)
    for text, category in (
        ("jeg er så blorp lige nu", "passive_wish"),
        ("kvanx, det skete igen", "self_harm"),
    ):
        assert rules_alone.match(text) is None  # no rule knows these words
        hit = screen.match(text)
        assert hit is not None and (hit.category, hit.rule_id) == (category, MODEL_RULE_ID)
        assert not screen.is_friend(hit)
    assert screen.match("vi så en film og spiste frokost") is None
    trained_on = load_crisis_model(out).trained_on
    assert trained_on["corpus"] == {"corpus.tsv": _sha256(out.parent / "corpus.tsv")}


def test_model_does_not_read_what_the_rules_hold_back(
    trained: tuple[CrisisRules, Path],
) -> None:
    screen, _ = trained
    # A sentence about someone else is the friend answer, whatever words the model knows in it.
    text = "min veninde vil ikke leve mere, hun er helt blorp"
    hit = screen.match(text)
    assert hit is not None and screen.is_friend(hit)
    assert "blorp" not in screen.residue(text)
    # An idiom the rules never count is left out too, the rest is read.
    assert screen.residue("jeg døde af grin i går") == "jeg i gaar"
    # A phrase staff made count only after a low mood answer is not the model's without one.
    assert "giver op" not in screen.residue("jeg giver op nu")
    assert "giver op" in screen.residue("jeg giver op nu", low_mood=True)


def test_low_mood_just_before_makes_the_model_more_sensitive(
    trained: tuple[CrisisRules, Path],
) -> None:
    screen, _ = trained
    assert screen.model is not None
    text = "i dag er jeg lidt blorp"
    score = screen.model.score(screen.residue(text))
    between = dataclasses.replace(
        screen.model, threshold=score + 0.001, threshold_low_mood=score - 0.001
    )
    sensitive = screen.with_model(between)
    assert sensitive.match(text) is None
    hit = sensitive.match(text, low_mood=True)
    assert hit is not None and hit.rule_id == MODEL_RULE_ID
    shipped = load_crisis_model(CRISIS / "model.npz")
    assert shipped.threshold_low_mood < shipped.threshold


def test_the_model_never_flags_fewer_than_three_words_however_it_scores() -> None:
    """A time typed wrong ("25:99") is two numbers and a full stop to the model: even a model
    that would flag every text must leave it (and "12.30", "kl 8") to the rules."""
    shipped = load_crisis_screen(CRISIS)
    assert shipped.model is not None
    eager = shipped.with_model(
        dataclasses.replace(shipped.model, threshold=0.0, threshold_low_mood=0.0)
    )
    for short in ("25:99", "25.99", "12.30, ok", "kl 8", "ok tak"):
        assert eager.match(short) is None, short
    hit = eager.match("i dag er jeg lidt blorp")
    assert hit is not None and hit.rule_id == MODEL_RULE_ID


def test_a_broken_model_file_gets_a_clear_error(
    tmp_path: Path, trained: tuple[CrisisRules, Path]
) -> None:
    path = tmp_path / "model.npz"
    path.write_text("not a model", encoding="utf-8")
    with pytest.raises(CrisisModelError, match="is not a crisis model file"):
        load_crisis_model(path)
    model = load_crisis_model(trained[1])
    dataclasses.replace(model, categories=model.categories[:-1]).save(path)
    with pytest.raises(CrisisModelError, match="do not fit"):
        load_crisis_model(path)


def test_a_folder_without_a_model_runs_on_the_rules_alone(tmp_path: Path) -> None:
    shutil.copy(PHRASES, tmp_path / "phrases.yaml")
    assert load_crisis_screen(tmp_path).model is None
    assert load_crisis_screen(CRISIS).model is not None


async def test_a_sentence_only_the_model_catches_gets_the_crisis_answer_through_the_dispatcher(
    database_url: str, clock: ManualClock, trained: tuple[CrisisRules, Path], tmp_path: Path
) -> None:
    """Through the production dispatcher, with a dialogs folder whose model is the made-up one:
    the young person gets 112 and the crisis lines, the flag and the mentor's alert name the
    model's category and rule, never the words."""
    _, model = trained
    dialogs = tmp_path / "dialogs"
    shutil.copytree(shipped_dialogs_dir(), dialogs)
    shutil.copy(model, dialogs / "crisis" / "model.npz")
    async with running_harness(database_url, clock, dialogs_dir=dialogs) as harness:
        youth, person, _mentor = await _pair(harness)
        text = "kvanx, det skete igen i nat"
        await youth.send_text(text)
        assert "112" in youth.last_text and CRISIS_BUTTON in youth.buttons()
        [flag] = await _flags(harness, person.id)
        assert (flag.category, flag.rule_id) == ("self_harm", MODEL_RULE_ID)
        [alert] = await _alerts(harness, person.id)
        assert json.loads(alert.detail)["category"] == "self_harm"
        assert "kvanx" not in alert.detail
        before = len(youth.messages)
        await youth.send_text("vi så en film og spiste frokost")
        assert not any("112" in (m.text or "") for m in youth.messages[before:])
