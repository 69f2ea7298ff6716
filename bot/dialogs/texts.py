"""The engine's own words (button labels, re-ask messages), supplied by the caller.

The engine never hard-codes what a youth reads: the caller passes an `EngineTexts` callable, e.g.
one that routes `ENGINE_MSGIDS[key]` through gettext for the youth's locale. `default_texts` is a
da/en fallback for tests, previews and anything the catalogs do not cover yet. Placeholders such
as `{min}` are filled by the engine with numbers it produced itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

TextKey = Literal[
    "skip",
    "done",
    "yes",
    "no",
    "today",
    "tomorrow",
    "in_week",
    "share_question",
    "share_yes",
    "share_no",
    "selected_mark",
    "invalid_choice",
    "invalid_yes_no",
    "invalid_scale",
    "invalid_number",
    "invalid_number_min",
    "invalid_number_max",
    "invalid_time",
    "invalid_date",
    "date_too_early",
    "date_too_late",
    "text_empty",
    "text_too_long",
    "too_few_selected",
    "too_many_selected",
]


class EngineTexts(Protocol):
    def __call__(self, key: TextKey, locale: str) -> str: ...


def N_(message: str) -> str:
    """Marks a message id for extraction into the Babel catalogs (gettext's no-op marker)."""
    return message


# English message ids (extracted into the Babel catalogs via N_) and the Danish defaults.
ENGINE_MSGIDS: Mapping[TextKey, str] = {
    "skip": N_("Skip"),
    "done": N_("Done"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "today": N_("Today"),
    "tomorrow": N_("Tomorrow"),
    "in_week": N_("In a week"),
    "share_question": N_("May your mentor read what you just wrote?"),
    "share_yes": N_("Yes, they may"),
    "share_no": N_("No, just for me"),
    "selected_mark": N_("✓"),
    "invalid_choice": N_("Please pick one of the buttons."),
    "invalid_yes_no": N_("Please answer yes or no."),
    "invalid_scale": N_("Please pick a number from {min} to {max}."),
    "invalid_number": N_("Please write a number, e.g. 3."),
    "invalid_number_min": N_("Please write a number of at least {min}."),
    "invalid_number_max": N_("Please write a number of at most {max}."),
    # The same msgid as bot.dialogs.time_input.TIME_NOT_UNDERSTOOD (one text for a typed time).
    "invalid_time": N_(
        "I didn't catch that time — no problem. Write it like 9:30, 14:00 or half past 9."
    ),
    "invalid_date": N_("Please write a date like 24-12-2025, or use a button."),
    "date_too_early": N_("That date is too early — the first possible date is {date}."),
    "date_too_late": N_("That date is too far ahead — the last possible date is {date}."),
    "text_empty": N_("Please write a few words."),
    "text_too_long": N_(
        "That is a bit long — please make it shorter. Characters now: {length}, at most: {max}."
    ),
    "too_few_selected": N_("Please pick at least {min}."),
    "too_many_selected": N_("Please pick at most {max}."),
}

_DANISH: Mapping[TextKey, str] = {
    "skip": "Spring over",
    "done": "Færdig",
    "yes": "Ja",
    "no": "Nej",
    "today": "I dag",
    "tomorrow": "I morgen",
    "in_week": "Om en uge",
    "share_question": "Må din mentor læse det, du lige har skrevet?",
    "share_yes": "Ja, det må de",
    "share_no": "Nej, kun til mig",
    "selected_mark": "✓",
    "invalid_choice": "Vælg en af knapperne.",
    "invalid_yes_no": "Svar ja eller nej.",
    "invalid_scale": "Vælg et tal fra {min} til {max}.",
    "invalid_number": "Skriv et tal, fx 3.",
    "invalid_number_min": "Skriv et tal, der er mindst {min}.",
    "invalid_number_max": "Skriv et tal, der højst er {max}.",
    "invalid_time": "Det tidspunkt fangede jeg ikke — helt i orden. Skriv det fx som 9.30, "
    "kl. 14 eller halv ti.",
    "invalid_date": "Skriv en dato som 24-12-2025, eller brug en knap.",
    "date_too_early": "Den dato er for tidlig — den første mulige dato er {date}.",
    "date_too_late": "Den dato er for langt ude — den sidste mulige dato er {date}.",
    "text_empty": "Skriv gerne et par ord.",
    "text_too_long": "Det er lidt langt — gør det gerne kortere. Tegn nu: {length}, højst: {max}.",
    "too_few_selected": "Vælg mindst {min}.",
    "too_many_selected": "Vælg højst {max}.",
}


def default_texts(key: TextKey, locale: str) -> str:
    """Danish for `da`, English for everything else."""
    return _DANISH[key] if locale.split("-")[0] == "da" else ENGINE_MSGIDS[key]
