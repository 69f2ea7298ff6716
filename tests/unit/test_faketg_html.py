"""Telegram HTML validation, rate-limit buckets and spec-based param typing of the fake."""

from __future__ import annotations

import pytest

from bot.local_telegram.html_check import HtmlParseError, parse_html
from bot.local_telegram.limits import RateLimitConfig, RateLimiter
from bot.local_telegram.spec import ParamError, coerce_params


def test_visible_text_and_entities_use_utf16_offsets() -> None:
    parsed = parse_html('😀 <b>fed</b> <a href="https://x.dk/?a=1&amp;b=2">link</a>')
    assert parsed.text == "😀 fed link"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 7, "length": 4, "url": "https://x.dk/?a=1&b=2"},
    ]


def test_entities_numeric_and_named() -> None:
    assert parse_html("&lt;3 &#38; &#x41; &quot;").text == '<3 & A "'


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("x</b>", 'Unexpected end tag "</b>" at byte offset 1'),
        ("<b><i>x</b></i>", "Unmatched end tag at byte offset 7"),
        ("1 < 2", "Unclosed start tag at byte offset 2"),
        ("R&D", "Unsupported character entity at byte offset 1"),
        ("&nbsp;", "Unsupported character entity at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_invalid_html_reasons(html: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert reason in caught.value.description
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")


def test_lenient_ampersand_keeps_it_literal() -> None:
    assert parse_html("R&D", strict_ampersand=False).text == "R&D"


def test_all_telegram_tags_are_accepted() -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
        '<tg-spoiler>t</tg-spoiler><code>c</code><pre><code class="language-py">x</code></pre>'
        '<blockquote expandable>q</blockquote><tg-emoji emoji-id="1">👍</tg-emoji>'
    )
    parsed = parse_html(html)
    assert {"type": "pre", "offset": 12, "length": 1, "language": "py"} in parsed.entities
    assert parsed.entities[-1]["type"] == "custom_emoji"


def test_bucket_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitConfig(chat_burst=2, chat_rate=0.5), clock=lambda: now[0])
    assert limiter.acquire(1) is None and limiter.acquire(1) is None
    assert limiter.acquire(1) == 2  # one token takes 2 s at 0.5/s
    assert limiter.acquire(2) is None  # other chats are independent
    now[0] += 2.0
    assert limiter.acquire(1) is None


def test_params_are_typed_from_the_spec() -> None:
    typed = coerce_params(
        "sendMessage",
        {"chat_id": "42", "text": "007", "disable_notification": "true", "reply_markup": "{}"},
    )
    assert typed == {
        "chat_id": 42,
        "text": "007",
        "disable_notification": True,
        "reply_markup": {},
    }
    assert coerce_params("sendMessage", {"chat_id": "@chan"})["chat_id"] == "@chan"
    with pytest.raises(ParamError):
        coerce_params("getUpdates", {"offset": "soon"})


def test_nested_tags_links_entities_and_newlines() -> None:
    parsed = parse_html(
        '<b>Fed <i>og kursiv</i></b>\n<a href="https://fremad.dk/?a=1&amp;b=2">&lt;link&gt;</a>'
    )
    assert parsed.text == "Fed og kursiv\n<link>"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 13},
        {"type": "italic", "offset": 4, "length": 9},
        {"type": "text_link", "offset": 14, "length": 6, "url": "https://fremad.dk/?a=1&b=2"},
    ]


@pytest.mark.parametrize("html", ["linje 1<br>linje 2", "linje 1<br/>linje 2", "<p>x</p>"])
def test_html_line_breaks_must_be_newlines(html: str) -> None:
    with pytest.raises(HtmlParseError, match="Unsupported start tag"):
        parse_html(html)
