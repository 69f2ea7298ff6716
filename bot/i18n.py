"""Translations: gettext catalogs in locales/, compiled at start when a .po is newer."""

from __future__ import annotations

import os
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def compile_catalogs(locales_dir: Path) -> list[Path]:
    """Compiles every locales/<lang>/LC_MESSAGES/messages.po whose .mo is missing or older."""
    compiled: list[Path] = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written aside and renamed: another process starting at the same moment never reads
        # a half-written catalogue.
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.partial")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(partial, mo_path)
        compiled.append(mo_path)
    return compiled


def create_i18n(locales_dir: Path, default_locale: str) -> I18n:
    compile_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale=default_locale, domain=DOMAIN)
