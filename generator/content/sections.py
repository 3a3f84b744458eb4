"""Reading the Markdown structure of postmortems, runbooks and templates.

markdown-it-py gives ``##`` headings and tables with their line numbers, so
section and table problems point at the exact line in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first parsing (as content.markdown.parser)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

OPTIONAL_MARK = re.compile(r"<!--\s*optional\s*-->", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@dataclass
class Table:
    line: int
    header: list[str]
    #: (file line, raw cells) for each body row
    rows: list[tuple[int, list[str]]]
    #: (file line, cell count) of rows whose cell count differs from the header's
    ragged: list[tuple[int, int]]


@dataclass
class RawSection:
    title: str
    line: int
    optional: bool
    markdown: str
    has_content: bool
    tables: list[Table] = field(default_factory=list)
    #: lines starting with '|' that markdown did not read as part of a table
    stray_pipes: list[int] = field(default_factory=list)


def normalize_title(title: str) -> str:
    return " ".join(OPTIONAL_MARK.sub("", title).split()).casefold()


def split_cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(text)]


def read_sections(body: str, body_line: int) -> list[RawSection]:
    """The ``##`` sections of a Markdown body; ``body_line`` is the file line the body starts on."""
    lines = body.split("\n")
    tokens = _parser().parse(body)
    heads = [i for i, tok in enumerate(tokens) if tok.type == "heading_open" and tok.tag == "h2"]
    sections: list[RawSection] = []
    for number, start in enumerate(heads):
        end = heads[number + 1] if number + 1 < len(heads) else len(tokens)
        open_token, inline = tokens[start], tokens[start + 1]
        content_tokens = tokens[start + 3:end]
        first_line = open_token.map[0] + 1 if open_token.map else 0
        last_line = tokens[heads[number + 1]].map[0] if number + 1 < len(heads) else len(lines)  # type: ignore[index]
        raw = "\n".join(lines[first_line:last_line]).strip("\n")
        section = RawSection(
            title=" ".join(OPTIONAL_MARK.sub("", inline.content).split()),
            line=body_line + (open_token.map[0] if open_token.map else 0),
            optional=bool(OPTIONAL_MARK.search(inline.content)),
            markdown=raw,
            has_content=_has_content(content_tokens),
        )
        _read_tables(section, content_tokens, lines, body_line, first_line, last_line)
        sections.append(section)
    return sections


def _has_content(tokens: list[Token]) -> bool:
    for tok in tokens:
        if tok.type == "html_block" and not _COMMENT.sub("", tok.content).strip():
            continue
        if tok.type in ("inline", "fence", "code_block", "html_block", "hr", "th_open", "td_open"):
            if tok.type != "inline" or _COMMENT.sub("", tok.content).strip():
                return True
    return False


def _read_tables(section: RawSection, tokens: list[Token], lines: list[str], body_line: int,
                 first: int, last: int) -> None:
    covered: set[int] = set()
    for tok in tokens:
        if tok.type == "table_open" and tok.map:
            start, stop = tok.map
            covered.update(range(start, stop))
            header = split_cells(lines[start])
            table = Table(body_line + start, header, [], [])
            for index in range(start + 2, stop):
                if not lines[index].strip():
                    continue
                cells = split_cells(lines[index])
                if len(cells) != len(header):
                    table.ragged.append((body_line + index, len(cells)))
                table.rows.append((body_line + index, cells))
            section.tables.append(table)
        elif tok.map and tok.type in ("fence", "code_block", "html_block"):
            covered.update(range(*tok.map))
    for index in range(first, last):
        if index not in covered and lines[index].lstrip().startswith("|"):
            section.stray_pipes.append(body_line + index)
