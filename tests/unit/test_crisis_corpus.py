"""The crisis detector measured on the team's labelled corpus (tests/fixtures/crisis).

Prints recall per crisis category and the false-alarm rate per kind of hard negative, for the
tuning split and for each held-out split (written before the detector was changed or blind,
never tuned on), and fails below the targets of issue 15:
  * recall ≥ 99 % on all positives, 100 % on passive wish, active ideation, method, plan;
  * false alarms ≤ 3 % on the hard negatives (any crisis or friend answer counts as one);
  * a sentence about someone else in danger never counts as the writer's own crisis (≤ 3 %).
Run with ``-s`` to see the table: ``pytest tests/unit/test_crisis_corpus.py -s``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.services.crisis_detection import CrisisRules, load_crisis_screen

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "crisis"
CRISIS = ROOT / "dialogs" / "crisis"
SPLITS = (
    "tuning",
    "training",
    "heldout",
    "heldout_2",
    "heldout_3",
    "heldout_4",
    "heldout_5",
    "heldout_6",
    "heldout_7",
    "heldout_8",
    "heldout_9",
)
# What the screen is built from: rules are written against tuning, the model learns from both.
BUILT_FROM = ("tuning", "training")
COLUMNS = ["text", "label", "category", "language", "context", "split"]
POSITIVE = (
    "passive_wish",
    "active_ideation",
    "method_seeking",
    "plan_intent",
    "preparation_goodbye",
    "self_harm",
    "hopelessness_burden",
    "abuse_danger",
)
PLAIN = ("passive_wish", "active_ideation", "method_seeking", "plan_intent")
NEGATIVE = ("idiom", "news_school", "song_quote", "everyday", "denial")
FRIEND = ("friend_in_danger",)
ACUTE_EXPECTED = ("method_seeking", "plan_intent")
RECALL_MIN = 0.99
FALSE_ALARM_MAX = 0.03


@dataclass(frozen=True)
class Row:
    # Never in a repr: a failing test prints its arguments, and its output must not be a list
    # of crisis sentences.
    text: str = field(repr=False)
    label: str
    category: str
    language: str
    context: str
    split: str


def read_split(split: str) -> list[Row]:
    with (CORPUS / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        assert header == COLUMNS, header
        return [Row(*line) for line in reader if line]


@pytest.fixture(scope="module")
def rules() -> CrisisRules:
    """The screen the bot runs: the rules, then the trained model on what they leave."""
    return load_crisis_screen(CRISIS)


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Row]]:
    return {split: read_split(split) for split in SPLITS}


def test_corpus_is_well_formed_and_big_enough(corpus: dict[str, list[Row]]) -> None:
    for split, rows in corpus.items():
        for row in rows:
            assert row.split == split, row
            assert row.text.strip() == row.text and row.text, row
            assert row.language in ("da", "en", "mix"), row
            assert row.context in ("", "low_mood"), row
            allowed = {"crisis": POSITIVE, "none": NEGATIVE, "friend": FRIEND}[row.label]
            assert row.category in allowed, row
        positives = [r for r in rows if r.label == "crisis"]
        # Every crisis category, in Danish and in English, in both splits; hard negatives too.
        for category in POSITIVE:
            languages = {r.language for r in positives if r.category == category}
            assert {"da", "en"} <= languages, (split, category, languages)
        assert {r.category for r in rows if r.label == "none"} == set(NEGATIVE), split
        assert any(r.label == "friend" for r in rows), split
    texts = Counter(r.text.casefold() for rows in corpus.values() for r in rows)
    twice = [
        (r.split, r.category)
        for rows in corpus.values()
        for r in rows
        if texts[r.text.casefold()] > 1
    ]
    assert not twice, f"a sentence is in the corpus twice (split, category; no text): {twice}"
    tuning = corpus["tuning"]
    held_out = sum(len(rows) for split, rows in corpus.items() if split not in BUILT_FROM)
    assert len(tuning) >= 400
    assert sum(r.label == "crisis" for r in tuning) >= 250
    assert sum(r.label == "none" for r in tuning) >= 150
    # The evaluation corpus is the rules' tuning split and the held-out splits: at least a fifth
    # held out. The training split is the model's learning data on top (its size is the
    # model's business; what it buys is measured on the held-out splits).
    assert held_out * 5 >= len(tuning) + held_out, "held-out is under a fifth"
    assert len(corpus["training"]) >= len(tuning)


# The kinds issue 15 saw missed (and the false alarm), each covered by several sentences.
KINDS = {
    "plain Danish wish not to live (negation)": (
        "crisis",
        r"\b(gider|orker|vil|lyst til)\b.*\b(ikke|ik|ikk)\b.*\b(leve|mer|mere|være her|findes)\b",
    ),
    "passive wish about sleep and waking": (
        "crisis",
        r"v[åa]+gne|vaagne|wake|sove for evigt|sleep forever",
    ),
    "coded online language": ("crisis", r"unaliv|kms|sewerslide|s\*icid|su1c1d|self delete|ctb"),
    "method seeking for a friend": ("crisis", r"for en ven|for a friend|til en (ven|veninde)"),
    "die laughing": ("none", r"grin|laugh|💀|😂"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_reported_kind_has_several_sentences_in_both_splits(
    corpus: dict[str, list[Row]], kind: str
) -> None:
    label, pattern = KINDS[kind]
    for split, rows in corpus.items():
        found = [r for r in rows if r.label == label and re.search(pattern, r.text.casefold())]
        assert len(found) >= 3, (split, kind, [r.text for r in found])


@dataclass
class Tally:
    hit: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.hit / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.hit:>3}/{self.total:<3} {self.rate:7.1%}"


@dataclass
class Report:
    split: str
    recall: dict[str, Tally]
    false_alarms: dict[str, Tally]
    friend_as_own: Tally
    friend_routed: Tally
    acute: Tally
    wrong_category: Counter[tuple[str, str]]
    missed: list[Row]
    alarmed: list[Row]

    @property
    def positives(self) -> Tally:
        return Tally(
            sum(t.hit for t in self.recall.values()), sum(t.total for t in self.recall.values())
        )

    @property
    def negatives(self) -> Tally:
        return Tally(
            sum(t.hit for t in self.false_alarms.values()),
            sum(t.total for t in self.false_alarms.values()),
        )

    def table(self) -> str:
        positives, negatives = self.positives, self.negatives
        lines = [f"== crisis corpus, {self.split} split =="]
        lines += [f"  recall       {cat:<22} {self.recall[cat]}" for cat in POSITIVE]
        lines.append(f"  recall       {'ALL POSITIVES':<22} {positives}")
        lines += [f"  false alarms {cat:<22} {self.false_alarms[cat]}" for cat in NEGATIVE]
        lines.append(f"  false alarms {'ALL HARD NEGATIVES':<22} {negatives}")
        lines.append(f"  friend sentences taken as the writer's own crisis {self.friend_as_own}")
        lines.append(f"  friend sentences given the help-a-friend answer   {self.friend_routed}")
        lines.append(f"  method/plan hits with an acute category          {self.acute}")
        if self.wrong_category:
            lines.append(f"  other category than labelled: {dict(self.wrong_category)}")
        return "\n".join(lines)


def evaluate(rules: CrisisRules, rows: list[Row], split: str) -> Report:
    recall: dict[str, Tally] = defaultdict(Tally)
    false_alarms: dict[str, Tally] = defaultdict(Tally)
    report = Report(split, recall, false_alarms, Tally(), Tally(), Tally(), Counter(), [], [])
    for row in rows:
        found = rules.match(row.text, low_mood=row.context == "low_mood")
        own = found is not None and not rules.is_friend(found)
        if row.label == "crisis":
            tally = recall[row.category]
            tally.total += 1
            tally.hit += own
            if not own:
                report.missed.append(row)
            elif found is not None and found.category != row.category:
                report.wrong_category[(row.category, found.category)] += 1
            if row.category in ACUTE_EXPECTED and own and found is not None:
                report.acute.total += 1
                report.acute.hit += rules.info(found.category).urgency == "acute"
        elif row.label == "none":
            tally = false_alarms[row.category]
            tally.total += 1
            tally.hit += found is not None
            if found is not None:
                report.alarmed.append(row)
        else:
            report.friend_as_own.total += 1
            report.friend_as_own.hit += own
            report.friend_routed.total += 1
            report.friend_routed.hit += rules.is_friend(found)
    return report


# The held-out split was measured once, with the rules written on the tuning split only:
# recall 77/81 = 95.1 % (passive wish 12/13, method 8/11), false alarms 2/41 = 4.9 % — below the
# targets. It is not tuned on, so this stays a known failure (strict: when a later change makes
# it pass, the marker must go, and the notes must say the figure is no longer a clean one).
HELD_OUT_BELOW_TARGET = pytest.mark.xfail(
    strict=True, reason="held-out split below the issue-15 targets (see the comment above)"
)


def _blind_below_target(number: int) -> pytest.MarkDecorator:
    """A blind held-out split's known failure, strict like the one above."""
    return pytest.mark.xfail(
        strict=True,
        reason=f"blind held-out split {number} below the issue-15 targets (see the comment above)",
    )


