"""Every text in the code is in the catalogs, and every one has its Danish translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import REPO_ROOT
from bot.i18n import catalogue_dir, compile_catalogs, create_i18n

KEYWORDS = {"_": None, "__": None, "N_": None, "lazy_gettext": None}


def _code_msgids() -> set[str]:
    found = extract_from_dir(
        str(REPO_ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS
    )
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def _catalog(locale: str) -> dict[str, str]:
    path = REPO_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    return {str(m.id): str(m.string or "") for m in catalog if m.id and not m.fuzzy}


def test_every_text_in_the_code_has_a_danish_translation() -> None:
    danish = _catalog("da")
    missing = sorted(msgid for msgid in _code_msgids() if not danish.get(msgid))
    assert missing == [], "run scripts/update_catalogs.sh and translate these in da/…po"


def test_placeholders_match_between_english_and_danish() -> None:
    import re

    field = re.compile(r"\{(\w*)\}")
    for msgid, msgstr in _catalog("da").items():
        assert sorted(field.findall(msgid)) == sorted(field.findall(msgstr)), msgid


def test_catalogs_compile(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO_ROOT / "locales", tmp_path / "locales")
    for old in (tmp_path / "locales").glob("*/LC_MESSAGES/*.mo"):
        old.unlink()
    compiled = compile_catalogs(tmp_path / "locales", tmp_path / "compiled")
    assert {p.parent.parent.name for p in compiled} == {"da", "en"}


def test_a_checkout_without_catalogues_compiles_them_into_the_cache_not_beside_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    source = tmp_path / "install" / "locales"
    shutil.copytree(REPO_ROOT / "locales", source, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CACHE_DIRECTORY", raising=False)
    i18n = create_i18n(source, "da")
    assert i18n.gettext(" — in use", locale="da") != " — in use"
    assert list(source.rglob("*.mo")) == []
    assert Path(i18n.path).is_relative_to(tmp_path / "cache" / "fremad")


def test_an_installed_wheel_uses_its_compiled_catalogues_as_they_are(tmp_path: Path) -> None:
    source = tmp_path / "locales"
    compile_catalogs(REPO_ROOT / "locales", source)  # what setup.py's build step ships
    assert catalogue_dir(source) == source
