"""Crisis detection against the real staff rule file: the engine (cleaning, canonical forms,
phrase syntax, friend spans, low-mood context) and a fixed list of plain cases with the category
each must get. The measured corpus is in test_crisis_corpus.py; speed is a benchmark
(tests/benchmarks/bench_crisis.py), never a timing assertion here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.services.crisis_detection import (
    CrisisRules,
    CrisisRulesError,
    load_crisis_rules,
    normalise_text,
)

PHRASES = Path(__file__).resolve().parents[2] / "dialogs" / "crisis" / "phrases.yaml"

PASSIVE = "passive_wish"
IDEATION = "active_ideation"
METHOD = "method_seeking"
PLAN = "plan_intent"
GOODBYE = "preparation_goodbye"
SELF_HARM = "self_harm"
BURDEN = "hopelessness_burden"
ABUSE = "abuse_danger"
INTOX = "severe_intoxication"
FRIEND = "friend_in_danger"


@pytest.fixture(scope="module")
def rules() -> CrisisRules:
    return load_crisis_rules(PHRASES)


TRIGGERS: list[tuple[str, str]] = [
    ("Jeg tænker på selvmord", IDEATION),
    ("jeg har selvmordstanker igen", IDEATION),
    ("Jeg vil tage mit eget liv", IDEATION),
    ("jeg har lyst til at tage livet af mig", IDEATION),
    ("jeg vil slå mig selv ihjel", IDEATION),
    ("Jeg vil bare dø", IDEATION),
    ("jeg har lyst til at dø", IDEATION),
    ("jeg orker ikke at leve mere", PASSIVE),
    ("jeg kan ikke orke at leve", PASSIVE),
    ("alle ville have det bedre uden mig", BURDEN),
    ("jeg vil gøre en ende på det hele", IDEATION),
    ("jeg gider ikke leve mere", PASSIVE),
    ("SELVMORD", IDEATION),
    ("jeg tænker på sel vmord", IDEATION),
    ("s3lvm0rd", IDEATION),
    ("jeg vil sla mig selv ihjel", IDEATION),
    ("jeg vil slaa mig selv ihjel", IDEATION),
    ("jeg vil  bare   doe", IDEATION),
    ("jeg vil bare dooo", IDEATION),
    ("jeg har lyst til at dö", IDEATION),
    ("selv\u200bmord", IDEATION),
    ("I want to kill myself", IDEATION),
    ("i'm going to kms", IDEATION),
    ("honestly kms", IDEATION),
    ("I want to unalive myself", IDEATION),
    ("I want to die", IDEATION),
    ("i wanna diiiie", IDEATION),
    ("I just want to end it all", IDEATION),
    ("thinking about suicide", IDEATION),
    ("I've been feeling suicidal", IDEATION),
    ("everyone would be better off without me", BURDEN),
    ("I don't want to live anymore", PASSIVE),
    ("I wish I was dead", PASSIVE),
    ("I'm gonna kys", IDEATION),
    ("K1LL MYS3LF", IDEATION),
    ("sewerslide is on my mind", IDEATION),
    ("jeg vil bare forsvinde for altid", PASSIVE),
    ("jeg håber jeg ikke vågner op i morgen", PASSIVE),
    ("jeg vil ikke vågne op igen", PASSIVE),
    ("jeg vil ikke vagne op igen", PASSIVE),
    ("jeg vil ikke være her mere", PASSIVE),
    ("ingen ville savne mig", BURDEN),
    ("I want to disappear forever", PASSIVE),
    ("sometimes I just want to disappear", PASSIVE),
    ("I hope I never wake up", PASSIVE),
    ("i dont want to wake up tomorrow", PASSIVE),
    ("nobody would miss me", BURDEN),
    ("I wish I didn't exist", PASSIVE),
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
    ("jeg har taget alle mine piller", INTOX),
    ("jeg har slugt en hel pakke panodil", INTOX),
    ("jeg tror jeg har fået en overdosis", INTOX),
    ("jeg kan ikke mærke min krop", INTOX),
    ("I think I'm going to od", INTOX),
    ("I overdosed last night", INTOX),
    ("I took all my pills", INTOX),
    ("blacked out and can't feel my legs", INTOX),
    # method, plan and goodbye (the acute categories)
    ("hvor mange panodil skal der til for at dø", METHOD),
    ("how many sleeping pills would it take, asking for a friend", METHOD),
    ("jeg tager alle pillerne i aften", PLAN),
    ("i'm doing it tonight, i have the pills ready", PLAN),
    ("jeg har skrevet et afskedsbrev til min mor", GOODBYE),
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


def test_excluded_idiom_does_not_hide_a_real_hit_elsewhere(rules: CrisisRules) -> None:
    found = rules.match("jeg døde af grin i går, men i dag vil jeg bare dø")
    assert found is not None and found.category == IDEATION


def test_match_holds_no_message_text(rules: CrisisRules) -> None:
    found = rules.match("jeg vil slå mig selv ihjel")
    assert found is not None
    assert "ihjel" not in repr(found)
    assert set(found.__slots__) == {"category", "rule_id"}


def test_a_late_phrase_in_a_long_text_is_found(rules: CrisisRules) -> None:
    filler = "I went to the internship today and it was fine, we sorted boxes. " * 60
    tail = " and honestly I want to kill myself"
    text = (filler * 2)[: 4000 - len(tail)] + tail
    found = rules.match(text)
    assert found is not None and found.category == IDEATION


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
        ". , . ,",
    ],
)
def test_odd_input_does_not_crash(rules: CrisisRules, text: str) -> None:
    assert rules.match(text) is None


def test_null_bytes_and_emoji_inside_phrase_still_match(rules: CrisisRules) -> None:
    found = rules.match("jeg vil 😭 slå\x00 mig selv ihjel")
    assert found is not None and found.category == IDEATION


def test_normalise_text_folds_letters_marks_and_emoji() -> None:
    assert normalise_text("SKÆRE Ø Å") == "skaere oe aa"
    assert normalise_text("I'm  d1iiiie!!") == "im diie"
    assert normalise_text("ring 112 nu") == "ring 112 nu"
    assert normalise_text("hej, du. Jeg... vil 💊😭") == "hej , du . jeg . vil zzpill zzsad"
    assert normalise_text("s*icide") == "sicide"


def test_coded_sms_and_misspelt_forms_become_plain_words(rules: CrisisRules) -> None:
    assert rules.prepare("gonna unalive myself tn") == "going to kill myself tonight"
    assert rules.prepare("sewer slide") == "suicide"
    assert rules.prepare("jeg vil ik mer") == "jeg vil ikke mere"
    assert rules.prepare("slevmordstanker") == "selvmordstanker"
    assert rules.prepare("s*icide") == "suicide"
    # A word one letter from a key word but itself ordinary Danish stays as it is.
    assert rules.prepare("det er selvmodsigende") == "det er selvmodsigende"


def test_negation_decides_between_wish_and_denial(rules: CrisisRules) -> None:
    assert rules.match("jeg vil ikke leve mere") is not None
    assert rules.match("jeg vil ikke dø, jeg er bare træt") is None
    assert rules.match("i dont want to live anymore") is not None
    assert rules.match("i dont want to die lol") is None


def test_clause_end_marker_separates_the_plain_wish_from_an_object(rules: CrisisRules) -> None:
    found = rules.match("jeg gider ikke mere")
    assert found is not None and found.category == PASSIVE
    assert rules.match("jeg gider ikke mere matematik i dag") is None
    assert rules.match("gider ikke mere 😞") is not None


def test_someone_else_in_danger_is_the_friend_category_and_never_the_writers_own(
    rules: CrisisRules,
) -> None:
    found = rules.match("min veninde siger hun vil tage sit liv, hvad gør jeg")
    assert found is not None and found.category == FRIEND and rules.is_friend(found)
    assert rules.info(FRIEND).kind == "friend"
    # Method seeking "for a friend" is the writer's own question.
    own = rules.match("hvor mange sovepiller er for mange? jeg spørger for en veninde")
    assert own is not None and own.category == METHOD and not rules.is_friend(own)
    # The writer's own words after the friend sentence still count.
    both = rules.match("min ven har det svært. jeg vil selv slå mig selv ihjel")
    assert both is not None and not rules.is_friend(both)


def test_low_mood_context_makes_everyday_giving_up_words_count(rules: CrisisRules) -> None:
    assert rules.match("jeg giver op") is None
    assert rules.context_sensitive("jeg giver op")
    found = rules.match("jeg giver op", low_mood=True)
    assert found is not None and found.category == BURDEN
    assert not rules.context_sensitive("vi ses i morgen")


def test_urgency_of_categories(rules: CrisisRules) -> None:
    assert {rules.info(c).urgency for c in (METHOD, PLAN, GOODBYE, INTOX)} == {"acute"}
    assert {rules.info(c).urgency for c in (IDEATION, SELF_HARM, ABUSE)} == {"high"}
    assert {rules.info(c).urgency for c in (PASSIVE, BURDEN)} == {"normal"}


def test_staff_rule_file_errors_say_where() -> None:
    bad = {"categories": {IDEATION: {"rules": [{"id": "x", "phrases": ["... dø"]}]}}}
    with pytest.raises(CrisisRulesError, match="active_ideation/x"):
        CrisisRules.from_mapping(bad)
    duplicate = {
        "categories": {
            IDEATION: {"rules": [{"id": "x", "phrases": ["a b"]}, {"id": "x", "phrases": ["c"]}]}
        }
    }
    with pytest.raises(CrisisRulesError, match="twice"):
        CrisisRules.from_mapping(duplicate)
    unknown_set = {"categories": {IDEATION: {"rules": [{"id": "x", "phrases": ["$nope dø"]}]}}}
    with pytest.raises(CrisisRulesError, match=r"unknown word set \$nope"):
        CrisisRules.from_mapping(unknown_set)
    end_first = {"categories": {IDEATION: {"rules": [{"id": "x", "phrases": ["<end> dø"]}]}}}
    with pytest.raises(CrisisRulesError, match="<end>"):
        CrisisRules.from_mapping(end_first)
    rule = {"id": "x", "phrases": ["a"]}
    bad_urgency = {"categories": {IDEATION: {"urgency": "soon", "rules": [rule]}}}
    with pytest.raises(CrisisRulesError, match="urgency"):
        CrisisRules.from_mapping(bad_urgency)


def test_phrase_syntax_prefix_alternatives_gaps_and_sets() -> None:
    rules = CrisisRules.from_mapping(
        {
            "sets": {"time": ["i aften", "tonight"]},
            "categories": {
                IDEATION: {
                    "rules": [
                        {"id": "t", "phrases": ["tage|tog ... mit liv*"]},
                        {"id": "s", "phrases": ["$time ...2 pillerne"]},
                        {"id": "w", "phrases": ["tak ~4 slut"]},
                    ]
                }
            },
        }
    )
    assert rules.match("jeg tog næsten mit livs chance") is not None
    assert rules.match("jeg tog mit livet") is not None
    assert rules.match("jeg tog en meget lang tur med mit liv") is None  # gap is at most 3 words
    hit = rules.match("i aften tager jeg pillerne")
    assert hit is not None and hit.rule_id == "s"
    assert rules.match("tonight pillerne") is not None
    assert rules.match("tak. nu er det slut") is not None  # "~" may cross a sentence end
    assert rules.match("tak for hjælpen i dag. pillerne") is None  # "..." may not


def test_a_split_key_word_is_still_found(rules: CrisisRules) -> None:
    found = rules.match("jeg tænker på s e l v m o r d")
    assert found is not None and found.category == IDEATION


def test_gap_sizes_of_two_digits_and_gaps_that_stop_at_a_comma() -> None:
    rules = CrisisRules.from_mapping(
        {
            "categories": {
                IDEATION: {
                    "rules": [
                        {"id": "far", "phrases": ["start ~12 slut"]},
                        {"id": "near", "phrases": ["ikke ..2 dø"]},
                    ]
                }
            }
        }
    )
    far = rules.match("start en to tre fire fem seks syv otte ni ti elleve slut")
    assert far is not None and far.rule_id == "far"  # "~12" is twelve words, not the word "12"
    assert rules.match("vil ikke bare dø") is not None
    assert rules.match("vil ikke, jeg vil dø") is None  # ".." does not cross a comma


FRAMED = {
    "sets": {"soon": ["i aften", "tonight"], "music": ["sang", "sangen", "song"]},
    "frames": {
        "denial": {"phrases": ["ikke ..2 dø"], "unless": ["kan ikke love", "$soon"]},
        "lyrics": {"phrases": ["sangen går"], "to_sentence_end": True, "through_colon": True},
        "glad": {"phrases": ["glad for"], "to_sentence_end": True},
    },
    "quotes": {"cues": ["$music"], "unless": ["literally me"]},
    "categories": {IDEATION: {"rules": [{"id": "die", "phrases": ["dø", "die"]}]}},
}


def test_a_frame_holds_back_only_the_hits_inside_it() -> None:
    rules = CrisisRules.from_mapping(FRAMED)
    assert rules.match("jeg vil ikke dø") is None
    assert rules.frames("jeg vil ikke dø") == ("denial",)
    # A hit outside the frame still counts, and so does one in a later sentence.
    assert rules.match("jeg vil ikke dø. jeg vil dø") is not None
    assert rules.match("sangen går jeg vil dø. jeg vil dø") is not None
    assert rules.match("sangen går jeg vil dø og den er god") is None


def test_a_frame_may_run_through_a_colon_to_the_words_it_introduces() -> None:
    rules = CrisisRules.from_mapping(FRAMED)
    assert rules.match("sangen går: jeg vil dø") is None
    assert rules.match("sangen går: jeg vil dø. jeg vil dø") is not None  # one sentence only
    # A frame without through_colon stops at the colon, as at any sentence end.
    assert rules.match("glad for det hele jeg vil dø") is None
    assert rules.match("glad for det hele: jeg vil dø") is not None


def test_an_unless_phrase_in_the_sentence_cancels_the_frame() -> None:
    rules = CrisisRules.from_mapping(FRAMED)
    assert rules.match("jeg kan ikke love at jeg ikke dø") is not None
    assert rules.match("jeg vil ikke dø i aften") is not None
    assert rules.match("jeg kan ikke love noget. jeg vil ikke dø") is None  # another sentence


def test_quoted_words_are_a_song_line_only_with_a_music_cue() -> None:
    rules = CrisisRules.from_mapping(FRAMED)
    assert rules.match('"i want to die" er den bedste sang') is None
    assert rules.frames("«jeg vil dø» er den bedste sang") == ("quote",)
    assert rules.match("🎵 i want to die 🎵") is not None  # notes quote, but no music word
    assert rules.match('jeg tænker "jeg vil dø" hele tiden') is not None  # no music word
    assert rules.match('the song "i want to die" is literally me') is not None
    assert rules.match('sangen "hej" er god, men jeg vil dø') is not None  # outside the quote
    assert rules.match('den sang " jeg vil dø') is not None  # a quote never closed


def test_frames_in_the_staff_file_keep_present_risk(rules: CrisisRules) -> None:
    # Denials and a past that is over are held back …
    for text in (
        "jeg vil ikke dø",
        "i would never kill myself, relax",
        "for to år siden ville jeg tage mit liv, men nu har jeg det godt",
        "i used to want to die but thats not me anymore",
        'min yndlingslinje i sangen er "jeg vil bare forsvinde"',
    ):
        assert rules.match(text) is None, text
    # … but not a present plan, a negated wish to live, a recent past or a hedge.
    for text in (
        "jeg har det fint. jeg tager pillerne i aften",
        "jeg har ikke lyst til at leve",
        "jeg vil ikke dø, men jeg vil heller ikke leve mere",
        "i går ville jeg dø",
        "jeg kan ikke love at jeg ikke skader mig selv i aften",
        "jeg har det bedre end sidste år, men jeg tænker stadig på selvmord hver dag",
    ):
        assert rules.match(text) is not None, text
    plan = rules.match("i nat ender jeg det")
    assert plan is not None and plan.category == PLAN


def test_an_alternative_of_several_words_is_joined_with_underscores() -> None:
    rules = CrisisRules.from_mapping(
        {
            "categories": {
                IDEATION: {"rules": [{"id": "x", "phrases": ["mean_it|mener_det ~4 nu"]}]}
            }
        }
    )
    assert rules.match("jeg mener det. nu") is not None
    assert rules.match("this time i mean it nu") is not None
    assert rules.match("jeg mener nu") is None


def test_a_sentence_about_someone_else_ends_where_the_writer_speaks_of_themselves(
    rules: CrisisRules,
) -> None:
    own = rules.match("min bror har taget alle mine piller, så nu hopper jeg ud fra broen i aften")
    assert own is not None and own.category == PLAN
    own = rules.match("my sister took pills last year and now i want to die too")
    assert own is not None and not rules.is_friend(own)
    friend = rules.match("min ven vil dø og jeg ved ikke hvad jeg skal gøre")
    assert rules.is_friend(friend)
    # Danish "i" (in) is not the writer: the friend sentence goes on.
    assert rules.is_friend(rules.match("en pige i min klasse skærer i armene"))


def test_what_someone_else_says_is_theirs_unless_the_writer_says_it_is_them(
    rules: CrisisRules,
) -> None:
    # Reported speech: the crisis words are the other person's, a quote with "jeg" included.
    said = rules.match('min kusine skrev "jeg gider ikke leve mere" i nat')
    assert said is not None and rules.is_friend(said)
    assert rules.is_friend(rules.match("my cousin says he wants to kill himself"))
    # The writer is the object of what someone does: that is the writer's own danger.
    hit = rules.match("min stedfar truer mig hver dag")
    assert hit is not None and hit.category == ABUSE
    # After the someone-else sentence the writer speaks of themselves again.
    own = rules.match("min kusine siger jeg skal tale med nogen, for jeg vil ikke leve mere")
    assert own is not None and not rules.is_friend(own)
    # "… det er mig" / "asking for myself": the friend is the writer.
    for text in (
        "hvad siger man til en der ikke vil leve mere? det er mig",
        "what do you tell a friend who wants to die? asking for myself",
    ):
        found = rules.match(text)
        assert found is not None and not rules.is_friend(found), text
    # A hypothetical friend asking how much is the writer's own method question.
    asked = rules.match("hvis en ven ville vide hvor mange piller der skal til, hvad så")
    assert asked is not None and asked.category == METHOD


def test_denied_thoughts_and_a_past_that_is_over_do_not_alarm(rules: CrisisRules) -> None:
    for text in (
        "nej, ingen tanker om at skade mig selv i weekenden, bare træt",
        "no, no thoughts of dying, just tired of the bus",
        "jeg plejede at cutte da jeg var 14, men det er langt bag mig",
        "i used to self harm but i have been clean for two years",
    ):
        assert rules.match(text) is None, text
    # Never stopping is no denial; not being afraid of dying is no comfort.
    for text in ("i never stop thinking about dying", "jeg er ikke bange for at dø længere"):
        found = rules.match(text)
        assert found is not None and found.category == IDEATION, text


def test_song_titles_next_to_music_words_are_held_back(rules: CrisisRules) -> None:
    assert rules.match("see you again er sådan en god sang") is None
    assert rules.match("listening to goodbye forever by some emo band lol") is None
    assert rules.match("listening to sad songs on repeat because i want to die") is not None
    assert rules.match("jeg hører stemmer der siger jeg skal dø af det") is not None


_PATTERN_SOURCES = """
import sys
from bot.services.crisis_detection import CrisisRules
words = [f"ord{letter}{letter}" for letter in "bcdfghjklmnpqrstvwxz"]
rules = CrisisRules.from_mapping(
    {"sets": {"w": words}, "categories": {"active_ideation": {"rules": [
        {"id": "r", "phrases": ["vil ~3 $w"]}]}}}
)
sys.stdout.write(rules._rules[0].phrases[0].pattern.pattern)
"""


def test_compiled_rules_are_the_same_in_every_process() -> None:
    # A word set's alternatives of equal length once came out in the order of Python's string
    # hashes, which differ per process: a frame with a gap could then end at another word, and
    # the text the model reads differed between the bot and the trainer.
    sources = {
        subprocess.run(
            [sys.executable, "-c", _PATTERN_SOURCES],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(sources) == 1
    assert "(?:oo?rr?dd?bb?|oo?rr?dd?cc?|oo?rr?dd?ff?|" in next(iter(sources))  # the file order


def test_what_follows_a_colon_after_someone_elses_words_is_theirs(rules: CrisisRules) -> None:
    # The colon is read as the end of a sentence, but after a speech verb it starts what the
    # other person said: their first person is not the writer's.
    for text in (
        "hun skrev til mig: jeg har taget alle mine piller",
        "min veninde skrev: jeg vil ikke leve mere",
        "my mate texted me: im going to kill myself tonight",
    ):
        found = rules.match(text)
        assert found is not None and found.category == FRIEND, text
    # Without a speech verb, or after a full stop, the writer speaks of themselves.
    for text in (
        "ved du hvad: jeg vil ikke leve mere",
        "min ven skrev til mig. jeg vil ikke leve mere",
        "hun skrev til mig: jeg har taget alle mine piller. og jeg vil ikke leve mere",
    ):
        found = rules.match(text)
        assert found is not None and found.category != FRIEND, text


def test_phrases_are_compiled_when_first_tried_and_all_on_request() -> None:
    # Built afresh: load_crisis_rules shares one compiled screen per file version.
    screen = CrisisRules.from_mapping(yaml.safe_load(PHRASES.read_text(encoding="utf-8")))
    phrases = [phrase for group in screen._groups for phrase in group]
    assert phrases and all(phrase.compiled is None for phrase in phrases)
    found = screen.match("jeg var i praktik i dag og det gik fint")
    compiled = sum(phrase.compiled is not None for phrase in phrases)
    assert found is None and 0 < compiled < len(phrases) // 10
    assert screen.compile_all() == len(phrases)
    assert all(phrase.compiled is not None for phrase in phrases)
    assert screen.match("jeg vil ikke leve mere") is not None


def test_safe_twins_of_round_8_are_held_back(rules: CrisisRules) -> None:
    # A time about a show, a trip or an app break; a past that is over said new ways; a topic.
    for text in (
        "det hele slutter i aften, sidste episode af sæsonen",
        "i won't be around on saturday, festival with my cousins",
        "har slettet snap i to uger for at fokusere på eksamen",
        "the scars are old now, i stopped years ago",
        "der var en tid hvor jeg ikke ville leve, men sådan er det ikke længere",
        "han slog mig før, men jeg er flyttet og er tryg nu",
        "psykologen spurgte om jeg havde selvmordstanker, og det har jeg ikke",
        "jeg sagde jeg ville dø, men det var en joke om fysikprøven",
        "vores opgave handler om selvskade blandt unge",
        "min chef slår mig ihjel hvis jeg kommer for sent",
        "vil bare forsvinde under dynen med en film",
        "min lillebror slog mig i fifa igen",
    ):
        assert rules.match(text) is None, text


def test_present_risk_of_round_8_is_still_found(rules: CrisisRules) -> None:
    # The same wordings with the risk in the present, and general plan and wish forms.
    found = {
        text: rules.match(text)
        for text in (
            "når min far er på arbejde i morgen så gør jeg det",
            "har valgt datoen. det er besluttet",
            "i said i was joking but i wasnt, i want to kms",
            "har ikke skåret i en måned men jeg har så meget lyst nu",
            "håber bare bussen rammer mig på vej hjem",
            "relapsed yesterday after 90 days clean",
            "he said he'll hurt my mum if i tell anyone",
            "deleting everything tonight so nothing is left",
        )
    }
    for text, match in found.items():
        assert match is not None and not rules.is_friend(match), text
    assert found["når min far er på arbejde i morgen så gør jeg det"].category == PLAN


def test_a_friend_in_danger_told_new_ways_is_theirs(rules: CrisisRules) -> None:
    for text in (
        "en fra min discord har skrevet farvel til alle",
        "min roomie har samlet piller i ugevis",
        "my mate stopped texting after saying tonight is the night",
    ):
        assert rules.is_friend(rules.match(text)), text
    # Someone who hits the writer is no friend in danger.
    found = rules.match("min kæreste slår mig og siger det er min skyld")
    assert found is not None and found.category == ABUSE


def test_who_asked_the_writer_is_the_one_in_danger(rules: CrisisRules) -> None:
    found = rules.match("my friend asked me for the lethal dose of paracetamol")
    assert found is not None and found.category == FRIEND
    # Asking "for a friend" is the writer's own question; so is what the writer answers.
    found = rules.match("asking for a friend how many pills is lethal")
    assert found is not None and found.category == METHOD
    found = rules.match("he asked me if i want to die and i said yes")
    assert found is not None and found.category != FRIEND


def test_safe_twins_of_round_9_are_held_back(rules: CrisisRules) -> None:
    # A line named as a quote or a film's line, a past then "now"/"today", glad it did not
    # happen, "not suicidal, just …", and "proud of myself" (not "off myself").
    for text in (
        "den replik hvor hun siger jeg vil dø hellere end at gå hjem, genialt skrevet",
        "i die a little every time is such a good lyric",
        "jeg vil bare forsvinde er en linje fra en gammel dansktop sang",
        "filmen hvor hun hopper ud fra broen til sidst var alt for langsom",
        "for to år siden ville jeg dø, i dag starter jeg på min uddannelse",
        "back in 9th grade i wanted to kill myself. now i coach the under 12s",
        "im so proud of myself today",
        "er så glad for at jeg ikke tog de piller dengang",
        "nej ikke selvmordstruet, bare stresset over eksamen",
    ):
        assert rules.match(text) is None, text


def test_present_risk_of_round_9_is_still_found(rules: CrisisRules) -> None:
    for text in (
        "den replik hvor hun siger jeg vil dø, det er mig",
        "for to år siden ville jeg dø, i aften gør jeg det",
        "sidste år prøvede jeg at tage mit liv, nu vil jeg det igen",
        "før ville jeg dø, nu vil jeg det endnu mere",
        "i want to off myself",
        "ikke fordi jeg er dramatisk, jeg vil bare dø",
        "glad for at jeg ikke tog pillerne i går men jeg har stadig lyst til at dø",
        "glad jeg ikke slog mig selv ihjel i går, men i aften gør jeg det",
    ):
        match = rules.match(text)
        assert match is not None and not rules.is_friend(match), text


def test_safe_twins_of_round_9_past_school_and_idioms_are_held_back(rules: CrisisRules) -> None:
    for text in (
        "vores lærer fortalte om en forfatter der begik selvmord i 1800-tallet",
        "i am writing my thesis on self harm among young carers",
        "det er over et år siden jeg sidst skar mig",
        "two years since my overdose and life is good",
        "jeg brænder mig ikke mere",
        "skød mig selv i foden med den mail",
        "we will cross that bridge when we get to it",
    ):
        assert rules.match(text) is None, text
    assert rules.match("gider ikke mere lektier, går i seng", low_mood=True) is None


def test_present_risk_of_round_9_past_school_and_idioms_is_still_found(rules: CrisisRules) -> None:
    # "still" is no school essay ("stil"): a news or school frame must not hold it back.
    for text in (
        "i still think about suicide every day",
        "i used to self harm and i still do",
        "vores lærer snakkede om selvmord og jeg har tænkt på det hele ugen",
        "det er et år siden jeg sidst skar mig, men jeg har lyst nu",
        "jeg skærer mig ikke mere, nu brænder jeg mig",
        "jeg skyder mig selv i aften",
    ):
        match = rules.match(text)
        assert match is not None and not rules.is_friend(match), text
    assert rules.match("jeg gider ikke mere", low_mood=True) is not None


def test_a_denial_that_someone_else_does_not_know_or_that_is_over_is_no_denial(
    rules: CrisisRules,
) -> None:
    for text in (
        "læreren ved ikke at jeg tænker på selvmord hver dag",
        "har ikke tænkt på selvmord i et år men nu er tankerne tilbage",
        "no thoughts of suicide for months but theyre back",
    ):
        assert rules.match(text) is not None, text
    for text in (
        "jeg har ingen tanker om at skade mig selv",
        "jeg vil ikke slå mig selv ihjel, jeg er kommet tilbage til skolen",
    ):
        assert rules.match(text) is None, text
