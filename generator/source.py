"""Reading content files: text, front matter and YAML, keeping line numbers.

PyYAML's C parser composes the node tree (fast, with marks); we build plain
Python values from it ourselves so that every key and list item keeps its
position, duplicate keys are caught (PyYAML silently keeps the last), and
timestamps stay strings until the schema checks their offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic
from .models import describe_char, find_unprintable

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing; same results, slower
    _Loader = yaml.SafeLoader

#: Limits that keep hostile files from exhausting time or memory.
MAX_FILE_BYTES = 1024 * 1024
MAX_LINE_CHARS = 20_000
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 32

Path_ = tuple[str | int, ...]

_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    # Kept as text: the schema decides whether a timestamp or a date is wanted
    # and rejects timestamps without an offset.
    "tag:yaml.org,2002:timestamp": lambda node: node.value,
    "tag:yaml.org,2002:str": lambda node: node.value,
}


@dataclass
class Located:
    """YAML data with the (line, column) of every mapping key and list item."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int, int]:
        """Where ``path`` is written, or its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class _Problem(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


class _Builder:
    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.count = 0
        self.duplicates: list[_Problem] = []

    def where(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _Problem(*self.where(node), "yaml-too-large",
                           f"YAML has more than {MAX_YAML_NODES} values (aliases expanded); refusing to read it")
        if depth > MAX_YAML_DEPTH:
            raise _Problem(*self.where(node), "yaml-too-deep", f"YAML is nested deeper than {MAX_YAML_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Problem(*self.where(key_node), "yaml-merge-key", "YAML merge keys ('<<') are not supported")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Problem(*self.where(key_node), "yaml-complex-key", "mapping keys must be plain text")
                key = key_node.value
                if key in result:
                    first = self.positions[path + (key,)]
                    self.duplicates.append(_Problem(*self.where(key_node), "duplicate-key",
                                                    f"duplicate key '{key}' (first defined on line {first[0]})"))
                    continue
                self.positions[path + (key,)] = self.where(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.positions[path + (index,)] = self.where(item)
                items.append(self.build(item, path + (index,), depth + 1))
            return items
        make = _SCALARS.get(node.tag)
        if make is None:
            raise _Problem(*self.where(node), "yaml-tag", f"unsupported YAML tag '{node.tag}'")
        try:
            return make(node)
        except (ValueError, yaml.YAMLError) as exc:
            raise _Problem(*self.where(node), "yaml-value", f"invalid value {node.value!r}: {exc}") from None


def parse_yaml(text: str, file: str, line_offset: int = 0) -> tuple[Located | None, list[Diagnostic]]:
    """Parse one YAML document; ``line_offset`` is the number of lines before it in its file."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        problem = str(exc.problem or "invalid YAML")
        if exc.context:
            context = exc.context
            if exc.context_mark and exc.context_mark is not mark:
                context += f" started on line {exc.context_mark.line + 1 + line_offset}"
            problem = f"{context}: {problem}"
        return None, [Diagnostic(file, line, column, "error", "yaml-syntax", f"YAML syntax error: {problem}")]
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1 + line_offset, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Diagnostic(file, line, column, "error", "yaml-syntax",
                                 f"YAML cannot contain the control character U+{ord(char):04X}")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(file, 1 + line_offset, 1, "error", "yaml-syntax",
                                 "YAML syntax error: " + " ".join(str(exc).split()))]
    builder = _Builder(line_offset)
    if node is None:
        return Located(None, {(): (1 + line_offset, 1)}), []
    builder.positions[()] = builder.where(node)
    try:
        data = builder.build(node, ())
    except _Problem as problem:
        return None, [Diagnostic(file, problem.line, problem.column, "error", problem.code, problem.message)]
    duplicates = [Diagnostic(file, p.line, p.column, "error", p.code, p.message) for p in builder.duplicates]
    return Located(data, builder.positions), duplicates


@dataclass
class SourceFile:
    """A content file split into front matter and Markdown body."""

    path: str
    text: str
    front: Located | None
    body: str
    #: number of the file's line on which the body starts (1-based)
    body_line: int


def read_text(path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a UTF-8 text file within the size limits; CRLF and a BOM are accepted."""
    def error(line: int, column: int, code: str, message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(rel, line, column, "error", code, message)]

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return error(1, 1, "file-too-large", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        return error(1, 1, "file-unreadable", f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return error(line, column, "not-utf8", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return error(1, 1, "empty-file", "file is empty")
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            return error(number, MAX_LINE_CHARS + 1, "line-too-long",
                         f"line is {len(line)} characters long; the limit is {MAX_LINE_CHARS}")
        if "\x00" in line:
            return error(number, line.index("\x00") + 1, "nul-byte", "file contains a NUL byte")
    if (bad := find_unprintable(text)) is not None:
        before = text[:bad]
        return error(before.count("\n") + 1, bad - (before.rfind("\n") + 1) + 1, "control-character",
                     f"file contains {describe_char(text[bad])}, which feeds and web pages cannot carry")
    return text, []


def split_front_matter(text: str, rel: str, parse: bool = True) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Split ``---``-fenced YAML front matter from the Markdown body and parse it (unless ``parse`` is off)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [Diagnostic(rel, 1, 1, "error", "no-front-matter",
                                 "file must start with YAML front matter: a line '---', the fields, and a closing '---'")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return None, [Diagnostic(rel, 1, 1, "error", "unclosed-front-matter",
                                 "front matter is not closed: add a line '---' after the fields")]
    front_text = "\n".join(lines[1:index])
    located, problems = parse_yaml(front_text, rel, line_offset=1) if parse else (None, [])
    body = "\n".join(lines[index + 1:])
    return SourceFile(rel, text, located, body, index + 2), problems


def read_yaml_file(path: Path, rel: str) -> tuple[Located | None, list[Diagnostic]]:
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    return parse_yaml(text, rel)


def read_markdown_file(path: Path, rel: str, parse: bool = True) -> tuple[SourceFile | None, list[Diagnostic]]:
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    return split_front_matter(text, rel, parse)
