"""Headless Chromium (Debian's package) driven by Playwright, and a local HTTP server for a built site.

Without Chromium the browser tests skip on a laptop, but fail in CI (``CI=true``),
where ``.ci/run`` installs it. The ``browser`` fixture lives in ``conftest.py``: one
Playwright instance for the whole session (two at once fail).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@contextmanager
def serve(folder: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port, sending ``headers`` with each answer; yields the base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def local_only_page(browser, host: str, requests: list[str]):  # type: ignore[no-untyped-def]
    """A Chromium page that may reach 127.0.0.1 only: every request is logged, any other host's is refused."""
    context = browser.new_context()

    def route(route) -> None:  # type: ignore[no-untyped-def]
        requests.append(route.request.url)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(host)
    return context, page