# heldout_2 was written blind (by someone who had not seen the rules or the other splits) and
# measured once, with the rules as they were at commit 571ecc3: recall 143/229 = 62.4 %
# (plan/intent 10/28, goodbyes 5/21, passive wish 24/36), false alarms 16/135 = 11.9 % (denials
# and past tense 10/18). Far below the targets (misses: issue-15 notes). Strict, like above.
# Measured a second time after general rule additions (tuning split only, but written by the
# same person who wrote this split and had seen its misses, so NOT a clean held-out figure):
# recall 216/229 = 94.3 % (plan/intent 19/28), false alarms 5/135 = 3.7 % — still below.
HELD_OUT_2_BELOW_TARGET = _blind_below_target(2)


# heldout_3 was written blind by another helper (no sight of the detector, its rule files or the
# other splits), committed on its own (fd15685) before it was first measured, and is never edited
# or tuned on. Measured once, with the detector of main at a033e90: recall 149/197 = 75.6 %
# (passive wish 23/32, active ideation 30/30, method 23/28, plan/intent 24/28, goodbyes 12/20,
# self-harm 11/21, hopelessness/burden 12/19, abuse/danger 14/19); false alarms 7/83 = 8.4 %
# (idiom 0/24, news/school 1/14, song quotes 0/12, everyday 1/16, denials 5/17); friend
# sentences taken as the writer's own crisis 6/26 = 23.1 % (help-a-friend answer 12/26);
# method/plan hits with an acute category 40/47 = 85.1 %. Below the targets; strict, like above.
# Measured a second time at da23465, after a round of general rules written by a helper who never
# saw this split (tuning split only; that round took tuning to 519/519 and 0/278) — so still a
# clean figure: recall 153/197 = 77.7 % (method 24/28, plan/intent 25/28, self-harm 13/21, the
# rest unchanged), false alarms 4/83 = 4.8 % (news/school 0/14, denials 3/17); friend 6/26 as
# own, acute 43/49. (One method-seeking sentence had been written, word for word and
# independently, into tuning by the rules' author; it was removed from tuning afterwards, and
# method 24/28 counts it.) Phrase and frame rules fit the sentences they were written from and
# carry over only a little to new wording: the clean figures are what a young person can count on.
HELD_OUT_3_BELOW_TARGET = _blind_below_target(3)


