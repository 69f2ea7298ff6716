"""Crisis detection: does a free text from a young person suggest they may be in danger?

How a text is read, step by step (steps 1–3 are plain code or a staff-editable list in
``dialogs/crisis/phrases.yaml``; step 4 is a model trained by the project from its own corpus
before it ships, ``dialogs/crisis/model.npz``; nothing is learnt at run time):

1. **Clean** (:func:`normalise_text`): case, accents, æ/ø/å → ae/oe/aa, invisible characters,
   apostrophes, light leetspeak ("s3lvm0rd"), letters stretched three times or more ("dooooo"),
   emoji that carry meaning become words (💊 → ``zzpill``, 😞 → ``zzsad``), the end of a
   sentence becomes a ``.`` word, other punctuation a space.
2. **Canonicalise**: coded and SMS forms become the plain word ("unalive myself", "kms",
   "sewerslide" → "kill myself" / "suicide"; "tn" → "tonight"; "ik" → "ikke"), and a misspelt
   key word ("slevmord", "suicde") is corrected when it is one edit away.
3. **Match** the rules: word sequences with gaps, word sets (``$neg``, ``$live`` …) so that one
   rule covers the Danish and English negation and wish patterns, a clause-end marker, and
   idioms that never count ("dø af grin").
4. **Model** (only when no rule of the writer's own crisis matched): the trained model
   (crisis_model.py) reads what the rules leave — the text without idioms, framed spans
   (denial, a past that is over, news, a song) and sentences about someone else — and a score
   above its threshold (a lower one right after a low mood answer) is a hit with the model's
   category and the rule id ``model``. The rules alone catch every plain case of the tuning
   split (tested); the model catches wordings no rule was written for.

A category of ``kind: friend`` ("my friend wants to die") is about someone else: a hit inside
such a span does not count as the writer's own crisis, and when nothing else matches the result
is the friend category (the bot answers how to help, without an alert). A friend rule marked
``reported`` only marks where someone else speaks ("min ven siger", "my mate said"): an
own-crisis hit wholly inside that span — up to where the writer speaks of themselves again,
a quotation included — is that person's, and answers as the friend category. A friend
category's ``unless`` phrases ("… det er mig", "asking for myself") say the someone else is the
writer: then nothing in the message is about someone else. Rules marked
``context: low_mood`` count only right after a low mood answer.

The result names the category and rule id only — never the matched words — so it is safe to
log and to put in an alert. This module is pure: no I/O except the loaders at the end.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.services.crisis_model import MODEL_RULE_ID, CrisisModel, load_crisis_model

__all__ = [
    "CategoryInfo",
    "CrisisMatch",
    "CrisisReading",
    "CrisisRule",
    "CrisisRules",
    "CrisisRulesError",
    "load_crisis_rules",
    "load_crisis_screen",
    "normalise_text",
]

# Control characters, soft hyphen, zero-width and bidi marks: removed before anything else
# (a zero-width space inside "selv\u200bmord" must not split the word).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufe0e\ufe0f\ufeff]"
)
_COMBINING = re.compile("[\u0300-\u036f]")
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4]")
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ö": "oe", "ä": "ae"})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_CHARS = re.compile(r"[0-9@$]")
_LEET_CANDIDATE = re.compile(r"[a-z0-9@$]*[a-z][a-z0-9@$]*")
# A star inside a word is a censoring trick ("s*icide"): dropped, the fuzzy step restores it.
_CENSOR = re.compile(r"(?<=[a-z])\*+(?=[a-z])")
# Words, and the marks that end a sentence (. ! ? ; : new line) or a clause (,).
_TOKEN = re.compile(r"[a-z0-9]+|[.!?;:\n\r,]")
_MARKS = frozenset(".!?;:\n\r,")
_STRETCHED = re.compile(r"([a-z])\1{2,}")

# Emoji that carry meaning become words the rules can name; all others become a space.
_EMOJI_WORDS = {
    "zzpill": "💊",
    "zzknife": "🔪🗡",
    "zzgrave": "⚰🪦",
    "zzblood": "🩸",
    "zzskull": "💀☠",
    "zzlaugh": "😂🤣😹😆😅",
    "zzsad": "😭😢😞😔☹🙁😿💔😩😥😣😖",
    "zzbridge": "🌉",
    "zztrain": "🚂🚆🚄🚅🚇🚉",
    "zzrope": "🪢",
    "zzwave": "👋",
    "zzheart": "❤♥💕💖💗💙💜🖤🤍",
    "zzmusic": "🎵🎶🎼🎤🎧",
}
_EMOJI = {ord(ch): f" {word} " for word, chars in _EMOJI_WORDS.items() for ch in chars}
# Quotation marks become the word ``zzq`` (single quotes are apostrophes, and are dropped):
# the rules never see it, it only marks where a quoted line starts and ends (see _unquote).
_QUOTE = "zzq"
_QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u300c\u300d'
_EMOJI.update({ord(ch): f" {_QUOTE} " for ch in _QUOTE_MARKS})
# Music notes around words mark them as sung, like quotation marks.
_MUSIC = "zzmusic"

_RULE_ID = re.compile(r"^[a-z0-9_]+$")
_SET_NAME = re.compile(r"^\$([a-z0-9_]+)$")
_GAP_TOKEN = re.compile(r"^(\.\.\.|~|\.\.)(\d{0,2})$")
_END_TOKEN = "<end>"
# A gap may cross a comma, never the end of a sentence.
_WORD = r"(?:[a-z0-9]+|,)"
# "~N" gaps may also cross the end of a sentence ("thanks for trying. it's over now").
_ANY_WORD = r"(?:[a-z0-9]+|[.,])"
# "..N" gaps cross words only, not even a comma ("jeg vil ikke dø", not "vil ikke, jeg vil dø").
_ONLY_WORD = r"[a-z0-9]+"
_GAP_WORDS = {"...": _WORD, "~": _ANY_WORD, "..": _ONLY_WORD}
# After "<end>": the end of the text, of a sentence or clause, or an emoji word.
_END = r"(?= [.,]| zz[a-z]+|$)"
_DEFAULT_GAP = 3
# A one-word phrase at least this long may also be found split by a space ("sel vmord").
_SPLITTABLE_MIN_LETTERS = 7
# æ/ø/å in a phrase also match the usual ways of writing them without the letter.
_DANISH_ALTERNATIVES = {"ae": ("ae", "a", "e"), "oe": ("oe", "o"), "aa": ("a",)}
_URGENCIES = ("acute", "high", "normal", "none")
_KINDS = ("self", "friend")
_CONTEXTS = ("low_mood",)
# Fuzzy correction: only words at least this long, only one edit away from a key word.
_FUZZY_MIN_LETTERS = 6


def _deleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise_text(text: str) -> str:
    """Fold text to lower-case ASCII words separated by single spaces.

    æ→ae, ø→oe, å→aa; accents dropped; apostrophes removed ("i'm" → "im"); light leetspeak
    undone inside words that contain a letter ("k1ll" → "kill", but "112" stays); emoji with a
    meaning become ``zz…`` words; the end of a sentence (. ! ? ; : or a new line) becomes the
    word ``.`` and a comma the word ``,``; everything else becomes a space; a letter repeated
    three or more times is cut to two ("diiiie" → "diie").
    """
    return _fold(text, colons=False)


def _fold(text: str, *, colons: bool) -> str:
    """normalise_text; ``colons``: a colon ending a sentence stays the word ``:`` (see
    CrisisRules._prepare, which makes it a ``.`` and remembers where it was)."""
    cleaned = _INVISIBLE.sub("", text).translate(_EMOJI)
    cleaned = unicodedata.normalize("NFKC", cleaned).casefold().translate(_DANISH)
    if not cleaned.isascii():
        cleaned = _COMBINING.sub("", unicodedata.normalize("NFKD", cleaned))
    cleaned = _APOSTROPHES.sub("", cleaned)
    if "*" in cleaned:
        cleaned = _CENSOR.sub("", cleaned)
    if _LEET_CHARS.search(cleaned):
        cleaned = _LEET_CANDIDATE.sub(_deleet, cleaned)
    words: list[str] = []
    for token in _TOKEN.findall(cleaned):
        if token[0] in _MARKS:
            mark = "," if token == "," else ":" if colons and token == ":" else "."
            if words and words[-1] in _MARKS:
                if mark != ",":
                    words[-1] = mark
            elif words:
                words.append(mark)
        else:
            words.append(token)
    while words and words[-1] in _MARKS:
        words.pop()
    return _STRETCHED.sub(r"\1\1", " ".join(words))


class CrisisRulesError(ValueError):
    """The phrase file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class CrisisMatch:
    """A hit: which category and which rule. Deliberately holds no text from the message."""

    category: str
    rule_id: str


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """How a category is answered: ``kind`` self (the writer) or friend (someone else);
    ``urgency`` acute / high / normal (none for friend)."""

    kind: str
    urgency: str


