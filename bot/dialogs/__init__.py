"""Staff-authored dialog scripts: format, linter and a pure interpreter (no aiogram, no DB).

Public API — see dialogs/README.md for the file format:

- lint: `lint_file`, `lint_text`, `lint_paths`, `LintMessage`, `check_text`/`check_bytes`
- load: `load_script`, `load_script_bytes`, `load_prompt_library`, `load_catalogue`
- run:  `start`, `answer`, `current`, `DialogContext`, `Turn`, `Button`, `RecordedAnswer`
- words: `EngineTexts`, `ENGINE_MSGIDS`, `default_texts`
"""

from bot.dialogs.diagnostics import DialogError, LintMessage
from bot.dialogs.engine import (
    DONE,
    SKIP,
    Button,
    DialogContext,
    DialogRuntimeError,
    RecordedAnswer,
    StateMismatch,
    Turn,
    answer,
    current,
    start,
)
from bot.dialogs.lint import (
    CheckResult,
    check_bytes,
    check_file,
    check_text,
    default_catalogue,
    lint_file,
    lint_paths,
    lint_text,
    load_catalogue,
    load_prompt_library,
    load_script,
    load_script_bytes,
)
from bot.dialogs.model import Ladder, LadderStep, Prompt, PromptLibrary, Script, Step
from bot.dialogs.render import VARIABLES, render, render_localized
from bot.dialogs.subgoals import SubgoalCatalogue
from bot.dialogs.texts import ENGINE_MSGIDS, EngineTexts, default_texts

__all__ = [
    "DONE",
    "ENGINE_MSGIDS",
    "SKIP",
    "VARIABLES",
    "Button",
    "CheckResult",
    "DialogContext",
    "DialogError",
    "DialogRuntimeError",
    "EngineTexts",
    "Ladder",
    "LadderStep",
    "LintMessage",
    "Prompt",
    "PromptLibrary",
    "RecordedAnswer",
    "Script",
    "StateMismatch",
    "Step",
    "SubgoalCatalogue",
    "Turn",
    "answer",
    "check_bytes",
    "check_file",
    "check_text",
    "current",
    "default_catalogue",
    "default_texts",
    "lint_file",
    "lint_paths",
    "lint_text",
    "load_catalogue",
    "load_prompt_library",
    "load_script",
    "load_script_bytes",
    "render",
    "render_localized",
    "start",
]