# heldout_4 was written blind by a fourth helper (the same rules as heldout_3) and committed alone
# (30ac566) before the trained model existed; it is never trained on, tuned on or edited. Measured
# once, at 60f6db8: rules of 9763f59 and the model trained on 11,522 tuning and training
# sentences: recall 194/207 = 93.7 % (passive wish 26/26, active ideation 26/26, method 26/26,
# plan/intent 18/25, goodbyes 24/26, self-harm 25/26, hopelessness/burden 26/26, abuse/danger
# 23/26); false alarms 6/94 = 6.4 % (idiom 0/27, news/school 1/18, song quotes 0/15, everyday
# 2/19, denials 3/15); friend sentences taken as the writer's own 5/30 (help-a-friend answer
# 19/30); method/plan hits with an acute category 41/44. The rules alone: recall 148/207 =
# 71.5 %, false alarms 5/94 = 5.3 %. The model adds 22 points of recall for one point of false
# alarms on wording nobody had seen; plans with a time stay the weak spot. Strict, like above.
# The same run on the older splits (clean for the model, which never saw them; the rules had been
# measured on them before): heldout 80/81 and 3/41 (rules alone 79/81, 1/41); heldout_2 225/229
# and 5/135 (rules alone 217/229, 4/135); heldout_3 188/197 = 95.4 % and 4/83 = 4.8 % (rules
# alone 157/197 = 79.7 %, 3/83), friend as own 4/26.
# After rule round 7 (a helper who saw the tuning and training splits and these tests' printed
# figures, never a held-out sentence) and the model with log-count scaling, at a5eaa10: heldout
# 80/81 and 2/41; heldout_2 223/229 and 4/135; heldout_3 189/197 and 3/83, friend as own 1/26;
# heldout_4 196/207 = 94.7 % and 2/94 = 2.1 %, friend as own 0/30 (the rules alone 154/207).
HELD_OUT_4_BELOW_TARGET = _blind_below_target(4)