@dataclass(slots=True, eq=False)
class _Phrase:
    """One phrase, tried only where a word of the text could start it. Its regex is compiled
    when it is first tried: a text tries a few dozen of the ~1,400 phrases, and compiling them
    all took ~1.5 s at every start of the bot, the trainer and each test process (once all are
    compiled they hold ~12 MB)."""

    source: str
    # Skeletons (see _skeleton) of the words that can start the phrase; None: try everywhere.
    anchors: frozenset[str] | None
    # For each word of the phrase, the skeletons it may have: all must occur in the text.
    required: tuple[frozenset[str], ...] = ()
    # The last word's skeletons, and at most how many words after the first one it starts:
    # a start is only tried when the last word occurs that close after it.
    last: frozenset[str] | None = None
    lead: int = 0
    compiled: re.Pattern[str] | None = None
    # Phrases with the same anchors, last word and lead start at the same words: the gate
    # numbers each such kind once, and a text finds its starts once per kind.
    slot: int = 0

    @property
    def pattern(self) -> re.Pattern[str]:
        if self.compiled is None:
            try:
                self.compiled = re.compile(self.source)
            except re.error as exc:  # pragma: no cover - bodies are built from escaped words
                raise CrisisRulesError(f"cannot compile a phrase: {exc}") from exc
        return self.compiled


@dataclass(frozen=True, slots=True)
class _Frame:
    """Words that put a risk phrase in a frame where it is not the writer's present risk (a
    denial, a past that is over, news, a song). A hit inside a frame's span is ignored —
    unless one of the ``unless`` phrases lies in the same sentence as the frame (a hedge such
    as "kan ikke love at", or a time that is now)."""

    name: str
    phrases: tuple[_Phrase, ...]
    unless: tuple[_Phrase, ...] = ()
    # The span runs on to the end of its sentence ("the song goes …", "ligesom sidste år …"),
    # or back to its start ("… er sådan en god sang", "… på repeat").
    to_sentence_end: bool = False
    from_sentence_start: bool = False
    # A sentence that ends in a colon goes on to the end of the next one: the frame introduces
    # the words that follow ("sangen går: …", "bedste linje i filmen: …").
    through_colon: bool = False


@dataclass(frozen=True, slots=True)
class _Quotes:
    """Quoted words (between quotation marks or music notes) are a song line, not the
    writer's own words, when a ``cue`` (a music word) is in the message and no ``unless``
    phrase (the writer relates to it: "literally me", "sådan har jeg det") is."""

    cues: tuple[_Phrase, ...] = ()
    unless: tuple[_Phrase, ...] = ()


@dataclass(frozen=True, slots=True)
class CrisisRule:
    rule_id: str
    category: str
    phrases: tuple[_Phrase, ...]
    excludes: tuple[_Phrase, ...]
    context: str | None = None
    # A friend rule that only marks where a sentence about someone else starts ("min ven
    # siger", "my mate said"): not a hit by itself; an own-crisis hit inside its span is
    # that person's, and answers as the friend category.
    reported: bool = False


# ---- compiling the phrase syntax -------------------------------------------------------------


def _stretch(letters: str) -> str:
    # "cc?" rather than "c{1,2}": a literal first lets the regex engine skip a branch quickly.
    return "".join(f"{re.escape(c)}{re.escape(c)}?" for c in letters)


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


def _word_pattern(word: str, *, splittable: bool, where: str) -> str:
    prefix = word.endswith("*")
    core = word[:-1] if prefix else word
    folded = normalise_text(core)
    if not folded or folded == ".":
        raise CrisisRulesError(f"{where}: empty word in {word!r}")
    parts = []
    for piece in folded.split(" "):  # "self-harm" folds to two words
        exact = len(piece) <= 2 or piece.startswith("zz")
        units = _letter_pattern(piece, exact=exact)
        parts.append((" ?" if splittable else "").join(units))
    pattern = " ".join(parts)
    return pattern + "[a-z0-9]*" if prefix else pattern


@dataclass(frozen=True, slots=True)
class _Parts:
    body: str
    anchors: frozenset[str] | None
    required: tuple[frozenset[str], ...]
    words: int  # at most how many text words the phrase takes
    last: frozenset[str] | None  # the skeletons of its last word
    lead: int  # at most how many words come before the last word


