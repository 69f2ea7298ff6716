"""Crisis detection against the real staff phrase file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.services.crisis_detection import (
    CrisisRules,
    CrisisRulesError,
    load_crisis_rules,
    normalise_text,
)

PHRASES = Path(__file__).resolve().parents[2] / "dialogs" / "crisis" / "phrases.yaml"

SUICIDE = "self_harm_suicide"
DISAPPEAR = "wish_to_disappear"
SELF_HARM = "hurting_self"
ABUSE = "being_hurt_or_abused"
INTOX = "severe_intoxication"


@pytest.fixture(scope="module")
def rules() -> CrisisRules:
    return load_crisis_rules(PHRASES)


TRIGGERS: list[tuple[str, str]] = [
    # Danish, direct
    ("Jeg tænker på selvmord", SUICIDE),
    ("jeg har selvmordstanker igen", SUICIDE),
    ("Jeg vil tage mit eget liv", SUICIDE),
    ("jeg har lyst til at tage livet af mig", SUICIDE),
    ("jeg vil slå mig selv ihjel", SUICIDE),
    ("Jeg vil bare dø", SUICIDE),
    ("jeg har lyst til at dø", SUICIDE),
    ("jeg orker ikke at leve mere", SUICIDE),
    ("jeg kan ikke orke at leve", SUICIDE),
    ("alle ville have det bedre uden mig", SUICIDE),
    ("jeg vil gøre en ende på det hele", SUICIDE),
    ("jeg gider ikke leve mere", SUICIDE),
    # Danish, missing æøå / case / spaces / leetspeak / stretched letters
    ("SELVMORD", SUICIDE),
    ("jeg tænker på sel vmord", SUICIDE),
    ("s3lvm0rd", SUICIDE),
    ("jeg vil sla mig selv ihjel", SUICIDE),
    ("jeg vil slaa mig selv ihjel", SUICIDE),
    ("jeg vil  bare   doe", SUICIDE),
    ("jeg vil bare dooo", SUICIDE),
    ("jeg har lyst til at dö", SUICIDE),
    ("selv\u200bmord", SUICIDE),
    # English, direct and coded
    ("I want to kill myself", SUICIDE),
    ("i'm going to kms", SUICIDE),
    ("honestly kms", SUICIDE),
    ("I want to unalive myself", SUICIDE),
    ("I want to die", SUICIDE),
    ("i wanna diiiie", SUICIDE),
    ("I just want to end it all", SUICIDE),
    ("thinking about suicide", SUICIDE),
    ("I've been feeling suicidal", SUICIDE),
    ("everyone would be better off without me", SUICIDE),
    ("I don't want to live anymore", SUICIDE),
    ("I wish I was dead", SUICIDE),
    ("I'm gonna kys", SUICIDE),
    ("K1LL MYS3LF", SUICIDE),
    ("sewerslide is on my mind", SUICIDE),
    # wanting to disappear / not wake up
    ("jeg vil bare forsvinde for altid", DISAPPEAR),
    ("jeg håber jeg ikke vågner op i morgen", DISAPPEAR),
    ("jeg vil ikke vågne op igen", DISAPPEAR),
    ("jeg vil ikke vagne op igen", DISAPPEAR),
    ("jeg vil ikke være her mere", DISAPPEAR),
    ("ingen ville savne mig", DISAPPEAR),
    ("I want to disappear forever", DISAPPEAR),
    ("sometimes I just want to disappear", DISAPPEAR),
    ("I hope I never wake up", DISAPPEAR),
    ("i dont want to wake up tomorrow", DISAPPEAR),
    ("nobody would miss me", DISAPPEAR),
    ("I wish I didn't exist", DISAPPEAR),
    # hurting oneself
    ("jeg har skåret i mig selv igen", SELF_HARM),
    ("jeg har skaaret i mig selv", SELF_HARM),
    ("jeg er begyndt at cutte", SELF_HARM),
    ("jeg skader mig selv", SELF_HARM),
    ("selvskade er det eneste der hjælper", SELF_HARM),
    ("I hurt myself on purpose", SELF_HARM),
    ("I've been cutting myself", SELF_HARM),
    ("self-harm again", SELF_HARM),
    ("i relapsed on sh", SELF_HARM),
    ("my sh scars are showing", SELF_HARM),
    # being hurt or abused
    ("han slår mig", ABUSE),
    ("min kæreste slår mig når han er fuld", ABUSE),
    ("min stedfar slog mig igen", ABUSE),
    ("jeg bliver tvunget til ting jeg ikke vil", ABUSE),
    ("jeg tør ikke gå hjem", ABUSE),
    ("der er vold derhjemme", ABUSE),
    ("he hits me", ABUSE),
    ("my boyfriend beats me", ABUSE),
    ("I was raped", ABUSE),
    ("I'm scared to go home", ABUSE),
    # severe intoxication / overdose
    ("jeg har taget alle mine piller", INTOX),
    ("jeg har slugt en hel pakke panodil", INTOX),
    ("jeg tror jeg har fået en overdosis", INTOX),
    ("jeg kan ikke mærke min krop", INTOX),
    ("I think I'm going to od", INTOX),
    ("I overdosed last night", INTOX),
    ("I took all my pills", INTOX),
    ("blacked out and can't feel my legs", INTOX),
    ("my friend is unconscious", INTOX),
]

ORDINARY: list[str] = [
    "I killed it at the interview",
    "jeg døde af grin",
    "jeg var ved at dø af grin",
    "I'm dying to see the new film",
    "dræbende kedeligt",
    "min telefon døde",
    "jeg skar løg til aftensmad",
    "dead tired after work",
    "I could kill for a coffee",
    "jeg drukner i lektier",
    "I'm killing it at the gym",
    "det slår mig at han er så sød",
    "kys og kram fra mig",
    "jeg fik et kys",
    "that's just odd",
    "an odd job at the bakery",
    "jeg har husket at tage mine piller",
    "I took my meds this morning",
    "jeg kunne ikke vågne op i morges",
    "I didn't wake up on time",
    "vi så en dokumentar om en selvmordsbombe i nyhederne",
    "suicide squad is a bad film",
    "my brother beat me at chess",
    "she hit me up last night",
    "jeg blev slået ud i første runde",
    "jeg har taget for meget på mig på arbejdet",
    "I could sleep forever",
    "jeg skar mig selv i fingeren da jeg lavede mad",
    "jeg cutter videoer i min fritid",
    "I cut myself shaving",
    "mødet var godt, jeg er glad",
    "jeg vil gerne i praktik i en butik",
    "I'm tired but okay",
    "det var en hård dag men jeg klarede den",
    "shh, don't tell anyone it's a surprise",
    "min mor kommer på besøg",
    "rapeseed oil is on the shopping list",
    "that film touched me deeply",
    "hun slog mig i skak",
    "the pain will just disappear after a while",
]


@pytest.mark.parametrize(("text", "category"), TRIGGERS)
def test_crisis_phrase_triggers_expected_category(
    rules: CrisisRules, text: str, category: str
) -> None:
    found = rules.match(text)
    assert found is not None, text
    assert found.category == category, (text, found)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentence_does_not_trigger(rules: CrisisRules, text: str) -> None:
    assert rules.match(text) is None


def test_corpus_sizes_meet_the_brief() -> None:
    assert len(TRIGGERS) >= 60
    assert len(ORDINARY) >= 30


def test_excluded_idiom_does_not_hide_a_real_hit_elsewhere(rules: CrisisRules) -> None:
    found = rules.match("jeg døde af grin i går, men i dag vil jeg bare dø")
    assert found is not None and found.category == SUICIDE


def test_match_holds_no_message_text(rules: CrisisRules) -> None:
    found = rules.match("jeg vil slå mig selv ihjel")
    assert found is not None
    assert "ihjel" not in repr(found)
    assert set(found.__slots__) == {"category", "rule_id"}


def test_long_text_with_a_late_phrase_is_matched_fast(rules: CrisisRules) -> None:
    filler = "I went to the internship today and it was fine, we sorted boxes. " * 60
    tail = " and honestly I want to kill myself"
    text = (filler * 2)[: 4000 - len(tail)] + tail
    assert len(text) == 4000
    found = rules.match(text)
    assert found is not None and found.category == SUICIDE
    harmless = ("jeg var i praktik i dag og det gik fint. " * 120)[:4000]
    started = time.perf_counter()
    for _ in range(20):
        rules.match(text)
        rules.match(harmless)
    per_call_ms = (time.perf_counter() - started) / 40 * 1000
    assert per_call_ms < 5, per_call_ms


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x00\x00",
        "😀😀😀🙏",
        "مرحبا كيف حالك",
        "\u202eolleh\u202c",
        "🔪" * 4000,
        "a\x00b",
    ],
)
def test_odd_input_does_not_crash(rules: CrisisRules, text: str) -> None:
    assert rules.match(text) is None


def test_null_bytes_and_emoji_inside_phrase_still_match(rules: CrisisRules) -> None:
    found = rules.match("jeg vil 😭 slå\x00 mig selv ihjel")
    assert found is not None and found.category == SUICIDE


def test_normalise_text_folds_danish_letters_case_and_leetspeak() -> None:
    assert normalise_text("SKÆRE Ø Å") == "skaere oe aa"
    assert normalise_text("I'm  d1iiiie!!") == "im diie"
    assert normalise_text("ring 112 nu") == "ring 112 nu"


def test_staff_rule_file_errors_say_where() -> None:
    bad = {"categories": {SUICIDE: {"rules": [{"id": "x", "phrases": ["... dø"]}]}}}
    with pytest.raises(CrisisRulesError, match="self_harm_suicide/x"):
        CrisisRules.from_mapping(bad)
    duplicate = {
        "categories": {
            SUICIDE: {"rules": [{"id": "x", "phrases": ["a b"]}, {"id": "x", "phrases": ["c"]}]}
        }
    }
    with pytest.raises(CrisisRulesError, match="twice"):
        CrisisRules.from_mapping(duplicate)


def test_phrase_syntax_prefix_alternatives_and_gap() -> None:
    rules = CrisisRules.from_mapping(
        {"categories": {SUICIDE: {"rules": [{"id": "t", "phrases": ["tage|tog ... mit liv*"]}]}}}
    )
    assert rules.match("jeg tog næsten mit livs chance") is not None
    assert rules.match("jeg tog mit livet") is not None
    assert rules.match("jeg tog en meget lang tur med mit liv") is None  # gap is at most 3 words
