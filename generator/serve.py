"""``statusgen serve``: a local preview that rebuilds when content or mkdocs.yml change.

The browser side lives only here, at serve time: each HTML page the preview sends gets one
``<script>`` tag (``/__statusgen/live.js``) before ``</body>``; the built site on disk never has
it. The script listens on ``/__statusgen/events`` (Server-Sent Events) and

- reloads the page when a new good build has been swapped in;
- shows the build's errors (``path:line:col: error: message``) over the last good page when an
  edit breaks the content, and hides them again once the content builds.

Each event's data is JSON: ``{"build": "<id>", "errors": [lines]}``; ``build`` names the last good
build (``""`` before there is one). Events are named ``status`` (sent once on connecting),
``reload`` (a new build is in place) and ``errors`` (the last build failed).

Missing pages get the site's own ``404.html`` with status 404. Files are watched with watchfiles
(inotify and its kin), not by polling.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import http.server
import json
import os
import queue
import secrets
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import click
import watchfiles

from generator import clock
from generator.build import Heap, Progress, build
from generator.content.loader import ReadCache
from generator.errors import StatusgenError, UsageError
from generator.out_folder import InPlace
from generator.output.memo import Memo
from generator.output.site import Audience

T = TypeVar("T")

PREFIX = "/__statusgen/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
#: How often an idle event stream sends a comment, so a closed tab's connection is noticed and ended.
HEARTBEAT_SECONDS = 15.0

LIVE_JS = """\
// statusgen serve: reload when a new build is in place; show build errors over the last good page.
(function () {
  "use strict";
  var me = document.currentScript;
  var loaded = me ? me.getAttribute("data-build") : "";
  var overlay = null;

  function show(lines) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "statusgen-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#1f1f1f;color:#ffffff;border-top:4px solid #d32f2f;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -2px 12px rgba(0,0,0,.4)";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 .5rem;font-weight:bold;color:#ff8a80";
      title.textContent = "statusgen: the build failed; this is the last good build. Fix these and save:";
      overlay.appendChild(title);
      overlay.appendChild(document.createElement("pre"));
      overlay.lastChild.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-word;color:#ffffff";
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = lines.join("\\n");  // text, never markup: a message quotes the author
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function update(event) {
    var state = JSON.parse(event.data);
    if (state.build && state.build !== loaded) { window.location.reload(); return; }
    if (state.errors.length) { show(state.errors); } else { hide(); }
  }

  if (!window.EventSource) { return; }
  var source = new EventSource("/__statusgen/events");
  ["status", "reload", "errors"].forEach(function (name) { source.addEventListener(name, update); });
})();
"""


class State:
    """The last good build and the last build's errors, with a way to wait for the next change."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._session = secrets.token_hex(4)  # a restarted serve is a new build to open pages
        self._count = 0
        self.build = ""
        self.errors: list[str] = []
        self.version = 0  # bumps on each change, so that waiting streams see every one

    def built(self) -> None:
        with self._changed:
            self._count += 1
            self.build = f"{self._session}-{self._count}"
            self.errors = []
            self.version += 1
            self._changed.notify_all()

    def failed(self, lines: list[str]) -> None:
        with self._changed:
            self.errors = lines
            self.version += 1
            self._changed.notify_all()

    def snapshot(self) -> tuple[int, str, list[str]]:
        with self._changed:
            return self.version, self.build, list(self.errors)

    def wait(self, version: int, timeout: float) -> tuple[int, str, list[str]]:
        """The state once it differs from ``version``, or as it is after ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != version, timeout)
            return self.version, self.build, list(self.errors)


#: Seconds without a change after which the preview tidies its heap (:meth:`KeptHeap.tidy`).
IDLE_SECONDS = 2.0


class KeptHeap(Heap):
    """The preview's heap: what outlives a rebuild (the read cache, the memo, the modules) stays frozen
    between rebuilds, so the garbage collector's passes during a rebuild walk only that rebuild's objects.

    A one-shot build unfreezes everything at its end; doing so here cost every rebuild 0.4 s or more at
    5,000 incidents, in full collections over the whole heap that the collector ran while the next
    rebuild read the content. Instead each rebuild freezes what is alive once its snapshot is made and
    keeps it frozen; at its end one collection over what is not frozen (its rendering) frees the cycles
    that rendering left. What dies of the frozen objects is freed by reference counting as always; only
    garbage in cycles would stay, so :meth:`tidy` (unfreeze, one full collection, freeze what survives)
    runs once the preview is idle, off the path from saving to the reloaded page, and before a rebuild
    when the frozen objects have grown past twice what the last tidy kept: memory stays bounded however
    long a burst of edits lasts.
    """

    def __init__(self) -> None:
        self.untidy = False  # frozen objects since the last tidy may include garbage
        self._ceiling = 0

    def start(self) -> None:
        pass  # the collector stays on: :meth:`rebuilding` holds off its full passes

    def hold(self) -> None:
        gc.freeze()
        self.untidy = True
        if not self._ceiling:  # the first build: what it keeps is the measure until a tidy takes one
            self._ceiling = 2 * gc.get_freeze_count()

    def release(self) -> None:
        gc.collect()  # walks only what is not frozen: this rebuild's rendering, mostly garbage now

    @property
    def due(self) -> bool:
        """The frozen objects grew past twice what the last tidy kept: tidy before the next rebuild."""
        return self.untidy and gc.get_freeze_count() > self._ceiling

    @contextlib.contextmanager
    def rebuilding(self) -> Iterator[None]:
        """No full passes while a rebuild reads and renders: what they would walk is its own content, alive
        until the build ends, when :meth:`release` collects all that is not frozen anyway. Young passes go on."""
        young, middle, full = gc.get_threshold()
        gc.set_threshold(young, middle, 1_000_000)
        try:
            yield
        finally:
            gc.set_threshold(young, middle, full)

    def tidy(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.untidy = False
        self._ceiling = 2 * gc.get_freeze_count()


class Generation(Memo):
    """One rebuild's page descriptions: it asks the last good build's (``previous``) before describing a page
    again, and holds only what its own build asked for. Names no build asks for any more (a page under its
    old title, a deleted incident's feed entry) are so dropped with the generation before, instead of
    piling up in one memo for as long as the preview runs."""

    def __init__(self, previous: Memo | None) -> None:
        super().__init__()
        self.previous = previous

    def get(self, name: Any, inputs: Any, make: Callable[[], T]) -> T:
        previous = self.previous
        return super().get(name, inputs, make if previous is None else lambda: previous.get(name, inputs, make))


class Rebuilds:
    """The preview's builds of one site, and what they keep from one to the next."""

    def __init__(self, root: Path, out: Path, audience: Audience, state: State, now: dt.datetime | None = None
                 ) -> None:
        self.root, self.out, self.audience, self.state, self.now = root, out, audience, state, now
        self.cache: ReadCache = {}  # each content file as last read: a rebuild reads only what changed
        self.in_place = InPlace()  # the served folder's files: a rebuild replaces only those that changed
        self.memo: Memo | None = None  # the last good build's page descriptions, reused while inputs are equal
        self.heap = KeptHeap()  # what outlives a rebuild stays out of the collector's passes

    def run(self) -> None:
        """Build the served site alone, reading again only the files that changed since the last build, and
        replacing only the served files whose bytes changed."""
        memo = Generation(self.memo)
        try:
            with self.heap.rebuilding():
                build(self.root, self.out, self.now or clock.utc_now(), progress=Progress(), sites=(self.audience,),
                      cache=self.cache, swapped=self.state.built, in_place=self.in_place, memo=memo,
                      heap=self.heap)
        except StatusgenError as exc:
            lines = exc.lines()
            for line in lines:
                click.echo(line, err=True)
            click.echo("statusgen: build failed; still serving the last good build", err=True)
            self.state.failed(lines)
            return
        memo.previous = None  # this build asked for all it needs: the one before goes
        self.memo = memo


def inject(html: bytes, build_id: str) -> bytes:
    """``html`` with the live-reload script before its last ``</body>`` (or at its end)."""
    tag = f'<script src="{SCRIPT}" data-build="{build_id}"></script>'.encode()
    at = html.lower().rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def _event(name: str, build_id: str, errors: list[str]) -> bytes:
    data = json.dumps({"build": build_id, "errors": errors})
    return f"event: {name}\ndata: {data}\n\n".encode()


def _no_build_yet(errors: list[str]) -> bytes:
    """What a page shows before the first good build: the script shows the errors and reloads once it builds."""
    message = "The first build failed; the page reloads once the content builds." if errors else "Building…"
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>statusgen serve</title></head>"
            f"<body><p>{message}</p></body></html>").encode()


