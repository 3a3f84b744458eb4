"""The fast renderer: MkDocs + Material render one *shell* per page kind; statusgen fills it for the rest.

A long history is thousands of generated pages of a few kinds (incident, component and history pages,
public postmortems, internal incident pages), each an HTML body in the same Material page. Rendering
Material's page template for every one of them was most of a build. Here MkDocs renders only:

- every page that is not of a many-of-a-kind sort (the hand-written and index pages, Markdown pages,
  pages in the search index), exactly as :mod:`.mkdocs_adapter` does;
- per kind, a *probe*: a page of that kind whose title, links and body are markers, which becomes
  the kind's shell (literal text with slots);
- per kind, one real page (the *witness*), which must equal its filled shell byte for byte.

Every other page of the kind is its shell filled with its own values. A kind is the page's folder,
the shape of its metadata (everything but the title and the alternate links' values) and whether its
body has an ``<h1>`` (Material adds one when it has not). Fail closed: a shell whose body marker is
missing or occurs twice, a marker in a form statusgen does not know (a template filter it cannot
repeat), or a witness that differs from its filled shell stops the build; nothing is published.

The other pages of a kind (*hidden*) are in MkDocs' ``files`` only, so that links to them from the pages
MkDocs renders resolve (and a link to a missing page warns) as always; MkDocs makes no ``Page`` for them
and reads no text of them. The sitemap, which lists them, is the theme's own template over light page
objects, checked against the sitemap MkDocs itself made of the pages it rendered.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import markupsafe

from generator.errors import StatusgenError
from generator.output.page import Page
from generator.output.site import Site
from generator.render.mkdocs_adapter import _STAGED, _as_read, _walk_key, derive_config, prepare_theme, \
    run_mkdocs, stage_docs

#: Every marker starts with this; no page value may contain it (such a page is rendered by MkDocs instead).
MARK = "sgshell"
#: Ends every value marker: characters that each template filter changes its own way, so the form a
#: marker takes in the shell tells which filter the theme applied.
TAIL = "<&>end"
#: The filters a theme applies to a value, as statusgen repeats them; most specific first.
FORMS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("escape", lambda value: str(markupsafe.escape(value))),
    ("striptags", lambda value: markupsafe.Markup(value).striptags()),
    ("raw", lambda value: value),
)

Slot = tuple[str, Callable[[str], str]]


class ShellError(StatusgenError):
    """A shell that cannot be filled exactly: the build stops rather than publish half a shell."""

    def __init__(self, message: str) -> None:
        super().__init__(f"rendering failed: {message}; nothing was published")


def marker(name: str) -> str:
    return f"{MARK}{name}{TAIL}"


@dataclass
class Kind:
    """One page kind: its probe page, its witness, and the shell made of the probe's output."""

    folder: str
    probe_path: str
    probe: Page
    body: str  # the probe's body, which the page's body replaces
    witness: str = ""
    parts: list[str | Slot] = field(default_factory=list)
    shell: Shell | None = None  # the parts, ready to fill


@dataclass
class Plan:
    """The site's pages by kind; what MkDocs skips (``hidden``) and what fills in for it."""

    kinds: dict[str, Kind] = field(default_factory=dict)
    #: page path -> kind key, for every page filled from a shell (witnesses included)
    members: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    #: when given, the hidden pages go here (output path -> bytes) instead of to disk (statusgen serve
    #: writes only the changed ones into the folder it serves)
    kept: dict[str, bytes] | None = None
    audience: str = ""
    #: the MkDocs objects of the running build (set by the hooks)
    files: Any = None
    nav: Any = None
    env: Any = None


#: docs folder -> the plan of the site rendered from it
_PLANS: dict[str, Plan] = {}


