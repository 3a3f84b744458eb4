"""The HTML renderer: MkDocs + Material behind one function, :func:`render`.

The core hands over a :class:`~generator.output.site.Site` (pages as data, assets,
navigation, switches); everything MkDocs-specific happens here. The pages are handed to
MkDocs in memory (``mkdocs_files.py``, an ``on_files`` hook), with a derived ``mkdocs.yml`` that
``INHERIT``\\ s the user's own file,
so MkDocs reads that file itself (``!ENV``, ``!!python/name:`` and nested ``INHERIT``
work as in any MkDocs site), and overrides only what statusgen controls
(:func:`derive_config`). MkDocs merges ``INHERIT`` key by key: mappings merge deeply,
anything else (lists, strings) is replaced by the derived value.

The theme gets statusgen's overrides (``overrides/``, a Material ``custom_dir``): robots
``noindex`` and alternate links as ``extrahead`` blocks in ``main.html``, and partials that
mend Material's markup where the Nu HTML Checker or axe-core flag it. ``hooks`` points at
``mkdocs_hooks.py``, which checks that MkDocs read each page's metadata exactly as statusgen
wrote it and hands pages that are pure HTML to the theme without re-parsing them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator.errors import ContentError, StatusgenError
from generator.output.page import Page
from generator.output.site import Site

#: statusgen's theme overrides, a Material ``custom_dir``
OVERRIDES = Path(__file__).with_name("overrides")
#: the template a site's own ``main.html`` (in its ``theme.custom_dir``) is renamed to, under statusgen's
USER_MAIN = "user-main.html"
#: Material's checkbox toggles, which sit in ``base.html`` outside any block or partial; ``autocomplete``
#: is not allowed on a checkbox (Nu HTML Checker), so the base template is mended once, as installed.
_BASE_MENDS = {'type="checkbox" id="__drawer" autocomplete="off"': 'type="checkbox" id="__drawer"',
               'type="checkbox" id="__search" autocomplete="off"': 'type="checkbox" id="__search"'}
#: Material's JavaScript (``setupAlternate``, its language selector) takes every ``<link rel="alternate">``
#: for a language version of the site and fetches ``sitemap.xml`` beside its ``href`` (``new URL("sitemap.xml",
#: href)``) on every page view: the feed links would make each first visit download the whole sitemap, which
#: grows with the history (a 404 under ``components/<id>/``). Language versions carry ``hreflang``, feeds do
#: not: the bundle's selector is narrowed once per build, and feed links stay the plain ``rel="alternate"``
#: every autodiscovery client finds.
_BUNDLE_MEND = ('"link[rel=alternate]"', '"link[rel=alternate][hreflang]"')
#: Where Material's header gets the public site's navigation (partials/statusgen-header-nav.html).
_HEADER_ANCHOR = "{% if config.theme.palette %}"
#: The only ``extra`` keys templates see: statusgen's own (the user's ``extra`` holds ``extra.statusgen``, and
#: Material's analytics or consent settings there would load from other hosts on a status page).
OWN_EXTRA = ("generator", "statusgen_noindex", "statusgen_pages")
#: Few extensions for the internal site's Markdown pages: MkDocs sets up Python-Markdown anew for every
#: page, so each one costs per page. The public site's pages are all HTML.
_INTERNAL_MARKDOWN: list[Any] = ["tables", "admonition", {"toc": {"permalink": True}}, "pymdownx.superfences",
                                 {"pymdownx.highlight": {"use_pygments": True}}, "generator.render.raw_blocks"]

#: The internal site's palette: light and dark like the public site's (the reader's system preference first,
#: then a toggle in the header), both in the internal orange (``internal.css``).
INTERNAL_PALETTE: list[dict[str, Any]] = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "custom", "accent": "custom",
     "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "custom", "accent": "custom",
     "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
]


def render(site: Site, root: Path, user_config: dict[str, Any], out: Path, *, work: Path, strict: bool,
           epoch: int) -> list[str]:
    """Render ``site`` into ``out`` with MkDocs; returns its warnings, raises on failure (or warnings if strict).

    ``root`` holds the user's ``mkdocs.yml`` (``user_config`` is it as statusgen read it); ``work`` is a
    scratch folder for the docs folder, theme and derived configuration.
    """
    docs = work / f"{site.audience}-docs"
    stage_docs(docs, site)
    theme_dir = prepare_theme(work / f"{site.audience}-theme", root, user_config)
    config = derive_config(site, root, user_config, docs, out, theme_dir)
    try:
        return run_mkdocs(config, work / f"{site.audience}-mkdocs.yml", strict=strict, epoch=epoch)
    finally:
        _STAGED.pop(str(docs), None)  # a failed render leaves nothing staged behind (statusgen serve)


# --- The docs folder -------------------------------------------------------------------------


def expected_path(docs: Path) -> Path:
    """Where the expected metadata of a docs folder is kept: beside it, so it is never published."""
    return docs.with_name(docs.name + ".pages.json")


#: docs folder -> the files MkDocs is to see in it (src path -> text or bytes), handed over in memory
_STAGED: dict[str, dict[str, str | bytes]] = {}


def stage_docs(docs: Path, site: Site, pages: dict[str, Page] | None = None, unread: Iterable[str] = ()) -> None:
    """Pages (Markdown with front matter) and assets, kept in memory for :func:`generated_files`.

    ``docs`` itself stays an empty folder (MkDocs requires one); writing thousands of files
    only for MkDocs to read them back cost seconds of system time on a long history. Only the
    metadata the hooks must read back is written, beside it. ``pages`` (default: all) are the
    pages MkDocs renders; the assets always go with them. ``unread``: pages MkDocs only links to
    (the fast renderer fills them): they are files without text or expected metadata, so a page
    MkDocs did read from them by mistake fails the metadata check.
    """
    pages = site.pages if pages is None else pages
    docs.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes] = {rel: _as_read(str(page)) for rel, page in pages.items()}
    files.update(dict.fromkeys(unread, ""))
    files.update(site.assets)
    _STAGED[str(docs)] = files
    write_expected(docs, pages)


def _as_read(text: str) -> str:
    """A page's text as MkDocs reads a file of it: universal newlines, as ``open()`` in text mode."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _walk_key(src: str) -> tuple[tuple[str, ...], bool, str]:
    """The order in which MkDocs walks a docs folder: a folder's files (``index`` first), then its sub-folders."""
    parts = tuple(src.split("/"))
    name = parts[-1]
    return parts[:-1], os.path.splitext(name)[0] not in ("index", "README"), name


