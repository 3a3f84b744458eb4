"""``statusgen build``: validate, compute, describe both sites, render them, then swap into place.

Each site is described as data (:class:`~generator.output.site.Site`) and handed to
:func:`generator.render.render`; how it becomes HTML is the renderer's business alone.

Everything is built into a temporary folder beside ``--out`` and moved into place
only when all of it succeeded, so a failed build leaves the previous site intact;
which folders may be replaced, and builds taking turns, are in :mod:`.out_folder`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from generator.background import Background, Claims, in_order, parallel
from generator.content.loader import ReadCache, require_content
from generator.errors import ContentError, Diagnostic, StatusgenError
from generator.out_folder import InPlace, check_out, folder_files, out_lock, swap, temporary_folder
from generator.output.memo import Memo
from generator.output.site import Audience, NavItem, Site

if TYPE_CHECKING:  # imported when first used: on a long history, while a second process reads incidents
    from generator.alerts.check import AlertIndex
    from generator.content.models import Content
    from generator.settings import Settings
    from generator.status.snapshot import Snapshot


class Progress:
    """Stage lines on stderr: plain lines, the same on a terminal and in CI logs; ``-q`` silences them."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def stage(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.monotonic() - self.started
            print(f"statusgen [{elapsed:5.1f}s] {message}", file=self.stream, flush=True)


@dataclass
class BuildResult:
    out: Path
    snapshot: Snapshot
    warnings: list[Diagnostic]
    render_warnings: list[str]
    #: pages rendered, both sites
    pages: int


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def move_files(source: Path, folder: Path, paths: list[str]) -> None:
    """Files written below ``source`` moved to the same paths below ``folder`` (over any file there)."""
    for rel in paths:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source / rel, path)


def shared_assets() -> dict[str, bytes]:
    """The stylesheets and script both sites publish under ``assets/``."""
    from generator.output.public_pages import ASSETS, asset

    return {f"assets/{name}": asset(name).encode() for name in ASSETS}


#: How each site presents itself, whatever its pages: the builds and validate's trial render (:func:`render_problems`).
_PUBLIC_FRAME: dict[str, Any] = dict(audience="public", search=False, stylesheets=["assets/statusgen.css"],
                                     scripts=["assets/statusgen.js"])
_INTERNAL_FRAME: dict[str, Any] = dict(audience="internal", search=True, noindex=True,
                                       stylesheets=["assets/statusgen.css", "assets/internal.css"])


def public_site(settings: Settings, snap: Snapshot, memo: Memo | None = None) -> Site:
    """The status page for customers: no search, feeds offered as alternate links."""
    from generator.output.public_pages import public_pages  # loaded by _preload() on a long history

    return Site(
        **_PUBLIC_FRAME, name=settings.site_name, url=settings.site_url, pages=public_pages(snap, memo),
        assets=shared_assets(),
        nav=[NavItem("Current status", "index.md"), NavItem("History", "history/index.md"),
             NavItem("Subscribe to updates", "subscribe/index.md")])


def internal_site(settings: Settings, snap: Snapshot, alerts: AlertIndex | None = None) -> Site:
    """The engineers' site: search, and no page indexed by search engines."""
    from generator.output.internal_pages import internal_name, internal_pages
    from generator.output.oncall_pages import ALERTS_PAGE, ONCALL_PAGE, oncall_files

    assert settings.site_url is not None  # load_settings() refuses settings without it
    pattern = f"{settings.internal_url or 'https://internal.example/'}runbooks/<id>/"
    pages = internal_pages(snap, settings.site_url, pattern, alerts=alerts)
    nav = [NavItem("Overview", "index.md"), NavItem("Incidents", "incidents/index.md"),
           NavItem("Runbooks", "runbooks/index.md"), NavItem("Postmortems", "postmortems/index.md"),
           NavItem("Action items", "action-items/index.md"), NavItem("Metrics", "metrics/index.md")]
    if ONCALL_PAGE in pages:
        nav.append(NavItem("On-call", ONCALL_PAGE))
    nav.append(NavItem("Alert review", ALERTS_PAGE))
    if "reference/index.md" in pages:
        nav.append(NavItem("Reference", "reference/index.md"))
    return Site(
        **_INTERNAL_FRAME, name=internal_name(snap), url=settings.internal_url, pages=pages,
        assets={**shared_assets(), **oncall_files(snap), "robots.txt": b"User-agent: *\nDisallow: /\n"}, nav=nav)


