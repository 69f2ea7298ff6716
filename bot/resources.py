"""Where Fremad's shipped files are: the staff scripts (dialogs/) and the translations (locales/).

The one place that knows. In an installed wheel they are package data inside `bot`
(`bot/_shipped/dialogs`, mapped from the checkout's top-level `dialogs/` by pyproject.toml;
`bot/_shipped/locales`, the catalogues compiled by setup.py's build step). In a checkout or an
editable install they are the top-level folders beside `bot/`. Fremad never writes here:
catalogues that a checkout has not compiled go to a cache folder (`cache_dir`).
"""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

PACKAGED = "_shipped"


def _package_root() -> Path:
    # `bot` is a regular package on the file system (never zipped: see pyproject.toml).
    return Path(str(files("bot")))


def _resource_dir(name: str) -> Path:
    packaged = _package_root() / PACKAGED / name
    if packaged.is_dir():
        return packaged
    return _package_root().parent / name


def shipped_dialogs_dir() -> Path:
    """The shipped dialogs folder: scripts/, crisis/, subgoals.yaml, schema.json."""
    return _resource_dir("dialogs")


def shipped_locales_dir() -> Path:
    """The shipped translations: <lang>/LC_MESSAGES/messages.mo (wheel) or .po (checkout)."""
    return _resource_dir("locales")


def cache_dir() -> Path:
    """A folder of this user's that Fremad may write derived files to (never next to the code):
    systemd's CacheDirectory=, then $XDG_CACHE_HOME or ~/.cache, else the temporary folder."""
    systemd = os.environ.get("CACHE_DIRECTORY", "").split(":")[0]
    if systemd:
        return Path(systemd)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "fremad"
    home = Path.home() if os.environ.get("HOME") else None
    if home is not None and home != Path("/"):
        return home / ".cache" / "fremad"
    return Path(tempfile.gettempdir()) / f"fremad-cache-{os.getuid()}"
