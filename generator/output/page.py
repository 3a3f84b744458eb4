"""Generated pages' front matter: written from a dict, and checked as the renderer reads it.

A page is data (:attr:`Page.meta`, :attr:`Page.body`, :attr:`Page.source`) and, as a
string, the Markdown file with front matter that renderers reading files take. A renderer
may drop front matter it cannot parse without a word and then render the page as plain
Markdown, raw HTML included. So the metadata of every generated page is written by one
writer (:func:`dump`, escapes for everything a YAML reader may reject), and a renderer
that reads the files back compares what it read with what was meant (:func:`check`):
any difference fails the build at the page's source file, before anything is published.
"""

from __future__ import annotations

import json
from typing import Any

from generator.content.source import yaml_quote
from generator.errors import ContentError, Diagnostic

Meta = dict[str, Any]


class Page:
    """A generated page: its metadata, its body and the file it shows; as a string (``str(page)``), the
    Markdown file with front matter that a renderer reading files takes.

    That text is written when first asked for: the pages filled from a shell are never read as files, and
    writing it for each (a copy of the body and the front matter's quoting) was 3% of a long history's build.
    """

    __slots__ = ("meta", "body", "source", "_text")

    def __init__(self, meta: Meta, body: str, source: str = "mkdocs.yml") -> None:
        self.meta: Meta = meta
        #: the page's Markdown, or HTML when ``meta["statusgen_html"]`` is true
        self.body = body
        #: the content file behind the page (``content/incidents/….md``), or ``mkdocs.yml`` for settings
        self.source = source
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = f"---\n{dump(self.meta)}---\n{self.body}"
        return self._text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return (self.meta, self.body, self.source) == (other.meta, other.body, other.source)

    __hash__ = None  # type: ignore[assignment]  # its metadata is a dict

    def __repr__(self) -> str:
        return f"Page({self.meta!r}, {self.body[:40]!r}..., {self.source!r})"


def dump(meta: Meta) -> str:
    """Front matter lines, one key each, in flow style with every string double-quoted."""
    return "".join(f"{_key(key)}: {_value(value)}\n" for key, value in meta.items())


def _key(key: str) -> str:
    if not key.replace("_", "").isalnum() or not key.isascii():
        raise ValueError(f"front matter key {key!r}")  # keys are statusgen's own, never content
    return key


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value.isascii() and value.isprintable():
            # yaml_quote keeps every printable ASCII character as it is, so its JSON string is the answer;
            # skipping its scan per character halves the cost of a page's front matter (a property test compares)
            return json.dumps(value)
        return yaml_quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"front matter value {value!r}")


def check(page: str, meta: Meta, expected: dict[str, dict[str, Any]]) -> None:
    """Fail closed unless the renderer read exactly the metadata statusgen wrote for ``page``."""
    wanted = expected.get(page)
    if wanted is None:
        raise ContentError([Diagnostic("mkdocs.yml", 1, 1, "error", "page-metadata",
                                       f"page '{page}' was not written by statusgen; nothing was published")])
    if meta == wanted["meta"]:
        return
    keys = sorted(k for k in set(meta) | set(wanted["meta"]) if meta.get(k) != wanted["meta"].get(k))
    what = "could not read its metadata at all" if not meta else f"read {', '.join(keys)} differently"
    raise ContentError([Diagnostic(
        wanted["source"], 1, 1, "error", "page-metadata",
        f"the renderer {what} on the generated page '{page}' (a character a YAML reader rejects?); "
        "nothing was published")])