def render(site: Site, root: Path, user_config: dict[str, Any], out: Path, *, work: Path, strict: bool,
           epoch: int, kept: dict[str, bytes] | None = None) -> list[str]:
    """As :func:`generator.render.mkdocs_adapter.render`, with the many pages of each kind filled from shells.

    ``kept``: a dict that receives the pages filled from shells (path below ``out`` -> bytes) instead of
    their being written into ``out``; everything else is written into ``out`` as always. A page filled
    with the same values into the same shell as in the previous build with ``kept`` (statusgen serve)
    is that build's bytes again.
    """
    docs = work / f"{site.audience}-docs"
    plan = plan_shells(site)
    plan.kept = kept
    plan.audience = site.audience
    shown = {path: page for path, page in site.pages.items() if path not in plan.hidden}
    shown.update({kind.probe_path: kind.probe for kind in plan.kinds.values()})
    stage_docs(docs, site, shown, unread=plan.hidden)
    theme_dir = prepare_theme(work / f"{site.audience}-theme", root, user_config)
    config = derive_config(site, root, user_config, docs, out, theme_dir)
    _PLANS[str(docs)] = plan
    try:
        return run_mkdocs(config, work / f"{site.audience}-mkdocs.yml", strict=strict, epoch=epoch)
    finally:
        _PLANS.pop(str(docs), None)
        _STAGED.pop(str(docs), None)


# --- Which pages come from a shell ---------------------------------------------------------------


