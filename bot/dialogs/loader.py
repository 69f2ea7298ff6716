"""Safe YAML loading that remembers where every value came from.

Staff upload these files to the bot, so the loader treats them as hostile input: a size cap,
UTF-8 only, no binary, exactly one document with a mapping at the root, and no anchors or aliases
at all. Anchors are refused while *parsing events*, before any node is composed, so a
"billion laughs" alias bomb never gets the chance to expand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import AliasEvent, DocumentStartEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.dialogs.model import NodePath

MAX_BYTES = 256 * 1024
MAX_DEPTH = 40

# Plain scalars YAML 1.1 would turn into booleans although staff mean words ("yes", "on").
_TRUE_FALSE = {"true", "false"}
_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True, slots=True)
class Pos:
    line: int
    col: int


class LoadError(Exception):
    """The file cannot be read as a dialog file at all. Positions are 1-based."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass
class SourceMap:
    """Line/column of every value (and of every mapping key) by its path in the document."""

    values: dict[NodePath, Pos] = field(default_factory=dict)
    keys: dict[NodePath, Pos] = field(default_factory=dict)

    def pos(self, path: NodePath, *, key: bool = False) -> Pos:
        """Position of `path`; falls back to the nearest enclosing value that has one."""
        if key and path in self.keys:
            return self.keys[path]
        probe = tuple(path)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Pos(1, 1))


def plain_yaml_error(exc: yaml.MarkedYAMLError) -> LoadError:
    """PyYAML's parser words → what a staff member can do about it, with the line."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    line, col = _mark_pos(exc.problem_mark or exc.context_mark)
    if "quoted scalar" in context:
        line, col = _mark_pos(exc.context_mark or exc.problem_mark)
        return LoadError(
            f"a quote (\" or ') opened on line {line} is never closed: add the closing quote at "
            "the end of the text",
            line,
            col,
        )
    if "mapping values are not allowed" in problem:
        return LoadError(
            f"line {line} has a ': ' YAML did not expect. A text with ': ' in it needs quotes "
            '(text: "Næste uge: én ting"); otherwise indent the line like the lines above it',
            line,
            col,
        )
    if "\\t" in problem or "\t" in problem:
        return LoadError(
            f"line {line} is indented with a tab; use spaces (2 per level) instead", line, col
        )
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return LoadError(
            f'a text that starts with {char} needs quotes around it ("{char}…")', line, col
        )
    if "flow mapping" in context or "flow sequence" in context:
        return LoadError(
            "in a one-line block {da: ..., en: ...} or list [...], a text with a comma or ': ' "
            'needs quotes: {da: "Ja, tak", en: "Yes, please"}',
            line,
            col,
        )
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return LoadError(
            f"line {line} is not lined up with the lines above it: check the spaces at the start "
            "of the line (a text that goes on over several lines needs quotes)",
            line,
            col,
        )
    if "could not find expected ':'" in problem:
        return LoadError(
            f"a line near line {line} is missing its ':' after the name, or a text goes on to the "
            "next line without quotes",
            line,
            col,
        )
    if "found duplicate anchor" in problem or "undefined alias" in problem:
        return LoadError("YAML anchors and aliases (&name / *name) are not allowed", line, col)
    return LoadError(f"not valid YAML: {problem or context}", line, col)


def _mark_pos(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return int(mark.line) + 1, int(mark.column) + 1


def decode(raw: bytes) -> str:
    """Bytes → text, refusing oversize, binary and non-UTF-8 files."""
    if len(raw) > MAX_BYTES:
        raise LoadError(
            f"file is {len(raw) // 1024} KB; the limit is {MAX_BYTES // 1024} KB per file"
        )
    if b"\x00" in raw:
        raise LoadError("this is a binary file, not a YAML text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError("file is not UTF-8 text (save it as UTF-8)", line, col) from None
    return text.removeprefix("\ufeff")


def _refuse_anchors(text: str) -> None:
    """Walk the event stream once; any anchor or alias (or a second document) is an error."""
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark_pos(event.start_mark)
                    raise LoadError("only one YAML document per file (remove '---')", line, col)
            if isinstance(event, AliasEvent) or (
                isinstance(event, NodeEvent) and event.anchor is not None
            ):
                line, col = _mark_pos(event.start_mark)
                raise LoadError(
                    "YAML anchors and aliases (&name / *name) are not allowed; write it out",
                    line,
                    col,
                )
    except yaml.MarkedYAMLError as exc:
        raise plain_yaml_error(exc) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"not valid YAML: {exc}") from None


class _Builder:
    def __init__(self, text: str) -> None:
        self.loader = yaml.SafeLoader(text)
        self.smap = SourceMap()

    def build(self, node: Node, path: NodePath, depth: int = 0) -> Any:
        line, col = _mark_pos(node.start_mark)
        self.smap.values[path] = Pos(line, col)
        if depth > MAX_DEPTH:
            raise LoadError("the file is nested too deeply", line, col)
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                kline, kcol = _mark_pos(key_node.start_mark)
                if not isinstance(key_node, ScalarNode):
                    raise LoadError("a key must be a plain word", kline, kcol)
                # Keys become strings so the data stays JSON (scale labels use 1:, 10: ...).
                key = str(self.scalar(key_node))
                if key in result:
                    raise LoadError(f"'{key}' appears twice in the same block", kline, kcol)
                self.smap.keys[(*path, key)] = Pos(kline, kcol)
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self.scalar(node)

    def scalar(self, node: ScalarNode) -> Any:
        line, col = _mark_pos(node.start_mark)
        if node.tag not in _ALLOWED_TAGS:
            raise LoadError(f"YAML tag {node.tag!r} is not allowed here", line, col)
        if node.tag == _TAG + "timestamp":
            return node.value  # keep dates as written text; the schema checks their form
        if node.tag == _TAG + "bool" and node.value.lower() not in _TRUE_FALSE:
            return node.value  # yes/no/on/off stay words; only true/false are booleans
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise LoadError(f"cannot read this value: {exc}", line, col) from None


def load_text(text: str) -> tuple[dict[str, Any], SourceMap]:
    """Parse YAML text into plain JSON-like data plus its source map."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise LoadError(f"file is larger than the limit of {MAX_BYTES // 1024} KB")
    if "\x00" in text:
        raise LoadError("this is a binary file, not a YAML text file")
    _refuse_anchors(text)
    builder = _Builder(text)
    try:
        node = builder.loader.get_single_node()
        if node is None:
            raise LoadError("the file is empty")
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise plain_yaml_error(exc) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise LoadError("the file is nested too deeply") from None
    finally:
        builder.loader.dispose()
    if not isinstance(data, dict):
        raise LoadError("the file must be a block of 'key: value' lines (a YAML mapping)")
    return data, builder.smap


def load_bytes(raw: bytes) -> tuple[dict[str, Any], SourceMap]:
    return load_text(decode(raw))