def generated_files(files: Any, config: Any) -> Any:
    """The ``on_files`` event: the staged pages and assets as MkDocs files, in the order of a folder walk.

    As with files on disk, the docs win over a theme file at the same path. Anything already in
    the empty docs folder is a statusgen bug: stop rather than publish it.
    """
    from mkdocs.structure.files import File, Files

    staged = _STAGED.pop(str(config["docs_dir"]), None)
    if staged is None:
        raise StatusgenError("rendering failed: the pages statusgen staged are missing; nothing was published")
    theme_dirs = [os.path.realpath(folder) for folder in config["theme"].dirs]
    stray = [f.src_uri for f in files if f.abs_src_path is None or not any(
        os.path.realpath(f.abs_src_path).startswith(folder + os.sep) for folder in theme_dirs)]
    if stray:
        raise StatusgenError(f"rendering failed: unexpected files in the docs folder: {stray[:3]}")
    ours = [File.generated(config, src, content=staged[src]) for src in sorted(staged, key=_walk_key)]
    return Files(ours + [f for f in files if f.src_uri not in staged])


def write_expected(docs: Path, pages: dict[str, Page]) -> None:
    """Record what each page's metadata must read as (``mkdocs_hooks`` compares)."""
    expected = {rel: {"meta": page.meta, "source": page.source} for rel, page in pages.items() if rel.endswith(".md")}
    expected_path(docs).write_text(json.dumps(expected, ensure_ascii=True, sort_keys=True), encoding="utf-8")