def _strings(value: Any) -> bool:
    if isinstance(value, str):
        return MARK not in value
    if isinstance(value, list):
        return all(_strings(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _strings(item) for key, item in value.items())
    return isinstance(value, bool)


def _alternates(page: Page) -> list[dict[str, str]] | None:
    links = page.meta.get("statusgen_alternate")
    if links is None:
        return []
    if isinstance(links, list) and all(isinstance(link, dict) and all(
            isinstance(key, str) and key.isalnum() and isinstance(value, str) for key, value in link.items())
            for link in links):
        return links
    return None


def eligible(site: Site, path: str, page: Page, listed: set[str]) -> bool:
    """Pages of a many-of-a-kind sort: HTML bodies outside the nav and the search index, not a folder's index."""
    folder, _, name = path.rpartition("/")
    return (bool(folder) and name.endswith(".md") and name != "index.md" and path not in listed and MARK not in path
            and page.meta.get("statusgen_html") is True and isinstance(page.meta.get("title"), str)
            and (not site.search or page.meta.get("search") == {"exclude": True})
            and _alternates(page) is not None and _strings(page.meta) and MARK not in page.body)


def _key(folder: str, page: Page) -> str:
    shape = {key: (None if key == "title" else [sorted(link) for link in value] if key == "statusgen_alternate"
                   else value) for key, value in page.meta.items()}
    return json.dumps([folder, list(page.meta), shape, "<h1" in page.body], sort_keys=True)


def _probe(kind_index: int, folder: str, page: Page) -> Kind:
    meta: dict[str, Any] = {}
    for key, value in page.meta.items():
        if key == "title":
            meta[key] = marker("title")
        elif key == "statusgen_alternate":
            meta[key] = [{name: marker(f"alt{i}x{name}") for name in link} for i, link in enumerate(value)]
        else:
            meta[key] = value
    body = ("<h1>" if "<h1" in page.body else "") + f"{MARK}body"
    path = f"{folder}/{MARK}_url{kind_index:04d}.md"  # "_" is in no content id: never a real page's path
    return Kind(folder, path, Page(meta, body, page.source), body)


def plan_shells(site: Site) -> Plan:
    """Group the site's eligible pages by kind; the first of each kind (in MkDocs' order) is its witness."""
    plan = Plan()
    listed = {item.path for item in site.nav}
    for path in sorted(site.pages, key=_walk_key):
        page = site.pages[path]
        if not eligible(site, path, page, listed):
            continue
        folder = path.rpartition("/")[0]
        key = _key(folder, page)
        if key not in plan.kinds:
            plan.kinds[key] = _probe(len(plan.kinds), folder, page)
            plan.kinds[key].witness = path
        else:
            plan.hidden.add(path)
        plan.members[path] = key
        plan.pages[path] = page
    return plan


# --- The MkDocs events (mkdocs_files.py) ------------------------------------------------------------


def on_files(files: Any, config: Any) -> None:
    """Keep the hidden pages out of every list of pages MkDocs makes, but in ``files`` for links between pages.

    From here on MkDocs sees only the pages it renders: it makes no ``Page`` (nor canonical address)
    for a hidden one, in the navigation or anywhere else. A Markdown page's link to a hidden page still
    resolves to its address (and a link to a missing page still warns), as ``files`` holds them all.
    """
    plan = _PLANS.get(str(config["docs_dir"]))
    if plan is None:
        return
    from mkdocs.structure.files import InclusionLevel

    plan.files = files
    hidden = plan.hidden

    def documentation_pages(*, inclusion: Callable[[Any], bool] = InclusionLevel.is_included) -> list[Any]:
        return [file for file in files if file.src_uri not in hidden and file.is_documentation_page()
                and inclusion(file.inclusion)]

    files.documentation_pages = documentation_pages
    _set_addresses(plan, files)


#: A page's path whose address is plain text: folders and a name of letters, digits, ``-`` and ``_``.
_PLAIN_PAGE = re.compile(r"((?:[A-Za-z0-9_-]+/)+)([A-Za-z0-9_-]+)\.md\Z")


def _address(path: str) -> tuple[str, str] | None:
    """A page's output path and address with directory URLs (``incidents/x.md`` -> ``incidents/x/index.html``,
    ``incidents/x/``), where nothing in its path needs quoting; otherwise None."""
    found = _PLAIN_PAGE.match(path)
    if found is None or found[2] in ("index", "README"):
        return None
    return f"{found[1]}{found[2]}/index.html", f"{found[1]}{found[2]}/"


def _set_addresses(plan: Plan, files: Any) -> None:
    """Each hidden page's output path and address (``File.dest_uri`` and ``File.url``, which MkDocs lets
    ``on_files`` set), written as MkDocs derives them, for the kinds whose witness MkDocs derives the same.

    MkDocs derives them per page through ``posixpath`` and ``urllib.parse.quote``: 2% of a long history's
    build. A page whose path is not plain text is left to MkDocs, and so is every page of a kind whose witness
    MkDocs addresses otherwise (without directory URLs, say).
    """
    by_path = files.src_uris
    agreed = set()
    for key, kind in plan.kinds.items():
        witness = by_path.get(kind.witness)
        if witness is not None and _address(kind.witness) == (witness.dest_uri, witness.url):
            agreed.add(key)
    for path in plan.hidden:
        address = _address(path) if plan.members[path] in agreed else None
        if address is not None:
            file = by_path[path]
            file.dest_uri, file.url = address


def on_nav(nav: Any, config: Any, files: Any) -> None:
    plan = _PLANS.get(str(config["docs_dir"]))
    if plan is not None:
        plan.nav = nav


def on_env(env: Any, config: Any) -> None:
    plan = _PLANS.get(str(config["docs_dir"]))
    if plan is not None:
        plan.env = env


#: audience -> what the last build with ``kept`` filled: page path -> (shell, values, bytes)
_FILLED: dict[str, dict[str, tuple[Shell, tuple[Any, ...], bytes]]] = {}


def on_post_build(config: Any) -> None:
    """Make the shells, check the witnesses, write the hidden pages, then the sitemap with every page."""
    plan = _PLANS.get(str(config["docs_dir"]))
    if plan is None or not plan.kinds:
        return
    files = plan.files
    rendered = files.documentation_pages()  # what MkDocs' own sitemap lists
    for kind in plan.kinds.values():
        probe = files.get_file_from_path(kind.probe_path)
        output = Path(probe.abs_dest_path)
        kind.parts = compile_shell(output.read_text(encoding="utf-8"), kind, probe.url)
        kind.shell = Shell.of(kind.parts)
        shutil.rmtree(output.parent)
        files.remove(probe)
        witness = files.get_file_from_path(kind.witness)
        made = fill(kind, plan.pages[kind.witness], witness.url)
        if Path(witness.abs_dest_path).read_bytes() != made:
            raise ShellError(f"the page shell of '{kind.folder}/' does not reproduce '{kind.witness}' as MkDocs "
                             "renders it (a theme change statusgen cannot repeat?)")
    previous = _FILLED.get(plan.audience, {}) if plan.kept is not None else {}
    filled: dict[str, tuple[Shell, tuple[Any, ...], bytes]] = {}
    folders: set[str] = set()
    by_path = files.src_uris
    for path in [path for path in plan.members if path in plan.hidden]:  # in MkDocs' order (plan_shells)
        file = by_path[path]
        kind, page, url = plan.kinds[plan.members[path]], plan.pages[path], file.url
        values = (page.meta["title"], page.body, url, page.meta.get("statusgen_alternate"))
        last = previous.get(path)
        if last is not None and last[1] == values and last[0] == kind.shell:
            made = last[2]
        else:
            made = fill(kind, page, url)
        if plan.kept is not None:
            plan.kept[file.dest_uri] = made
            filled[path] = (kind.shell, values, made)
        else:
            write_page(file.abs_dest_path, made, folders)
    if plan.kept is not None:
        _FILLED[plan.audience] = filled
    del files.documentation_pages  # every page again, in MkDocs' order
    write_sitemap(config, plan, rendered)


def write_page(target: str, data: bytes, folders: set[str]) -> None:
    """One new file in its own new folder: one mkdir and one create, no existence checks (each costs)."""
    folder = os.path.dirname(target)
    if folder not in folders:
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        with memoryview(data) as view:
            done = 0
            while done < len(view):
                done += os.write(handle, view[done:])
    finally:
        os.close(handle)


# --- The sitemap -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapPage:
    """What a sitemap reads of a page (its address and date), without a MkDocs ``Page`` per page."""

    canonical_url: str | None
    abs_url: str | None
    update_date: str
    is_link: bool = False


@dataclass(frozen=True)
class SitemapFile:
    page: SitemapPage


#: A page address that joins onto any base as plain text: no dot, no empty segment, nothing to quote or split off.
_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9_~-]+/)+\Z")