class _Compiler:
    """Turns staff phrases into regex source, expanding ``$set`` names, and works out which
    words can start each phrase (its anchors)."""

    def __init__(self, sets: Mapping[str, Sequence[str]]) -> None:
        self._raw_sets = sets
        self._sets: dict[str, tuple[str, frozenset[str] | None]] = {}
        # The most words one entry of a set can take.
        self._set_words: dict[str, int] = {}

    def set_pattern(self, name: str, where: str) -> tuple[str, frozenset[str] | None]:
        if name not in self._sets:
            items = self._raw_sets.get(name)
            if not items:
                raise CrisisRulesError(f"{where}: unknown word set ${name}")
            compiled = [self.parts(item, f"sets/{name}", allow_sets=False) for item in items]
            bodies = sorted(dict.fromkeys(c.body for c in compiled), key=len, reverse=True)
            self._sets[name] = (
                "(?:" + "|".join(bodies) + ")",
                _union(c.anchors for c in compiled),
            )
            self._set_words[name] = max(c.words for c in compiled)
        return self._sets[name]

    def parts(
        self, phrase: str, where: str, *, allow_sets: bool = True, lazy: bool = False
    ) -> _Parts:
        tokens = phrase.split()
        if not tokens or _GAP_TOKEN.match(tokens[0]) or _GAP_TOKEN.match(tokens[-1]):
            raise CrisisRulesError(f"{where}: a phrase must start and end with a word: {phrase!r}")
        if _END_TOKEN in tokens[:-1] or tokens[0] == _END_TOKEN:
            raise CrisisRulesError(f"{where}: {_END_TOKEN} may only end a phrase: {phrase!r}")
        single_word = len(tokens) == 1 and "|" not in tokens[0] and not tokens[0].startswith("$")
        splittable = single_word and len(normalise_text(tokens[0])) >= _SPLITTABLE_MIN_LETTERS
        body = ""
        anchors: frozenset[str] | None = None
        required: list[frozenset[str]] = []
        words = lead = 0
        last: frozenset[str] | None = None
        for token in tokens:
            gap = _GAP_TOKEN.match(token)
            if gap:
                size = int(gap.group(2) or _DEFAULT_GAP)
                word = _GAP_WORDS[gap.group(1)]
                body += f"(?: {word}){{0,{size}}}" + ("?" if lazy else "")
                words += size
                continue
            if token == _END_TOKEN:
                body += _END
                continue
            piece, first = self._token(
                token, splittable=splittable, where=where, allow_sets=allow_sets
            )
            if not body:
                anchors = first
            if first is not None:
                required.append(first)
            body += piece if not body else " " + piece
            lead, last = words, first
            # A long single word may be found split in two ("sel vmord").
            words += self._token_words(token) + (1 if splittable else 0)
        return _Parts(body, anchors, tuple(required), words, last, lead)

    def _token_words(self, token: str) -> int:
        """At most how many text words one token of a phrase takes."""
        most = 1
        for word in token.split("|"):
            named = _SET_NAME.match(word)
            if named:
                most = max(most, self._set_words.get(named.group(1), 1))
            else:
                most = max(most, len(normalise_text(word.rstrip("*")).split(" ")))
        return most

    def _token(
        self, token: str, *, splittable: bool, where: str, allow_sets: bool
    ) -> tuple[str, frozenset[str] | None]:
        options = []
        anchors: list[frozenset[str] | None] = []
        for word in token.split("|"):
            if not word:
                raise CrisisRulesError(f"{where}: empty alternative in {token!r}")
            named = _SET_NAME.match(word)
            if named:
                if not allow_sets:
                    raise CrisisRulesError(f"{where}: a word set cannot name another set")
                pattern, anchor = self.set_pattern(named.group(1), where)
                options.append(pattern)
                anchors.append(anchor)
            else:
                options.append(_word_pattern(word, splittable=splittable, where=where))
                anchors.append(_word_anchor(word, splittable=splittable))
        pattern = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        return pattern, _union(anchors)

    def phrases(
        self, phrases: Iterable[str], where: str, *, lazy: bool = False
    ) -> tuple[_Phrase, ...]:
        """Compile phrases; ``lazy``: gaps take as few words as they can (the shortest span —
        for frames, which must not stretch over a later sentence part)."""
        compiled = []
        for phrase in phrases:
            parts = self.parts(phrase, where, lazy=lazy)
            source = parts.body + r"(?![a-z0-9])"
            last = parts.last if len(parts.required) > 1 else None
            compiled.append(_Phrase(source, parts.anchors, parts.required, last, parts.lead))
        return tuple(compiled)


class _Gate:
    """Which phrases can match a text at all. Phrases come in groups (a rule's phrases, its
    excludes, a frame …). Each phrase is filed under the skeletons of its least common word
    (_need_cost), and needs every one of its words ("needs", one bit each, numbered once for all
    phrases) to have a skeleton in the text; a phrase whose every word is optional is always
    tried."""

    def __init__(self, groups: Iterable[Sequence[_Phrase]]) -> None:
        # Key -> (group id, phrase number in its group, needs).
        self._files: dict[str, list[tuple[int, int, int]]] = {}
        self._needs_of_key: dict[str, int] = {}
        self._always: dict[int, list[int]] = {}
        numbers: dict[frozenset[str], int] = {}
        slots: dict[tuple[frozenset[str] | None, frozenset[str] | None, int], int] = {}
        for group in groups:
            for number, phrase in enumerate(group):
                kind = (phrase.anchors, phrase.last, phrase.lead)
                phrase.slot = slots.setdefault(kind, len(slots))
                if not phrase.required:
                    self._always.setdefault(id(group), []).append(number)
                    continue
                needs = 0
                for need in phrase.required:
                    if need not in numbers:
                        numbers[need] = len(numbers)
                        bit = 1 << numbers[need]
                        for key in need:
                            self._needs_of_key[key] = self._needs_of_key.get(key, 0) | bit
                    needs |= 1 << numbers[need]
                entry = (id(group), number, needs)
                for key in min(phrase.required, key=_need_cost):
                    self._files.setdefault(key, []).append(entry)
        self.slots = len(slots)

    def possible(self, keys: frozenset[str]) -> dict[int, list[int]]:
        """For each group (by id) with a phrase that can match, the numbers of those phrases
        in their group's order: every word of them can be found among these keys."""
        met = 0
        needs_of_key = self._needs_of_key
        for key in keys & needs_of_key.keys():
            met |= needs_of_key[key]
        unmet = ~met
        files = self._files
        found: dict[int, set[int]] = {}
        for key in keys & files.keys():
            for group, number, needs in files[key]:
                if not needs & unmet:
                    found.setdefault(group, set()).add(number)
        for group, always in self._always.items():
            found.setdefault(group, set()).update(always)
        return {group: sorted(numbers) for group, numbers in found.items()}