_TRIAL_PAGE = "A page.\n\n## A heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n### Below it\n\n```python\nprint(1)\n```\n"


def render_problems(root: Path, settings: Settings) -> list[Diagnostic]:
    """What the renderer refuses in the settings, for ``statusgen validate``: a few pages of each site, framed
    as a build frames it, rendered into a temporary folder. Some settings fail only as the theme's templates
    read them (``theme.features: 5``, an icon only a page with a next page shows), so a build would refuse
    them; validate then does too. Three pages in the navigation, so that one has a page before and after it,
    each with headings (a table of contents), a table and code."""
    from generator.output.page import Page
    from generator.output.public_pages import meta
    from generator.render import render
    from generator.settings import FILE

    problems: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="statusgen-validate-") as folder:
        work = Path(folder)
        for frame in (_PUBLIC_FRAME, _INTERNAL_FRAME):
            nav = [NavItem(f"Page {number}", path)
                   for number, path in enumerate(["index.md", "first/index.md", "second/index.md"])]
            site = Site(**frame, name=settings.site_name,
                        url=settings.site_url if frame is _PUBLIC_FRAME else settings.internal_url,
                        pages={item.path: Page(meta(item.title), _TRIAL_PAGE) for item in nav},
                        assets=shared_assets(), nav=nav)
            try:
                render(site, root, settings.raw, work / "site" / frame["audience"], work=work, strict=False, epoch=0)
            except ContentError as exc:
                problems += exc.diagnostics
            except StatusgenError as exc:
                problems.append(Diagnostic(FILE, 1, 1, "error", "render", f"the {frame['audience']} site: {exc}"))
    return problems


class Heap:
    """Keeps the cyclic garbage collector out of a build: its passes walk every object alive, and a build's
    objects (the content, the snapshot, the pages) live until it ends and make next to no cycles.

    The collector is off from before the content is read until the build ends (:meth:`start`), with no pass
    in between: re-enabled after reading, its first pass walked everything read (0.03 s of the serial start
    at 2,000 incidents). Once the snapshot is made, everything alive is frozen (:meth:`hold`, :func:`gc.freeze`),
    and at the end handed back (:meth:`release`): the few objects left in cycles are freed then, not lost.
    Peak memory is the same without the passes (171 MB at 5,000 incidents, reached while loading).
    """

    def __init__(self) -> None:
        self._enabled = self._held = False

    def start(self) -> None:
        self._enabled = gc.isenabled()
        gc.disable()

    def hold(self) -> None:
        gc.freeze()
        self._held = True

    def release(self) -> None:
        if self._held:
            gc.unfreeze()
            self._held = False
        if self._enabled:
            gc.enable()


class LastHeap(Heap):
    """The heap of a process that ends with its build (``statusgen build``): nothing is handed back.

    Handing back makes the collector's next pass walk what the build made (about 0.04 s after a build of
    2,000 incidents) only to free memory that the process's end frees anyway.
    """

    def release(self) -> None:
        pass


def _preload() -> None:
    """What the processes that render the sites and make the feeds import, imported while a second process
    reads incidents (:func:`~generator.content.loader.require_content`): once, where two cores are busy,
    instead of in each of them after the fork. With them what only this process uses after reading (the alert
    rules, the snapshot): the reading process needs none of it, so none is imported before it starts."""
    import generator.alerts.check
    import generator.output.internal_pages
    import generator.output.oncall_pages
    import generator.output.public_pages
    import generator.output.subscriber_files
    import generator.render
    import generator.status.snapshot

    generator.render.preload()


def _load_settings(root: Path) -> Settings:
    """The site's settings; refuses settings without ``site_url``, as validate does."""
    from generator.settings import load_settings  # not before reading starts (see _read)

    return load_settings(root)