def sitemap_pages(urls: list[str], site_url: str | None, update_date: str) -> list[SitemapPage]:
    """As ``mkdocs.structure.pages.Page`` sets each page's canonical address, ``abs_url`` and date (``urls``: files').

    MkDocs joins every address onto the site's with ``urljoin``; a plain address (:data:`_PLAIN_URL`)
    is the joined address of ``x`` less the ``x``, plus itself (one join per site, not per page).
    """
    if not site_url:
        return [SitemapPage(None, None, update_date) for _ in urls]
    base = site_url if site_url.endswith("/") else site_url + "/"
    canonical_x = urljoin(base, "x")
    path_x = urlsplit(canonical_x).path
    prefix, path_prefix = canonical_x[:-1], path_x[:-1]
    as_text = canonical_x.endswith("/x") and path_x.endswith("/x")  # the base keeps a joined segment whole
    pages = []
    for url in urls:
        url = "" if url in (".", "./") else url  # as ``Page.url`` has it
        if as_text and _PLAIN_URL.match(url):
            pages.append(SitemapPage(prefix + url, path_prefix + url, update_date))
        else:
            canonical = urljoin(base, url)
            pages.append(SitemapPage(canonical, urlsplit(canonical).path, update_date))
    return pages


def write_sitemap(config: Any, plan: Plan, rendered: list[Any]) -> None:
    """``sitemap.xml`` (and ``.gz``) with every page, from the theme's own template, as MkDocs writes it.

    MkDocs already wrote it over the pages it rendered (``rendered``, the probes included), with its own
    ``Page`` objects: the same
    template over this module's light pages for those same pages must give exactly that, or the
    build stops (a template that reads more of a page than its address and date).
    """
    if "sitemap.xml" not in config.theme.static_templates:
        return
    from mkdocs import utils
    from mkdocs.commands.build import _build_template

    target = os.path.join(config.site_dir, "sitemap.xml")
    try:
        with open(target, encoding="utf-8") as handle:
            mkdocs_made = handle.read()
    except FileNotFoundError:
        mkdocs_made = ""
    template = plan.env.get_template("sitemap.xml")
    date = utils.get_build_date()
    check = _build_template("sitemap.xml", template, [SitemapFile(page) for page in sitemap_pages(
        [file.url for file in rendered], config.site_url, date)], config, plan.nav)
    if (check if check.strip() else "") != mkdocs_made:
        raise ShellError("the sitemap statusgen writes differs from the theme's for the pages MkDocs rendered "
                         "(a sitemap template that reads more of a page than its address and date?)")
    light = [SitemapFile(page) for page in sitemap_pages([file.url for file in plan.files.documentation_pages()],
                                                         config.site_url, date)]
    output = _build_template("sitemap.xml", template, light, config, plan.nav)
    if not output.strip():
        for name in (target, f"{target}.gz"):  # MkDocs writes no empty sitemap
            Path(name).unlink(missing_ok=True)
        return
    data = output.encode("utf-8")
    utils.write_file(data, target)
    timestamp = utils.get_build_timestamp(pages=[entry.page for entry in light])
    with open(f"{target}.gz", "wb") as handle, \
            gzip.GzipFile(fileobj=handle, filename=f"{target}.gz", mode="wb", mtime=timestamp) as packed:
        packed.write(data)


