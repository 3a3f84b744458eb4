"""A site as data: what ``build`` hands a renderer, and all a renderer may rely on.

The description names no renderer's concepts (no config keys, plugins, themes or
folders), so another renderer can be written against it alone. A renderer turns each
:class:`~generator.output.page.Page` (metadata + body) into an HTML page at the
page's path, copies the assets as they are, and honours the switches below.

What a page's metadata says (``Page.meta``), for every renderer:

- ``title``: the page title, already HTML-escaped (markup in a title stays text);
- ``statusgen_html: true``: the body is HTML, to be used as it is; otherwise it is Markdown
  (tables, admonitions, fenced code, heading anchors), in which the lines between a line
  :data:`RAW_START` and a line :data:`RAW_END` are HTML, to be used as they are;
- ``statusgen_alternate``: links to offer as ``<link rel="alternate">`` (``type``, ``href``, ``title``);
- ``hide`` (``navigation``, ``toc``, ``footer``) and ``search: {exclude: true}``: parts of the
  page chrome to leave out, and pages to keep out of the search index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.output.page import Page

Audience = Literal["public", "internal"]
#: The lines around HTML in a Markdown page (a long table): no value in a Markdown page can make them, as
#: its ``<`` is a character reference there.
RAW_START = "<!-- statusgen:html -->"
RAW_END = "<!-- /statusgen:html -->"


@dataclass(frozen=True)
class NavItem:
    """One entry of the site's navigation; ``path`` is a key of :attr:`Site.pages`."""

    title: str
    path: str


@dataclass(frozen=True)
class Site:
    """One site to render: every page, every file beside them, and how the site presents itself."""

    #: who reads it; the internal site has its own look (a renderer may ignore it)
    audience: Audience
    name: str
    #: the address the site is published at (absolute, ending in ``/``), if known
    url: str | None
    #: page path (``incidents/x.md``, rendered at ``incidents/x/``) -> page
    pages: dict[str, Page]
    #: files published as they are: path -> bytes (stylesheets, scripts, ``robots.txt``)
    assets: dict[str, bytes] = field(default_factory=dict)
    #: the navigation, in order; pages not named here (incidents, components, ...) are reached by links only
    nav: list[NavItem] = field(default_factory=list)
    #: a search box and index
    search: bool = False
    #: ask search engines not to index any page (static pages such as 404 included)
    noindex: bool = False
    #: asset paths of stylesheets and scripts every page loads, in order
    stylesheets: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """A description that names a page or asset it does not have is a statusgen bug: stop early."""
        missing = [item.path for item in self.nav if item.path not in self.pages]
        missing += [path for path in self.stylesheets + self.scripts if path not in self.assets]
        if missing:
            raise ValueError(f"site {self.name!r} names missing files: {missing}")