def _union(anchors: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    merged: set[str] = set()
    for anchor in anchors:
        if anchor is None:
            return None
        merged |= anchor
    return frozenset(merged)


_VOWELS = frozenset("aeiouy")
_ANCHOR_LETTERS = 3


_DROP_VOWELS = str.maketrans("", "", "aeiouy")


# Words of one or two letters are matched exactly ("i", "om", "on"), so they are also keyed by
# themselves: a phrase starting with "i" is then tried at "i" only, not at every word whose
# skeleton starts with a vowel.
_EXACT_KEY = "="
_EXACT_MAX_LETTERS = 2


# A word whose whole skeleton is shorter than the anchor is also keyed "#" + skeleton: the
# first piece of a split key word ("sel vmord") is found by that, not by its first letter.
_WHOLE_KEY = "#"


@lru_cache(maxsize=65536)
def _prefixes(word: str) -> tuple[str, ...]:
    skeleton = _skeleton(word)
    keys = tuple(skeleton[:size] for size in range(1, min(len(skeleton), _ANCHOR_LETTERS) + 1))
    if len(skeleton) < _ANCHOR_LETTERS:
        keys += (_WHOLE_KEY + skeleton,)
    return keys + (_EXACT_KEY + word,) if len(word) <= _EXACT_MAX_LETTERS else keys


_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def _skeleton(word: str) -> str:
    """A rough key that every spelling a word pattern accepts shares: the first letter (any
    vowel as "V"), then the consonants with doubled letters made single."""
    if not word:
        return ""
    first = "V" if word[0] in _VOWELS else word[0]
    return _DOUBLED.sub(r"\1", first + word[1:].translate(_DROP_VOWELS))


# The commonest words of Danish and English messages, and their keys. A phrase
# is filed under the word whose skeletons a text is least likely to hold, so that an ordinary
# text looks at few phrases: a phrase needing "jeg" and "dræbe" is looked at only when a word
# like "dræbe" is there.
_COMMON_TEXT = (
    "jeg i at og det er en til på de du ikke med har men som for min mig man så om var vil kan "
    "bare lige nu også godt ved dag skal meget hvad hvis sig selv efter her den fra få gå "
    "the to and a it is my me of in that so be have just not on for but with was im do you "
    "all this what when like get go up out if no about"
)
_COMMON_KEY_COST = 50
_LETTER_KEY_COST = 10
_COMMON_KEYS = frozenset(
    key for word in normalise_text(_COMMON_TEXT).split(" ") for key in _prefixes(word)
)


def _need_cost(need: frozenset[str]) -> int:
    """How often a text may hold one of these keys, roughly: a common word's keys cost most,
    a first letter alone (any word starting with it) more than a longer skeleton."""
    return sum(
        _COMMON_KEY_COST if key in _COMMON_KEYS else _LETTER_KEY_COST if len(key) == 1 else 1
        for key in need
    )


def _word_anchor(word: str, *, splittable: bool) -> frozenset[str] | None:
    folded = normalise_text(word.rstrip("*")).split(" ")[0]
    skeleton = _skeleton(folded)
    if not skeleton:
        return None
    if len(folded) <= _EXACT_MAX_LETTERS and not word.endswith("*") and not splittable:
        return frozenset({_EXACT_KEY + folded})
    if not splittable:
        return frozenset({skeleton[:_ANCHOR_LETTERS]})
    # A splittable word may be broken anywhere ("s elvmord", "sel vmord"): its first piece has
    # the word's first three skeleton letters, or is the whole of a shorter prefix.
    return frozenset(
        {skeleton[:_ANCHOR_LETTERS]}
        | {_WHOLE_KEY + skeleton[:size] for size in range(1, min(len(skeleton), _ANCHOR_LETTERS))}
    )


class _Scan:
    """One text being checked: which words have each key (the first one, two and three letters
    of their skeleton) as a bitmask of word numbers, which phrases can match at all (every
    word they need is there), and its quotes and colons."""

    def __init__(
        self,
        folded: str,
        gate: _Gate,
        quotes: Sequence[tuple[int, int]] = (),
        colons: frozenset[int] = frozenset(),
    ) -> None:
        self.text = folded
        # Quoted runs of words, and where a colon ended a sentence (see CrisisRules._prepare).
        self.quotes = quotes
        self.colons = colons
        self._word_starts: list[int] = []
        word_masks: dict[str, int] = {}
        position = 0
        for number, word in enumerate(folded.split(" ")):
            self._word_starts.append(position)
            word_masks[word] = word_masks.get(word, 0) | 1 << number
            position += len(word) + 1
        self._all = (1 << len(self._word_starts)) - 1
        index: dict[str, int] = {}
        for word, mask in word_masks.items():
            for key in _prefixes(word):
                index[key] = index.get(key, 0) | mask
        self._index = index
        self._keys = frozenset(index)  # a set intersects a set about twice as fast as a view
        # The words under a set of keys, and where phrases with the same anchors and last word
        # can start (both shared by many phrases).
        self._masks: dict[frozenset[str], int] = {}
        self.starts: list[list[int] | None] = [None] * gate.slots  # by _Phrase.slot
        self._lists: dict[int, list[int]] = {}  # the word starts of a bitmask
        self.possible = gate.possible(self._keys)

    def _mask(self, keys: frozenset[str]) -> int:
        mask = self._masks.get(keys)
        if mask is None:
            mask = 0
            index = self._index
            for key in keys & self._keys:
                mask |= index[key]
            self._masks[keys] = mask
        return mask

    def find_starts(self, phrase: _Phrase) -> list[int]:
        """The word starts a phrase is tried at (kept in ``starts``): those under its first
        word's anchors, with its last word's anchor within reach."""
        mask = self._all if phrase.anchors is None else self._mask(phrase.anchors)
        if phrase.last is not None and mask & (mask - 1):  # more than one start
            ends = self._mask(phrase.last)
            # Word n may start the phrase when a last word is at n … n + lead.
            reach = ends
            for shift in range(1, phrase.lead + 1):
                reach |= ends >> shift
            mask &= reach
        found = self._lists.get(mask)
        if found is None:
            found = self._lists[mask] = []
            starts, rest = self._word_starts, mask
            while rest:
                low = rest & -rest
                found.append(starts[low.bit_length() - 1])
                rest ^= low
        self.starts[phrase.slot] = found
        return found


def _find(phrases: Sequence[_Phrase], scan: _Scan) -> Iterator[tuple[int, int]]:
    """Every span where one of the phrases (a group the gate knows) matches, tried only at the
    words that can start it."""
    folded, starts = scan.text, scan.starts
    for number in scan.possible.get(id(phrases), ()):
        phrase = phrases[number]
        positions = starts[phrase.slot]
        if positions is None:
            positions = scan.find_starts(phrase)
        if positions:
            match = (phrase.compiled or phrase.pattern).match
            for position in positions:
                hit = match(folded, position)
                if hit is not None:
                    yield hit.span()


def _unquote(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """Drop the quotation words, and return where the quoted runs of words are (also words
    between two music-note words). An opening mark that is never closed quotes nothing."""
    if _QUOTE not in folded and folded.count(_MUSIC) < 2:
        return folded, []
    kept: list[str] = []
    spans: list[tuple[int, int]] = []
    open_at: dict[str, int | None] = {_QUOTE: None, _MUSIC: None}
    position = 0
    for word in folded.split(" "):
        if word in open_at:
            start = open_at[word]
            if start is None:
                open_at[word] = position
            else:
                if position - 1 > start:
                    spans.append((start, position - 1))
                open_at[word] = None
            if word == _QUOTE:
                continue
        kept.append(word)
        position += len(word) + 1
    return " ".join(kept), spans


def _compile_regex(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise CrisisRulesError(f"{where}: bad regex {source!r}: {exc}") from exc


# ---- canonical forms: coded words, SMS forms, misspellings ----------------------------------


class _Canon:
    """Rewrites coded and abbreviated forms to their plain word, and corrects a key word
    misspelt by one letter (dropped, added, changed or two swapped)."""

    _SUFFIXES = ("stanker", "tanker", "struet", "sforsoeg", "s")

    def __init__(self, synonyms: Mapping[str, Sequence[str]], fuzzy: Sequence[str]) -> None:
        self._replacements: dict[tuple[str, ...], list[str]] = {}
        for canonical, variants in synonyms.items():
            target = normalise_text(canonical).split(" ")
            for variant in variants:
                folded = tuple(normalise_text(variant).split(" "))
                if folded != ("",) and list(folded) != target:
                    self._replacements[folded] = target
        self._longest = max((len(k) for k in self._replacements), default=0)
        self._first_words = frozenset(k[0] for k in self._replacements)
        self._exact = frozenset(normalise_text(word) for word in fuzzy)
        self._keys: dict[str, str] = {}
        for word in sorted(self._exact):
            for variant in _deletions(word) | {word}:
                self._keys.setdefault(variant, word)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def apply(self, folded: str) -> str:
        words = folded.split(" ")
        distinct = set(words)
        if distinct.isdisjoint(self._first_words):
            fixes = {
                word: self._correct(word)
                for word in distinct
                if len(word) >= _FUZZY_MIN_LETTERS and word not in self._exact and self._keys
            }
            if all(word == fixed for word, fixed in fixes.items()):
                return folded
            return " ".join(fixes.get(word, word) for word in words)
        out: list[str] = []
        i = 0
        while i < len(words):
            if words[i] not in self._first_words:
                word = words[i]
                if self._keys and len(word) >= _FUZZY_MIN_LETTERS and word not in self._exact:
                    word = self._correct(word)
                out.append(word)
                i += 1
                continue
            for size in range(min(self._longest, len(words) - i), 0, -1):
                target = self._replacements.get(tuple(words[i : i + size]))
                if target is not None:
                    out.extend(target)
                    i += size
                    break
            else:
                word = words[i]
                if self._keys and len(word) >= _FUZZY_MIN_LETTERS and word not in self._exact:
                    word = self._correct(word)
                out.append(word)
                i += 1
        return " ".join(out)

    def _correct_uncached(self, word: str) -> str:
        found = self._lookup(word)
        if found is not None:
            return found
        for suffix in self._SUFFIXES:  # compounds: "slevmordstanker"
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) >= _FUZZY_MIN_LETTERS:
                found = self._lookup(stem)
                if found is not None:
                    return found + suffix
        return word

    def _lookup(self, word: str) -> str | None:
        if word in self._exact:
            return word
        for variant in _deletions(word) | {word}:
            key = self._keys.get(variant)
            if key is not None and _one_edit(word, key):
                return key
        return None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance 1, or two neighbouring letters swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True, slots=True)
class _HeldBack:
    """What no own-crisis rule may count in one text: `blocked` spans (idioms, frames, friend
    sentences; a hit touching one is ignored, found only when asked), `within` spans (what
    someone else says: a hit wholly inside one is theirs), and the friend rule match if any."""

    blocked: Callable[[], list[tuple[int, int]]]
    friend: CrisisMatch | None
    within: list[tuple[int, int]]
    # Each reported span with the friend match it answers as.
    reported: list[tuple[CrisisMatch, tuple[int, int]]]


# ---- the rule set ----------------------------------------------------------------------------


class CrisisRules:
    """Compiled crisis rules. Build with :func:`load_crisis_rules` (or ``from_mapping``)."""

    def __init__(
        self,
        rules: Sequence[CrisisRule],
        global_excludes: Sequence[_Phrase],
        categories: Mapping[str, CategoryInfo] | None = None,
        canon: _Canon | None = None,
        regexes: Mapping[str, Sequence[re.Pattern[str]]] | None = None,
        frames: Sequence[_Frame] = (),
        quotes: _Quotes | None = None,
        model: CrisisModel | None = None,
        reveals: Sequence[_Phrase] = (),
    ):
        self._rules = tuple(rules)
        self.model = model
        self._global_excludes = tuple(global_excludes)
        self._info = dict(categories or {})
        self._canon = canon or _Canon({}, ())
        self._regexes = {k: tuple(v) for k, v in (regexes or {}).items()}
        self._frames = tuple(frames)
        self._quotes = quotes or _Quotes()
        # "… det er mig", "asking for myself": the writer says the someone else is them, so
        # nothing in the message counts as about someone else.
        self._reveals = tuple(reveals)
        self._groups = (
            [self._global_excludes, self._quotes.cues, self._quotes.unless, self._reveals]
            + [group for frame in self._frames for group in (frame.phrases, frame.unless)]
            + [group for rule in self._rules for group in (rule.phrases, rule.excludes)]
        )
        self._gate = _Gate(self._groups)
        self._friend_rules = tuple(
            r for r in self._rules if self._kind(r.category) == "friend" and not r.reported
        )
        self._reported_rules = tuple(r for r in self._rules if r.reported)
        self._own_rules = tuple(r for r in self._rules if self._kind(r.category) != "friend")
        self._context_rules = tuple(r for r in self._own_rules if r.context)

    def _kind(self, category: str) -> str:
        info = self._info.get(category)
        return info.kind if info else "self"

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.category for rule in self._rules))

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.rule_id for rule in self._rules)

    def info(self, category: str) -> CategoryInfo:
        """Kind and urgency of a category (a category the file does not describe: self/high)."""
        return self._info.get(category, CategoryInfo("self", "high"))

    def is_friend(self, match: CrisisMatch | None) -> bool:
        return match is not None and self.info(match.category).kind == "friend"

    def prepare(self, text: str) -> str:
        """The text as the rules see it (cleaned and canonical). For tests and staff tools."""
        return self._prepare(text)[0]

    def _prepare(self, text: str) -> tuple[str, list[tuple[int, int]], frozenset[int]]:
        """The text as the rules see it, where its quoted runs of words are (see _unquote),
        and where a colon ended a sentence (it reads as any sentence end; a colon after
        someone else's speech verb starts what they said: see _friend_end)."""
        folded = _fold(text, colons=True)
        if not folded:
            return folded, [], frozenset()
        folded, quotes = _unquote(self._canon.apply(folded))
        if " : " not in folded:
            return folded, quotes, frozenset()
        colons = frozenset(found.start() for found in _COLON.finditer(folded))
        return folded.replace(" : ", " . "), quotes, colons

    def _scan(self, text: str) -> _Scan | None:
        folded, quotes, colons = self._prepare(text)
        return _Scan(folded, self._gate, quotes, colons) if folded else None

    def frames(self, text: str) -> tuple[str, ...]:
        """The names of the frames that hold back part of this text ("denial", "past",
        "quote" …) — for tests and staff tools; like a match, it names no words."""
        scan = self._scan(text)
        if scan is None:
            return ()
        return tuple(dict.fromkeys(name for name, _ in self._frame_spans(scan)))

    def _frame_spans(self, scan: _Scan) -> list[tuple[str, tuple[int, int]]]:
        text = scan.text
        spans: list[tuple[str, tuple[int, int]]] = []
        for frame in self._frames:
            found = list(_find(frame.phrases, scan))
            if not found:
                continue
            overrides = list(_find(frame.unless, scan))
            for start, end in found:
                if frame.to_sentence_end:
                    end = _clause_end(text, end)
                    if frame.through_colon and end + 1 in scan.colons:
                        end = _clause_end(text, end + 2)
                if frame.from_sentence_start:
                    start = _sentence_start(text, start)
                sentence = (_sentence_start(text, start), _clause_end(text, end))
                if overrides and _overlaps(sentence, overrides):
                    continue
                spans.append((frame.name, (start, end)))
        if (
            scan.quotes
            and any(True for _ in _find(self._quotes.cues, scan))
            and not any(True for _ in _find(self._quotes.unless, scan))
        ):
            spans += [("quote", span) for span in scan.quotes]
        return spans

    def residue(self, text: str, *, low_mood: bool = False) -> str:
        """The text as the rules see it, without what they hold back: idioms that never count,
        framed spans (denial, a past that is over, news, a song line), sentences about someone
        else, and — unless a low mood answer came just before — the everyday phrases that count
        only in that context ("jeg giver op"). What is left is what the trained model reads
        (see crisis_model.py)."""
        scan = self._scan(text)
        if scan is None:
            return ""
        return self._model_text(scan, self._held_back(scan), low_mood)

    def _held_back(self, scan: _Scan) -> _HeldBack:
        """What no own-crisis rule may count in this text (see _HeldBack; idioms and frames
        are only looked for when asked: most texts have no rule hit), and the first friend
        rule with a hit. The spans about someone else are found here, as every friend hit is."""
        excluded: list[list[tuple[int, int]]] = []

        def global_spans() -> list[tuple[int, int]]:
            if not excluded:
                spans = list(_find(self._global_excludes, scan))
                if self._frames or scan.quotes:
                    spans += [span for _, span in self._frame_spans(scan)]
                excluded.append(spans)
            return excluded[0]

        friend_spans: list[tuple[int, int]] = []
        friend: CrisisMatch | None = None
        for rule in self._friend_rules:
            for start, end in self._hits(rule, scan, global_spans):
                friend_spans.append((start, _friend_end(scan, end)))
                friend = friend or CrisisMatch(rule.category, rule.rule_id)
        reported: list[tuple[CrisisMatch, tuple[int, int]]] = []
        for rule in self._reported_rules:
            for start, end in self._hits(rule, scan, global_spans):
                span = (start, _friend_end(scan, end, reported=True))
                reported.append((CrisisMatch(rule.category, rule.rule_id), span))
        if (friend_spans or reported) and any(True for _ in _find(self._reveals, scan)):
            friend_spans, friend, reported = [], None, []
        within = [span for _, span in reported]

        def blocked() -> list[tuple[int, int]]:
            return global_spans() + friend_spans

        return _HeldBack(blocked, friend, within, reported)

    def _model_text(self, scan: _Scan, held: _HeldBack, low_mood: bool) -> str:
        """What the trained model reads: the text without what the rules hold back (see
        :meth:`residue`)."""
        context = self._context_spans(scan, held, low_mood)
        return _blank(scan.text, held.blocked() + held.within + context)

    def _context_spans(
        self, scan: _Scan, held: _HeldBack, low_mood: bool
    ) -> list[tuple[int, int]]:
        """Hits of the rules that count only after a low mood answer, when there was none:
        staff have said these words alone are everyday talk, so the model must not count them."""
        if low_mood:
            return []
        return [
            span
            for rule in self._context_rules
            for span in self._hits(rule, scan, held.blocked, held.within)
        ]

    def compile_all(self) -> int:
        """Compile every phrase now (each is otherwise compiled when first tried): for checks
        such as ``fremad doctor``. Returns how many there are."""
        phrases = [phrase for group in self._groups for phrase in group]
        for phrase in phrases:
            phrase.pattern  # noqa: B018 - compiling is the point
        return len(phrases)

    def with_model(self, model: CrisisModel | None) -> CrisisRules:
        """The same rules, with the trained model read after them (None: rules only)."""
        twin = copy.copy(self)
        twin.model = model
        return twin

    def read(self, text: str) -> CrisisReading:
        """The text cleaned and indexed once, to ask whether a low mood answer just before
        would matter and then what it matches (see CrisisReading)."""
        return CrisisReading(self, text)

    def context_sensitive(self, text: str) -> bool:
        """Would a low mood answer just before change the outcome for this text? (Callers use
        it to look up the mood only when it matters.)"""
        return self.read(text).context_sensitive()

    def match(self, text: str, *, low_mood: bool = False) -> CrisisMatch | None:
        """The first own-crisis rule (in file order) with a hit outside every excluded idiom
        and outside every span about someone else; else the model's category when it flags
        what the rules leave; else the first friend rule; else None."""
        return self.read(text).match(low_mood=low_mood)

    def _hits(
        self,
        rule: CrisisRule,
        scan: _Scan,
        blocked: Callable[[], list[tuple[int, int]]],
        within: Sequence[tuple[int, int]] = (),
    ) -> list[tuple[int, int]]:
        """The rule's hits outside the `blocked` spans (asked for only when there is a hit),
        not wholly inside a `within` span (what someone else says), and outside the rule's own
        excluded phrases."""
        regexes = self._regexes.get(rule.rule_id, ())
        if not regexes and id(rule.phrases) not in scan.possible:
            return []
        found = list(_find(rule.phrases, scan))
        found += [m.span() for p in regexes for m in p.finditer(scan.text)]
        if not found:
            return []
        spans = blocked() + list(_find(rule.excludes, scan))
        return [hit for hit in found if not _overlaps(hit, spans) and not _inside(hit, within)]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CrisisRules:
        """Validate and compile the parsed YAML document."""
        if not isinstance(data, Mapping):
            raise CrisisRulesError("the phrase file must be a mapping")
        sets = data.get("sets") or {}
        if not isinstance(sets, Mapping):
            raise CrisisRulesError("'sets' must be a mapping of name: [words]")
        compiler = _Compiler({str(k): _str_list(v, f"sets/{k}") for k, v in sets.items()})
        global_excludes = compiler.phrases(_str_list(data.get("exclude"), "exclude"), "exclude")
        categories = data.get("categories")
        if not isinstance(categories, Mapping) or not categories:
            raise CrisisRulesError("'categories' must be a non-empty mapping")
        rules: list[CrisisRule] = []
        regexes: dict[str, list[re.Pattern[str]]] = {}
        infos: dict[str, CategoryInfo] = {}
        seen: set[str] = set()
        reveals: list[_Phrase] = []
        for category, body in categories.items():
            if not isinstance(body, Mapping) or not isinstance(body.get("rules"), list):
                raise CrisisRulesError(f"category {category!r}: needs a 'rules' list")
            info = infos[str(category)] = _category_info(str(category), body)
            if body.get("unless") is not None and info.kind != "friend":
                raise CrisisRulesError(f"category {category!r}: 'unless' is for kind friend")
            where = f"{category}/unless"
            reveals += compiler.phrases(_str_list(body.get("unless"), where), where)
            for index, raw in enumerate(body["rules"]):
                rule, rule_regexes = _build_rule(compiler, str(category), index, raw)
                if rule.reported and info.kind != "friend":
                    where = f"{category}/{rule.rule_id}"
                    raise CrisisRulesError(f"{where}: 'reported' is for kind friend")
                if rule.rule_id in seen:
                    raise CrisisRulesError(f"rule id {rule.rule_id!r} is used twice")
                seen.add(rule.rule_id)
                rules.append(rule)
                if rule_regexes:
                    regexes[rule.rule_id] = rule_regexes
        synonyms = data.get("synonyms") or {}
        if not isinstance(synonyms, Mapping):
            raise CrisisRulesError("'synonyms' must be a mapping of word: [variants]")
        canon = _Canon(
            {str(k): _str_list(v, f"synonyms/{k}") for k, v in synonyms.items()},
            _str_list(data.get("fuzzy"), "fuzzy"),
        )
        frames = _build_frames(compiler, data.get("frames"))
        quotes_raw = data.get("quotes") or {}
        if not isinstance(quotes_raw, Mapping) or set(quotes_raw) - {"cues", "unless", "note"}:
            raise CrisisRulesError("'quotes' must be a mapping with 'cues' and 'unless'")
        quotes = _Quotes(
            compiler.phrases(_str_list(quotes_raw.get("cues"), "quotes/cues"), "quotes/cues"),
            compiler.phrases(_str_list(quotes_raw.get("unless"), "quotes/unless"), "quotes"),
        )
        return cls(rules, global_excludes, infos, canon, regexes, frames, quotes, reveals=reveals)


