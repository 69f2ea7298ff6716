"""Crisis detection: does a free text from a young person suggest they may be in danger?

The rule is: clean the text (case, accents, æ/ø/å, leetspeak, punctuation, emoji, stretched
letters), then look for the staff-maintained phrases in ``dialogs/crisis/phrases.yaml``. A hit
that lies inside an excluded idiom ("jeg døde af grin") does not count. The first category in
file order wins. The result names the category and rule id only — never the matched words — so
it is safe to log and to send in an alert.

This module is pure: no I/O except :func:`load_crisis_rules`, no logging of message text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "CrisisMatch",
    "CrisisRule",
    "CrisisRules",
    "CrisisRulesError",
    "load_crisis_rules",
    "normalise_text",
]

# Control characters, soft hyphen, zero-width and bidi marks: removed before anything else
# (a zero-width space inside "selv\u200bmord" must not split the word).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_COMBINING = re.compile("[\u0300-\u036f]")
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4]")
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_CANDIDATE = re.compile(r"[a-z0-9@$]*[a-z][a-z0-9@$]*")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")

_RULE_ID = re.compile(r"^[a-z0-9_]+$")
_GAP_TOKEN = "..."
_GAP = "(?: [a-z0-9]+){0,3}"
# A one-word phrase at least this long may also be found split by a space ("sel vmord").
_SPLITTABLE_MIN_LETTERS = 7
# æ/ø/å in a phrase also match the usual ways of writing them without the letter.
_DANISH_ALTERNATIVES = {"ae": ("ae", "a", "e"), "oe": ("oe", "o"), "aa": ("a",)}


def _deleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise_text(text: str) -> str:
    """Fold text to lower-case ASCII words separated by single spaces.

    æ→ae, ø→oe, å→aa; accents dropped; apostrophes removed ("i'm" → "im"); light leetspeak
    undone inside words that contain a letter ("k1ll" → "kill", but "112" stays); everything
    else (punctuation, emoji, other scripts) becomes a word break; a letter repeated three or
    more times is cut to two ("diiiie" → "diie").
    """
    cleaned = _INVISIBLE.sub("", text)
    cleaned = unicodedata.normalize("NFKC", cleaned).casefold().translate(_DANISH)
    cleaned = _COMBINING.sub("", unicodedata.normalize("NFKD", cleaned))
    cleaned = _APOSTROPHES.sub("", cleaned)
    cleaned = _LEET_CANDIDATE.sub(_deleet, cleaned)
    cleaned = _NON_WORD.sub(" ", cleaned).strip()
    return _STRETCHED.sub(r"\1\1", cleaned)


class CrisisRulesError(ValueError):
    """The phrase file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class CrisisMatch:
    """A hit: which category and which rule. Deliberately holds no text from the message."""

    category: str
    rule_id: str


@dataclass(frozen=True, slots=True)
class CrisisRule:
    rule_id: str
    category: str
    patterns: tuple[re.Pattern[str], ...]
    excludes: tuple[re.Pattern[str], ...]


# ---- compiling the phrase syntax -------------------------------------------------------------


def _letter_pattern(folded: str, *, exact: bool) -> list[str]:
    """Regex units for one folded word: æ/ø/å alternatives; doubled or stretched letters."""
    units: list[str] = []
    i = 0
    while i < len(folded):
        pair = folded[i : i + 2]
        if pair in _DANISH_ALTERNATIVES and not exact:
            options = _DANISH_ALTERNATIVES[pair]
            units.append("(?:" + "|".join(_stretch(o) for o in options) + ")")
            i += 2
            continue
        char = folded[i]
        if not exact and units and units[-1] == _stretch(char):
            i += 1  # "ll" in a phrase: the text may have one or two
            continue
        units.append(re.escape(char) if exact else _stretch(char))
        i += 1
    return units


def _stretch(letters: str) -> str:
    # "cc?" rather than "c{1,2}": a literal first lets the regex engine skip a branch quickly.
    return "".join(f"{re.escape(c)}{re.escape(c)}?" for c in letters)


def _word_pattern(word: str, *, splittable: bool, where: str) -> str:
    prefix = word.endswith("*")
    core = word[:-1] if prefix else word
    folded = normalise_text(core)
    if not folded:
        raise CrisisRulesError(f"{where}: empty word in {word!r}")
    parts = []
    for piece in folded.split(" "):  # "self-harm" folds to two words
        exact = len(piece) <= 2
        units = _letter_pattern(piece, exact=exact)
        parts.append((" ?" if splittable else "").join(units))
    pattern = " ".join(parts)
    return pattern + "[a-z0-9]*" if prefix else pattern