def make_handler(site: Path, state: State, stopping: threading.Event) -> type[http.server.SimpleHTTPRequestHandler]:
    """A request handler serving ``site`` (a folder swapped by each build) with the live-reload additions;
    its event streams end once ``stopping`` is set."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive for the many assets of a page

        def translate_path(self, path: str) -> str:  # follow the swapped folder after rebuilds
            self.directory = str(site)
            return super().translate_path(path)

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == EVENTS and body:
                self._events()
            elif path == EVENTS:
                self._send(200, "text/event-stream", b"", body)
            elif path == SCRIPT:
                self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode(), body)
            elif not site.is_dir():
                _, _, errors = state.snapshot()
                self._send(503, "text/html; charset=utf-8", inject(_no_build_yet(errors), ""), body)
            else:
                self._file(body)

        def _file(self, body: bool) -> None:
            _, build_id, _ = state.snapshot()
            local = Path(self.translate_path(self.path))
            if local.is_dir():
                if not self.path.split("?", 1)[0].endswith("/"):
                    super().do_GET() if body else super().do_HEAD()  # the redirect to the folder's URL
                    return
                local = local / "index.html"
            if local.is_file() and local.suffix in (".html", ".htm"):
                self._send(200, "text/html; charset=utf-8", inject(local.read_bytes(), build_id), body)
            elif local.is_file():
                super().do_GET() if body else super().do_HEAD()
            else:
                self._not_found(build_id, body)

        def _not_found(self, build_id: str, body: bool) -> None:
            page = site / "404.html"
            if page.is_file():
                self._send(404, "text/html; charset=utf-8", inject(page.read_bytes(), build_id), body)
            else:
                self.send_error(404)

        def _send(self, code: int, kind: str, content: bytes, body: bool) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
            self.end_headers()
            if body:
                self.wfile.write(content)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            version, build_id, errors = state.snapshot()
            try:
                self.wfile.write(b"retry: 1000\n" + _event("status", build_id, errors))
                self.wfile.flush()
                while not stopping.is_set():
                    new_version, new_build, errors = state.wait(version, HEARTBEAT_SECONDS)
                    if new_version == version:
                        self.wfile.write(b": still here\n\n")
                    elif new_build != build_id:
                        self.wfile.write(_event("reload", new_build, errors))
                    else:
                        self.wfile.write(_event("errors", new_build, errors))
                    self.wfile.flush()
                    version, build_id = new_version, new_build
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab was closed or reloaded

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _watch(paths: list[Path], recursive: bool, changed: queue.Queue[None], stop: threading.Event,
           wanted: Any = None) -> None:
    for _ in watchfiles.watch(*paths, recursive=recursive, stop_event=stop, watch_filter=wanted,
                              raise_interrupt=False, debounce=300, step=50):
        changed.put(None)


def serve(root: Path, audience: Audience, port: int, now: dt.datetime | None = None) -> None:
    """Serve ``audience``'s site, rebuilt on every change; ``now`` fixes the time it is built for."""
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number (1 to 65535)")
    root = root.resolve()
    with _exit_on_sigterm(), tempfile.TemporaryDirectory(prefix="statusgen-serve-") as tmp:
        out = Path(tmp) / "site"
        state = State()
        rebuilds = Rebuilds(root, out, audience, state, now)
        heap = rebuilds.heap
        stopping = threading.Event()
        handler = make_handler(out / audience, state, stopping)
        # Listen before the first build, so a busy port is reported at once, not after rendering.
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=tmp))
        except OSError as exc:
            hint = " (another program uses it; choose another with --port)" if exc.errno == errno.EADDRINUSE else ""
            raise StatusgenError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}{hint}") from None
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        changed: queue.Queue[None] = queue.Queue()
        # Two watchers: the content folder with all below it, and the root alone for mkdocs.yml (an
        # editor that saves by renaming replaces the file, which a watch on the file itself would lose);
        # never the whole root, whose .git, .venv or node_modules hold many thousands of folders.
        mkdocs_only = functools.partial(_named, "mkdocs.yml")
        watchers = [threading.Thread(target=_watch, args=([root], False, changed, stopping, mkdocs_only), daemon=True)]
        if (root / "content").is_dir():
            watchers.append(threading.Thread(target=_watch, args=([root / "content"], True, changed, stopping,
                                                                  watchfiles.DefaultFilter()), daemon=True))
        for watcher in watchers:
            watcher.start()
        try:
            rebuilds.run()
            click.echo(f"Serving the {audience} site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", err=True)
            built = time.monotonic()
            while True:
                try:
                    changed.get(timeout=1.0)  # a timeout keeps Ctrl+C and SIGTERM handled at once
                except queue.Empty:
                    if heap.untidy and time.monotonic() - built >= IDLE_SECONDS:
                        heap.tidy()
                    continue
                while not changed.empty():  # one build for a burst of changes
                    changed.get_nowait()
                if heap.due:
                    heap.tidy()
                rebuilds.run()
                built = time.monotonic()
        except KeyboardInterrupt:
            pass
        finally:
            stopping.set()  # ends the watchers and the event streams
            state.failed(state.errors)  # wakes the event streams, so they see it
            server.shutdown()
            server.server_close()


def _named(name: str, change: watchfiles.Change, path: str) -> bool:
    return os.path.basename(path) == name


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """Let SIGTERM (``kill``, ``docker stop``, an editor's task runner) end serve like Ctrl+C does,
    unwinding the ``with`` blocks so the temporary folder is removed."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