def _build_frames(compiler: _Compiler, raw: Any) -> list[_Frame]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise CrisisRulesError("'frames' must be a mapping of name: {phrases, unless}")
    frames = []
    for name, body in raw.items():
        where = f"frames/{name}"
        if not isinstance(name, str) or not _RULE_ID.match(name) or not isinstance(body, Mapping):
            raise CrisisRulesError(f"{where}: a frame is a name and a mapping")
        unknown = set(body) - {
            "phrases",
            "unless",
            "to_sentence_end",
            "from_sentence_start",
            "through_colon",
            "note",
        }
        if unknown:
            raise CrisisRulesError(f"{where}: unknown keys {sorted(unknown)}")
        phrases = compiler.phrases(_str_list(body.get("phrases"), where), where, lazy=True)
        if not phrases:
            raise CrisisRulesError(f"{where}: needs at least one phrase")
        unless = compiler.phrases(_str_list(body.get("unless"), where), where)
        frames.append(
            _Frame(
                name,
                phrases,
                unless,
                to_sentence_end=bool(body.get("to_sentence_end")),
                from_sentence_start=bool(body.get("from_sentence_start")),
                through_colon=bool(body.get("through_colon")),
            )
        )
    return frames


def _category_info(category: str, body: Mapping[str, Any]) -> CategoryInfo:
    kind = body.get("kind", "self")
    urgency = body.get("urgency", "none" if kind == "friend" else "high")
    if kind not in _KINDS:
        raise CrisisRulesError(f"category {category!r}: kind must be one of {_KINDS}")
    if urgency not in _URGENCIES:
        raise CrisisRulesError(f"category {category!r}: urgency must be one of {_URGENCIES}")
    return CategoryInfo(kind=str(kind), urgency=str(urgency))