def _phrase_pattern(phrase: str, where: str) -> str:
    tokens = phrase.split()
    if not tokens or _GAP_TOKEN in (tokens[0], tokens[-1]):
        raise CrisisRulesError(f"{where}: a phrase must start and end with a word: {phrase!r}")
    single_word = len(tokens) == 1 and "|" not in tokens[0]
    splittable = single_word and len(normalise_text(tokens[0])) >= _SPLITTABLE_MIN_LETTERS
    pieces: list[str] = []
    for token in tokens:
        if token == _GAP_TOKEN:
            pieces.append(_GAP)
            continue
        options = [
            _word_pattern(w, splittable=splittable, where=where) for w in token.split("|") if w
        ]
        if not options:
            raise CrisisRulesError(f"{where}: empty alternative in {phrase!r}")
        pieces.append(options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")")
    body = ""
    for piece in pieces:
        if piece == _GAP or not body:
            body += piece
        else:
            body += " " + piece
    return rf"{body}\b"  # the leading \b is added once for all phrases, see _compile_phrases


def _compile_phrases(phrases: Iterable[str], where: str) -> re.Pattern[str] | None:
    alternatives = [_phrase_pattern(p, where) for p in phrases]
    if not alternatives:
        return None
    # One leading \b for the whole alternation: most positions fail once, not once per phrase.
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")")


def _compile_regex(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise CrisisRulesError(f"{where}: bad regex {source!r}: {exc}") from exc


# ---- the rule set ----------------------------------------------------------------------------


class CrisisRules:
    """Compiled crisis rules. Build with :func:`load_crisis_rules` (or ``from_mapping``)."""

    def __init__(self, rules: Sequence[CrisisRule], global_excludes: Sequence[re.Pattern[str]]):
        self._rules = tuple(rules)
        self._global_excludes = tuple(global_excludes)
        self._prefilter = _combined(p for rule in self._rules for p in rule.patterns)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.category for rule in self._rules))

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.rule_id for rule in self._rules)

    def match(self, text: str) -> CrisisMatch | None:
        """The first rule (in file order) with a hit outside every excluded idiom, or None."""
        folded = normalise_text(text)
        if not folded or (self._prefilter and self._prefilter.search(folded) is None):
            return None
        global_spans = _spans(self._global_excludes, folded)
        for rule in self._rules:
            rule_spans: list[tuple[int, int]] | None = None
            for pattern in rule.patterns:
                for hit in pattern.finditer(folded):
                    if rule_spans is None:
                        rule_spans = global_spans + _spans(rule.excludes, folded)
                    if not _overlaps(hit.span(), rule_spans):
                        return CrisisMatch(category=rule.category, rule_id=rule.rule_id)
        return None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CrisisRules:
        """Validate and compile the parsed YAML document."""
        if not isinstance(data, Mapping):
            raise CrisisRulesError("the phrase file must be a mapping")
        global_excludes = _compile_phrases(_str_list(data.get("exclude"), "exclude"), "exclude")
        categories = data.get("categories")
        if not isinstance(categories, Mapping) or not categories:
            raise CrisisRulesError("'categories' must be a non-empty mapping")
        rules: list[CrisisRule] = []
        seen: set[str] = set()
        for category, body in categories.items():
            if not isinstance(body, Mapping) or not isinstance(body.get("rules"), list):
                raise CrisisRulesError(f"category {category!r}: needs a 'rules' list")
            for index, raw in enumerate(body["rules"]):
                rule = _build_rule(str(category), index, raw)
                if rule.rule_id in seen:
                    raise CrisisRulesError(f"rule id {rule.rule_id!r} is used twice")
                seen.add(rule.rule_id)
                rules.append(rule)
        return cls(rules, [global_excludes] if global_excludes else [])


def _build_rule(category: str, index: int, raw: Any) -> CrisisRule:
    where = f"{category}[{index}]"
    if not isinstance(raw, Mapping):
        raise CrisisRulesError(f"{where}: a rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise CrisisRulesError(f"{where}: 'id' must be lower-case letters, digits and _")
    where = f"{category}/{rule_id}"
    unknown = set(raw) - {"id", "lang", "phrases", "regex", "exclude"}
    if unknown:
        raise CrisisRulesError(f"{where}: unknown keys {sorted(unknown)}")
    patterns: list[re.Pattern[str]] = []
    phrases = _compile_phrases(_str_list(raw.get("phrases"), where), where)
    if phrases is not None:
        patterns.append(phrases)
    patterns.extend(_compile_regex(r, where) for r in _str_list(raw.get("regex"), where))
    if not patterns:
        raise CrisisRulesError(f"{where}: needs at least one phrase or regex")
    excludes = _compile_phrases(_str_list(raw.get("exclude"), where), where)
    return CrisisRule(rule_id, category, tuple(patterns), (excludes,) if excludes else ())


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CrisisRulesError(f"{where}: expected a list of non-empty strings")
    return [v.strip() for v in value]


def _combined(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One search over all patterns, so a harmless message is rejected in a single pass.

    None (no pre-filter, every rule is tried) if a staff regex cannot be combined, e.g. because
    it uses inline flags or named groups.
    """
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:
        return None


def _spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text)]


def _overlaps(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return any(start < o_end and o_start < end for o_start, o_end in others)


def load_crisis_rules(path: str | Path) -> CrisisRules:
    """Read and compile the crisis phrase file; raise CrisisRulesError if it is malformed."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return CrisisRules.from_mapping(data)
