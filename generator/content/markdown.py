"""Content Markdown: the one parser, its safe HTML and plain text, and what a text may render to.

Raw HTML in content Markdown is never passed through: it is shown as text, and
markdown-it refuses ``javascript:``/``vbscript:``/``file:`` links, so text written
by many editors cannot run scripts on either site. HTML comments are authors'
notes: they are dropped, never shown or published (a comment inside code is code).
An unclosed ``<!--`` stays visible text rather than hiding the rest of the text.
Validation measures a text with the same parser the sites render it with.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from markupsafe import Markup

if TYPE_CHECKING:  # imported when first parsing: see parser()
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_COMMENT_END = "-->"


@lru_cache(maxsize=4)
def parser(html: bool = False, blocks: bool = True, highlight: bool = False) -> MarkdownIt:
    """The parser; ``html`` only to find comments (every other tag becomes text again).

    markdown-it is imported here, when first needed: reading incidents seldom parses (most texts are plain,
    and small enough not to be measured), and its import was a tenth of a build's serial start, before a
    long history is read by two processes."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": html, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])
    if highlight:
        md.add_render_rule("fence", _highlighted_fence)
    return md if blocks else md.disable("html_block")


def _highlighted_fence(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
    token = tokens[idx]
    return highlight(token.content, token.info.split()[0] if token.info.strip() else "")


def highlight(code: str, language: str) -> str:
    """A code block highlighted by Pygments, as pymdownx.highlight writes it (Material styles it)."""
    from pygments import highlight as pygments_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language) if language else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    return pygments_highlight(code, lexer, HtmlFormatter(wrapcode=True))


def tokens(markdown: str) -> list[Token]:
    """The token stream of content Markdown with comments dropped and every other HTML tag as text.

    markdown-it is asked to recognise HTML so that comments are found by the same rules
    as code spans and fences (a comment in code stays code); each recognised tag is
    then turned back into text, which renders escaped, as with ``html=False``.
    """
    return _clean(parser(html=True).parse(markdown))


def _clean(stream: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in stream:
        if token.type == "html_block":
            out.extend(_html_block(token.content))
            continue
        if token.children:
            _clean_inline(token)
        out.append(token)
    return out


def _clean_inline(token: Token) -> None:
    """Comments dropped and tags made text in ``token``'s children, at every depth (an image's alt text is
    its children, and an image may stand in a link or another image's alt text)."""
    assert token.children is not None
    token.children = [_as_text(child) for child in token.children
                      if not (child.type == "html_inline" and child.content.startswith("<!--"))]
    for child in token.children:
        if child.children:
            _clean_inline(child)


def _html_block(content: str) -> list[Token]:
    """A block markdown-it took for HTML: a comment is dropped, anything else parsed again as text.

    The block may be indented (up to three spaces, in CommonMark): its content then starts with them."""
    if content.lstrip(" ").startswith("<!--"):
        content = content.lstrip(" ")
        end = content.find(_COMMENT_END, 4)
        if end < 0:  # never closed: visible text, not a comment hiding everything after it
            return parser().parse(content)
        rest = content[end + len(_COMMENT_END):]
        return tokens(rest) if rest.strip() else []
    return _clean(parser(html=True, blocks=False).parse(content))


def _as_text(token: Token) -> Token:
    if token.type == "html_inline":
        token.type, token.tag = "text", ""
    return token


#: Plain text: one line of words that starts with a letter and ends without a space, made of letters, digits,
#: spaces and punctuation that CommonMark gives no meaning to there (no list or heading marker can start it,
#: no emphasis, code, link, HTML, entity, escape, table or hard break can occur). markdown-it makes such a text
#: one paragraph of itself, with nothing to escape: most update messages are of this class (tests compare
#: both paths on random texts of it).
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:?'%/()])*(?<! )")


def _is_plain(markdown: str) -> bool:
    return _PLAIN.fullmatch(markdown) is not None


@lru_cache(maxsize=16384)  # each message is shown on several pages and in several feeds
def to_html(markdown: str) -> Markup:
    """Render content Markdown to HTML with raw HTML escaped and comments dropped."""
    if _is_plain(markdown):
        return Markup(f"<p>{markdown}</p>\n")
    return markdown_it_html(markdown)


def markdown_it_html(markdown: str) -> Markup:
    """``to_html`` by markdown-it, whatever the text (the path every text took before plain text had its own)."""
    md = parser()
    return Markup(md.renderer.render(tokens(markdown), md.options, {}))


@lru_cache(maxsize=16384)
def to_text(markdown: str) -> str:
    """Plain text of content Markdown (for JSON bodies, titles and tooltips)."""
    if _is_plain(markdown):
        return markdown
    return markdown_it_text(markdown)


def markdown_it_text(markdown: str) -> str:
    """``to_text`` by markdown-it, whatever the text."""
    parts: list[str] = []
    for token in tokens(markdown):
        if token.type == "inline" and token.children:
            # a line break inside a paragraph separates words (markdown-it gives its token no content)
            parts.append("".join(" " if child.type in ("softbreak", "hardbreak") else child.content
                                 for child in token.children
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


def one_line_bound(texts: list[str]) -> int | None | Literal[False]:
    """The sum of the texts' :func:`size_bound` (None if one is None), where no text has a line break (so none
    has a table cell); False where one has. At once rather than text by text: a file's front matter holds a
    few dozen short values. Joined by NUL, which is neither a line break nor part of ``]:``, one byte each."""
    joined = "\0".join(texts)
    if "\n" in joined or "\r" in joined:  # the line breaks of table_cells
        return False
    bound = size_bound(joined, 0)
    return None if bound is None else bound - max(len(texts) - 1, 0) * _HTML_PER_BYTE


def rendered_size(markdown: str, limit: int) -> tuple[int, int | None]:
    """The size in bytes of ``to_html(markdown)``, and the 0-based line of the block where it passes ``limit``.

    Rendered token by token and stopped once past ``limit``, so a few KB of reference
    links that would make 50 MB of HTML never build it in memory. Call only on text
    whose :func:`table_cells` are bounded: parsing comes before any rendering.
    """
    md = parser()
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
