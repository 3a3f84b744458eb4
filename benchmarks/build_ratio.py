"""Build cost of a long history, as ratios measured in one run.

Targets (public-site issue):
- ``statusgen build`` of a 1,000- and a 2,000-incident history costs at most 1.3x a bare
  ``mkdocs build`` (same theme) of as many plain Markdown pages as the build renders;
- doubling the history at most doubles the build time;
- the home page's HTML stays under 150 KB and what a browser downloads on first load of the
  home page (HTML, CSS, JS, fonts, search index) under 500 KB, whatever the history length;
- generating all feeds, JSON, the calendar and badges adds at most 10% to the build (subscriber
  issue), measured on the same history.

Times are CPU seconds of this process (``time.process_time``) and of the process it forks to render
the internal site: CPU time is much less disturbed than wall time by other load on a shared machine.

The bare baseline uses the same theme and, like statusgen, a bounded nav; as many pages as the
public site without search, and as many as the internal site with MkDocs' default search plugin.
A full nav would make the baseline quadratic and the ratio meaningless.

    python benchmarks/build_ratio.py [--sizes 1000 2000] [--runs 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_site  # noqa: E402

from generator.build import build  # noqa: E402
from generator.content.loader import load_content  # noqa: E402
from generator.content.markdown import to_html, to_text  # noqa: E402
from generator.output.subscriber_files import subscriber_files  # noqa: E402
from generator.render.mkdocs_adapter import run_mkdocs  # noqa: E402
from generator.settings import load_settings  # noqa: E402
from generator.status.snapshot import build_snapshot  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
PARAGRAPH = ("Customers may have seen elevated error rates while we investigated. " * 6).strip()


def bare_mkdocs(work: Path, pages: int, search: bool) -> float:
    docs = work / "bare-docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\n" + PARAGRAPH + "\n")
    for index in range(1, pages):
        (docs / f"page-{index:05d}.md").write_text(
            f"# Page {index}\n\n{PARAGRAPH}\n\n## Updates\n\n- Investigating: {PARAGRAPH}\n- Resolved: done.\n")
    config = {"site_name": "Bare", "docs_dir": str(docs), "site_dir": str(work / "bare-site"),
              "theme": {"name": "material", "font": False}, "plugins": ["search"] if search else [],
              "nav": [{"Home": "index.md"}],
              "not_in_nav": "/page-*.md\n", "use_directory_urls": True}
    start = time.process_time()
    run_mkdocs(config, work / "bare-mkdocs.yml", strict=False, epoch=int(NOW.timestamp()))
    return time.process_time() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def statusgen_build(root: Path, out: Path) -> tuple[float, int, int]:
    """CPU seconds of the build, the second rendering process (the internal site, forked) included."""
    start, children = time.process_time(), _children_cpu()
    result = build(root, out, NOW)
    public = len(list((out / "public").rglob("index.html")))
    return time.process_time() - start + _children_cpu() - children, public, result.pages - public


def subscriber_seconds(root: Path) -> float:
    """Time to generate every feed, API document, the calendar and the badges (and write nothing)."""
    content, _ = load_content(root, NOW.date())
    assert content is not None
    snap = build_snapshot(content, load_settings(root), NOW)
    to_html.cache_clear()  # measured cold, as in a build
    to_text.cache_clear()
    start = time.process_time()
    subscriber_files(snap)
    return time.process_time() - start


def first_load_bytes(site: Path) -> tuple[int, int]:
    """The home page's HTML size, and HTML + every local CSS/JS/font/index it references."""
    html = (site / "index.html").read_text()
    total = len(html.encode())
    refs = set(re.findall(r'(?:href|src)="([^"]+\.(?:css|js|woff2?|json))"', html))
    for ref in refs:
        if "://" in ref:
            raise SystemExit(f"the home page loads {ref} from another host")
        total += (site / ref.split("?")[0]).stat().st_size
    if (site / "search" / "search_index.json").exists():
        total += (site / "search" / "search_index.json").stat().st_size
    return len(html.encode()), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--runs", type=int, default=3, help="best of N runs each (this machine is noisy)")
    args = parser.parse_args()
    ok = True
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = write_site(Path(tmp) / f"site-{size}", size, NOW)
            ours, public, internal = min(statusgen_build(root, Path(tmp) / f"out-{size}") for _ in range(args.runs))
            pages = public + internal
            bare = []
            for run in range(args.runs):
                # As statusgen: the public pages without search, the internal ones with it (MkDocs' default).
                seconds = 0.0
                for count, search in ((public, False), (internal, True)):
                    work = Path(tmp) / f"bare-{size}-{run}-{search}"
                    seconds += bare_mkdocs(work, count, search)
                    shutil.rmtree(work)
                bare.append(seconds)
            baseline = min(bare)
            html, first_load = first_load_bytes(Path(tmp) / f"out-{size}" / "public")
            feeds = min(subscriber_seconds(root) for _ in range(args.runs))
            ratio = ours / baseline
            times[size] = ours
            print(f"{size} incidents: {pages} pages (both sites); statusgen build {ours:.1f} s; bare mkdocs "
                  f"{baseline:.1f} s; ratio {ratio:.2f} (limit 1.30); feeds+JSON+calendar+badges {feeds:.2f} s = "
                  f"{feeds / ours:.1%} of the build (limit 10%); home HTML {html / 1024:.0f} KB (limit 150); "
                  f"first load {first_load / 1024:.0f} KB (limit 500)")
            ok &= ratio <= 1.3 and html < 150_000 and first_load < 500_000 and feeds / ours <= 0.10
    sizes = sorted(times)
    for small, large in zip(sizes, sizes[1:]):
        growth = times[large] / times[small]
        limit = large / small
        print(f"{small} -> {large} incidents: build time x{growth:.2f} (limit x{limit:.2f})")
        ok &= growth <= limit
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
