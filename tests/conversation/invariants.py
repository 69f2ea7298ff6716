"""The conversation invariants of issue 13, checked over a recorded transcript.

Each check returns a list of violations (human-readable, with the moment and the text), so a
failing test shows everything that broke at once. Figures are recomputed from the raw stored
answers (``Answer`` rows), never from what the bot computed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.dialogs import SubgoalCatalogue
from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from storage.models import Answer, Delivery
from tests.conftest import CPH
from tests.conversation.personas import JOIN_DAY, Persona
from tests.conversation.transcript import Step, Transcript
from tests.harness import Harness

FALLBACKS = ("Det forstod jeg ikke helt", "I didn't quite catch that")
# Sentences that say the young person came back.
RETURN_CLAIMS = (
    "godt at se dig",
    "godt at du er her",
    "godt at have dig tilbage",
    "og det gør du nu",
    "velkommen tilbage",
    "good to see you",
    "good to have you back",
    "welcome back",
    "and you're doing it now",
)
# Sentences that say every day (or every check-in) of a week was kept.
EVERY_DAY_CLAIMS = (
    "hver eneste dag",
    "every single day",
    "every day this week",
    "hver dag i denne uge",
    "alle check-ins taget",
    "alle ugens check-ins",
    "every check-in kept",
    "kept every check-in",
)
STREAK_CLAIM = re.compile(r"(\d+) (?:check-ins?|dage|days) (?:i træk|in a row)", re.IGNORECASE)
# Budget: check-in, one reminder, one more.
DAILY_BUDGET = 3
EXEMPT_KINDS = {"checkin_later", "crisis_update", "erasure_request", "retention"}


def _at(step: Step) -> str:
    return f"{step.at.astimezone(CPH):%a %d %b %H:%M}"


def _short(text: str, limit: int = 120) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[:limit] + "…"


# ------------------------------------------------------------------ keyboards and order


def one_open_question(t: Transcript, chats: list[int]) -> list[str]:
    found = []
    for step in t.steps:
        for chat_id in chats:
            open_ids = step.open_after.get(chat_id, [])
            if len(open_ids) > 1:
                texts = [
                    _short(m.text, 60)
                    for m in t.people[chat_id].messages
                    if m.message_id in open_ids
                ]
                found.append(f"{chat_id} {_at(step)}: {len(open_ids)} open keyboards: {texts}")
    return found


def question_is_last(t: Transcript, chats: list[int]) -> list[str]:
    """A question sent in a step, still open when the step ends, is the step's last message."""
    found = []
    for step in t.steps:
        for chat_id in chats:
            new = [m for m in step.new.get(chat_id, []) if not m.deleted]
            open_ids = set(step.open_after.get(chat_id, []))
            for index, message in enumerate(new):
                if message.message_id in open_ids and index != len(new) - 1:
                    after = _short(new[-1].text, 60)
                    found.append(
                        f"{chat_id} {_at(step)}: question {_short(message.text, 60)!r} is "
                        f"followed by {len(new) - 1 - index} message(s), last {after!r}"
                    )
    return found


# ------------------------------------------------------------------ budget


async def unsolicited_within_budget(h: Harness, t: Transcript, youths: list[Persona]) -> list[str]:
    found = []
    async with h.app.sessionmaker() as session:
        rows = (await session.execute(select(Delivery))).scalars().all()
    by_person_day: dict[tuple[int, date], list[str]] = defaultdict(list)
    for row in rows:
        if row.status == "sent" and row.kind not in EXEMPT_KINDS:
            by_person_day[(row.person_id, row.due_at.astimezone(CPH).date())].append(row.kind)
    for persona in youths:
        assert persona.person is not None and persona.user is not None
        for (person_id, day), kinds in sorted(by_person_day.items()):
            if person_id == persona.person.id and len(kinds) > DAILY_BUDGET:
                found.append(f"{persona.name} {day}: {len(kinds)} unsolicited: {kinds}")
        # And as the young person saw it: scheduler passes that wrote to them, per day.
        per_day: dict[date, int] = defaultdict(int)
        for step in t.steps:
            if step.kind == "tick" and step.new.get(persona.user.id):
                per_day[step.at.astimezone(CPH).date()] += 1
        for day, count in sorted(per_day.items()):
            exempt = sum(
                1
                for row in rows
                if row.person_id == persona.person.id
                and row.status == "sent"
                and row.kind in EXEMPT_KINDS
                and row.due_at.astimezone(CPH).date() == day
            )
            if count - exempt > DAILY_BUDGET:
                found.append(f"{persona.name} {day}: {count} scheduled messages arrived")
    return found


# ------------------------------------------------------------------ raw answers


@dataclass
class CheckinRecord:
    """One young person's check-in days, from the raw stored answers."""

    answered: dict[date, set[str]] = field(default_factory=dict)  # day → answer keys
    moods: dict[date, int] = field(default_factory=dict)

    def kept(self, day: date) -> bool:
        return day in self.answered

    def finished(self, day: date) -> bool:
        return "note" in self.answered.get(day, set())