def load_expected(path: str | None) -> dict[str, dict[str, Any]]:
    if not path or not Path(path).is_file():
        raise ContentError.at("mkdocs.yml", 1, 1, "page-metadata",
                              "the page metadata statusgen wrote is missing; nothing was published")
    result: dict[str, dict[str, Any]] = json.loads(Path(path).read_text(encoding="utf-8"))
    return result


# --- The theme -----------------------------------------------------------------------------


def _theme(user_config: dict[str, Any]) -> dict[str, Any]:
    theme = user_config.get("theme") or {}
    return {"name": theme} if isinstance(theme, str) else dict(theme)


def prepare_theme(folder: Path, root: Path, user_config: dict[str, Any]) -> Path:
    """One ``custom_dir`` (MkDocs takes one): statusgen's overrides, then the site's own on top.

    The site's files win, except its ``main.html``, which becomes ``user-main.html`` under statusgen's
    (so its blocks stay and the robots and alternate tags are still added). A site's own ``base.html``
    replaces the mended one: its markup is then its own.
    """
    shutil.copytree(OVERRIDES, folder)
    theme = _theme(user_config)
    base = Path(_theme_dir(str(theme.get("name") or "material"))) / "base.html"
    if base.is_file():
        text = base.read_text(encoding="utf-8")
        if any(old in text for old in _BASE_MENDS):
            for old, new in _BASE_MENDS.items():
                text = text.replace(old, new)
            (folder / "base.html").write_text(text, encoding="utf-8")
    header = Path(_theme_dir(str(theme.get("name") or "material"))) / "partials" / "header.html"
    if header.is_file():
        text = header.read_text(encoding="utf-8")
        if _HEADER_ANCHOR in text:  # the public site's navigation, before the colour-scheme toggle
            text = text.replace(_HEADER_ANCHOR, '{% include "partials/statusgen-header-nav.html" %}\n'
                                + _HEADER_ANCHOR, 1)
            (folder / "partials" / "header.html").write_text(text, encoding="utf-8")
    mend_bundle(Path(_theme_dir(str(theme.get("name") or "material"))), folder)
    if theme.get("custom_dir"):
        own = (root / str(theme["custom_dir"])).resolve()
        for path in sorted(own.rglob("*")):
            rel = path.relative_to(own)
            target = folder / (USER_MAIN if rel == Path("main.html") else rel)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    return folder


def mend_bundle(theme_dir: Path, folder: Path) -> None:
    """Write Material's JavaScript bundle into ``folder`` with feed links no longer taken for language versions.

    The copy has the installed bundle's path, so it replaces it (a ``custom_dir`` wins). A bundle whose
    selector is not there exactly once is not one statusgen knows: the build stops rather than publish pages
    that download the sitemap on every visit.
    """
    old, new = _BUNDLE_MEND
    for bundle in sorted((theme_dir / "assets" / "javascripts").glob("bundle.*.min.js")):
        text = bundle.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise StatusgenError(f"the theme's {bundle.name} has {text.count(old)} {old} selectors, not 1: "
                                 "statusgen cannot keep its feed links from fetching sitemap.xml; "
                                 "use a Material version statusgen supports")
        target = folder / "assets" / "javascripts" / bundle.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.replace(old, new), encoding="utf-8")


def _theme_dir(name: str) -> str:
    from mkdocs.utils import get_theme_dir

    return get_theme_dir(name)


# --- The configuration -----------------------------------------------------------------------


def unlisted(site: Site) -> str:
    """``not_in_nav`` patterns for the pages outside the nav: their folders (a full nav makes builds quadratic)."""
    listed = {item.path for item in site.nav}
    patterns: dict[str, None] = {}
    for path in site.pages:
        if path not in listed:
            folder, _, _ = path.partition("/")
            patterns[f"{folder}/" if "/" in path else f"/{path}"] = None
    return "".join(f"{pattern}\n" for pattern in patterns)


