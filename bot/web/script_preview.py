"""The editor's live check and its preview: the same linter as `fremad dialogs lint` and the
bot's publish, and the same pure dialog engine as a real conversation (bot/dialogs), played on
the text in the editor — nothing is stored, nothing is sent.

The preview's state travels with the form (the engine's state is a small JSON dict; the
transcript is the bot's messages as text): a tampered state can only spoil one's own preview,
the engine refuses a state of another script or version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.dialogs import (
    Button,
    DialogContext,
    DialogRuntimeError,
    EngineTexts,
    LintMessage,
    Script,
    StateMismatch,
    SubgoalCatalogue,
    Turn,
    answer,
    check_text,
    start,
)
from bot.preview import sample_variables

MAX_TRANSCRIPT = 80


@dataclass(frozen=True)
class CheckedSource:
    messages: tuple[LintMessage, ...]
    script: Script | None
    ok: bool

    def lines_with(self, severity: str) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for message in self.messages:
            if message.severity == severity:
                found.setdefault(message.line, []).append(message.message)
        return found


def check_source(source: str, name: str, catalogue: SubgoalCatalogue) -> CheckedSource:
    """Lint as the bot's publish does (English may be missing: a warning there, not here)."""
    result = check_text(source, name, require_en=False, catalogue=catalogue)
    return CheckedSource(tuple(result.messages), result.script, result.ok)


@dataclass(frozen=True)
class Bubble:
    sender: str  # "bot" or "you"
    text: str


@dataclass
class PreviewState:
    transcript: list[Bubble] = field(default_factory=list)
    engine_state: dict[str, Any] | None = None
    buttons: tuple[Button, ...] = ()
    expects: str = "none"
    finished: bool = False
    problem: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {
                "t": [[b.sender, b.text] for b in self.transcript[-MAX_TRANSCRIPT:]],
                "s": self.engine_state,
            },
            ensure_ascii=False,
        )

    @classmethod
    def load(cls, raw: str) -> PreviewState:
        try:
            data = json.loads(raw) if raw else {}
            transcript = [Bubble(str(s), str(t)) for s, t in data.get("t", [])]
            state = data.get("s")
            return cls(transcript, state if isinstance(state, dict) else None)
        except (ValueError, TypeError, AttributeError):
            return cls()


def preview_context(
    script: Script, lang: str, catalogue: SubgoalCatalogue, texts: EngineTexts, today: date
) -> DialogContext:
    variables = {"first_name": "Ada", **sample_variables(script, lang)}
    return DialogContext(
        locale=lang,
        variables=variables,
        active_subgoals=tuple(catalogue.default_active()[:3]),
        catalogue=catalogue,
        texts=texts,
        today=today,
    )


def _apply(preview: PreviewState, turn: Turn) -> PreviewState:
    preview.transcript += [Bubble("bot", text) for text in turn.messages]
    preview.engine_state = turn.state
    preview.buttons = turn.buttons
    preview.expects = turn.input
    preview.finished = turn.finished
    return preview


def play(
    script: Script,
    lang: str,
    previous: PreviewState | None,
    reply: str | None,
    *,
    catalogue: SubgoalCatalogue,
    texts: EngineTexts,
    today: date,
    shown_reply: str | None = None,
) -> PreviewState:
    """Starts the script (no previous state) or answers its open question with `reply` (a
    button's value or typed text)."""
    context = preview_context(script, lang, catalogue, texts, today)
    try:
        if previous is None or previous.engine_state is None or reply is None:
            return _apply(PreviewState(), start(script, context))
        previous.transcript.append(Bubble("you", shown_reply or reply))
        return _apply(previous, answer(script, previous.engine_state, reply, context))
    except StateMismatch:
        restarted = _apply(PreviewState(), start(script, context))
        restarted.problem = "restarted"
        return restarted
    except DialogRuntimeError:
        broken = previous or PreviewState()
        broken.problem = "stuck"
        return broken
