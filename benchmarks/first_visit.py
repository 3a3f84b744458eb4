"""What a first visit downloads, for growing histories: both home pages and a component page in Chromium.

Goals (issue 15, §1): a first visit of the public home page ≤ 400 KB and of the internal home page
≤ 600 KB at 5,000 incidents, and no request that grows with the history: the same URLs at every size,
byte totals within a small constant, no sitemap, no 404.

Bytes are counted where they are sent: a local server adds up every byte it writes (status line, headers
and body, uncompressed: a host that compresses sends less) for each request of one visit with an empty
cache, the search worker's and anything a script asks for later included. Requests to any other host
are refused and reported.

    python benchmarks/first_visit.py [--sizes 100 1000 2000 5000]

Needs Debian's ``chromium`` and the test extras (Playwright drives it). Exits non-zero when a goal is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import shutil
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic import write_site  # noqa: E402

from tests.browser import CHROMIUM_ARGS  # noqa: E402  (Chromium started as the browser tests start it)

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
PUBLIC_LIMIT = 400 * 1024
INTERNAL_LIMIT = 600 * 1024
#: Pages whose first visit is measured: (site, path, label)
VISITS = [("public", "", "public home"), ("public", "components/api/", "public component page"),
          ("internal", "", "internal home")]


@dataclass(frozen=True)
class Sent:
    """One answer of the server: the path asked for, its status and every byte written for it."""

    path: str
    status: int
    size: int


class _Counting:
    """A write-only stream that counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Handler(http.server.SimpleHTTPRequestHandler):
    log: list[Sent]

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counting(self.wfile)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        counter: _Counting = self.wfile  # type: ignore[assignment]
        before, self.status = counter.count, 0
        super().handle_one_request()
        if self.status:
            self.log.append(Sent(urlsplit(self.path).path, self.status, counter.count - before))

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def counting_server(folder: Path) -> Iterator[tuple[str, list[Sent]]]:
    """Serve ``folder`` on 127.0.0.1; yields the base URL and the list every answer is logged to."""
    log: list[Sent] = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Visit:
    """A first visit of one page: what the server sent, and what was asked of other hosts (refused)."""

    sent: list[Sent]
    elsewhere: list[str]

    @property
    def total(self) -> int:
        return sum(item.size for item in self.sent)

    @property
    def paths(self) -> list[str]:
        return sorted(item.path for item in self.sent)


def first_visit(browser: Any, folder: Path, path: str = "", settle_ms: int = 1000) -> Visit:
    """Open ``path`` of the site in ``folder`` in a fresh context (empty cache) and wait until the network
    is idle and a little longer (scripts that ask later, such as the search worker, are counted too)."""
    elsewhere: list[str] = []
    with counting_server(folder) as (base, log):
        context = browser.new_context()

        def route(route: Any) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        try:
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(settle_ms)
        finally:
            context.close()
        return Visit(sorted(log, key=lambda s: s.path), elsewhere)


def launch(playwright: Any) -> Any:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise SystemExit("first_visit.py needs Debian's chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def build_history(work: Path, incidents: int, extra: dict[str, str] | None = None) -> Path:
    """A synthetic history of ``incidents`` (and the ``extra`` files: path -> text) built (both sites) into
    ``work/repo-N/site``; returns that folder."""
    from generator.build import build

    root = write_site(work / f"repo-{incidents}", incidents, NOW)
    for rel, text in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    build(root, root / "site", NOW)
    return root / "site"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2000, 5000])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[int, dict[str, Visit]] = {}
    index: dict[int, int] = {}  # bytes of the internal search index, downloaded on first use of search
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        for size in args.sizes:
            site = build_history(Path(tmp), size)
            results[size] = {label: first_visit(browser, site / audience, path) for audience, path, label in VISITS}
            index[size] = (site / "internal/search/search_index.json").stat().st_size
            shutil.rmtree(site.parent)
            print(f"{size:>6,} incidents: " + "; ".join(
                f"{label} {visit.total / 1024:.1f} KB in {len(visit.sent)} requests"
                for label, visit in results[size].items()), flush=True)
        browser.close()

    failures: list[str] = []
    smallest, largest = results[min(results)], results[max(results)]
    for label, visit in largest.items():
        for item in visit.sent:
            if item.status != 200 or item.path.endswith("sitemap.xml") or "search_index" in item.path:
                failures.append(f"{label}: {item.status} {item.path}")
        if visit.elsewhere:
            failures.append(f"{label}: asked other hosts for {visit.elsewhere}")
        if visit.paths != smallest[label].paths:
            failures.append(f"{label}: other requests at {max(results):,} than at {min(results):,} incidents")
    for label, limit in (("public home", PUBLIC_LIMIT), ("internal home", INTERNAL_LIMIT)):
        if largest[label].total > limit:
            failures.append(f"{label}: {largest[label].total / 1024:.1f} KB > {limit / 1024:.0f} KB")
    print("\n| What a first visit downloads (KB, requests) | " + " | ".join(f"{s:,} incidents" for s in results) + " |")
    print("|---|" + "---|" * len(results))
    for _, _, label in VISITS:
        print(f"| {label} | " + " | ".join(f"{results[s][label].total / 1024:.1f} ({len(results[s][label].sent)})"
                                           for s in results) + " |")
    print("| internal search index, on first use of search | " + " | ".join(f"{index[s] / 1024:.1f} (1)" for s in results)
          + " |")
    for line in failures:
        print("MISSED:", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
