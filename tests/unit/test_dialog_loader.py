"""Hostile files are refused cleanly, before they can cost memory or time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogs import check_bytes, lint_file, lint_text
from bot.dialogs.loader import MAX_BYTES, LoadError, load_bytes, load_text

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_refused_at_the_first_anchor() -> None:
    with pytest.raises(LoadError) as exc:
        load_text(BILLION_LAUGHS)
    assert "anchors and aliases" in exc.value.message
    assert (exc.value.line, exc.value.col) == (1, 4)


def test_a_lone_alias_is_refused() -> None:
    with pytest.raises(LoadError, match="anchors"):
        load_text("a: *nothing\n")


def test_file_over_256_kb_is_refused(tmp_path: Path) -> None:
    big = "id: x\n" + "# padding\n" * (MAX_BYTES // 10 + 1)
    assert len(big.encode()) > MAX_BYTES
    path = tmp_path / "big.yaml"
    path.write_text(big, encoding="utf-8")
    [message] = lint_file(path)
    assert "too large" in message.message
    [message] = lint_text(big, "big.yaml")
    assert "limit" in message.message


def test_two_megabyte_upload_is_refused_without_parsing() -> None:
    [message] = check_bytes(b"a: b\n" * (2 * 1024 * 1024 // 5), "upload.yaml").messages
    assert "limit is 256 KB" in message.message


def test_binary_file_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    [message] = check_bytes(png, "photo.yaml").messages
    assert "binary" in message.message


def test_non_utf8_file_is_refused_with_position() -> None:
    with pytest.raises(LoadError) as exc:
        load_bytes("id: x\ntitle: Hjælp\n".encode("latin-1"))
    assert "UTF-8" in exc.value.message
    assert exc.value.line == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "mapping"),
        ("plain words, not a file", "mapping"),
        ("", "empty"),
        ("a: [unclosed\n", "needs quotes"),
        ("a: 1\n---\nb: 2\n", "one YAML document"),
        ("a: !!python/object:os.system ls\n", "not allowed"),
        ("a: 1\na: 2\n", "appears twice"),
    ],
)
def test_non_dialog_yaml_is_refused(text: str, expected: str) -> None:
    with pytest.raises(LoadError, match=expected):
        load_text(text)


def test_yes_and_no_stay_words_and_keys_become_strings() -> None:
    data, smap = load_text("value: yes\nflag: true\nlabels:\n  1: one\nday: 2025-01-02\n")
    assert data == {"value": "yes", "flag": True, "labels": {"1": "one"}, "day": "2025-01-02"}
    assert smap.pos(("labels", "1")) == smap.values[("labels", "1")]
    assert smap.pos(("labels", "1")).line == 4


def test_bom_is_accepted() -> None:
    data, _ = load_bytes("\ufeffid: x\n".encode())
    assert data == {"id": "x"}
