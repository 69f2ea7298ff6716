"""The trained half of the crisis screen: a small linear model over character and word n-grams.

The rules (crisis_detection.py) catch the plain cases and explain every hit; this model reads
what they leave (:meth:`CrisisRules.residue`: the text without idioms, denials, song lines and
sentences about someone else) and catches wordings no rule was written for. It is trained by
the project from its own corpus, the tuning and training splits of tests/fixtures/crisis (never
a held-out split), with ``python -m bot.services.crisis_model_training``, and shipped as
``dialogs/crisis/model.npz`` (numpy's compressed arrays: the features, their weights and a
JSON header), weights only, no sentence from the corpus.

A hit names its category and the rule id ``model`` — never the words. Scoring is a dictionary
lookup per n-gram and one sum.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MODEL_RULE_ID",
    "CrisisModel",
    "CrisisModelError",
    "features",
    "load_crisis_model",
    "long_enough",
    "probability",
]

MODEL_RULE_ID = "model"
FORMAT_VERSION = 2
# Longer texts are cut here, so that the cost stays bounded.
_MAX_CHARS = 600
_SKIP_MAX = 4
_LENGTHS = (1, 2, 3, 4, 5, 6, 8, 12, 20, 40)
# Fewer words than this are never the model's to flag (one- and two-word answers such as a time
# or a place are everywhere in the scripts; the rules catch the plain short cases).
MIN_WORDS = 3
# The cleaned text keeps "." and "," as tokens of their own; they are not words, and a time or a
# price ("12 . 30", "25 . 99") is one.
_PUNCTUATION = frozenset({".", ","})
_NUMBER_PARTS = re.compile(r"(?<=\d) [.,] (?=\d)")


class CrisisModelError(ValueError):
    """The model file is malformed; the message says where."""


def features(residue: str) -> set[str]:
    """The distinct features of a cleaned text (see CrisisRules.residue): character 4-grams as
    they are (the text holds only a-z, 0-9, space, "." and ","; adding 3- or 5-grams measured
    no better in cross-validation, and 5-grams doubled the cost), words as ``#word``,
    neighbouring words as ``%first second`` and words with one to three words between them as
    ``&first second`` (so that "ikke ... leve" is one feature however many words stand
    between), and the length in words."""
    text = residue[:_MAX_CHARS]
    padded = f" {text} "
    found = {padded[start : start + 4] for start in range(len(padded) - 3)}
    words = text.split()
    found.update("#" + word for word in words)
    found.update(f"%{first} {second}" for first, second in zip(words, words[1:], strict=False))
    for gap in range(2, _SKIP_MAX + 1):
        found.update(
            f"&{first} {second}" for first, second in zip(words, words[gap:], strict=False)
        )
    found.add(_length_feature(len(words)))
    return found


def long_enough(residue: str) -> bool:
    """Has the cleaned text at least MIN_WORDS words? ("25:99", a time typed wrong, has one.)"""
    tokens = _NUMBER_PARTS.sub("", residue).split()
    return sum(token not in _PUNCTUATION for token in tokens) >= MIN_WORDS


def probability(bias: float, total: float, count: int) -> float:
    """The logistic score of a text whose ``count`` features have weights summing to ``total``
    (the sum is scaled by the square root of the count, so long texts are not louder)."""
    if not count:
        return 0.0
    return 1.0 / (1.0 + math.exp(-(bias + total / math.sqrt(count))))


def _length_feature(words: int) -> str:
    """How long the text is, as one feature (``@3``, ``@8`` …): a short answer needs more
    evidence than its few n-grams give, and the model learns how much."""
    for limit in _LENGTHS:
        if words <= limit:
            return f"@{limit}"
    return "@more"


@dataclass(frozen=True, eq=False)
class CrisisModel:
    """A logistic model (crisis or not) and a softmax over the crisis categories, on the same
    features: row ``index[feature]`` of ``weights`` and of ``category_weights``."""

    index: Mapping[str, int]
    weights: np.ndarray  # float32, one per feature
    bias: float
    threshold: float
    # Right after a low mood answer a lower score is enough (the issue: context raises
    # sensitivity).
    threshold_low_mood: float
    categories: tuple[str, ...]
    category_weights: np.ndarray  # float32, features × categories
    category_bias: np.ndarray  # float32, one per category
    trained_on: Mapping[str, Any]

    def _rows(self, residue: str) -> tuple[np.ndarray, int]:
        """The rows of the text's known features (in row order, so that a sum is the same in
        every process), and how many features it has in all."""
        found = features(residue)
        known = found & self.index.keys()
        rows = np.fromiter(map(self.index.__getitem__, known), dtype=np.intp, count=len(known))
        rows.sort()
        return rows, len(found)

    def score(self, residue: str) -> float:
        """Probability-like score that the cleaned text is the writer's own crisis."""
        rows, count = self._rows(residue)
        return probability(self.bias, float(self.weights[rows].sum()), count)

    def flagged_categories(self, residue: str) -> tuple[str | None, str | None]:
        """The most likely crisis category when the cleaned text is long enough and scores at
        or above the threshold (else None) — without and with a low mood answer just before
        (the lower threshold), from one look-up of the text's features."""
        if not long_enough(residue):
            return None, None
        rows, count = self._rows(residue)
        score = probability(self.bias, float(self.weights[rows].sum()), count)
        if score < min(self.threshold, self.threshold_low_mood):
            return None, None
        totals = self.category_bias + self.category_weights[rows].sum(axis=0) / math.sqrt(count)
        category = self.categories[int(np.argmax(totals))]
        return (
            category if score >= self.threshold else None,
            category if score >= self.threshold_low_mood else None,
        )

    def save(self, path: Path) -> None:
        about = {
            "format": FORMAT_VERSION,
            "about": (
                "Trained by python -m bot.services.crisis_model_training from the tuning and "
                "training splits of tests/fixtures/crisis; weights only. Do not edit: retrain."
            ),
            "trained_on": dict(self.trained_on),
            "bias": self.bias,
            "threshold": self.threshold,
            "threshold_low_mood": self.threshold_low_mood,
            "categories": list(self.categories),
        }
        ordered = sorted(self.index, key=self.index.__getitem__)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                about=np.array(json.dumps(about, sort_keys=True)),
                features=np.array("\n".join(ordered)),
                weights=self.weights.astype(np.float32),
                category_weights=self.category_weights.astype(np.float32),
                category_bias=self.category_bias.astype(np.float32),
            )

    @classmethod
    def read(cls, path: Path) -> CrisisModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                about = json.loads(str(data["about"]))
                names = str(data["features"]).split("\n")
                weights = data["weights"]
                category_weights = data["category_weights"]
                category_bias = data["category_bias"]
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as error:
            raise CrisisModelError(f"{path.name} is not a crisis model file: {error}") from None
        if not isinstance(about, Mapping) or about.get("format") != FORMAT_VERSION:
            raise CrisisModelError(f"{path.name} is not a format {FORMAT_VERSION} model")
        try:
            model = cls(
                index={name: row for row, name in enumerate(names)},
                weights=weights,
                bias=float(about["bias"]),
                threshold=float(about["threshold"]),
                threshold_low_mood=float(about["threshold_low_mood"]),
                categories=tuple(str(c) for c in about["categories"]),
                category_weights=category_weights,
                category_bias=category_bias,
                trained_on=dict(about.get("trained_on") or {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CrisisModelError(f"{path.name} is incomplete: {error}") from None
        width = len(model.categories)
        if (
            not width
            or weights.shape != (len(names),)
            or category_weights.shape != (len(names), width)
            or category_bias.shape != (width,)
        ):
            raise CrisisModelError(f"{path.name}: its weights do not fit its features")
        return model


def load_crisis_model(path: str | Path) -> CrisisModel:
    """Read the model file (once per file version); raise CrisisModelError if malformed."""
    resolved = Path(path).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: Path, _version: int) -> CrisisModel:
    return CrisisModel.read(path)
