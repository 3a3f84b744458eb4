"""Markdown from content to safe HTML, for pages, feeds and JSON alike.

Raw HTML in content Markdown is never passed through: markdown-it escapes it
(``html=False``) and refuses ``javascript:``/``vbscript:``/``file:`` links, so
text written by many editors cannot run scripts on the public site.
"""

from __future__ import annotations

import datetime as dt
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


def utc(moment: dt.datetime, with_date: bool = True) -> str:
    """A moment for people: 'Nov 26, 2026 14:32 UTC'."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%b %-d, %Y %H:%M UTC" if with_date else "%H:%M UTC")


def iso_z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
