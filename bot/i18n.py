"""Translations: gettext catalogues from the shipped locales folder (bot/resources.py).

An installed wheel carries compiled catalogues (.mo, made when the wheel is built) and uses them
as they are. A checkout has only the .po sources: they are compiled, when missing or older than
the .po, into the user's cache folder, never next to the code (the install folder may be
read-only, e.g. under systemd's ProtectSystem=strict or in a container).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.resources import cache_dir

DOMAIN = "messages"


def compile_catalogs(locales_dir: Path, target_dir: Path) -> list[Path]:
    """Compiles every <lang>/LC_MESSAGES/messages.po of `locales_dir` whose .mo in
    `target_dir` is missing or older; returns the .mo files written."""
    compiled: list[Path] = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = target_dir / po_path.relative_to(locales_dir).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: another process starting at the same moment never reads
        # a half-written catalogue.
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.partial")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(partial, mo_path)
        compiled.append(mo_path)
    return compiled


def _compiled_beside(locales_dir: Path) -> bool:
    """True when every .po has a .mo beside it that is not older (or there are no .po at all:
    an installed wheel, whose catalogues were compiled when it was built)."""
    for po_path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            return False
    return True


def catalogue_cache(locales_dir: Path) -> Path:
    """Where the catalogues of `locales_dir` are compiled to (one folder per source folder)."""
    key = hashlib.sha256(str(locales_dir.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "locales" / key


def catalogue_dir(locales_dir: Path) -> Path:
    """A folder of compiled catalogues for `locales_dir`, compiling into the cache if needed."""
    if _compiled_beside(locales_dir):
        return locales_dir
    target = catalogue_cache(locales_dir)
    compile_catalogs(locales_dir, target)
    return target


def compiled_locales(locales_dir: Path) -> set[str]:
    """Languages with a usable catalogue in `locales_dir`, without compiling anything."""
    found = {p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    found |= {p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return found


def create_i18n(locales_dir: Path, default_locale: str) -> I18n:
    return I18n(path=catalogue_dir(locales_dir), default_locale=default_locale, domain=DOMAIN)