async def checkin_record(h: Harness, person_id: int) -> CheckinRecord:
    async with h.app.sessionmaker() as session:
        rows = (
            (
                await session.execute(
                    select(Answer).where(
                        Answer.person_id == person_id, Answer.script_id == "daily_checkin"
                    )
                )
            )
            .scalars()
            .all()
        )
    record = CheckinRecord()
    for row in rows:
        record.answered.setdefault(row.local_date, set()).add(row.key)
        if row.key == "mood" and not row.skipped:
            record.moods[row.local_date] = int(row.value)
    return record


def due_days(first: date, last: date) -> list[date]:
    """Weekdays (the default schedule) after the join day, first..last."""
    start = max(first, JOIN_DAY + timedelta(days=1))
    return [
        start + timedelta(days=n)
        for n in range((last - start).days + 1)
        if (start + timedelta(days=n)).isoweekday() <= 5
    ]


def streak_on(record: CheckinRecord, day: date) -> int:
    """Kept due days in a row, counted back from ``day`` (today counts when kept)."""
    streak = 0
    for due in reversed(due_days(JOIN_DAY, day)):
        if record.kept(due):
            streak += 1
        elif due != day:
            break
    return streak


# ------------------------------------------------------------------ claims


async def claims_hold(h: Harness, t: Transcript, youths: list[Persona], mentor: int) -> list[str]:
    found = []
    for persona in youths:
        assert persona.user is not None and persona.person is not None
        record = await checkin_record(h, persona.person.id)
        acted_days = {
            s.at.astimezone(CPH).date()
            for s in t.steps
            if s.actor == persona.user.id and s.kind != "command"
        }
        for step, message in t.messages_to(persona.user.id):
            text, low = message.text, message.text.lower()
            day = step.at.astimezone(CPH).date()
            if any(claim in low for claim in RETURN_CLAIMS):
                came_back = (
                    step.actor == persona.user.id
                    or day in acted_days
                    and any(
                        s.actor == persona.user.id
                        and s.index < step.index
                        and s.at.astimezone(CPH).date() == day
                        for s in t.steps
                    )
                )
                if not came_back:
                    found.append(
                        f"{persona.name} {_at(step)}: claims a return nobody made: "
                        f"{_short(text)!r}"
                    )
            if any(claim in low for claim in EVERY_DAY_CLAIMS):
                week = due_days(day - timedelta(days=6), day)
                if len(week) < 3 or not all(record.kept(d) for d in week if d < day):
                    found.append(
                        f"{persona.name} {_at(step)}: 'every day' untrue: {_short(text)!r}"
                    )
            for match in STREAK_CLAIM.finditer(text):
                claimed = int(match.group(1))
                if streak_on(record, day) < claimed:
                    found.append(
                        f"{persona.name} {_at(step)}: claims a streak of {claimed}, "
                        f"the answers show {streak_on(record, day)}: {_short(text)!r}"
                    )
            promises_tomorrow = ("i morgen" in low or "tomorrow" in low) and (
                "hverdage" in low or "weekdays" in low
            )
            if promises_tomorrow and (day + timedelta(days=1)).isoweekday() > 5:
                found.append(
                    f"{persona.name} {_at(step)}: promises a check-in tomorrow "
                    f"({day + timedelta(days=1):%A}): {_short(text)!r}"
                )
    return found


# ------------------------------------------------------------------ answers to free text


def every_text_answered(t: Transcript, youths: list[Persona]) -> list[str]:
    found = []
    for persona in youths:
        assert persona.user is not None
        for step in t.steps:
            if step.actor != persona.user.id or step.kind != "text":
                continue
            replies = step.new.get(persona.user.id, [])
            if not replies:
                found.append(f"{persona.name} {_at(step)}: no answer to {step.detail!r}")
            for reply in replies:
                if any(fallback in reply.text for fallback in FALLBACKS):
                    found.append(
                        f"{persona.name} {_at(step)}: {step.detail!r} got the fallback "
                        f"{_short(reply.text)!r}"
                    )
    return found


# ------------------------------------------------------------------ figures

CHECKINS = re.compile(r"Check-ins: (\d+) (?:af|of) (\d+)(?: \(([^)]*)\))?")
UNFINISHED = re.compile(r"(\d+) (?:ufærdige?|unfinished)")
MOOD_LINE = re.compile(r"(?:Humør|Mood) \(1–5\): (.*?) · (?:gns\.|average)")
HEADLINE = re.compile(r"^(\w+) · (\d+)\.? (\w+)\.?–(\d+)\.? (\w+)\.?", re.MULTILINE)
WEEKDAYS = {
    "man": 0,
    "tirs": 1,
    "ons": 2,
    "tors": 3,
    "fre": 4,
    "lør": 5,
    "søn": 6,
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}


