"""``statusgen build``: validate, compute, write pages, render, then swap into place.

Everything is built into a temporary folder beside ``--out`` and moved into place
only when all of it succeeded, so a failed build leaves the previous site intact;
which folders may be replaced, and builds taking turns, are in :mod:`.out_folder`.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from generator.content.loader import require_content
from generator.content.models import Content
from generator.errors import Diagnostic
from generator.out_folder import check_out, out_lock, swap, temporary_folder
from generator.output.internal_pages import internal_name, internal_pages
from generator.output.page import write_expected
from generator.output.public_pages import ASSETS, asset, public_pages
from generator.output.subscriber_files import subscriber_files
from generator.render.mkdocs_adapter import derive_config, render_site
from generator.settings import Settings, load_settings
from generator.status.snapshot import Snapshot, build_snapshot


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


def write_docs(docs: Path, pages: dict[str, str]) -> None:
    """Pages and the shared assets into a renderer's docs folder."""
    files = {rel: text.encode() for rel, text in pages.items()}
    files.update({f"assets/{name}": asset(name).encode() for name in ASSETS})
    write_files(docs, files)
    write_expected(docs, pages)  # what the renderer must read back from each page (render_mkdocs)


def render_public(root: Path, settings: Settings, snap: Snapshot, work: Path, site_dir: Path, strict: bool,
                  epoch: int) -> tuple[int, list[str]]:
    docs = work / "public-docs"
    pages = public_pages(snap)
    write_docs(docs, pages)
    config = derive_config(
        settings.raw, root, docs, site_dir, site_name=settings.site_name, site_url=settings.site_url,
        nav=[{"Current status": "index.md"}, {"History": "history/index.md"}, {"Subscribe": "subscribe/index.md"}],
        search=False,
        extra_css=["assets/statusgen.css"], extra_javascript=["assets/statusgen.js"],
        not_in_nav="incidents/\ncomponents/\npostmortems/\nhistory/\n")
    warnings = render_site(config, work / "public-mkdocs.yml", strict=strict, epoch=epoch)
    return len(pages), warnings


def render_internal(root: Path, settings: Settings, content: Content, snap: Snapshot, work: Path, site_dir: Path,
                    strict: bool, epoch: int) -> tuple[int, list[str]]:
    docs = work / "internal-docs"
    assert settings.site_url is not None  # load_settings() refuses settings without it
    pattern = f"{settings.internal_url or 'https://internal.example/'}runbooks/<id>/"
    pages = internal_pages(content, snap, settings.site_url, pattern)
    write_docs(docs, pages)
    (docs / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    nav = [{"Overview": "index.md"}, {"Incidents": "incidents/index.md"}, {"Runbooks": "runbooks/index.md"},
           {"Postmortems": "postmortems/index.md"}, {"Action items": "action-items/index.md"},
           {"Metrics": "metrics/index.md"}]
    if "reference/index.md" in pages:
        nav.append({"Reference": "reference/index.md"})
    config = derive_config(
        settings.raw, root, docs, site_dir, site_name=internal_name(snap), site_url=settings.internal_url,
        nav=nav, search=True, extra_css=["assets/statusgen.css", "assets/internal.css"], extra_javascript=[],
        not_in_nav="incidents/\nrunbooks/\npostmortems/\n", noindex=True,
        # Few extensions: MkDocs sets up Python-Markdown anew for every page, so each one costs per page.
        markdown_extensions=["tables", "admonition", {"toc": {"permalink": True}}, "pymdownx.superfences",
                             {"pymdownx.highlight": {"use_pygments": True}}])
    theme = config["theme"]
    theme["palette"] = [{"scheme": "default", "primary": "custom", "accent": "custom"}]
    theme["features"] = ["search.suggest", "search.highlight"]
    warnings = render_site(config, work / "internal-mkdocs.yml", strict=strict, epoch=epoch)
    return len(pages), warnings


def build(root: Path, out: Path, now: dt.datetime, *, strict: bool = False, progress: Progress | None = None
          ) -> BuildResult:
    progress = progress or Progress(quiet=True)
    root = root.resolve()
    out = (out if out.is_absolute() else Path.cwd() / out).resolve()
    check_out(root, out)  # before anything else: a wrong --out is refused at once, not after rendering
    progress.stage(f"validating content in {root / 'content'}")
    settings = load_settings(root)  # refuses settings without site_url, as validate does
    content, diagnostics = require_content(root, now.date())
    progress.stage(f"{len(content.incidents)} incidents and maintenance, {len(content.components)} components, "
                   f"{len(content.postmortems)} postmortems, {len(content.runbooks)} runbooks")
    snap = build_snapshot(content, settings, now)
    # The content and the snapshot live for the whole build: keep them out of the garbage
    # collector's full passes, whose cost otherwise grows with the history during rendering.
    gc.collect()
    gc.freeze()
    try:
        return _render(root, out, now, settings, content, snap, strict, progress,
                       [d for d in diagnostics if d.severity == "warning"])
    finally:
        gc.unfreeze()  # repeated builds (statusgen serve) must not pile up frozen objects


def _render(root: Path, out: Path, now: dt.datetime, settings: Settings, content: Content, snap: Snapshot,
            strict: bool, progress: Progress, warnings: list[Diagnostic]) -> BuildResult:
    epoch = int(now.timestamp())
    with out_lock(out, progress.stage), temporary_folder(out) as work:
        staging = work / "site"
        progress.stage("rendering the public site")
        pages, render_warnings = render_public(root, settings, snap, work, staging / "public", strict, epoch)
        progress.stage(f"public site: {pages} pages")
        files = subscriber_files(snap)
        write_files(staging / "public", files)
        progress.stage(f"feeds, JSON API, calendar and badges: {len(files)} files")
        progress.stage("rendering the internal site")
        internal_count, internal_warnings = render_internal(root, settings, content, snap, work, staging / "internal",
                                                            strict, epoch)
        render_warnings += internal_warnings
        progress.stage(f"internal site: {internal_count} pages")
        swap(root, staging, out, work)
    progress.stage(f"done: {snap.description}; wrote {out}")
    return BuildResult(out, snap, warnings, render_warnings, pages + internal_count)

