"""Issue 13's transcript property test: four young people and their mentor live four weeks with
Fremad through the production dispatcher and the scheduler (injected clock), and over every
message of every transcript the conversation invariants hold:

- one open keyboard per chat, and a question is the last message of its turn;
- unsolicited messages per young person per day within the budget;
- no sentence claims a return, a streak or "every day" that the stored answers contradict;
- every text a young person writes gets an answer other than the fallback;
- every figure in the summaries equals a recomputation from the raw stored answers, and
  /progress, /mysummary and the CSV export agree with them (Danish numbers, the same chart);
- a young person reads every sub-goal in their own words, never the programme's name.

Personas (tests/conversation/personas.py): Ada (steady), Bo (drifts into ten silent days and
comes back), Cia (low mood, a crisis text in the check-in's note), Dan (stops after mood and
energy on most days). They join on a Saturday.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from tests.conversation import invariants as inv
from tests.conversation.personas import Persona, live, onboard_all, personas
from tests.conversation.transcript import Transcript
from tests.harness import Harness

MENTOR_ID = 900


def _latest_with(user: FakeUser, label: str) -> BotMessage:
    for message in reversed(user.messages):
        if not message.deleted and label in message.button_labels():
            return message
    raise AssertionError(f"no message with a {label!r} button for {user!r}")


async def _mentor_reads(
    h: Harness,
    t: Transcript,
    mentor: FakeUser,
    people: list[Persona],
    day: date,
    reads: dict[str, list[str]],
) -> None:
    """Mondays: /progress for each young person; the young people read /mysummary."""
    if day.isoweekday() != 1:
        return
    for persona in people:
        assert persona.user is not None
        await t.command(mentor, "progress")
        step = await t.act(
            mentor,
            "tap",
            persona.name,
            lambda p=persona: mentor.click(p.name, _latest_with(mentor, p.name)),
        )
        reads["progress"] += [m.text for m in step.new.get(mentor.id, [])]
        step = await t.command(persona.user, "mysummary")
        reads["mysummary:" + persona.name] += [
            ("photo:" if m.kind == "photo" else "") + m.text
            for m in step.new.get(persona.user.id, [])
        ]


async def _export_csv(h: Harness, t: Transcript, mentor: FakeUser, persona: Persona) -> str:
    await t.command(mentor, "youths")
    await t.act(
        mentor,
        "tap",
        persona.name,
        lambda: mentor.click(persona.name, _latest_with(mentor, persona.name)),
    )
    await t.act(
        mentor,
        "tap",
        "export",
        lambda: mentor.click("📄 Eksportér", _latest_with(mentor, "📄 Eksportér")),
    )
    step = await t.tap(mentor, "CSV (12 uger)")
    [document] = [m for m in step.new.get(mentor.id, []) if m.file is not None]
    assert document.file is not None
    return document.file.data.decode("utf-8")


async def test_four_weeks_of_conversations_keep_the_invariants(harness: Harness) -> None:
    mentor = harness.user(MENTOR_ID, "Mette")
    t = Transcript(harness, {mentor.id: mentor})
    people = personas()
    await onboard_all(harness, t, people, mentor)
    reads: dict[str, list[str]] = {"progress": []} | {f"mysummary:{p.name}": [] for p in people}

    async def at_noon(day: date) -> None:
        await _mentor_reads(harness, t, mentor, people, day, reads)

    await live(harness, t, people, at_noon=at_noon)
    youth_chats = [p.user.id for p in people if p.user is not None]
    violations: dict[str, list[str]] = {
        "one open keyboard per chat": inv.one_open_question(t, [*youth_chats, mentor.id]),
        "a question is the last message of its turn": inv.question_is_last(t, youth_chats),
        "unsolicited messages within the budget": await inv.unsolicited_within_budget(
            harness, t, people
        ),
        "no claim the data contradicts": await inv.claims_hold(harness, t, people, mentor.id),
        "every text answered, never the fallback": inv.every_text_answered(t, people),
        "summary figures equal the raw answers": await inv.summary_figures_hold(
            harness, t, people, mentor.id
        ),
        "Danish numbers and dates": inv.danish_numbers(t, [*youth_chats, mentor.id]),
        "sub-goals in the young person's words": inv.youth_words_only(
            t, youth_chats, harness.app.runtime.catalogue
        ),
    }
    # /progress: no figure from a single point ("since start" needs two), Danish decimals.
    violations["/progress reads right"] = [
        f"{text[:160]!r}"
        for text in reads["progress"]
        if "siden start" in text and "→" not in text.split("siden start")[0].splitlines()[-1]
    ]
    # /mysummary: the young person sees the same chart the mentor got.
    violations["/mysummary shows the chart"] = [
        f"{name}: {texts[:2]}"
        for name, texts in reads.items()
        if name.startswith("mysummary:")
        and texts
        and not any(x.startswith("photo:") for x in texts)
    ]
    # The CSV export counts the same kept check-ins as the raw answers.
    for persona in people:
        assert persona.person is not None
        exported = csv.DictReader(io.StringIO(await _export_csv(harness, t, mentor, persona)))
        kept_rows = {
            date.fromisoformat(row["date"])
            for row in exported
            if row["section"] == "checkin" and row["value"] == "kept"
        }
        record = await inv.checkin_record(harness, persona.person.id)
        today = harness.clock.now().astimezone(inv.CPH).date()
        expected = {d for d in inv.due_days(today - timedelta(weeks=12), today) if record.kept(d)}
        if kept_rows != expected:
            violations.setdefault("export equals the answers", []).append(
                f"{persona.name}: exported kept {sorted(kept_rows)}, answers {sorted(expected)}"
            )
    broken = {name: found for name, found in violations.items() if found}
    if broken:
        report = "\n".join(
            f"== {name} ({len(found)}):\n  " + "\n  ".join(found[:8])
            for name, found in broken.items()
        )
        chats = "\n".join(
            f"===== {p.name}\n{t.dump(p.user.id)}" for p in people if p.user is not None
        )
        with open("/tmp/fremad-transcripts.txt", "w", encoding="utf-8") as out:
            out.write(report + "\n\n" + chats + f"\n===== mentor\n{t.dump(mentor.id)}\n")
        raise AssertionError(f"conversation invariants broken:\n{report}")