# heldout_5 was written blind by a fifth helper (the same rules as heldout_3) and committed alone
# (780a7c0); it is never trained on, tuned on or edited, and nobody who changed the screen has
# seen it or its figures. Measured at 780a7c0 (rules of 9763f59, the 4-gram model trained on
# 13,147 sentences): recall 187/208 = 89.9 % (passive wish 23/26, plan/intent 22/26, goodbyes
# 23/26, self-harm 20/26, abuse/danger 22/26), false alarms 10/95 = 10.5 % (denials 5/19), all
# of them the rules'; friend sentences taken as the writer's own 6/30; the rules alone 136/208 =
# 65.4 %. Measured a second time at a5eaa10, after rule round 7 (friends, reported speech,
# denials) and the log-count scaling: recall 194/208 = 93.3 % (passive wish 24/26, active
# ideation 26/26, method 26/26, plan/intent 22/26, goodbyes 24/26, self-harm 23/26,
# hopelessness/burden 26/26, abuse/danger 23/26); false alarms 6/95 = 6.3 % (idiom 0/19,
# news/school 1/19, song quotes 1/19, everyday 1/19, denials 3/19); friend sentences taken as
# the writer's own 0/30 (help-a-friend answer 27/30); method/plan hits with an acute category
# 48/48. The rules alone: 139/208 = 66.8 %, the same false alarms. Strict, like above.
HELD_OUT_5_BELOW_TARGET = _blind_below_target(5)


# heldout_6 was written blind by a sixth helper (the same rules as heldout_3: 333 sentences, 26 per
# crisis category, 19 per kind of hard negative, 30 about a friend) and committed alone (5084d54);
# it is never trained on, tuned on or edited, and nobody who changes the screen sees it. Measured
# once, at c2803f8 (rules of round 7, the model with log-count scaling): recall 193/208 = 92.8 %
# (passive wish 25/26, active ideation 25/26, method 26/26, plan/intent 24/26, goodbyes 26/26,
# self-harm 21/26, hopelessness/burden 24/26, abuse/danger 22/26); false alarms 10/95 = 10.5 %
# (idiom 2/19, news/school 3/19, song quotes 2/19, everyday 2/19, denials 1/19), every one of
# them the rules'; friend sentences taken as the writer's own 2/30 (help-a-friend answer 19/30);
# method/plan hits with an acute category 44/50. The rules alone: 126/208 = 60.6 %, the same
# false alarms, friend as own 1/30. Measured a second time at 581e484, after rule round 8 (a
# helper who saw tuning, training and these tests' tuning figures, never a held-out sentence or
# figure), two training batches and the model retrained: recall 195/208 = 93.8 % (goodbyes
# 25/26, abuse/danger 25/26, the rest as before), false alarms 9/95 = 9.5 % (everyday 1/19, the
# rest as before; all of them the rules'), friend as own 3/30 (help-a-friend answer 19/30),
# acute 43/50; the rules alone 140/208 = 67.3 %. Strict, like above.
HELD_OUT_6_BELOW_TARGET = _blind_below_target(6)


# heldout_7 was written blind by a seventh helper (the same rules and mix as heldout_6) and
# committed alone (05e33f0), after the screen changes of rule round 8; never trained on, tuned on
# or edited. Measured once, at 5d1f8ad: recall 196/208 = 94.2 % (passive wish 26/26, active
# ideation 26/26, method 24/26, plan/intent 22/26, goodbyes 24/26, self-harm 25/26,
# hopelessness/burden 24/26, abuse/danger 25/26); false alarms 7/95 = 7.4 % (idiom 0/19,
# news/school 2/19, song quotes 2/19, everyday 1/19, denials 2/19), all of them the rules';
# friend sentences taken as the writer's own 1/30 (help-a-friend answer 23/30); method/plan hits
# with an acute category 41/46. The rules alone: 147/208 = 70.7 %. Measured a second time at
# 85ac040, after rule round 9 (false alarms; a helper who never saw a held-out sentence or figure)
# and the model retrained: recall 196/208 = 94.2 % (plan/intent 23/26, hopelessness/burden
# 23/26, the rest as before), false alarms 6/95 = 6.3 % (denials 1/19, the rest as before), friend
# as own 1/30, acute 42/47; the rules alone 147/208. (heldout_6 at 85ac040: 195/208 = 93.8 %,
# false alarms 8/95 = 8.4 %, friend as own 3/30.) Strict, like above.
HELD_OUT_7_BELOW_TARGET = _blind_below_target(7)