def _build_rule(
    compiler: _Compiler, category: str, index: int, raw: Any
) -> tuple[CrisisRule, list[re.Pattern[str]]]:
    where = f"{category}[{index}]"
    if not isinstance(raw, Mapping):
        raise CrisisRulesError(f"{where}: a rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise CrisisRulesError(f"{where}: 'id' must be lower-case letters, digits and _")
    where = f"{category}/{rule_id}"
    unknown = set(raw) - {
        "id",
        "lang",
        "phrases",
        "regex",
        "exclude",
        "context",
        "note",
        "reported",
    }
    if unknown:
        raise CrisisRulesError(f"{where}: unknown keys {sorted(unknown)}")
    context = raw.get("context")
    if context is not None and context not in _CONTEXTS:
        raise CrisisRulesError(f"{where}: context must be one of {_CONTEXTS}")
    phrases = compiler.phrases(_str_list(raw.get("phrases"), where), where)
    regexes = [_compile_regex(r, where) for r in _str_list(raw.get("regex"), where)]
    if not phrases and not regexes:
        raise CrisisRulesError(f"{where}: needs at least one phrase or regex")
    excludes = compiler.phrases(_str_list(raw.get("exclude"), where), where)
    reported = bool(raw.get("reported"))
    return CrisisRule(rule_id, category, phrases, excludes, context, reported), regexes


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and str(v).strip() for v in value
    ):
        raise CrisisRulesError(f"{where}: expected a list of non-empty strings")
    return [str(v).strip() for v in value]