# --- Shells ------------------------------------------------------------------------------------------


def compile_shell(html: str, kind: Kind, url: str) -> list[str | Slot]:
    """The probe's output as literal text and slots; fails unless every marker is in a known form."""
    if html.count(kind.body) != 1:
        raise ShellError(f"the page shell of '{kind.folder}/' has its body {html.count(kind.body)} times, not once")
    names = ["title"] + [f"alt{i}x{name}" for i, link in enumerate(kind.probe.meta.get("statusgen_alternate", []))
                         for name in link]
    forms: dict[str, Slot] = {kind.body: ("body", FORMS[2][1]), url: ("url", FORMS[2][1])}
    for name in names:
        for _, form in FORMS:
            forms.setdefault(form(marker(name)), (name, form))
    pattern = re.compile("|".join(re.escape(text) for text in sorted(forms, key=len, reverse=True)))
    parts: list[str | Slot] = []
    at = 0
    for found in pattern.finditer(html):
        parts.append(html[at:found.start()])
        parts.append(forms[found.group()])
        at = found.end()
    parts.append(html[at:])
    stray = [part for part in parts if isinstance(part, str) and MARK in part]
    if stray:
        where = stray[0].index(MARK)
        raise ShellError(f"the page shell of '{kind.folder}/' shows a value in a form statusgen cannot fill: "
                         f"{stray[0][max(0, where - 40):where + 40]!r}")
    if not any(isinstance(part, tuple) and part[0] == "title" for part in parts):
        raise ShellError(f"the page shell of '{kind.folder}/' has no page title")
    return parts


def _body(page: Page) -> str:
    """The page's body as MkDocs reads it from the page's text (universal newlines, leading newlines gone)."""
    return _as_read(page.body).lstrip("\n")


@dataclass(frozen=True)
class Shell:
    """A kind's parts ready to fill: the literal text, encoded once, with a gap at each slot and what goes in it."""

    pieces: tuple[bytes, ...]
    slots: tuple[tuple[int, str, Callable[[str], str]], ...]

    @classmethod
    def of(cls, parts: list[str | Slot]) -> Shell:
        pieces = tuple(_encode(part) if isinstance(part, str) else b"" for part in parts)
        slots = tuple((at, part[0], part[1]) for at, part in enumerate(parts) if not isinstance(part, str))
        return cls(pieces, slots)


def _encode(text: str) -> bytes:
    """A page's text as written: UTF-8, a lone surrogate as a character reference (each on its own, as Python
    never pairs them, so the parts encoded apart join to the whole encoded at once)."""
    return text.encode("utf-8", errors="xmlcharrefreplace")


def fill(kind: Kind, page: Page, url: str) -> bytes:
    """The page: its kind's shell with its own title, alternate links, address and body (each form made once)."""
    values = {"title": page.meta["title"], "body": _body(page), "url": url}
    for i, link in enumerate(page.meta.get("statusgen_alternate", [])):
        values.update({f"alt{i}x{name}": value for name, value in link.items()})
    shell = kind.shell
    pieces = list(shell.pieces)
    made: dict[tuple[str, Callable[[str], str]], bytes] = {}
    for at, name, form in shell.slots:
        data = made.get((name, form))
        if data is None:
            data = made[(name, form)] = _encode(form(values[name]))
        pieces[at] = data
    return b"".join(pieces)
