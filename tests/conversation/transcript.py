"""Four weeks of a young person's life with Fremad, through the production dispatcher and the
scheduler with an injected clock, recorded message by message.

A *step* is one thing that happens: a scheduler pass (``tick``) or one action of a person
(a tap, a text). The recorder notes, per chat, the bot messages each step created and which
messages carried an open keyboard when the step ended. The invariants in
tests/conversation/invariants.py read these records; they never look inside the bot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.local_telegram import FakeUser
from bot.local_telegram.objects import BotMessage
from bot.scheduling.tick import run_tick
from bot.telegram.open_questions import STANDING_PREFIXES
from tests.conftest import CPH
from tests.harness import Harness

# Scheduler passes each day (local time): every hour from 07:00 to 22:00 — within the grace
# window (30 min) of anything due on the hour or the half hour.
TICK_TIMES = [time(hour, 0) for hour in range(7, 23)]


@dataclass
class Step:
    """One step and what it did to the chats it touched."""

    index: int
    at: datetime
    kind: str  # "tick" | "tap" | "text" | "command"
    actor: int | None  # telegram id of the person acting (None for a tick)
    detail: str  # the label tapped, the text sent, the command
    new: dict[int, list[BotMessage]] = field(default_factory=dict)  # chat → messages created
    open_after: dict[int, list[int]] = field(default_factory=dict)  # chat → open keyboards


# Standing actions on a record are not questions (each alert keeps "acknowledge", each summary
# "note after the talk", a mentor each young person's due review, ...): the one list, with the
# reason for each, is the middleware's.
STANDING_ACTIONS = STANDING_PREFIXES


def has_open_question(message: BotMessage) -> bool:
    """A keyboard someone can answer: callback buttons on a message that still exists."""
    return not message.deleted and any(
        b.callback_data and b.callback_data.split(":", 1)[0] not in STANDING_ACTIONS
        for b in message.buttons()
    )


@dataclass
class Transcript:
    h: Harness
    people: dict[int, FakeUser]
    steps: list[Step] = field(default_factory=list)
    _seen: dict[int, int] = field(default_factory=dict)

    def _begin(self) -> None:
        for chat_id, user in self.people.items():
            self._seen[chat_id] = len(user.messages)

    def _end(self, kind: str, actor: int | None, detail: str) -> Step:
        step = Step(len(self.steps), self.h.clock.now(), kind, actor, detail)
        for chat_id, user in self.people.items():
            messages = user.messages
            created = messages[self._seen.get(chat_id, 0) :]
            if created:
                step.new[chat_id] = created
            step.open_after[chat_id] = [m.message_id for m in messages if has_open_question(m)]
        self.steps.append(step)
        return step

    async def tick(self, moment: datetime) -> Step:
        self.h.clock.set(moment)
        self._begin()
        await run_tick(self.h.app.scheduling.tick_context, self.h.clock.now())
        return self._end("tick", None, moment.isoformat())

    async def act(
        self, user: FakeUser, kind: str, detail: str, action: Callable[[], Awaitable[object]]
    ) -> Step:
        self._begin()
        await action()
        return self._end(kind, user.id, detail)

    async def tap(self, user: FakeUser, label: str) -> Step:
        return await self.act(user, "tap", label, lambda: user.click(label))

    async def text(self, user: FakeUser, text: str) -> Step:
        return await self.act(user, "text", text, lambda: user.send_text(text))

    async def command(self, user: FakeUser, command: str, args: str | None = None) -> Step:
        return await self.act(user, "command", command, lambda: user.send_command(command, args))

    # ------------------------------------------------------------------ reading

    def open_question(self, user: FakeUser) -> BotMessage | None:
        for message in reversed(user.messages):
            if has_open_question(message):
                return message
        return None

    def messages_to(self, chat_id: int) -> list[tuple[Step, BotMessage]]:
        return [(s, m) for s in self.steps for m in s.new.get(chat_id, [])]

    def dump(self, chat_id: int) -> str:
        """The chat as a person would read it (for a failing test's message)."""
        lines = []
        for step in self.steps:
            at = step.at.astimezone(CPH)
            if step.kind != "tick" and step.actor == chat_id:
                lines.append(f"  [{at:%a %d %b %H:%M}] >> {step.kind} {step.detail!r}")
            for message in step.new.get(chat_id, []):
                buttons = " | ".join(message.button_labels())
                text = message.text.replace("\n", " ⏎ ")
                if len(text) > 160:
                    text = text[:160] + "…"
                suffix = f"  [{buttons}]" if buttons else ""
                tag = "photo " if message.kind == "photo" else ""
                lines.append(f"  [{at:%a %d %b %H:%M}] << {tag}{text}{suffix}")
        return "\n".join(lines)


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, CPH)


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]
