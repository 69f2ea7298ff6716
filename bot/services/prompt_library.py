"""The staff's prompt library and step ladders (dialogs/scripts/prompts.yaml), loaded once per
process and file: the file is checked by the linter when it loads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.dialogs import PromptLibrary, SubgoalCatalogue, load_prompt_library

# A library, or a way to fetch the one in use now (staff may publish a new one at any time).
LibrarySource = PromptLibrary | Callable[[], Awaitable[PromptLibrary]]

PROMPTS_FILE = "prompts.yaml"
_loaded: dict[Path, PromptLibrary] = {}


def prompt_library(
    dialogs_dir: Path, catalogue: SubgoalCatalogue, scripts_dir: Path | None = None
) -> PromptLibrary:
    """The library in `scripts_dir` (SCRIPTS_DIR), else shipped in `dialogs_dir`/scripts
    (raises DialogError when it does not lint)."""
    path = ((scripts_dir or dialogs_dir / "scripts") / PROMPTS_FILE).resolve()
    if path not in _loaded:
        _loaded[path] = load_prompt_library(path, catalogue=catalogue)
    return _loaded[path]


async def resolve_library(source: LibrarySource) -> PromptLibrary:
    return source if isinstance(source, PromptLibrary) else await source()
