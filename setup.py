"""Build steps pyproject.toml cannot declare: the package list (found packages plus the mapped
dialogs folder) and the translation catalogues compiled with Babel into the wheel."""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogues(build_py):
    """build_py, then locales/<lang>/LC_MESSAGES/messages.po → bot/_shipped/locales/…/messages.mo
    in the build folder (never into the checkout). An editable install skips it: Fremad compiles
    a checkout's catalogues into the user's cache folder (bot/i18n.py)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = ROOT / "locales"
        target = Path(self.build_lib) / "bot" / "_shipped" / "locales"
        po_files = sorted(source.glob("*/LC_MESSAGES/messages.po"))
        if not po_files:
            raise SystemExit(f"no catalogues in {source}: the wheel would have no translations")
        for po_path in po_files:
            mo_path = target / po_path.relative_to(source).with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)


PACKAGES = find_packages(include=["bot", "bot.*", "storage", "storage.*"])

setup(
    packages=[*PACKAGES, "bot._shipped.dialogs"],
    cmdclass={"build_py": BuildPyWithCatalogues},
)
