"""Markdown from content to safe HTML, for pages, feeds and JSON alike.

Raw HTML in content Markdown is never passed through: markdown-it escapes it
(``html=False``) and refuses ``javascript:``/``vbscript:``/``file:`` links, so
text written by many editors cannot run scripts on the public site.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])


@lru_cache(maxsize=16384)  # each message is shown on several pages and in several feeds
def to_html(markdown: str) -> Markup:
    """Render content Markdown to HTML with raw HTML escaped."""
    return Markup(_md().render(markdown))


@lru_cache(maxsize=16384)
def to_text(markdown: str) -> str:
    """Plain text of content Markdown (for JSON bodies, titles and tooltips)."""
    tokens = _md().parse(markdown)
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            parts.append("".join(child.content for child in token.children
                                 if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                                 ).replace("\n", " "))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.strip())
    return "\n\n".join(p for p in parts if p)


#: A table's delimiter row (``|---|:--:|``), perhaps inside block quotes, as markdown-it's table rule reads it.
_DELIMITER_ROW = re.compile(r"^[ \t>]*[-:|][-:| \t]*$")


def table_cells(markdown: str) -> list[tuple[int, int]]:
    """At least as many table cells as markdown-it will make, per run of non-blank lines: (first line, cells).

    markdown-it gives every row of a table as many cells as its header, so a few KB
    of short rows under a wide header make millions of tokens while *parsing*:
    this counts before parsing. A table lies within one run of non-blank lines,
    so the widest delimiter row times the run's length bounds its cells.
    """
    if "\n" not in markdown and "\r" not in markdown:
        return []  # a table needs two lines
    runs: list[tuple[int, int]] = []
    start, columns, length = 0, 0, 0
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # markdown-it's line breaks
    for number, line in enumerate(lines + [""]):
        if not line.strip(" \t"):
            if columns:
                runs.append((start, columns * length))
            columns, length = 0, 0
            continue
        if not length:
            start = number
        length += 1
        if "-" in line and _DELIMITER_ROW.match(line):
            columns = max(columns, sum(1 for cell in line.lstrip(" \t>").split("|") if cell.strip(" \t")))
    return runs


#: HTML bytes that one byte of Markdown, or one table cell it leaves out, may render to at most (an aligned
#: cell ``<td style="text-align:center"></td>`` from one '|'); reference links are the exception.
_HTML_PER_BYTE = 40


def size_bound(markdown: str, cells: int) -> int | None:
    """An upper bound of ``to_html(markdown)``'s size, without parsing; None if it defines reference links.

    ``cells`` is the text's :func:`table_cells`. A link definition can be used any
    number of times, each use repeating its URL, so only rendering measures that.
    """
    if "]:" in markdown:
        return None
    return (len(markdown.encode("utf-8")) + cells) * _HTML_PER_BYTE


def rendered_size(markdown: str, limit: int) -> tuple[int, int | None]:
    """The size in bytes of ``to_html(markdown)``, and the 0-based line of the block where it passes ``limit``.

    Rendered token by token and stopped once past ``limit``, so a few KB of reference
    links that would make 50 MB of HTML never build it in memory. Call only on text
    whose :func:`table_cells` are bounded: parsing comes before any rendering.
    """
    md = _md()
    env: dict[str, object] = {}
    size, line = 0, 0
    for token in md.parse(markdown, env):
        if token.level == 0 and token.map:
            line = token.map[0]
        if token.type == "inline" and token.children:
            parts = (md.renderer.renderInline([child], md.options, env) for child in token.children)
        else:
            parts = iter([md.renderer.render([token], md.options, env)])
        for part in parts:  # one at a time: never more than the limit and one token's HTML in memory
            size += len(part.encode("utf-8"))
            if size > limit:
                return size, line
    return size, None


def utc(moment: dt.datetime, with_date: bool = True) -> str:
    """A moment for people: 'Nov 26, 2026 14:32 UTC'."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%b %-d, %Y %H:%M UTC" if with_date else "%H:%M UTC")


def iso_z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