def _read(root: Path, today: dt.date, cache: ReadCache | None) -> tuple[Settings, Content, list[Diagnostic]]:
    """The settings and the content, or the first of them refused (the settings first, as validate lists them).

    On a long history the settings are loaded while a second process reads incidents, with :func:`_preload`:
    their module and its models are a sixth of the start before that process can begin.
    """
    loaded: list[Settings] = []

    def meanwhile() -> None:
        loaded.append(_load_settings(root))
        _preload()

    try:
        content, diagnostics = require_content(root, today, cache, meanwhile=meanwhile)
    except StatusgenError:  # refused content, or no content folder
        if not loaded:
            _load_settings(root)  # raises if the settings are refused too: that is reported, not the content
        raise
    return (loaded[0] if loaded else _load_settings(root)), content, diagnostics


#: The sites a build makes: both, unless a preview asks for the one it serves.
BOTH: tuple[Audience, ...] = ("public", "internal")


def build(root: Path, out: Path, now: dt.datetime, *, strict: bool = False, progress: Progress | None = None,
          sites: tuple[Audience, ...] = BOTH, cache: ReadCache | None = None,
          swapped: Callable[[], None] | None = None, in_place: InPlace | None = None,
          memo: Memo | None = None, heap: Heap | None = None) -> BuildResult:
    """Validate, compute and render ``sites`` into ``out``; ``cache`` keeps files as read (statusgen serve).

    ``swapped`` is called once the new site is in place, before the old one is deleted (which takes a
    while on a long history): statusgen serve reloads the browser then.

    ``in_place`` (statusgen serve, one site): once it knows the files of ``out``, the new site is rendered
    as a whole but only the files whose bytes changed are put into ``out`` (each by a rename), and files
    gone from the site are removed; otherwise, or if that fails, the whole folder is swapped as always.
    ``memo`` (statusgen serve) keeps page descriptions, reused while their inputs are equal (:mod:`.output.memo`).
    ``heap`` says how the build's long-lived objects are kept from the garbage collector (:class:`Heap`).
    """
    progress = progress or Progress(quiet=True)
    root = root.resolve()
    out = (out if out.is_absolute() else Path.cwd() / out).resolve()
    check_out(root, out)  # before anything else: a wrong --out is refused at once, not after rendering
    progress.stage(f"validating content in {root / 'content'}")
    heap = heap or Heap()
    heap.start()
    try:
        settings, content, diagnostics = _read(root, now.date(), cache)
        from generator.alerts.check import require_alerts  # loaded by _preload() on a long history
        from generator.status.snapshot import build_snapshot  # likewise

        alerts, alert_warnings = require_alerts(root, settings, content.runbooks)
        diagnostics = sorted(diagnostics + alert_warnings)
        progress.stage(f"{len(content.incidents)} incidents and maintenance, {len(content.components)} components, "
                       f"{len(content.postmortems)} postmortems, {len(content.runbooks)} runbooks")
        snap = build_snapshot(content, settings, now)
        heap.hold()
        warnings = [d for d in diagnostics if d.severity == "warning"]
        try:
            return _render(root, out, now, settings, snap, alerts, strict, progress, warnings, sites, swapped,
                           in_place, memo)
        except _InPlaceFailed:  # in_place has forgotten the folder: this render swaps in a whole new one
            return _render(root, out, now, settings, snap, alerts, strict, progress, warnings, sites, swapped,
                           in_place, memo)
    finally:
        heap.release()


