"""Reading content files: text, front matter and YAML, keeping line numbers.

PyYAML's C parser composes the node tree (fast, with marks); we build plain
Python values from it ourselves so that every key and list item keeps its
position, duplicate keys are caught (PyYAML silently keeps the last), and
timestamps stay strings until the schema checks their offset.

Positions are counted as editors count them: lines end at ``\n`` only. YAML also
ends lines at NEL, LS and PS, so we map every mark through its character index
rather than trusting ``mark.line``; the file reader refuses those characters raw
(to YAML they are line breaks, to a reviewer they are not).

A quote left open is the one typo that can move private fields into public
text: ``message: "text`` swallows ``internal:`` and its keys up to the next
``"``. libyaml accepts a quoted value whose continuation lines are not indented
under its key (YAML does not), so we refuse exactly those: a value may continue
on lines indented deeper than its key, never on a line at or left of it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.content.models import describe_char, find_unprintable
from generator.errors import Diagnostic

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing; same results, slower
    _BaseLoader = yaml.SafeLoader

#: The safe resolver's implicit tags by a plain scalar's first character ('' for an empty one), the wildcard
#: ones after them; the safe loader has no path resolvers (checked here), so the tag depends on the value only.
_WILDCARD = list(_BaseLoader.yaml_implicit_resolvers.get(None, []))
_IMPLICIT = {first: list(resolvers) + _WILDCARD
             for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items() if first is not None}
assert not _BaseLoader.yaml_path_resolvers
_SCALAR_TAG: str = _BaseLoader.DEFAULT_SCALAR_TAG
_SEQUENCE_TAG: str = _BaseLoader.DEFAULT_SEQUENCE_TAG
_MAPPING_TAG: str = _BaseLoader.DEFAULT_MAPPING_TAG


def resolve_tag(kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """The tag PyYAML's safe resolver gives a node of ``kind`` written as ``value``."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
                if regexp.match(value):
                    return tag  # type: ignore[no-any-return]
        return _SCALAR_TAG
    return _SEQUENCE_TAG if kind is yaml.SequenceNode else _MAPPING_TAG


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving tags as it does with less work per value: libyaml asks for every node.

    :func:`resolve_tag` is this method; a property test holds it to PyYAML's own ``resolve``.
    """

    resolve = staticmethod(resolve_tag)  # called by libyaml for each node: one Python call, not two

    # No path resolvers, so nothing to track on the way down and up (PyYAML's methods return at once): a
    # builtin that takes the same arguments and does nothing is cheaper than calling them for every node.
    descend_resolver = slice  # (parent, index)
    ascend_resolver = tuple  # ()


#: Limits that keep hostile files from exhausting time or memory (content files are a few KB).
MAX_FILE_BYTES = 256 * 1024
MAX_LINE_CHARS = 20_000
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 32
#: What the Markdown of one file (body and every text value) may render to: reference links used
#: many times multiply, and every row of a table gets as many cells as its header.
MAX_RENDERED_BYTES = 1024 * 1024
MAX_TABLE_CELLS = 20_000

Path_ = tuple[str | int, ...]
#: libyaml's messages when a quoted scalar runs to the end of the text.
_QUOTE_RUNS_OUT = ("found unexpected end of stream", "found unexpected document indicator")

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
    #: every text value of ``data`` with its path in document order, when the reader collected them
    texts: list[tuple[Path_, str]] | None = None

    def position(self, path: Path_) -> tuple[int, int]:
        """Where ``path`` is written, or its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class _Lines:
    """(line, column) of a character index, counting lines by ``\n`` as editors do (YAML also counts NEL, LS, PS)."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.offset = line_offset

    @functools.cached_property
    def starts(self) -> list[int]:
        """Where each line starts: found when first asked (most texts are read without mapping an index)."""
        return [0] + [match.end() for match in re.finditer("\n", self.text)]

    def at(self, index: int) -> tuple[int, int]:
        number = bisect_right(self.starts, index) - 1
        return number + 1 + self.offset, index - self.starts[number] + 1

    def mark(self, mark: yaml.Mark) -> tuple[int, int]:
        return self.at(mark.index)


class _Problem(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


#: Line breaks to YAML besides ``\n`` (and the byte-order mark, which libyaml skips): where a text has none,
#: libyaml's own line and column of a mark are the editor's, and no index needs mapping (:meth:`_Builder.where`).
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029\ufeff]")
_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
#: Scalars kept as text: the schema decides what a timestamp must be.
_TEXT_TAGS = frozenset({_STR, _TIMESTAMP})


class _Builder:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.count = 0
        self.duplicates: list[_Problem] = []
        #: a quoted or flow value spans lines: it may have swallowed keys (see :func:`_overrun`)
        self.multiline_flow = False
        #: every text value with its path, in document order (what :func:`rules.check_rendering` measures)
        self.texts: list[tuple[Path_, str]] = []
        self._marks_agree = _OTHER_BREAKS.search(lines.text) is None
        self._first_line = lines.offset + 1

    def where(self, node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        if self._marks_agree:  # the common case, cheap: the same numbers as mapping the index (property-tested)
            return mark.line + self._first_line, mark.column + 1
        return self.lines.mark(mark)

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise _Problem(*self.where(node), "yaml-too-large",
                           f"YAML has more than {MAX_YAML_NODES} values (aliases expanded); refusing to read it")
        if depth > MAX_YAML_DEPTH:
            raise _Problem(*self.where(node), "yaml-too-deep", f"YAML is nested deeper than {MAX_YAML_DEPTH} levels")
        kind = type(node)
        if node.start_mark.line != node.end_mark.line and not self.multiline_flow and (
                node.style not in ("|", ">") if kind is yaml.ScalarNode else getattr(node, "flow_style", False)):
            self.multiline_flow = True
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag in _TEXT_TAGS:
                value = node.value
                self.texts.append((path, value))
                return value
            make = _SCALARS.get(tag)
            if make is None:
                raise _Problem(*self.where(node), "yaml-tag", f"unsupported YAML tag '{tag}'")
            try:
                return make(node)
            except (ValueError, yaml.YAMLError) as exc:
                raise _Problem(*self.where(node), "yaml-value", f"invalid value {node.value!r}: {exc}") from None
        positions, where, depth = self.positions, self.where, depth + 1
        agree, first_line, texts = self._marks_agree, self._first_line, self.texts
        # Text values, the most common nodes, are built here as build() builds them (the same counts, limits and
        # multi-line check), without a call each; subclasses see every other node. Positions likewise.
        inline = depth <= MAX_YAML_DEPTH
        if kind is yaml.MappingNode:
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Problem(*where(key_node), "yaml-merge-key", "YAML merge keys ('<<') are not supported")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Problem(*where(key_node), "yaml-complex-key", "mapping keys must be plain text")
                key = key_node.value
                key_path = path + (key,)
                if key in result:
                    first = positions[key_path]
                    self.duplicates.append(_Problem(*where(key_node), "duplicate-key",
                                                    f"duplicate key '{key}' (first defined on line {first[0]})"))
                    continue
                if agree:
                    mark = key_node.start_mark
                    positions[key_path] = (mark.line + first_line, mark.column + 1)
                else:
                    positions[key_path] = where(key_node)
                if inline and type(value_node) is yaml.ScalarNode and value_node.tag in _TEXT_TAGS and \
                        self.count < MAX_YAML_NODES:
                    self.count += 1
                    if value_node.start_mark.line != value_node.end_mark.line and value_node.style not in ("|", ">"):
                        self.multiline_flow = True
                    value = result[key] = value_node.value
                    texts.append((key_path, value))
                else:
                    result[key] = self.build(value_node, key_path, depth)
            return result
        items = []
        for index, item in enumerate(node.value):
            item_path = path + (index,)
            if agree:
                mark = item.start_mark
                positions[item_path] = (mark.line + first_line, mark.column + 1)
            else:
                positions[item_path] = where(item)
            if inline and type(item) is yaml.ScalarNode and item.tag in _TEXT_TAGS and self.count < MAX_YAML_NODES:
                self.count += 1
                if item.start_mark.line != item.end_mark.line and item.style not in ("|", ">"):
                    self.multiline_flow = True
                value = item.value
                items.append(value)
                texts.append((item_path, value))
            else:
                items.append(self.build(item, item_path, depth))
        return items


def _overrun(lines: _Lines) -> _Problem | None:
    """The first quoted value or flow collection that continues on a line not indented under its key.

    YAML requires every line of such a value to be indented deeper than the
    block it belongs to; libyaml does not check, so an unclosed quote silently
    takes in the keys that follow it. Read with libyaml's tokens, whose marks
    give the block indentation the value belongs to.
    """
    text = lines.text
    indents: list[int] = []
    depth = 0
    opened: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)) and not depth:
                indents.append(token.start_mark.column)
            elif isinstance(token, yaml.BlockEndToken) and not depth:
                indents.pop() if indents else None
            elif isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened = token if not depth else opened
                depth += 1
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and depth:
                depth -= 1
                if not depth and opened is not None:
                    if problem := _outdented(lines, opened.start_mark.index, token.end_mark.index, indents):
                        return problem
            elif isinstance(token, yaml.ScalarToken) and not depth and token.style not in ("|", ">"):
                if problem := _outdented(lines, token.start_mark.index, token.end_mark.index, indents):
                    return problem
    except yaml.YAMLError:
        pass  # the caller reports the syntax error; only what was read before it is judged here
    return None


def _outdented(lines: _Lines, start: int, end: int, indents: list[int]) -> _Problem | None:
    """A problem if a line inside ``text[start:end]`` is not indented deeper than the block the value is in.

    Lines as a reader sees them: ``\n`` ends them; NEL, LS and PS (refused on their own) count as blanks.
    """
    text, limit = lines.text, (indents[-1] if indents else -1)
    newline = text.find("\n", start, end)
    while newline != -1:
        line_end = text.find("\n", newline + 1)
        line = text[newline + 1: line_end if line_end != -1 else len(text)]
        if line.strip() and len(line) - len(line.lstrip(" \x85\u2028\u2029")) <= limit:
            return _unclosed(lines, start, newline + 1, line.strip())
        newline = text.find("\n", newline + 1, end)
    return None


def _unclosed(lines: _Lines, start: int, stray: int | None, stray_text: str = "") -> _Problem:
    """The problem of a quote or bracket opened at ``start`` that runs on to the line at ``stray`` (or the end)."""
    line, column = lines.at(start)
    char = lines.text[start]
    quote = char in "\"'"
    code = "unclosed-quote" if quote else "unclosed-bracket" if char in "[{" else "yaml-indentation"
    what = "the quote" if quote else f"the '{char}'" if char in "[{" else "the value"
    if stray is None:
        return _Problem(line, column, code, f"{what} opened at {line}:{column} is never closed")
    shown = stray_text if len(stray_text) <= 40 else stray_text[:37] + "..."
    where = f"line {lines.at(stray)[0]} ('{shown}')"
    if quote:
        return _Problem(line, column, code,
                        f"{what} opened at {line}:{column} is never closed: {where} is read as part of it; close "
                        "the quote, or indent the lines that continue it deeper than its key")
    return _Problem(line, column, code, f"{what} opened at {line}:{column} continues on {where}, which is not "
                                        "indented under its key; close it before, or indent that line deeper")


def parse_yaml(text: str, file: str, line_offset: int = 0, builder_class: type[_Builder] | None = None
               ) -> tuple[Located | None, list[Diagnostic]]:
    """Parse one YAML document; ``line_offset`` is the number of lines before it in its file.

    ``builder_class`` turns nodes into values (the settings read MkDocs' own tags with a subclass).
    """
    lines = _Lines(text, line_offset)

    def fail(problem: _Problem) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(file, problem.line, problem.column, "error", problem.code, problem.message)]

    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if exc.context_mark and str(exc.context).startswith("while scanning a quoted scalar") and \
                str(exc.problem).startswith(_QUOTE_RUNS_OUT):
            return fail(_unclosed(lines, exc.context_mark.index, None))
        if overrun := _overrun(lines):  # the cause, when an open quote took in what follows it
            return fail(overrun)
        mark = exc.problem_mark or exc.context_mark
        line, column = lines.mark(mark) if mark else (1 + line_offset, 1)
        problem = str(exc.problem or "invalid YAML")
        if exc.context:
            context = exc.context
            if exc.context_mark and exc.context_mark is not mark:
                context += f" started on line {lines.mark(exc.context_mark)[0]}"
            problem = f"{context}: {problem}"
        return fail(_Problem(line, column, "yaml-syntax", f"YAML syntax error: {problem}"))
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return fail(_Problem(*lines.at(exc.position), "yaml-syntax",
                             f"YAML cannot contain the control character U+{ord(char):04X}"))
    except yaml.YAMLError as exc:
        return fail(_Problem(1 + line_offset, 1, "yaml-syntax", "YAML syntax error: " + " ".join(str(exc).split())))
    if node is None:
        return Located(None, {(): (1 + line_offset, 1)}), []
    builder = (builder_class or _Builder)(lines)
    builder.positions[()] = builder.where(node)
    try:
        data = builder.build(node, ())
    except _Problem as problem:
        return fail(problem)
    if builder.multiline_flow and (overrun := _overrun(lines)):
        return fail(overrun)
    duplicates = [Diagnostic(file, p.line, p.column, "error", p.code, p.message) for p in builder.duplicates]
    return Located(data, builder.positions, builder.texts), sorted(duplicates)


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
        with open(path, "rb") as handle:  # one open, its size from the open file
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return error(1, 1, "file-too-large", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes")
            raw = handle.read()
    except OSError as exc:
        return error(1, 1, "file-unreadable", f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return error(line, column, "not-utf8", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return error(1, 1, "empty-file", "file is empty")
    # Most files have neither a long line (no line is longer than the text) nor a NUL: then nothing to find.
    for number, line in enumerate(text.split("\n") if len(text) > MAX_LINE_CHARS or "\x00" in text else (),
                                  start=1):
        if len(line) > MAX_LINE_CHARS:
            return error(number, MAX_LINE_CHARS + 1, "line-too-long",
                         f"line is {len(line)} characters long; the limit is {MAX_LINE_CHARS}")
        if "\x00" in line:
            return error(number, line.index("\x00") + 1, "nul-byte", "file contains a NUL byte")
    if find_unprintable(text) is not None:
        return None, unprintable_characters(text, rel)
    return text, []


def unprintable_characters(text: str, rel: str, limit: int = 20) -> list[Diagnostic]:
    """Every character of a file that no text may hold, each where it stands (the first ``limit``).

    Raw NEL, U+2028 and U+2029 are among them: YAML reads them as line breaks (a comment ends
    there and a hidden key begins), editors and reviewers do not.
    """
    lines = _Lines(text, 0)
    found: list[Diagnostic] = []
    start = 0
    while len(found) < limit and (index := find_unprintable(text[start:])) is not None:
        start += index
        found.append(Diagnostic(rel, *lines.at(start), "error", "control-character",
                                f"file contains {describe_char(text[start])}, which feeds and web pages cannot "
                                "carry; remove it"))
        start += 1
    return found


def is_fence(line: str) -> bool:
    """A line that closes front matter: ``---`` or ``...``, with any spaces after it."""
    return line.rstrip() in ("---", "...")


def split_front_matter(text: str, rel: str, parse: bool = True) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Split ``---``-fenced YAML front matter from the Markdown body and parse it (unless ``parse`` is off)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [Diagnostic(rel, 1, 1, "error", "no-front-matter",
                                 "file must start with YAML front matter: a line '---', the fields, and a closing '---'")]
    for index in range(1, len(lines)):
        if is_fence(lines[index]):
            break
    else:
        return None, [Diagnostic(rel, 1, 1, "error", "unclosed-front-matter",
                                 "front matter is not closed: add a line '---' after the fields")]
    front_text = "\n".join(lines[1:index])
    located, problems = parse_yaml(front_text, rel, line_offset=1) if parse else (None, [])
    body = "\n".join(lines[index + 1:])
    return SourceFile(rel, text, located, body, index + 2), problems


def aliases(doc: SourceFile) -> list[tuple[int, int, str]]:
    """Every YAML alias (``*name``) in ``doc``'s front matter: (line, column, name). An alias repeats a value
    written elsewhere, so a public field can show what was written under an internal one. The text scanned is
    the text :func:`parse_yaml` reads, so a text this cannot scan is one the parse refuses."""
    front = "\n".join(doc.text.split("\n")[1:doc.body_line - 2])
    if "*" not in front:  # no alias without one; most files have none
        return []
    try:
        tokens = list(yaml.scan(front, Loader=_BaseLoader))
    except yaml.YAMLError:
        return []  # the parse of this same text reports it
    return [(token.start_mark.line + 2, token.start_mark.column + 1, token.value)
            for token in tokens if isinstance(token, yaml.AliasToken)]


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


def yaml_quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader reads back exactly.

    A JSON string is a YAML double-quoted scalar; what YAML may not hold raw inside quotes (C0 and
    C1 controls, DEL, noncharacters, lone surrogates), reads as a line break (NEL, U+2028, U+2029)
    or as a byte-order mark is written as an escape.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(char if _yaml_printable(char) else f"\\u{ord(char):04x}" for char in quoted)


def _yaml_printable(char: str) -> bool:
    code = ord(char)
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000) and \
        code not in (0x2028, 0x2029, 0xFEFF)
