"""Telegram's HTML parse mode: validate like the Bot API does and return the visible text.

Only Telegram's tags are accepted (b strong i em u ins s strike del span(class="tg-spoiler")
tg-spoiler a(href) code pre blockquote tg-emoji). Unknown or unclosed tags, a stray ``<`` and
(by default, stricter than Telegram) an ``&`` that does not start an entity raise
:class:`HtmlParseError` whose ``description`` is the full Bot API error text.
"""

from __future__ import annotations

import html.entities
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "a": "text_link",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlParseError(ValueError):
    """Invalid HTML; ``description`` is what Telegram answers ("Bad Request: can't parse ...")."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.description = f"Bad Request: can't parse entities: {reason}"
        super().__init__(self.description)


@dataclass
class ParsedText:
    """Visible text plus MessageEntity dicts (offsets/lengths in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    attrs: dict[str, str]
    language: str | None = None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode the entity starting at ``text[i] == '&'``; None if there is none."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return None
    body = text[i + 1 : end]
    if body.startswith(("#x", "#X")):
        digits, base = body[2:], 16
    elif body.startswith("#"):
        digits, base = body[1:], 10
    else:
        char = _NAMED_ENTITIES.get(body)
        if char is None and body in html.entities.name2codepoint:
            # Telegram supports only lt/gt/amp/quot by name; others are kept literally.
            return None
        return None if char is None else (char, end + 1)
    try:
        code = int(digits, base)
        return chr(code), end + 1
    except ValueError:
        return None


def _is_name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "-_")


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.src = source
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 units written so far
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def error(self, reason: str) -> HtmlParseError:
        return HtmlParseError(reason)

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += utf16_len(chunk)

    def parse(self) -> ParsedText:
        src, i = self.src, 0
        while i < len(src):
            c = src[i]
            if c == "&":
                i = self.ampersand(i)
            elif c == "<":
                i = self.end_tag(i) if src.startswith("</", i) else self.start_tag(i)
            else:
                self.emit(c)
                i += 1
        if self.stack:
            tag = self.stack[-1].tag
            raise self.error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def ampersand(self, i: int) -> int:
        decoded = _decode_entity(self.src, i)
        if decoded is not None:
            self.emit(decoded[0])
            return decoded[1]
        if self.strict_ampersand:
            raise self.error(
                f"Unsupported character entity at byte offset {_byte_offset(self.src, i)} "
                "(escape '&' as &amp;)"
            )
        self.emit("&")
        return i + 1

    def start_tag(self, i: int) -> int:
        src, begin = self.src, _byte_offset(self.src, i)
        j = i + 1
        while j < len(src) and _is_name_char(src[j]):
            j += 1
        name = src[i + 1 : j].lower()
        if not name:
            raise self.error(f"Unclosed start tag at byte offset {begin}")
        if name not in ALLOWED_TAGS:
            raise self.error(f'Unsupported start tag "{name}" at byte offset {begin}')
        attrs, j = self.attributes(j, begin)
        self.check_tag(name, attrs, begin)
        self.stack.append(_Open(name, self.out_len, attrs))
        return j

    def attributes(self, j: int, begin: int) -> tuple[dict[str, str], int]:
        src = self.src
        attrs: dict[str, str] = {}
        while True:
            while j < len(src) and src[j].isspace():
                j += 1
            if j >= len(src):
                raise self.error(f"Unclosed start tag at byte offset {begin}")
            if src[j] == ">":
                return attrs, j + 1
            k = j
            while k < len(src) and _is_name_char(src[k]):
                k += 1
            if k == j:
                raise self.error(f"Empty attribute name in the tag at byte offset {begin}")
            attr = src[j:k].lower()
            value = ""
            if k < len(src) and src[k] == "=":
                value, k = self.attribute_value(k + 1, begin)
            attrs[attr] = value
            j = k

    def attribute_value(self, k: int, begin: int) -> tuple[str, int]:
        src = self.src
        if k < len(src) and src[k] in "'\"":
            end = src.find(src[k], k + 1)
            if end == -1:
                raise self.error(f"Unclosed start tag at byte offset {begin}")
            raw, k = src[k + 1 : end], end + 1
        else:
            start = k
            while k < len(src) and not src[k].isspace() and src[k] != ">":
                k += 1
            raw = src[start:k]
        value, idx = [], 0
        while idx < len(raw):
            decoded = _decode_entity(raw, idx) if raw[idx] == "&" else None
            if decoded is None:
                value.append(raw[idx])
                idx += 1
            else:
                value.append(decoded[0])
                idx = decoded[1]
        return "".join(value), k

    def check_tag(self, name: str, attrs: dict[str, str], begin: int) -> None:
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise self.error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}'
            )

    def end_tag(self, i: int) -> int:
        src, begin = self.src, _byte_offset(self.src, i)
        j = src.find(">", i)
        if j == -1:
            raise self.error(f"Unclosed end tag at byte offset {begin}")
        name = src[i + 2 : j].strip().lower()
        if not self.stack:
            raise self.error(f'Unexpected end tag "</{name}>" at byte offset {begin}')
        top = self.stack.pop()
        if name != top.tag:
            raise self.error(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        self.close(top)
        return j + 1

    def close(self, tag: _Open) -> None:
        length = self.out_len - tag.start
        if tag.tag == "code" and self.stack and self.stack[-1].tag == "pre":
            cls = tag.attrs.get("class", "")
            if cls.startswith("language-"):
                self.stack[-1].language = cls.removeprefix("language-")
            return
        if length == 0:
            return
        entity: dict[str, Any] = {"type": _ENTITY_TYPES[tag.tag], "offset": tag.start}
        entity["length"] = length
        if tag.tag == "a":
            if not tag.attrs.get("href"):
                return
            entity["url"] = tag.attrs["href"]
        elif tag.tag == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.tag == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.tag == "pre" and tag.language:
            entity["language"] = tag.language
        self.entities.append(entity)


def parse_html(text: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, or raise :class:`HtmlParseError`."""
    return _Parser(text, strict_ampersand).parse()
