"""Text for generated pages: front-matter values, inert text and code in Markdown pages, times.

Content Markdown itself becomes HTML in :mod:`generator.content.markdown`; what this module adds
is how values are written into the Markdown pages the renderer reads, so that they stay inert.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Sequence

from markdown_it.token import Token
from markupsafe import Markup, escape

from generator.content.markdown import highlight, parser, tokens
from generator.output.site import RAW_END, RAW_START

# Markdown page bodies (the internal site) --------------------------------------------------------------------------
# The renderer's Markdown (Python-Markdown) passes raw HTML through and makes any URL a link, so content
# never reaches it as Markdown: text is made inert (ASCII punctuation as character references, which
# both Markdown and HTML show as the character) and content Markdown arrives as HTML from ``to_html``.

_ACTIVE = frozenset(string.punctuation) - set("-.:/,")  # these five stay: ids, dates, times and URLs read well
_FENCE = str.maketrans({"`": "&#96;", "~": "&#126;"})  # a fence opener at a line start inside an HTML block


_ORDERED = re.compile(r"\d+\.")  # Python-Markdown's ordered list marker (\d: any decimal digit)


def md_text(value: object) -> Markup:
    """Text (one line) that shows as itself in a Markdown page, in a table cell or an HTML attribute."""
    text = " ".join(str(value).split())
    inert = "".join(f"&#{ord(c)};" if c in _ACTIVE else c for c in text)
    # A line that starts with digits and a dot, or with a dash, may start a list ("1. x", "- x") or be a rule
    # ("---"): the first character becomes a reference, which starts no block and shows as itself.
    if text[:1] == "-" or _ORDERED.match(text):
        inert = f"&#{ord(text[0])};{inert[1:]}"
    return Markup(inert)


def raw_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Markup:
    """A table of a Markdown page as HTML, set aside for the renderer to use as it is (``RAW_START``): the
    HTML Python-Markdown makes of a Markdown table, without parsing one, which for a long history's table
    was most of the internal site's Markdown work. Cells are text, escaped."""
    parts = ["<table>", "<thead>", "<tr>", *(f"<th>{escape(h)}</th>" for h in headers), "</tr>", "</thead>", "<tbody>"]
    for row in rows:
        parts.append("<tr>")
        parts += [f"<td>{escape(cell)}</td>" for cell in row]
        parts.append("</tr>")
    parts += ["</tbody>", "</table>"]
    return raw_block(Markup("\n".join(parts)))


def raw_block(html: Markup) -> Markup:
    """HTML statusgen made, on lines of their own in a Markdown page, for the renderer to use as it is."""
    return Markup(f"\n{RAW_START}\n{html}\n{RAW_END}\n")


def md_code(value: object, language: str = "text") -> Markup:
    """A highlighted code block for a Markdown page (on a line of its own): escaped, lines kept."""
    return Markup("\n" + highlight(str(value), language).translate(_FENCE) + "\n")


def to_page_markdown(markdown: str) -> Markup:
    """Content Markdown as the body of a Markdown page: its blocks as safe HTML (``to_html``, code
    highlighted), its top-level headings as Markdown headings with inert text, so that the renderer
    still gives them anchors, permalinks and a table of contents."""
    md = parser(highlight=True)
    stream = tokens(markdown)
    parts: list[str] = []
    chunk: list[Token] = []

    def flush() -> None:
        if chunk:
            parts.append("\n" + md.renderer.render(chunk, md.options, {}).translate(_FENCE) + "\n")
            chunk.clear()

    index = 0
    while index < len(stream):
        token = stream[index]
        if token.type == "heading_open" and token.level == 0:
            flush()
            inline = stream[index + 1]
            text = "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline", "softbreak"))
            parts.append(f"\n{'#' * int(token.tag[1])} {md_text(text)}\n")
            index += 3
            continue
        chunk.append(token)
        index += 1
    flush()
    return Markup("".join(parts))


#: English month abbreviations, as ``%b`` writes them in the C locale (the sites' language, whatever the locale)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def utc(moment: dt.datetime, with_date: bool = True) -> str:
    """A moment for people: 'Nov 26, 2026 14:32 UTC' (every time is held in UTC from the model on).

    Written from the fields, not by ``strftime("%b %-d, %Y %H:%M UTC")``: the same text (a property
    test compares), at a fraction of the cost for the tens of thousands of times a long history shows.
    """
    clock = f"{moment.hour:02d}:{moment.minute:02d} UTC"
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year} {clock}" if with_date else clock
