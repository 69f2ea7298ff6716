"""Rendering: every user value is escaped; staff formatting survives; nothing crashes."""

from __future__ import annotations

from bot.dialogs.render import (
    render,
    render_localized,
    tag_problems,
    variables_in,
    worst_case_length,
)


def test_user_values_are_html_escaped() -> None:
    out = render("Hej {first_name}!", {"first_name": "<b>Ali</b> & co"})
    assert out == "Hej &lt;b&gt;Ali&lt;/b&gt; &amp; co!"


def test_staff_text_is_escaped_but_allowed_tags_are_kept() -> None:
    assert render("<b>Godt</b> <3 & mere", {}) == "<b>Godt</b> &lt;3 &amp; mere"
    assert render('<a href="x">link</a>', {}) == '&lt;a href="x"&gt;link&lt;/a&gt;'


def test_unknown_or_missing_variable_renders_empty() -> None:
    assert render("Hej {nobody}.", {}) == "Hej ."
    assert render("{streak} dage", {"streak": None}) == " dage"


def test_double_braces_are_literal() -> None:
    assert render("{{first_name}} = {first_name}", {"first_name": "A"}) == "{first_name} = A"
    assert variables_in("{{x}} {y} {answer.plan}") == ["y", "answer.plan"]


def test_worst_case_length_uses_variable_maximums() -> None:
    assert worst_case_length("<b>{first_name}</b>", {}) == 64
    assert worst_case_length("{custom}!", {"custom": 10}) == 11


def test_tag_problems_are_reported() -> None:
    assert tag_problems("<b>ok</b>") == []
    assert tag_problems("<b><i>x</b></i>")
    assert tag_problems("a { b")


def test_render_localized_falls_back_to_danish() -> None:
    text = {"da": "Hej {first_name}", "en": "Hi {first_name}"}
    assert render_localized(text, "en-GB", {"first_name": "<A>"}) == "Hi &lt;A&gt;"
    assert render_localized(text, "uk", {"first_name": "A"}) == "Hej A"
