"""``statusgen serve``: a live preview that rebuilds when content changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .scenario import make_scenario


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode()
    except OSError:
        return None


def wait_for(predicate, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_on_change(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        url = f"http://127.0.0.1:{port}/incidents/2026-11-20-slow-payments/"
        assert wait_for(lambda: "Slow payments" in (fetch(url) or "")), "the preview did not come up"
        path = root / "content/incidents/2026-11-20-slow-payments.md"
        path.write_text(path.read_text().replace("title: Slow payments", "title: Payments were slow"))
        assert wait_for(lambda: "Payments were slow" in (fetch(url) or "")), "no rebuild after a change"
        path.write_text(path.read_text().replace("severity: SEV3", "severity: SEV9"))
        time.sleep(3)
        assert "Payments were slow" in (fetch(url) or ""), "a broken change must keep the last good build"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Serving the public site on http://127.0.0.1:" in output
    assert "error: invalid value 'SEV9'" in output and "still serving the last good build" in output
