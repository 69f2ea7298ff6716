"""`fremad dialogs lint`: everything that can be wrong with a dialog file, found before a youth
ever sees it. Each finding is a `LintMessage` printed as `file:line:col: severity: message`.

Also the loading entry points the bot uses (`check_text`, `load_script`, ...): a file is only
usable when it lints without errors, so loading and linting are one code path.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.dialogs.diagnostics import DialogError, LintMessage, Problem
from bot.dialogs.graph import graph_problems
from bot.dialogs.loader import MAX_BYTES, LoadError, SourceMap, decode, load_text
from bot.dialogs.model import PromptLibrary, Script, Subgoal
from bot.dialogs.parse import parse_prompt_library, parse_script, parse_subgoals
from bot.dialogs.schema import schema_problems
from bot.dialogs.semantics import (
    TARGET_MISSING,
    library_problems,
    script_problems,
    subgoal_problems,
)
from bot.dialogs.subgoals import (
    BUILTIN_IDS,
    DIALOGS_DIR,
    LOCAL_FILE,
    SHIPPED_FILE,
    SubgoalCatalogue,
    merge,
)

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class CheckResult:
    """What one file turned out to be, and what is wrong with it."""

    name: str
    messages: list[LintMessage] = field(default_factory=list)
    script: Script | None = None
    library: PromptLibrary | None = None
    subgoals: list[Subgoal] | None = None

    @property
    def ok(self) -> bool:
        return not any(m.severity == "error" for m in self.messages)


def _to_messages(name: str, smap: SourceMap, problems: Iterable[Problem]) -> list[LintMessage]:
    out = []
    for p in problems:
        pos = smap.pos(p.path, key=p.at_key)
        out.append(LintMessage(name, pos.line, pos.col, p.message, p.severity))
    return sorted(out, key=lambda m: (m.line, m.col))


def check_text(
    text: str,
    name: str,
    *,
    require_en: bool = True,
    catalogue: SubgoalCatalogue | None = None,
) -> CheckResult:
    result = CheckResult(name)
    try:
        data, smap = load_text(text)
    except LoadError as exc:
        result.messages.append(LintMessage(name, exc.line, exc.col, exc.message))
        return result
    problems = schema_problems(data)
    if problems:
        # Meaning errors are reported too, from a copy without the parts the schema refused;
        # only those elsewhere in the file (one mistake, one message).
        result.messages = _to_messages(
            name, smap, problems + _meaning_despite(data, problems, catalogue)
        )
        return result
    subgoal_ids = (catalogue or default_catalogue()).ids
    kind = data["kind"]
    if kind == "subgoals":
        result.subgoals = parse_subgoals(data)
        problems = subgoal_problems(result.subgoals, require_en=require_en)
    elif kind == "prompt_library":
        result.library = parse_prompt_library(data, name)
        problems = library_problems(
            result.library, data, subgoal_ids=subgoal_ids, require_en=require_en
        )
    else:
        problems = []
        script = parse_script(data, name, problems)
        problems += script_problems(script, subgoal_ids=subgoal_ids, require_en=require_en)
        if not any(p.message.startswith(TARGET_MISSING) for p in problems):
            # A step reached only through a misspelt `next` is not "never reached" too.
            problems += graph_problems(script)
        result.script = script
    result.messages = _to_messages(name, smap, problems)
    return result


def _meaning_despite(
    data: dict[str, Any], refused: list[Problem], catalogue: SubgoalCatalogue | None
) -> list[Problem]:
    """Semantic problems of a script whose schema errors are cut out (steps with a schema
    error are left out whole; their other problems would be follow-ons)."""
    if data.get("kind") in ("subgoals", "prompt_library") or not isinstance(
        data.get("steps"), list
    ):
        return []
    bad_steps = {p.path[1] for p in refused if len(p.path) > 1 and p.path[0] == "steps"}
    top_level = {p.path[0] for p in refused if p.path and p.path[0] != "steps"}
    if top_level & {"id", "version", "kind", "title"} or not refused:
        return []
    trimmed = {k: v for k, v in data.items() if k not in top_level}
    steps = [s for i, s in enumerate(data["steps"]) if i not in bad_steps]
    if not steps or schema_problems({**trimmed, "steps": steps}):
        return []
    kept = [i for i in range(len(data["steps"])) if i not in bad_steps]
    bad_ids = {
        str(s.get("id"))
        for i, s in enumerate(data["steps"])
        if i in bad_steps and isinstance(s, dict)
    }
    problems: list[Problem] = []
    script = parse_script({**trimmed, "steps": steps}, "", problems)
    subgoal_ids = (catalogue or default_catalogue()).ids
    problems += script_problems(script, subgoal_ids=subgoal_ids, require_en=False)
    out = []
    for problem in problems:
        said = problem.message
        follow_on = any(f"'{i}'" in said or f"`{i}`" in said for i in bad_ids)
        if problem.severity != "error" or follow_on:
            continue
        path = problem.path
        if len(path) > 1 and path[0] == "steps" and isinstance(path[1], int):
            path = ("steps", kept[path[1]], *path[2:])
        out.append(Problem(path, problem.message, problem.severity, problem.at_key))
    return out


def check_bytes(raw: bytes, name: str, **kwargs: Any) -> CheckResult:
    try:
        text = decode(raw)
    except LoadError as exc:
        return CheckResult(name, [LintMessage(name, exc.line, exc.col, exc.message)])
    return check_text(text, name, **kwargs)


def check_file(path: str | Path, **kwargs: Any) -> CheckResult:
    path = Path(path)
    name = str(path)
    try:
        # Refuse before reading: a huge file must not be pulled into memory.
        if path.stat().st_size > MAX_BYTES:
            limit = f"the limit is {MAX_BYTES // 1024} KB per file"
            return CheckResult(name, [LintMessage(name, 1, 1, f"file is too large; {limit}")])
        raw = path.read_bytes()
    except OSError as exc:
        return CheckResult(name, [LintMessage(name, 1, 1, f"cannot read: {exc.strerror}")])
    return check_bytes(raw, name, **kwargs)


def lint_text(
    text: str,
    name: str,
    *,
    require_en: bool = True,
    catalogue: SubgoalCatalogue | None = None,
) -> list[LintMessage]:
    return check_text(text, name, require_en=require_en, catalogue=catalogue).messages


def lint_file(
    path: str | Path,
    *,
    require_en: bool = True,
    catalogue: SubgoalCatalogue | None = None,
) -> list[LintMessage]:
    return check_file(path, require_en=require_en, catalogue=catalogue).messages


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix in YAML_SUFFIXES))
        else:
            out.append(p)
    return out


def shipped_paths(dialogs_dir: Path = DIALOGS_DIR, scripts_dir: Path | None = None) -> list[Path]:
    """The dialog files in use: the scripts (SCRIPTS_DIR when set) and the sub-goal catalogue."""
    files = sorted((scripts_dir or dialogs_dir / "scripts").glob("*.yaml"))
    files.append(dialogs_dir / SHIPPED_FILE)
    if (dialogs_dir / LOCAL_FILE).exists():
        files.append(dialogs_dir / LOCAL_FILE)
    return files


def missing_dialog_files(dialogs_dir: Path, scripts_dir: Path | None = None) -> str | None:
    """What is missing for Fremad to have its dialogs (one sentence), or None."""
    scripts = scripts_dir or dialogs_dir / "scripts"
    if not (dialogs_dir / SHIPPED_FILE).is_file():
        return (
            f"the dialog files are missing ({dialogs_dir / SHIPPED_FILE} not found): "
            "reinstall Fremad, or set DIALOGS_DIR to a folder that has them."
        )
    if not scripts.is_dir() or not any(scripts.glob("*.yaml")):
        setting = "SCRIPTS_DIR" if scripts_dir else "DIALOGS_DIR"
        return f"no dialog scripts in {scripts}: copy the shipped scripts there, or fix {setting}."
    return None


def lint_paths(
    paths: Iterable[str | Path],
    *,
    require_en: bool = True,
    catalogue: SubgoalCatalogue | None = None,
) -> list[LintMessage]:
    messages: list[LintMessage] = []
    for path in expand_paths(paths):
        messages += lint_file(path, require_en=require_en, catalogue=catalogue)
    return messages


def default_catalogue(dialogs_dir: Path = DIALOGS_DIR) -> SubgoalCatalogue:
    """The shipped catalogue merged with the local one. Falls back to the built-in ids (with
    no texts) if the files are broken, so scripts can still be linted; linting the catalogue
    file itself reports what is wrong with it."""
    try:
        return load_catalogue(dialogs_dir)
    except DialogError:
        return SubgoalCatalogue(tuple(Subgoal(i, {"da": i}, {"da": ""}) for i in BUILTIN_IDS))


def load_catalogue(dialogs_dir: Path = DIALOGS_DIR) -> SubgoalCatalogue:
    """The merged catalogue; parsed once per content of its files (every script check needs
    it, and an edit to either file is read at the next call)."""
    local_path = dialogs_dir / LOCAL_FILE
    shipped, local = _content(dialogs_dir / SHIPPED_FILE), _content(local_path)
    if shipped is None or (local is None and local_path.exists()):
        return _parse_catalogue(dialogs_dir)  # says what is wrong, in lint's words
    cached = _CATALOGUES.get((shipped, local))
    if cached is None:
        cached = _parse_catalogue(dialogs_dir)
        if len(_CATALOGUES) >= 8:
            _CATALOGUES.clear()
        _CATALOGUES[(shipped, local)] = cached
    return cached


_CATALOGUES: dict[tuple[bytes, bytes | None], SubgoalCatalogue] = {}


def _content(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _parse_catalogue(dialogs_dir: Path) -> SubgoalCatalogue:
    def read(path: Path) -> list[Subgoal]:
        checked = check_file(path, catalogue=_EMPTY)
        if not checked.ok or checked.subgoals is None:
            errors = checked.messages or [LintMessage(str(path), 1, 1, "not a sub-goal file")]
            raise DialogError(errors)
        return checked.subgoals

    shipped = read(dialogs_dir / SHIPPED_FILE)
    local_path = dialogs_dir / LOCAL_FILE
    local = read(local_path) if local_path.exists() else []
    return merge(shipped, local)


_EMPTY = SubgoalCatalogue(())


def load_script(
    path: str | Path, *, require_en: bool = True, catalogue: SubgoalCatalogue | None = None
) -> Script:
    """A script file that lints without errors, or DialogError with the messages."""
    return _script(check_file(path, require_en=require_en, catalogue=catalogue))


def load_script_bytes(
    raw: bytes,
    name: str,
    *,
    require_en: bool = False,
    catalogue: SubgoalCatalogue | None = None,
) -> Script:
    """For staff uploads: English is optional for a municipality's own scripts."""
    return _script(check_bytes(raw, name, require_en=require_en, catalogue=catalogue))


def _script(result: CheckResult) -> Script:
    if not result.ok or result.script is None:
        msgs = result.messages or [LintMessage(result.name, 1, 1, "this is not a dialog script")]
        raise DialogError(msgs)
    return result.script


def load_prompt_library(
    path: str | Path | None = None, *, catalogue: SubgoalCatalogue | None = None
) -> PromptLibrary:
    result = check_file(path or DIALOGS_DIR / "scripts" / "prompts.yaml", catalogue=catalogue)
    if not result.ok or result.library is None:
        msgs = result.messages or [LintMessage(result.name, 1, 1, "not a prompt library")]
        raise DialogError(msgs)
    return result.library


def has_errors(messages: Collection[LintMessage]) -> bool:
    return any(m.severity == "error" for m in messages)
