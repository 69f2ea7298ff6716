"""The staff's prompt library and step ladders (dialogs/scripts/prompts.yaml), loaded once per
process and file: the file is checked by the linter when it loads."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.dialogs import PromptLibrary, SubgoalCatalogue, load_prompt_library

PROMPTS_FILE = Path("scripts") / "prompts.yaml"


@cache
def _load(path: Path, catalogue: SubgoalCatalogue) -> PromptLibrary:
    return load_prompt_library(path, catalogue=catalogue)


def prompt_library(dialogs_dir: Path, catalogue: SubgoalCatalogue) -> PromptLibrary:
    """The library shipped in `dialogs_dir` (raises DialogError when it does not lint)."""
    return _load((dialogs_dir / PROMPTS_FILE).resolve(), catalogue)
