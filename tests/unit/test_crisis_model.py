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

from bot.services.crisis_detection import CrisisRules, load_crisis_rules, load_crisis_screen
from bot.services.crisis_model import (
    MODEL_RULE_ID,
    CrisisModel,
    CrisisModelError,
    load_crisis_model,
)
from bot.services.crisis_model_training import TRAINING_SPLITS, main

ROOT = Path(__file__).resolve().parents[2]
CRISIS = ROOT / "dialogs" / "crisis"
PHRASES = CRISIS / "phrases.yaml"
CORPUS = ROOT / "tests" / "fixtures" / "crisis"
HEADER = "text\tlabel\tcategory\tlanguage\tcontext\tsplit"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_model_is_trained_from_the_current_corpus_and_rules() -> None:
    trained_on = load_crisis_model(CRISIS / "model.json").trained_on
    retrain = "retrain: python -m bot.services.crisis_model_training"
    expected = {f"{split}.tsv": _sha256(CORPUS / f"{split}.tsv") for split in TRAINING_SPLITS}
    assert trained_on["corpus"] == expected, retrain
    assert trained_on["phrases_sha256"] == _sha256(PHRASES), retrain
    assert not any(name.startswith("heldout") for name in trained_on["corpus"])


def test_shipped_model_holds_no_sentence() -> None:
    model = load_crisis_model(CRISIS / "model.json")
    for feature in [*model.weights, *model.category_weights]:
        if feature.startswith("#"):
            assert " " not in feature
        elif feature.startswith("%"):
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
    out = folder / "model.json"
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
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["trained_on"]["corpus"] == {"corpus.tsv": _sha256(out.parent / "corpus.tsv")}
    assert "blorp" not in json.dumps(data["trained_on"])


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
    shipped = load_crisis_model(CRISIS / "model.json")
    assert shipped.threshold_low_mood < shipped.threshold


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json {", "not JSON"),
        ("{}", "format 1"),
        ('{"format": 1, "bias": 0}', "incomplete"),
    ],
)
def test_a_broken_model_file_gets_a_clear_error(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CrisisModelError, match=says):
        load_crisis_model(path)


def test_category_weights_must_fit_the_categories(tmp_path: Path) -> None:
    model = CrisisModel(0.0, {"abc": 1.0}, 0.9, 0.8, ("a", "b"), (0.0, 0.0), {"abc": (1.0,)}, {})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    with pytest.raises(CrisisModelError, match="do not fit"):
        load_crisis_model(path)


def test_a_folder_without_a_model_runs_on_the_rules_alone(tmp_path: Path) -> None:
    shutil.copy(PHRASES, tmp_path / "phrases.yaml")
    assert load_crisis_screen(tmp_path).model is None
    assert load_crisis_screen(CRISIS).model is not None
