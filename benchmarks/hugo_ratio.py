"""A full ``statusgen build`` against a minimal Hugo site of as many pages, measured in one run.

Target (issue 15 §2): a full build of 2,000 incidents (both sites) takes at most 2x the wall time
of Debian's ``hugo`` building a minimal site of as many plain pages (Hugo uses both cores; so does
statusgen, which renders its two sites in two processes). Also reported: user CPU of both, and
statusgen's peak RSS (largest process, from ``getrusage(RUSAGE_CHILDREN)``), target <= 300 MB at
5,000 incidents.

Each figure is the best of ``--runs`` runs, statusgen and Hugo alternating, so both see the same
load on a shared machine. Every run is a full, cold build into a folder that does not exist yet (as in CI,
which starts from a fresh checkout), and nothing is deleted until all runs are done: overwriting a file
costs a tenth of creating one on this machine's disk, and creating files in the seconds after many were
deleted costs ten times as much (benchmarks/README.md).

statusgen runs under each ``--python`` given (default: this interpreter), each against the same Hugo runs:
the interpreter's build matters (a pyenv Python built without ``--enable-optimizations`` runs statusgen's
build about a quarter slower than Debian's ``/usr/bin/python3``), and the target is checked for each.

    python benchmarks/hugo_ratio.py [--sizes 2000] [--runs 3] [--hugo /usr/bin/hugo] [--python PATH ...]

``--python`` takes an interpreter that can import statusgen and its dependencies, such as a virtual
environment's: ``/usr/bin/python3 -m venv /tmp/dv && /tmp/dv/bin/pip install -e .``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, write_site  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
PARAGRAPH = ("Customers may have seen elevated error rates while we investigated. " * 6).strip()
LAYOUT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ .Content }}</main></body></html>
"""


#: After writing the input sites, a pause for the disk to finish with them before the first timed run.
SETTLE_SECONDS = 5


def measured(command: list[str], out: Path, env: dict[str, str] | None = None) -> tuple[float, float, int, float]:
    """Wall seconds, user+system CPU seconds of the command and its children, the peak RSS in KB of its
    largest process, and its user CPU seconds alone (the steady figure: system time here is mostly creating
    files, whose cost swings with the disk's state). The figures are this run's own (``wait4``), not the
    sums and maxima of every child so far that ``RUSAGE_CHILDREN`` gives.

    ``out``, the command's output folder, must not exist: each run is a cold build into a new folder."""
    assert not out.exists(), out
    subprocess.run(["sync"], check=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, usage.ru_utime


def hugo_site(folder: Path, pages: int) -> Path:
    """A minimal Hugo site: ``pages`` plain Markdown pages, one layout, no taxonomies, RSS or sitemap."""
    (folder / "content").mkdir(parents=True)
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Minimal"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    for name in ("single.html", "list.html"):
        (folder / "layouts" / "_default" / name).write_text(LAYOUT)
    (folder / "content" / "_index.md").write_text("---\ntitle: Home\n---\n" + PARAGRAPH + "\n")
    for index in range(1, pages):
        (folder / "content" / f"page-{index:05d}.md").write_text(
            f"---\ntitle: Page {index}\n---\n\n{PARAGRAPH}\n\n## Updates\n\n- Investigating: {PARAGRAPH}\n"
            "- Resolved: done.\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hugo", default=shutil.which("hugo") or "/usr/bin/hugo")
    parser.add_argument("--python", nargs="+", default=[sys.executable],
                        help="interpreters to run statusgen with (each must import it and its dependencies)")
    args = parser.parse_args()
    for python in args.python:
        try:
            found = subprocess.run([python, "-c", "import generator.cli, mkdocs, material"], capture_output=True,
                                   text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        except OSError as exc:
            parser.error(f"--python {python}: {exc.strerror}")
        if found.returncode:
            last = (found.stderr.strip().splitlines() or ["no message"])[-1]
            parser.error(f"--python {python} cannot import statusgen: {last}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = write_site(Path(tmp) / f"site-{size}", size, NOW)
            pages = 0
            builds: dict[str, list[str]] = {}
            envs: dict[str, dict[str, str]] = {}
            colds: dict[str, tuple[float, float, int, float]] = {}
            for number, python in enumerate(args.python):
                # statusgen as installed: pip compiles a package's modules when it installs it. Here the untimed
                # first build compiles them into the temporary folder, even where PYTHONDONTWRITEBYTECODE is set
                # (this machine sets it), which would otherwise compile every statusgen module again in every run.
                # Each interpreter has its own bytecode and template cache folders.
                envs[python] = {**{name: value for name, value in os.environ.items()
                                   if name != "PYTHONDONTWRITEBYTECODE"},
                                "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(Path(tmp) / f"cache-{number}"),
                                "PYTHONPYCACHEPREFIX": str(Path(tmp) / f"bytecode-{number}")}
                builds[python] = [python, "-m", "generator.cli", "--root", str(root), "build", "-q",
                                  "--now", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--out"]
                # The first build finds no compiled templates in its (new) cache folder; the timed ones find them,
                # as every build after a machine's first does (generator/output/template_cache.py).
                first = Path(tmp) / f"out-{size}-{number}-0"
                colds[python] = measured([*builds[python], str(first)], first, envs[python])
                pages = len(list(first.rglob("index.html")))
            hugo_root = hugo_site(Path(tmp) / f"hugo-{size}", pages)
            hugo_cmd = [args.hugo, "--quiet", "--source", str(hugo_root), "--destination"]
            time.sleep(SETTLE_SECONDS)
            ours: dict[str, list[tuple[float, float, int, float]]] = {python: [] for python in args.python}
            theirs = []
            for run in range(1, args.runs + 1):  # every interpreter and Hugo in turn, so all see the same load
                for number, python in enumerate(args.python):
                    out = Path(tmp) / f"out-{size}-{number}-{run}"
                    ours[python].append(measured([*builds[python], str(out)], out, envs[python]))
                hugo_out = Path(tmp) / f"hugo-out-{size}-{run}"
                theirs.append(measured([*hugo_cmd, str(hugo_out)], hugo_out))
            hugo_pages = len(list(hugo_out.rglob("index.html")))
            hugo_wall, hugo_cpu = min(run[0] for run in theirs), min(run[1] for run in theirs)
            hugo_user = min(run[3] for run in theirs)
            print(f"{size} incidents: {pages} pages (Hugo {hugo_pages}); hugo {hugo_wall:.2f} s wall, "
                  f"{hugo_cpu:.2f} s CPU, {hugo_user:.2f} s user CPU")
            for python in args.python:
                runs = ours[python]
                wall, cpu, user = min(r[0] for r in runs), min(r[1] for r in runs), min(r[3] for r in runs)
                rss_mb = max(r[2] for r in runs) / 1024
                ratio = wall / hugo_wall
                version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                         capture_output=True, text=True, check=True).stdout.strip()
                cold = colds[python]
                print(f"  statusgen under {python} (Python {version}): {wall:.2f} s wall, {cpu:.2f} s CPU; "
                      f"wall ratio {ratio:.2f} (limit 2.00), CPU ratio {cpu / hugo_cpu:.2f}; user CPU {user:.2f} s, "
                      f"ratio {user / hugo_user:.2f}; peak RSS {rss_mb:.0f} MB (limit 300); first build (no "
                      f"compiled templates yet, untimed for the ratio) {cold[0]:.2f} s wall, {cold[1]:.2f} s CPU")
                ok &= ratio <= 2.0 and rss_mb <= 300
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
