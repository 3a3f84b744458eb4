"""``statusgen serve``: a local preview that rebuilds when content or mkdocs.yml change."""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
import time
from pathlib import Path

import click

from . import clock
from .build import Progress, build
from .errors import ContentError, StatusgenError


def _fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    paths = [root / "mkdocs.yml", *sorted((root / "content").rglob("*"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.is_file())


def _rebuild(root: Path, out: Path) -> None:
    try:
        build(root, out, clock.utc_now(), progress=Progress())
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.format_text(), err=True)
        click.echo("statusgen: build failed; still serving the last good build", err=True)
    except StatusgenError as exc:
        click.echo(f"statusgen: error: {exc}", err=True)


def serve(root: Path, audience: str, port: int, poll_seconds: float = 1.0) -> None:
    with tempfile.TemporaryDirectory(prefix="statusgen-serve-") as tmp:
        out = Path(tmp) / "site"
        _rebuild(root, out)

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:  # follow the swapped folder after rebuilds
                self.directory = str(out / audience)
                return super().translate_path(path)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        click.echo(f"Serving the {audience} site on http://127.0.0.1:{port}/ (Ctrl+C to stop)", err=True)
        seen = _fingerprint(root)
        try:
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
