"""A number beside a noun goes through ngettext ("1 dag", "2 dage"), in Danish and English.

The scan reads the texts straight from the code (and the web templates), so a new "{days} days"
under plain `_()` fails here before anyone runs the catalogue update.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from bot.dialogs.texts import _DANISH as ENGINE_DANISH
from storage.models import Role
from tests.harness import Harness

KEYWORDS = {**DEFAULT_KEYWORDS, "__": None, "N_": None, "lazy_gettext": None}

# Nouns that change with the count. Danish nouns that do not ("1 år", "2 år"; "skridt", "mål",
# "fravær", "tegn", "svar") are left out on the Danish side; their English twins still count.
_EN_NOUNS = (
    r"days?|weeks?|hours?|minutes?|seconds?|months?|years?|times?|check-ins?|absences?|"
    r"texts?|text\(s\)|alerts?|success(?:es)?|people|persons?|characters?|conversations?|"
    r"steps?|goals?|messages?|answers?|questions?|activit(?:y|ies)|sub-goals?|mentors?|"
    r"youths?|invites?|reminders?"
)
_DA_NOUNS = (
    r"dage?|uger?|timer?|minutter?|sekunder?|måneder?|gange?|check-ins?|tekster|tekst\(er\)|"
    r"beskeder?|succeser?|unge|personer|samtaler?|aktiviteter?|delmål|mentorer|invitationer|"
    r"påmindelser?|aktive|aktiv"
)
# "{count} open alerts", "{count} earlier successes": one describing word may sit between.
_BETWEEN = r"(?:[\w-]+\s+)?"
EN_COUNT_NOUN = re.compile(r"\{(\w+)\}\s+" + _BETWEEN + r"(?:" + _EN_NOUNS + r")(?![\w-])")
DA_COUNT_NOUN = re.compile(r"\{(\w+)\}\s+" + _BETWEEN + r"(?:" + _DA_NOUNS + r")(?![\w-])")
# Placeholders that never hold a count ("{name} sees", "{mentor} believes").
NOT_A_COUNT = frozenset(
    {
        "name",
        "mentor",
        "title",
        "subgoal",
        "text",
        "demand",
        "role",
        "link",
        "code",
        "time",
        "date",
        "day",
        "when",
        "first",
        "last",
        "category",
        "focus",
        "weekday",
        "label",
        "place",
    }
)


def _code_messages() -> list[str | tuple[str, ...]]:
    found = list(
        extract_from_dir(
            str(REPO_ROOT / "bot"),
            method_map=[("**.py", "python"), ("web/templates/**.html", "jinja2")],
            keywords=KEYWORDS,
        )
    )
    return [message for _file, _line, message, _comments, _context in found]


def _danish() -> dict[str, object]:
    path = REPO_ROOT / "locales" / "da" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="da")
    return {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}


def count_without_plural(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text) if m.group(1) not in NOT_A_COUNT]


def test_the_scan_finds_a_count_beside_a_fixed_noun() -> None:
    # The scan itself: today's bug and its Danish form are found; names and units are not.
    assert count_without_plural("Show up {days} days at your activities", EN_COUNT_NOUN)
    assert count_without_plural("Mød op {days} dage til dine aktiviteter", DA_COUNT_NOUN)
    assert count_without_plural("{count} open alerts", EN_COUNT_NOUN)
    assert count_without_plural("{name}: {active} aktive", DA_COUNT_NOUN)
    assert not count_without_plural("{name} sees it now", EN_COUNT_NOUN)
    assert not count_without_plural("{n} min travel", EN_COUNT_NOUN)


def test_no_text_pairs_a_number_with_a_fixed_noun() -> None:
    danish = _danish()
    found: list[str] = []
    for message in _code_messages():
        if not isinstance(message, str):
            continue  # ngettext: the plural form is chosen by the count
        translated = danish.get(message)
        da_text = translated if isinstance(translated, str) else ""
        hits = count_without_plural(message, EN_COUNT_NOUN)
        hits += count_without_plural(da_text, DA_COUNT_NOUN)
        if hits:
            found.append(f"{message!r}: {hits}")
    for danish_text in ENGINE_DANISH.values():
        if hits := count_without_plural(danish_text, DA_COUNT_NOUN):
            found.append(f"{danish_text!r}: {hits}")
    assert found == [], "use ngettext (or put the label before the number):\n" + "\n".join(found)


def test_every_plural_text_has_both_danish_forms() -> None:
    danish = _danish()
    plurals = [m for m in _code_messages() if isinstance(m, tuple)]
    assert len(plurals) >= 30  # the scan must see ngettext calls at all
    missing = []
    for message in plurals:
        forms = danish.get(message[0])
        if not isinstance(forms, tuple) or len(forms) != 2 or not all(forms):
            missing.append(message[0])
    assert missing == [], "run scripts/update_catalogs.sh and fill msgstr[0] and msgstr[1]"


async def test_demand_of_one_day_and_of_two_days_read_in_danish(harness: Harness) -> None:
    from bot.telegram.demand_messages import demand_wording

    with harness.app.i18n.context(), harness.app.i18n.use_locale("da"):
        assert demand_wording("", 1) == "Mød op 1 dag til dine aktiviteter denne uge"
        assert demand_wording("", 2) == "Mød op 2 dage til dine aktiviteter denne uge"
    with harness.app.i18n.context(), harness.app.i18n.use_locale("en"):
        assert demand_wording("", 1) == "Show up 1 day at your activities this week"
        assert demand_wording("", 2) == "Show up 2 days at your activities this week"


async def test_invite_link_hours_follow_the_count(harness: Harness) -> None:
    staff = harness.user(900, "Sam")
    await harness.onboard(staff, Role.STAFF)
    harness.clock.set(datetime(2026, 12, 7, 10, tzinfo=UTC))
    await staff.send_command("invite")
    await staff.click("Ung")
    assert "udløber om 72 timer" in staff.last_text
