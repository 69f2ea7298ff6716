"""Turn a script text into Telegram HTML: `{variable}` substitution with every value escaped.

Staff write plain text; they may use a few formatting tags (<b>, <i>, ...). Everything else in
their text is escaped too, so "<3" or "Q&A" never breaks Telegram's HTML parser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# The one place that declares which variables texts may use, with a worst-case length for each
# (used by the linter to keep a rendered message inside Telegram's 4096 characters).
VARIABLES: Mapping[str, int] = {
    "first_name": 64,  # Telegram's own limit on first names
    "mentor_name": 128,
    "streak": 6,
    "goal": 1000,
    "step": 1000,
    "activity": 200,
    "date": 32,
    "time": 5,
    "subgoal": 64,
    "subgoal_description": 200,
    "days_missed": 6,
}
ANSWER_PREFIX = "answer."
"""`{answer.KEY}` shows an earlier answer in the same script (a choice shows its label)."""

ALLOWED_TAGS = ("b", "i", "u", "s", "code", "tg-spoiler", "blockquote")

_TOKEN = re.compile(
    r"(?P<open>\{\{)|(?P<close>\}\})"
    r"|\{(?P<var>[a-z][a-z0-9_]*(?:\.[a-z0-9_.-]+)?)\}"
    r"|(?P<tag></?(?:" + "|".join(ALLOWED_TAGS) + r")>)"
    r"|(?P<stray>[{}])"
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "text" | "var" | "tag" | "stray"
    value: str
    offset: int


def tokens(text: str) -> Iterator[Token]:
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            yield Token("text", text[pos : m.start()], pos)
        if m.group("open"):
            yield Token("text", "{", m.start())
        elif m.group("close"):
            yield Token("text", "}", m.start())
        elif m.group("var"):
            yield Token("var", m.group("var"), m.start())
        elif m.group("tag"):
            yield Token("tag", m.group("tag"), m.start())
        else:
            yield Token("stray", m.group("stray"), m.start())
        pos = m.end()
    if pos < len(text):
        yield Token("text", text[pos:], pos)


def variables_in(text: str) -> list[str]:
    return [t.value for t in tokens(text) if t.kind == "var"]


def render(text: str, values: Mapping[str, object]) -> str:
    """Substitute variables; escape the static text (except allowed tags) and every value.

    A variable that has no value renders as empty: the linter catches unknown names, and at run
    time a missing value must never crash a youth's conversation.
    """
    out: list[str] = []
    for tok in tokens(text):
        if tok.kind == "tag":
            out.append(tok.value)
        elif tok.kind == "var":
            value = values.get(tok.value)
            out.append("" if value is None else html.escape(str(value), quote=False))
        else:
            out.append(html.escape(tok.value, quote=False))
    return "".join(out)


def worst_case_length(text: str, extra: Mapping[str, int]) -> int:
    """Visible length after rendering with every variable at its longest. Tags do not count:
    Telegram measures the text after parsing entities."""
    total = 0
    for tok in tokens(text):
        if tok.kind == "var":
            total += extra.get(tok.value, VARIABLES.get(tok.value, 0))
        elif tok.kind != "tag":
            total += len(tok.value)
    return total


def tag_problems(text: str) -> list[str]:
    """Unbalanced or mis-nested formatting tags, and stray braces, in plain words."""
    problems: list[str] = []
    stack: list[str] = []
    for tok in tokens(text):
        if tok.kind == "stray":
            problems.append(
                f"stray '{tok.value}' — write a variable as {{name}}, or '{tok.value * 2}' "
                "for the character itself"
            )
        elif tok.kind == "tag":
            name = tok.value.strip("</>")
            if not tok.value.startswith("</"):
                stack.append(name)
            elif not stack or stack.pop() != name:
                problems.append(f"closing tag {tok.value} does not match an opening tag")
    problems.extend(f"tag <{name}> is never closed" for name in stack)
    return problems


def pick_locale(text: Mapping[str, str], locale: str) -> str:
    """The text for `locale` ("da", "en", "en-GB" → "en"), falling back to Danish."""
    return text.get(locale) or text.get(locale.split("-")[0]) or text["da"]


def render_localized(text: Mapping[str, str], locale: str, values: Mapping[str, object]) -> str:
    """Render a {da: ..., en: ...} text (a prompt, a ladder step) for one youth."""
    return render(pick_locale(text, locale), values)