def derive_config(site: Site, root: Path, user_config: dict[str, Any], docs: Path, out: Path,
                  theme_dir: Path) -> dict[str, Any]:
    """What the derived ``mkdocs.yml`` sets over the user's (``INHERIT``): only what statusgen controls.

    ``extra`` is a mapping, so MkDocs merges the user's ``extra`` in; the hooks keep only :data:`OWN_EXTRA`
    before any template sees it. ``site_url: null`` when a site has no address.
    """
    theme: dict[str, Any] = {"name": _theme(user_config).get("name") or "material",
                             "font": False,  # never load Google Fonts from another host
                             "custom_dir": str(theme_dir)}
    markdown_extensions = None
    if site.audience == "internal":
        theme["palette"] = INTERNAL_PALETTE
        markdown_extensions = _INTERNAL_MARKDOWN
    if site.search:
        theme["features"] = ["search.suggest", "search.highlight"]
    config: dict[str, Any] = {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "site_name": site.name, "site_url": site.url, "docs_dir": str(docs), "site_dir": str(out),
        "nav": [{item.title: item.path} for item in site.nav], "not_in_nav": unlisted(site),
        "use_directory_urls": True, "strict": False,
        "extra_css": list(site.stylesheets), "extra_javascript": list(site.scripts),
        "theme": theme, "plugins": ["search"] if site.search else [],
        "hooks": [str(Path(__file__).with_name(name)) for name in ("mkdocs_files.py", "mkdocs_hooks.py")],
        "extra": dict(zip(OWN_EXTRA, (False, site.noindex, str(expected_path(docs))), strict=True)),
    }
    if markdown_extensions is not None:
        config["markdown_extensions"] = markdown_extensions
    return config


# --- Running MkDocs --------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _environment(epoch: int) -> Iterator[_Collect]:
    """SOURCE_DATE_EPOCH for byte-stable output; MkDocs' log collected, not printed."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    saved = logger.level, logger.propagate, list(logger.handlers)
    logger.handlers = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def run_mkdocs(config: dict[str, Any], config_path: Path, *, strict: bool, epoch: int) -> list[str]:
    """Write ``config`` as ``mkdocs.yml`` and build it; returns MkDocs' warnings, raises on failure."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_path.write_text(yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8")
    loaded = None
    with _environment(epoch) as log:
        try:
            loaded = load_config(config_file=str(config_path), strict=strict)
            build(loaded)
        except exceptions.Abort as exc:
            detail = "; ".join(log.messages) or str(exc)
            raise StatusgenError(f"rendering failed: {detail}") from None
        except exceptions.ConfigurationError as exc:
            raise ContentError.at("mkdocs.yml", 1, 1, "mkdocs-config", " ".join(str(exc).split())) from None
        except exceptions.MkDocsException as exc:
            raise StatusgenError(f"rendering failed: {' '.join(str(exc).split())}") from None
        except jinja2.TemplateNotFound as exc:  # the site's own theme templates (custom_dir), or a setting they read
            raise StatusgenError(f"rendering failed: the theme has no template '{exc.name}'") from None
        except jinja2.TemplateError as exc:
            where = f" in {exc.name}:{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise StatusgenError(f"rendering failed: theme template{where}: {' '.join(str(exc.message).split())}"
                                 ) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            # A setting of the wrong shape (theme.features: 5) fails only as a template reads it; our own bugs
            # (no template in the traceback) still fail loudly.
            frame = _template_frame(exc, loaded.theme.dirs if loaded is not None else [])
            if frame is None:
                raise
            raise StatusgenError(f"rendering failed: theme template {frame}: {type(exc).__name__}: "
                                 f"{' '.join(str(exc).split())} (a setting in mkdocs.yml of a shape the theme "
                                 "does not expect?)") from None
    return log.messages


def _template_frame(exc: BaseException, theme_dirs: list[str]) -> str | None:
    """``name:line`` of the innermost theme template in ``exc``'s traceback (Jinja names its frames by template
    file and line), as the theme names it, else by its file name alone.

    The file may be named where it was first compiled (the template cache keeps code by source), a work folder
    of an earlier build: the name is the longest tail of that path that a theme folder of this build holds."""
    found = None
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".j2", ".jinja")):
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    if found is None:
        return None
    parts = Path(found[0]).parts
    for start in range(1, len(parts)):
        tail = Path(*parts[start:])
        if any((Path(folder) / tail).is_file() for folder in theme_dirs):
            return f"{tail.as_posix()}:{found[1]}"
    return f"{parts[-1]}:{found[1]}"
