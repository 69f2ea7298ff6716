"""The trained half of the crisis screen: a small linear model over character and word n-grams.

The rules (crisis_detection.py) catch the plain cases and explain every hit; this model reads
what they leave (:meth:`CrisisRules.residue`: the text without idioms, denials, song lines and
sentences about someone else) and catches wordings no rule was written for. It is trained by
the project from its own corpus, the tuning and training splits of tests/fixtures/crisis (never
a held-out split), with ``python -m bot.services.crisis_model_training``, and shipped as
``dialogs/crisis/model.json``: weights only, no text from the corpus.

A hit names its category and the rule id ``model`` — never the words. Scoring is pure Python
(a dictionary lookup per n-gram), well under a millisecond for a 500-character message.
"""

from __future__ import annotations

import json
import math
from itertools import repeat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["MODEL_RULE_ID", "CrisisModel", "CrisisModelError", "features", "load_crisis_model"]

MODEL_RULE_ID = "model"
FORMAT_VERSION = 1
# Character n-grams of 3, 4 and 5 letters (with a space before and after the text), words and
# pairs of words. Longer texts are cut here, so that the cost stays bounded.
_MAX_CHARS = 600


class CrisisModelError(ValueError):
    """The model file is malformed; the message says where."""


def features(residue: str) -> set[str]:
    """The distinct features of a cleaned text (see CrisisRules.residue): character n-grams
    as they are (the text holds only a-z, 0-9, space, "." and ","), words as ``#word`` and pairs
    of words as ``%first second``."""
    text = residue[:_MAX_CHARS]
    padded = f" {text} "
    found = {padded[start : start + 3] for start in range(len(padded) - 2)}
    found.update(padded[start : start + 4] for start in range(len(padded) - 3))
    found.update(padded[start : start + 5] for start in range(len(padded) - 4))
    words = text.split()
    found.update("#" + word for word in words)
    found.update(f"%{first} {second}" for first, second in zip(words, words[1:], strict=False))
    return found


@dataclass(frozen=True)
class CrisisModel:
    """Weights of a logistic model (crisis or not) and of a softmax over the crisis categories."""

    bias: float
    weights: Mapping[str, float]
    threshold: float
    # Right after a low mood answer a lower score is enough (the issue: context raises
    # sensitivity).
    threshold_low_mood: float
    categories: tuple[str, ...]
    category_bias: tuple[float, ...]
    category_weights: Mapping[str, tuple[float, ...]]
    trained_on: Mapping[str, Any]

    def score(self, residue: str) -> float:
        """Probability-like score that the cleaned text is the writer's own crisis."""
        found = features(residue)
        if not found:
            return 0.0
        total = sum(map(self.weights.get, found, repeat(0.0)))
        z = self.bias + total / math.sqrt(len(found))
        return 1.0 / (1.0 + math.exp(-z))

    def flags(self, residue: str, *, low_mood: bool = False) -> bool:
        if not residue:
            return False
        limit = self.threshold_low_mood if low_mood else self.threshold
        return self.score(residue) >= limit

    def category(self, residue: str) -> str:
        """The most likely crisis category (asked only after :meth:`flags`)."""
        found = features(residue)
        scale = 1.0 / math.sqrt(len(found)) if found else 0.0
        totals = list(self.category_bias)
        for feature in found:
            row = self.category_weights.get(feature)
            if row is not None:
                for index, weight in enumerate(row):
                    totals[index] += weight * scale
        return self.categories[max(range(len(totals)), key=totals.__getitem__)]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "about": (
                "Trained by python -m bot.services.crisis_model_training from the tuning and "
                "training splits of tests/fixtures/crisis; weights only. Do not edit: retrain."
            ),
            "trained_on": dict(self.trained_on),
            "threshold": self.threshold,
            "threshold_low_mood": self.threshold_low_mood,
            "bias": self.bias,
            "categories": list(self.categories),
            "category_bias": list(self.category_bias),
            "weights": dict(sorted(self.weights.items())),
            "category_weights": {k: list(v) for k, v in sorted(self.category_weights.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> CrisisModel:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT_VERSION:
            raise CrisisModelError(f"the model file must be a format {FORMAT_VERSION} mapping")
        try:
            categories = tuple(str(c) for c in data["categories"])
            category_bias = tuple(float(b) for b in data["category_bias"])
            category_weights = {
                str(k): tuple(float(w) for w in v) for k, v in data["category_weights"].items()
            }
            model = cls(
                bias=float(data["bias"]),
                weights={str(k): float(v) for k, v in data["weights"].items()},
                threshold=float(data["threshold"]),
                threshold_low_mood=float(data["threshold_low_mood"]),
                categories=categories,
                category_bias=category_bias,
                category_weights=category_weights,
                trained_on=dict(data.get("trained_on") or {}),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CrisisModelError(f"the model file is incomplete: {error}") from None
        widths = {len(row) for row in category_weights.values()} | {len(category_bias)}
        if not categories or widths != {len(categories)}:
            raise CrisisModelError("the model file's category weights do not fit its categories")
        return model


def load_crisis_model(path: str | Path) -> CrisisModel:
    """Read the model file (once per file version); raise CrisisModelError if malformed."""
    resolved = Path(path).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: Path, _version: int) -> CrisisModel:
    with path.open(encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as error:
            raise CrisisModelError(f"the model file is not JSON: {error}") from None
    return CrisisModel.from_json(data)