# heldout_8 was written blind by an eighth helper (the mix of heldout_6: 208 crisis, 95 hard
# negatives, 30 about a friend; 17 first drafts equal to corpus sentences reworded; the writer
# read these comments' figures and the corpus README, never a sentence, a rule or the detector)
# and committed alone (89b5b0d) before rule rounds 10 to 12; never trained on, tuned on or
# edited, and nobody who changed the screen saw it. Measured once, at c5b268f (after rule
# rounds 10 and 11 on false alarms, round 12 on recall, frames through a colon, training batch 16
# and the model retrained): recall 191/208 = 91.8 % (passive wish 25/26, active ideation 24/26,
# method 26/26, plan/intent 22/26, goodbyes 23/26, self-harm 24/26, hopelessness/burden 24/26,
# abuse/danger 23/26); false alarms 2/95 = 2.1 % (idiom 1/19, everyday 1/19, the rest 0/19) —
# the first blind split within the false-alarm target; friend sentences taken as the writer's own
# 0/30 (help-a-friend answer 22/30); method/plan hits with an acute category 47/48. The rules
# alone: 142/208 = 68.3 %, the same false alarms. Recall is below the targets; strict, like above.
# The older splits at the same commit (not clean: each was measured before): heldout_7 197/208
# and 4/95, heldout_6 191/208 and 5/95, heldout_5 194/208 and 4/95, heldout_4 197/207 and 0/94,
# heldout_3 190/197 and 1/83, heldout_2 223/229 and 0/135, heldout 80/81 and 1/41.
HELD_OUT_8_BELOW_TARGET = _blind_below_target(8)


# Four tuning sentences (batch 14, lines 1802, 1810, 1858 and 1924; the header is line 1) are a
# plan or a wish only in context: each has an everyday twin that young people write to Fremad
# (everything packed for tomorrow's internship; a task done on Sunday evening; away for the
# weekend; "the best thing that could happen to me"). A rule for them would give those twins the
# crisis answer, so the rules alone are not asked to catch them; the rules with the model must,
# like every other tuning sentence (the recall assertions above count them).
CONTEXT_ONLY = frozenset({1802, 1810, 1858, 1924})


@pytest.mark.parametrize(
    "split",
    [
        "tuning",
        pytest.param("heldout", marks=HELD_OUT_BELOW_TARGET),
        pytest.param("heldout_2", marks=HELD_OUT_2_BELOW_TARGET),
        pytest.param("heldout_3", marks=HELD_OUT_3_BELOW_TARGET),
        pytest.param("heldout_4", marks=HELD_OUT_4_BELOW_TARGET),
        pytest.param("heldout_5", marks=HELD_OUT_5_BELOW_TARGET),
        pytest.param("heldout_6", marks=HELD_OUT_6_BELOW_TARGET),
        pytest.param("heldout_7", marks=HELD_OUT_7_BELOW_TARGET),
        pytest.param("heldout_8", marks=HELD_OUT_8_BELOW_TARGET),
    ],
)
def test_recall_and_false_alarms_meet_the_targets(
    rules: CrisisRules, corpus: dict[str, list[Row]], split: str
) -> None:
    report = evaluate(rules, corpus[split], split)
    alone = evaluate(rules.with_model(None), corpus[split], split)
    table = report.table() + (
        f"\n  the rules alone, without the model: recall {alone.positives}, "
        f"false alarms {alone.negatives}, friend as own {alone.friend_as_own}"
    )
    print("\n" + table)
    # What was missed or alarmed is named by category only, never printed as text: the test
    # output should not be a list of crisis sentences. The count is enough to find them.
    assert report.positives.rate >= RECALL_MIN, table
    if split == "tuning":  # the plain cases are the rules' own, model or not (issue 15)
        rows = [row for line, row in enumerate(corpus[split], 2) if line not in CONTEXT_ONLY]
        plain_alone = evaluate(rules.with_model(None), rows, split)
    for category in PLAIN:
        assert report.recall[category].rate == 1.0, (category, table)
        if split == "tuning":
            assert plain_alone.recall[category].rate == 1.0, (category, "rules alone", table)
    for category in POSITIVE:
        assert report.recall[category].total > 0, (category, table)
    assert report.negatives.rate <= FALSE_ALARM_MAX, table
    assert report.friend_as_own.rate <= FALSE_ALARM_MAX, table
    assert report.acute.rate >= 0.9, table
