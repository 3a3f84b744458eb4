"""Save-to-reload latency of ``statusgen serve`` on a long history, measured in one run.

Target (issue 15 §3): an edited incident is visible <= 1 s after saving at 1,000 incidents and
<= 2 s at 5,000. Measured as a browser's live-reload script sees it: from writing the incident file
to the ``reload`` event on ``/__statusgen/events``, then fetching the page and finding the new title.
Each figure is the median of ``--edits`` edits (the first build is not counted). Beside it, the CPU
seconds the serve process spent per edit (from ``/proc``, on Linux), which a machine shared with other
work changes far less than the wall time.

    python benchmarks/serve_latency.py [--sizes 1000 5000] [--edits 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, write_site  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
LIMITS = {1000: 1.0, 5000: 2.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode()
    except OSError:
        return ""


class Stream:
    """The preview's event stream; ``wait`` returns the next event's name."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", "/__statusgen/events")
        self.response = self.connection.getresponse()

    def wait(self) -> tuple[str, dict]:  # type: ignore[type-arg]
        name, data = "message", ""
        while True:
            line = self.response.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data += line[len("data: "):]
            elif not line and data:
                return name, json.loads(data)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far (0 where there is no ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def measure(size: int, edits: int, tmp: Path) -> tuple[float, float]:
    root = write_site(tmp / f"site-{size}", size, NOW)
    incident = sorted((root / "content" / "incidents").glob("*incident*.md"))[-1]
    page = f"incidents/{incident.stem}/"
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root), "serve", "--port",
                                str(port), "--now", NOW.strftime("%Y-%m-%dT%H:%M:%SZ")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 600
        while "data-build" not in fetch(f"http://127.0.0.1:{port}/{page}"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"serve did not come up at {size} incidents")
            time.sleep(0.2)
        stream = Stream(port)
        assert stream.wait()[0] == "status"
        seconds, cpu = [], []
        text = incident.read_text()
        for edit in range(edits):
            title = f"Edited title number {edit}"
            changed = text.replace("title: Elevated errors", f"title: {title}", 1)
            start, used = time.perf_counter(), cpu_seconds(process.pid)
            incident.write_text(changed)
            name, _ = stream.wait()
            if name != "reload":
                raise SystemExit(f"the edit did not build: {name}")
            if title not in fetch(f"http://127.0.0.1:{port}/{page}"):
                raise SystemExit("the reloaded page does not show the edit")
            seconds.append(time.perf_counter() - start)
            cpu.append(cpu_seconds(process.pid) - used)
            time.sleep(0.5)
        return statistics.median(seconds), statistics.median(cpu)
    finally:
        process.terminate()
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            latency, cpu = measure(size, args.edits, Path(tmp))
            limit = LIMITS.get(size)
            print(f"{size} incidents: save -> reload -> page shows the edit: {latency:.2f} s (median of "
                  f"{args.edits}; limit {limit if limit else 'none'} s); serve's CPU per edit {cpu:.2f} s")
            ok &= limit is None or latency <= limit
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