def _blank(folded: str, spans: Iterable[tuple[int, int]]) -> str:
    """The cleaned text with these spans taken out, one space between the words left."""
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            pieces.append(folded[position:start])
        position = max(position, end)
    pieces.append(folded[position:])
    return " ".join(" ".join(pieces).split())


def _inside(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return any(o_start <= start and end <= o_end for o_start, o_end in others)


def _overlaps(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return any(start < o_end and o_start < end for o_start, o_end in others)


# Where the writer starts to speak of themselves again: a sentence about someone else ends there
# ("min bror har taget mine piller, så nu hopper jeg …").
_SELF = r"jeg|im|ive|ill|id|(?:and|but|so|now|then) i"
_FIRST_PERSON = re.compile(rf" (?:{_SELF}) ")
# What someone else says ends also where the writer is its object ("min far har truet med at slå
# mig"): a hit that runs on past that point is the writer's own.
_ADDRESSEE = re.compile(r"(?: (?:til|to))? (?:mig|me)(?![a-z0-9])")
_SPEECH_VERB = re.compile(
    r"(?<![a-z0-9])(?:skrev|skriver|skrevet|sagde|siger|sagt|sendte|sendt|sent|told|tells|texted"
    r"|texts|wrote|writes|said|messaged|fortalte|fortaeller|fortalt|spurgte|spoerger|asked|asks)$"
)
# English "i" before one of its usual verbs is the writer too (Danish "i" is "in").
_FIRST_PERSON_OR_OBJECT = re.compile(
    rf" (?:{_SELF}|mig|me|my|mine|mit"
    r"|i (?:am|was|end|will|want|wanna|have|had|think|feel|cant|dont|just|should|need|did|do"
    r"|take|told|said|know|guess|actually|really|literally|also|still|keep|kinda))(?![a-z0-9])"
)
_COLON = re.compile(r"(?<= ):(?= )")
_CLAUSE_MARKS = (" ,", " og ", " men ", " så ", " saa ", " and ", " but ", " so ")
_CLAUSE_LOOKBACK = 24


def _friend_end(scan: _Scan, position: int, *, reported: bool = False) -> int:
    """A span about someone else runs to the end of its sentence, or to where the writer
    speaks of themselves again — but a first person inside quotation marks is the other
    person speaking ("hun skrev "jeg orker ikke mere""): the span runs past the quote. So does
    what follows a colon after someone else's words ("hun skrev til mig: jeg har taget …"): the
    sentence after it is what they said."""
    text, quotes = scan.text, scan.quotes
    first_person = _FIRST_PERSON_OR_OBJECT if reported else _FIRST_PERSON
    if reported:
        # Who was told ("skrev til mig", "told me") is not the writer speaking of themselves.
        addressee = _ADDRESSEE.match(text, position)
        if addressee and _SPEECH_VERB.search(text, max(0, position - 12), position):
            position = addressee.end()
        if position + 1 in scan.colons:
            return _clause_end(text, position + 2)
    end = _clause_end(text, position)
    mine = first_person.search(text, position, end)
    while mine is not None:
        inside = next((q for q in quotes if q[0] <= mine.start() + 1 < q[1]), None)
        if inside is None:
            break
        end = max(end, _clause_end(text, inside[1]))
        mine = first_person.search(text, inside[1], end)
    if mine is None:
        return end
    # Danish puts the verb before "jeg" after a fronted word ("så nu hopper jeg"): the span
    # ends at the comma or conjunction that starts that clause, when there is one close by.
    clause = max(text.rfind(mark, position, mine.start()) for mark in _CLAUSE_MARKS)
    return clause if clause >= 0 and mine.start() - clause <= _CLAUSE_LOOKBACK else mine.start()


def _sentence_start(text: str, position: int) -> int:
    start = text.rfind(" . ", 0, position)
    return 0 if start < 0 else start + 3


def _clause_end(text: str, position: int) -> int:
    """A span about someone else runs to the end of its sentence."""
    end = text.find(" .", position)
    return len(text) if end < 0 else end


class CrisisReading:
    """One text as the screen reads it: cleaned and indexed once, then asked whether a low
    mood answer just before would change the outcome — a phrase that counts only after one, or
    the model's lower threshold after one — and what it matches, with or without that answer.
    The bot asks both for every free text, so the text is prepared once and the answers kept."""

    def __init__(self, rules: CrisisRules, text: str) -> None:
        self.text = text
        self._rules = rules
        self._scan = rules._scan(text)
        self._held = None if self._scan is None else rules._held_back(self._scan)
        self._found: dict[bool, CrisisMatch | None] = {}
        # The model's category without and with a low mood answer, for the text it reads
        # with or without the phrases that count only after one.
        self._verdicts: dict[bool, tuple[str | None, str | None]] = {}

    def context_sensitive(self) -> bool:
        scan, rules = self._scan, self._rules
        if scan is None:
            return False
        if any(rules._hits(rule, scan, list) for rule in rules._context_rules):
            return True
        # No phrase that counts only after a low mood answer: the rules answer the same either
        # way and the model reads the same text; only its lower threshold can change the
        # outcome, when nothing of the writer's own matched before it.
        if rules.model is None:
            return False
        plain = self.match(low_mood=False)
        if plain is not None and not rules.is_friend(plain):
            return False
        without, with_low_mood = self._verdict(low_mood=False)
        return without != with_low_mood

    def match(self, *, low_mood: bool = False) -> CrisisMatch | None:
        if low_mood not in self._found:
            self._found[low_mood] = self._match(low_mood)
        return self._found[low_mood]

    def _match(self, low_mood: bool) -> CrisisMatch | None:
        scan, held, rules = self._scan, self._held, self._rules
        if scan is None or held is None:
            return None
        theirs: CrisisMatch | None = None  # a hit inside what someone else says
        for rule in rules._own_rules:
            if rule.context == "low_mood" and not low_mood:
                continue
            hits = rules._hits(rule, scan, held.blocked)
            if any(not _inside(hit, held.within) for hit in hits):
                return CrisisMatch(category=rule.category, rule_id=rule.rule_id)
            if hits and theirs is None:
                theirs = next(
                    (m for m, span in held.reported if any(_inside(h, [span]) for h in hits)),
                    None,
                )
        category = self._verdict(low_mood)[low_mood]
        if category is not None:
            return CrisisMatch(category=category, rule_id=MODEL_RULE_ID)
        return held.friend or theirs

    def _verdict(self, low_mood: bool) -> tuple[str | None, str | None]:
        """The model's category (or None) without and with a low mood answer, on the text it
        reads: without what the rules hold back (idioms, frames, someone else, and — without
        a low mood answer — the phrases that count only after one)."""
        if low_mood not in self._verdicts:
            model, scan, held = self._rules.model, self._scan, self._held
            if model is None or scan is None or held is None:
                self._verdicts[low_mood] = (None, None)
            else:
                residue = self._rules._model_text(scan, held, low_mood)
                self._verdicts[low_mood] = model.flagged_categories(residue)
        return self._verdicts[low_mood]


def load_crisis_rules(path: str | Path, *, model: str | Path | None = None) -> CrisisRules:
    """Read and compile the crisis phrase file; raise CrisisRulesError if it is malformed.
    With `model` (a model.npz), the trained model is read after the rules; the runtime passes
    the one beside the phrase file (see :func:`load_crisis_screen`). Compiled once per file
    version (a file is read again when it changes)."""
    resolved = Path(path).resolve()
    rules = _load(resolved, resolved.stat().st_mtime_ns)
    if model is None:
        return rules
    return rules.with_model(load_crisis_model(model))


def load_crisis_screen(folder: str | Path) -> CrisisRules:
    """The crisis screen of a dialogs/crisis folder: phrases.yaml, and model.npz after the
    rules when the folder has one (staff may remove it to run on rules alone)."""
    folder = Path(folder)
    model = folder / "model.npz"
    return load_crisis_rules(folder / "phrases.yaml", model=model if model.exists() else None)


@lru_cache(maxsize=8)
def _load(path: Path, _version: int) -> CrisisRules:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return CrisisRules.from_mapping(data)
