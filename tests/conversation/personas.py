"""Four young people and their mentor, living four weeks with Fremad.

Each persona answers what is on screen the way that person would: by the labels of the buttons
they see (the Danish ones — they all chose Dansk), or by typing. Nothing here calls the bot's
code directly; everything goes through the fake Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from storage.models import Person, Role
from tests.conversation.transcript import TICK_TIMES, Transcript, local
from tests.harness import Harness

# Saturday 28 November 2026: the young people join on a Saturday (item 1 of issue 13).
JOIN_DAY = date(2026, 11, 28)
WEEKS = 4
MOOD = [str(n) for n in range(1, 6)]
RATING = [str(n) for n in range(1, 11)]
SHARE_NO = "Nej, kun til mig"
CRISIS_NOTE = "jeg orker ikke mere, jeg vil bare dø"
ANSWER_TO_A_PROMPT = "Det går okay, jeg prøver bare at komme igennem dagen"


@dataclass
class Persona:
    """How one young person behaves. ``silent(day)``: ignores Fremad all day."""

    name: str
    telegram_id: int
    mood: int = 4
    energy: int = 3
    silent_days: frozenset[int] = frozenset()  # day numbers (0 = join day) without answers
    stop_after_energy: frozenset[int] = frozenset()  # days the check-in is left half done
    crisis_note_day: int | None = None  # writes a crisis text in the note step that day
    wants_support: bool = False  # "Ja" to "Vil du se, hvem du kan tale med"
    answers_open_questions: bool = True  # replies in words to a question without buttons
    comes_back_day: int | None = None  # types /checkin that morning (after silent days)
    crisis_sent: bool = False
    user: FakeUser | None = None
    person: Person | None = None
    texts_sent: list[tuple[int, str]] = field(default_factory=list)  # (step, text)

    def day_number(self, day: date) -> int:
        return (day - JOIN_DAY).days


def personas() -> list[Persona]:
    return [
        Persona("Ada", 501),  # steady
        Persona(
            "Bo",
            502,
            silent_days=frozenset(range(6, 16)),
            comes_back_day=16,
        ),  # drifting into silence, coming back
        Persona("Cia", 503, mood=2, energy=2, crisis_note_day=5, wants_support=True),
        Persona("Dan", 504, stop_after_energy=frozenset({2, 3, 4, 5, 9, 10, 11, 12})),
    ]


def choose(persona: Persona, day_no: int, message: BotMessage) -> str | None:
    """The label this persona taps on this keyboard, or None to leave it."""
    labels = message.button_labels()
    text = message.text
    if MOOD[0] in labels and "5" in labels and "10" not in labels:
        asks_mood = "humør" in text.lower() or "har du det" in text.lower()
        return str(persona.mood if asks_mood else persona.energy)
    if "10" in labels:  # a 1–10 self-rating
        return "6"
    if "Ja" in labels and "Nej" in labels and "tale med" in text:
        return "Ja" if persona.wants_support else "Nej"
    if SHARE_NO in labels:
        return SHARE_NO
    for label in labels:  # the plan question
        if label == "Praktik":
            return "Praktik"
    for label in labels:
        if label.startswith("Ja, jeg var der"):
            return label
    if "Spring over" in labels:
        return "Spring over"
    return None


async def onboard_all(h: Harness, t: Transcript, people: list[Persona], mentor: FakeUser) -> None:
    h.clock.set(local(JOIN_DAY - timedelta(days=1), time(12, 0)))
    await h.onboard(mentor, Role.MENTOR)
    h.clock.set(local(JOIN_DAY, time(11, 0)))
    for persona in people:
        user = h.user(persona.telegram_id, persona.name)
        persona.user = user
        t.people[user.id] = user
        t._begin()
        persona.person = await h.onboard(user, Role.YOUTH, mentor=mentor.id)
        t._end("command", user.id, "start (onboarding)")


async def answer_what_is_open(t: Transcript, persona: Persona, day_no: int) -> None:
    """Answers the open question(s) on screen, one tap or text at a time."""
    user = persona.user
    assert user is not None
    for _ in range(15):
        question = t.open_question(user)
        last = user.messages[-1] if user.messages else None
        if question is None:
            if (
                persona.answers_open_questions
                and last is not None
                and last.text.rstrip().endswith("?")
                and not last.buttons()
                and t.steps[-1].actor is None  # the bot asked on its own
            ):
                await _say(t, persona, ANSWER_TO_A_PROMPT)
            return
        text = question.text
        if "Skriv et par ord" in text or "tilføje om i dag" in text:  # the note step
            if day_no in persona.stop_after_energy:
                return
            if persona.crisis_note_day == day_no and not persona.crisis_sent:
                persona.crisis_sent = True
                await _say(t, persona, CRISIS_NOTE)
                continue
            await t.tap(user, "Spring over")
            continue
        if day_no in persona.stop_after_energy and ("din plan" in text or "plan i dag" in text):
            return  # leaves the check-in after mood and energy
        label = choose(persona, day_no, question)
        if label is None:
            return
        await t.tap(user, label)


async def _say(t: Transcript, persona: Persona, text: str) -> None:
    assert persona.user is not None
    step = await t.text(persona.user, text)
    persona.texts_sent.append((step.index, text))


DayHook = Callable[[date], Awaitable[None]]


async def live(
    h: Harness,
    t: Transcript,
    people: list[Persona],
    weeks: int = WEEKS,
    at_noon: DayHook | None = None,
) -> None:
    """Every tick of every day; after each tick each persona answers what they see.
    ``at_noon(day)`` runs after the 12:00 pass (the mentor reads, a youth asks)."""
    first = JOIN_DAY + timedelta(days=1)
    for offset in range(weeks * 7):
        day = first + timedelta(days=offset)
        for at in TICK_TIMES:
            if at == time(13, 0) and at_noon is not None:
                await at_noon(day)
            moment = local(day, at)
            for persona in people:
                if persona.comes_back_day == persona.day_number(day) and at == time(10, 0):
                    assert persona.user is not None
                    await t.command(persona.user, "checkin")
                    await answer_what_is_open(t, persona, persona.day_number(day))
            await t.tick(moment)
            for persona in people:
                if persona.day_number(day) in persona.silent_days:
                    continue
                await answer_what_is_open(t, persona, persona.day_number(day))
