"""``statusgen serve``: a local preview that rebuilds when content or mkdocs.yml change."""

from __future__ import annotations

import contextlib
import errno
import functools
import http.server
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click

from generator import clock
from generator.build import Progress, build
from generator.errors import StatusgenError, UsageError


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    paths = [root / "mkdocs.yml", *sorted((root / "content").rglob("*"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.is_file())


def _rebuild(root: Path, out: Path) -> None:
    try:
        build(root, out, clock.utc_now(), progress=Progress())
    except StatusgenError as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo("statusgen: build failed; still serving the last good build", err=True)


def serve(root: Path, audience: str, port: int, poll_seconds: float = 1.0) -> None:
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number (1 to 65535)")
    with _exit_on_sigterm(), tempfile.TemporaryDirectory(prefix="statusgen-serve-") as tmp:
        out = Path(tmp) / "site"

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:  # follow the swapped folder after rebuilds
                self.directory = str(out / audience)
                return super().translate_path(path)

            def log_message(self, format: str, *args: object) -> None:
                pass

        # Listen before the first build, so a busy port is reported at once, not after rendering.
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=tmp))
        except OSError as exc:
            hint = " (another program uses it; choose another with --port)" if exc.errno == errno.EADDRINUSE else ""
            raise StatusgenError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}{hint}") from None
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            _rebuild(root, out)
            click.echo(f"Serving the {audience} site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", err=True)
            seen = _fingerprint(root)
            while True:
                time.sleep(poll_seconds)
                current = _fingerprint(root)
                if current != seen:
                    seen = current
                    _rebuild(root, out)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()


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