def _render(root: Path, out: Path, now: dt.datetime, settings: Settings, snap: Snapshot, alerts: AlertIndex,
            strict: bool, progress: Progress, warnings: list[Diagnostic], sites: tuple[Audience, ...] = BOTH,
            swapped: Callable[[], None] | None = None, in_place: InPlace | None = None,
            memo: Memo | None = None) -> BuildResult:
    epoch = int(now.timestamp())
    if in_place is not None and len(sites) != 1:
        raise ValueError("an in-place update is for one site")
    # The pages filled from shells stay in memory when the served folder can be updated in place.
    kept: dict[str, bytes] | None = {} if in_place is not None else None
    with out_lock(out, progress.stage), temporary_folder(out) as work:
        staging = work / "site"

        def render_internal() -> tuple[int, list[str]]:
            from generator.render import render  # loaded by _preload() on a long history

            internal = internal_site(settings, snap, alerts)
            found = render(internal, root, settings.raw, staging / "internal", work=work, strict=strict, epoch=epoch,
                           kept=kept)
            return len(internal.pages), found

        from generator.output.subscriber_files import subscriber_jobs  # loaded by _preload() on a long history

        jobs = subscriber_jobs(snap, memo) if "public" in sites else []
        together = parallel() and set(sites) == set(BOTH)
        # The feeds, JSON API, calendar and badges are made by whichever process is free first: the public site's
        # process ends sooner than the internal one's, which then joins it. In a third process, they made three
        # processes share two cores, and the internal site's, the longest, ended 0.05-0.1 s after the others.
        # The internal site's process writes the files of its parts beside the site; this one moves them in
        # once its site is rendered (over the rendered files, as its own), rather than receive their bytes.
        claims: Claims | None = None
        aside = work / "subscriber-files"

        def render_internal_then_jobs() -> tuple[int, list[str], dict[int, list[str]]]:
            count, found = render_internal()
            made = {}
            for number in claims or ():
                files = jobs[number]()
                write_files(aside, files)
                made[number] = list(files)
            return count, found, made

        pages, render_warnings, internal_count, internal_warnings = 0, [], 0, []
        background: Background[tuple[int, list[str], dict[int, list[str]]]] | None = None
        with contextlib.ExitStack() as stack:
            if together:
                claims = Claims.of(len(jobs))
                if claims is not None:
                    stack.callback(claims.close)
                background = Background(render_internal_then_jobs, "rendering the internal site")
                stack.callback(background.stop)  # the public site failed: end the other, then clean up
                progress.stage("rendering the internal site (in another process)")
            if "public" in sites:
                from generator.render import render

                progress.stage("rendering the public site")
                public = public_site(settings, snap, memo)
                render_warnings = render(public, root, settings.raw, staging / "public", work=work, strict=strict,
                                         epoch=epoch, kept=kept)
                pages = len(public.pages)
                progress.stage(f"public site: {pages} pages")
                made: dict[int, list[str]] = {}
                for number in claims if claims is not None else range(len(jobs)):
                    files = jobs[number]()
                    if kept is not None:
                        kept.update(files)  # as written over the rendered files below
                    else:
                        write_files(staging / "public", files)
                    made[number] = list(files)
                if background is not None:
                    internal_count, internal_warnings, theirs = background.result()
                    made.update(theirs)
                    for paths in theirs.values():
                        move_files(aside, staging / "public", paths)
                written = _count_files(made, len(jobs))
                progress.stage(f"feeds, JSON API, calendar and badges: {written} files")
            if "internal" in sites:
                if background is None:
                    progress.stage("rendering the internal site")
                    internal_count, internal_warnings = render_internal()
                render_warnings += internal_warnings
                progress.stage(f"internal site: {internal_count} pages")
        if in_place is not None:
            _put_in_place(root, staging, out, work, sites[0], kept or {}, in_place, swapped)
        else:
            swap(root, staging, out, work, removing=swapped)
    progress.stage(f"done: {snap.description}; wrote {out}")
    return BuildResult(out, snap, warnings, render_warnings, pages + internal_count)


def _count_files(made: dict[int, list[str]], count: int) -> int:
    """How many files the subscriber jobs made; never a site with a job's files left out, nor a file two made."""
    paths = [path for part in in_order(made, count, "making the feeds", "parts") for path in part]
    if len(set(paths)) != len(paths):
        raise RuntimeError("making the feeds failed: two parts made the same file")
    return len(paths)


class _InPlaceFailed(Exception):
    """Updating the served folder in place failed half-way: build again, swapping in a whole folder."""


def _put_in_place(root: Path, staging: Path, out: Path, work: Path, audience: Audience, kept: dict[str, bytes],
                  in_place: InPlace, swapped: Callable[[], None] | None) -> None:
    """Update ``out``'s site with the changed files of ``staging``'s (and ``kept``), or swap in all of it."""
    target = out / audience
    if in_place.known and target.is_dir():
        check_out(root, out)  # under the lock, as swap() does
        try:
            in_place.update(target, {**folder_files(staging / audience), **kept})
        except OSError as exc:
            in_place.forget()
            raise _InPlaceFailed from exc
        if swapped is not None:
            swapped()
        return
    in_place.forget()
    write_files(staging / audience, kept)
    swap(root, staging, out, work, removing=swapped)
    in_place.record(target)