@dataclass
class SummarySeen:
    step: Step
    message: BotMessage
    name: str
    period_last: date


def summaries_in(t: Transcript, chat_id: int) -> list[SummarySeen]:
    """The weekly summaries (per youth) the mentor got: a week's period ends the day before."""
    seen = []
    for step, message in t.messages_to(chat_id):
        if message.kind != "text" or "Check-ins:" not in message.text:
            continue
        match = HEADLINE.search(message.text)
        if match is None:
            continue
        sent = step.at.astimezone(CPH).date()
        seen.append(SummarySeen(step, message, match.group(1), sent - timedelta(days=1)))
    return seen


async def summary_figures_hold(
    h: Harness, t: Transcript, youths: list[Persona], mentor: int
) -> list[str]:
    found = []
    by_name = {p.name: p for p in youths}
    for seen in summaries_in(t, mentor):
        persona = by_name.get(seen.name)
        if persona is None or persona.person is None:
            continue
        record = await checkin_record(h, persona.person.id)
        first = seen.period_last - timedelta(days=6)
        due = due_days(first, seen.period_last)
        kept = [d for d in due if record.kept(d)]
        unfinished = [d for d in kept if not record.finished(d)]
        text = seen.message.text
        match = CHECKINS.search(text)
        where = f"{seen.name} summary {_at(seen.step)}"
        if match is None:
            if due or ("ingen endnu" not in text and "none due yet" not in text):
                found.append(f"{where}: no check-in figure in {_short(text)!r}")
            continue
        shown_kept, shown_due = int(match.group(1)), int(match.group(2))
        if (shown_kept, shown_due) != (len(kept), len(due)):
            found.append(
                f"{where}: says {shown_kept} of {shown_due}, the answers say "
                f"{len(kept)} of {len(due)}"
            )
        extras = match.group(3) or ""
        shown_unfinished = UNFINISHED.search(extras)
        if len(unfinished) != (int(shown_unfinished.group(1)) if shown_unfinished else 0):
            found.append(f"{where}: unfinished {len(unfinished)} not shown right: {extras!r}")
        mood = MOOD_LINE.search(text)
        moods = {d: m for d, m in record.moods.items() if first <= d <= seen.period_last}
        if moods and mood is None:
            found.append(f"{where}: moods {moods} recorded, none shown")
        if mood is not None:
            pairs = re.findall(r"(\w+)\.? (\d)", mood.group(1))
            shown = {WEEKDAYS.get(day.lower().rstrip("."), -1): int(v) for day, v in pairs}
            expected = {d.weekday(): m for d, m in moods.items()}
            if shown != expected:
                found.append(f"{where}: moods shown {shown}, recorded {expected}")
    return found


def danish_numbers(t: Transcript, chats: list[int]) -> list[str]:
    """No "58.33" (nor a date like 6/12 or 06-12-2026) in a Danish chat: Danish decimals use a
    comma, dates read "6. dec.", times "09:00"."""
    found = []
    for chat_id in chats:
        for step, message in t.messages_to(chat_id):
            for pattern in (r"\d+\.\d+", r"\b\d{1,2}/\d{1,2}\b", r"\b\d{2}-\d{2}-\d{4}\b"):
                for match in re.finditer(pattern, message.text):
                    found.append(
                        f"{chat_id} {_at(step)}: {match.group(0)!r} in {_short(message.text)!r}"
                    )
    return found


# ------------------------------------------------------------------ words a 17-year-old uses


def official_names(catalogue: SubgoalCatalogue) -> dict[str, str]:
    """Programme name → sub-goal id, in every language, where the youth reads other words."""
    found = {}
    for sg in catalogue:
        for lang, official in sg.name.items():
            if official != catalogue.youth_name(sg.id, lang):
                found[official] = sg.id
    return found


def _labels(markup: dict[str, Any] | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [str(button.get("text", "")) for row in rows for button in row]


def what_they_read(user: FakeUser) -> list[str]:
    """Everything the person was shown: texts and captions, earlier versions of edited
    messages, button labels, and the bot's answers to their taps."""
    read: list[str] = []
    for message in user.messages:
        read += [message.text, *message.button_labels()]
        for version in message.edits:
            read += [version.text, *_labels(version.reply_markup)]
    read += [answer.text for answer in user.callback_answers if answer.text]
    return read


def programme_names_in(read: Sequence[str], catalogue: SubgoalCatalogue) -> list[str]:
    names = official_names(catalogue)
    return [f"{name!r} in {_short(text)!r}" for text in read for name in names if name in text]


def youth_words_only(t: Transcript, chats: list[int], catalogue: SubgoalCatalogue) -> list[str]:
    """A young person reads every sub-goal in their words (youth_name), never the programme's
    name ("Ansvar og mødestabilitet") — mentors and staff keep that."""
    return [
        f"{chat_id}: {found}"
        for chat_id in chats
        for found in programme_names_in(what_they_read(t.people[chat_id]), catalogue)
    ]
