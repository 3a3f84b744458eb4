"""What the browser gets: valid HTML, no accessibility violations, no broken links, nothing from another host.

Tools: the Nu HTML Checker (npm ``vnu-jar``, run with the machine's Java), axe-core (npm
``axe-core``) injected by Playwright into Debian's Chromium, and LinkChecker (PyPI). On a
laptop without them these tests skip with the reason; in CI (``CI=true``) they fail.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build

from .browser import serve
from .conftest import REPO

NODE_MODULES = REPO / "node_modules"
PAGES = ["public/index.html", "public/incidents/2026-03-30-payment-outage/index.html", "public/history/index.html",
         "public/components/payments/index.html", "public/postmortems/2026-09-17-api-rate-limit-errors/index.html",
         "public/subscribe/index.html", "public/embed/index.html", "internal/runbooks/high-database-cpu/index.html", "internal/index.html",
         "internal/postmortems/2026-03-30-payment-outage/index.html", "internal/metrics/index.html",
         "internal/oncall/index.html", "internal/alert-review/index.html"]


def need(path: Path | None, what: str, install: str = "run `npm install --ignore-scripts`") -> Path:
    """A tool's file, or a skip (a failure in CI) that names what is missing and how to install it."""
    if path is None or not path.exists():
        message = f"{what} is not installed ({install})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quality") / "site"
    build(REPO, out, dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc))
    return out


def test_pages_pass_the_nu_html_checker(built: Path) -> None:
    jar = need(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "vnu-jar")
    java = need(Path(shutil.which("java")) if shutil.which("java") else None, "java",
                "apt-get install default-jre-headless")
    pages = [str(built / p) for p in PAGES] + [str(p) for p in sorted(built.glob("*/404.html"))]
    result = subprocess.run([str(java), "-jar", str(jar), "--errors-only", "--format", "gnu", *pages],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:3000]


def test_vnu_finds_errors_it_should(tmp_path: Path) -> None:
    """The checker really checks: a page with a broken attribute fails."""
    jar = need(NODE_MODULES / "vnu-jar/build/dist/vnu.jar", "vnu-jar")
    java = need(Path(shutil.which("java")) if shutil.which("java") else None, "java",
                "apt-get install default-jre-headless")
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><title>x</title><p><input type="checkbox" autocomplete="off">')
    result = subprocess.run([str(java), "-jar", str(jar), "--errors-only", str(bad)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0 and "autocomplete" in result.stderr


@pytest.mark.browser
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])  # outside UTC the pages add the reader's local times
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(browser, built: Path, scheme: str, zone: str) -> None:
    axe = need(NODE_MODULES / "axe-core/axe.min.js", "axe-core").read_text()
    context = browser.new_context(color_scheme=scheme, timezone_id=zone)
    page = context.new_page()
    found = {}
    with serve(built) as base:
        for path in PAGES:
            page.goto(base + path.removesuffix("index.html"))
            page.add_script_tag(content=axe)
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])")
            if violations:
                found[path] = violations
    context.close()
    assert found == {}


def linkchecker(site: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """LinkChecker over HTTP on 127.0.0.1 (run as root it drops to 'nobody', who cannot read tmp files)."""
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=4\n[filtering]\ncheckextern=0\n[AnchorCheck]\n")
    exe = shutil.which("linkchecker") or str(Path(sys.executable).with_name("linkchecker"))
    with serve(site) as base:
        return subprocess.run([exe, "--config", str(config), "--no-status", "--output", "text", base],
                              capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_broken_links_or_anchors(built: Path, tmp_path: Path, audience: str) -> None:
    result = linkchecker(built / audience, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 errors found" in result.stdout


def test_linkchecker_finds_a_broken_anchor(built: Path, tmp_path: Path) -> None:
    site = tmp_path / "copy"
    shutil.copytree(built / "public", site)
    index = site / "index.html"
    index.write_text(index.read_text().replace("</body>", '<a href="history/#no-such-anchor">x</a>'
                                               '<a href="no-such-page/">y</a></body>'))
    result = linkchecker(site, tmp_path)
    assert result.returncode == 1
    assert "no-such-page" in result.stdout and "no-such-anchor" in result.stdout


@pytest.mark.browser
def test_home_page_loads_nothing_from_another_host(browser, built: Path) -> None:
    page = browser.new_page()
    requested: list[str] = []
    sizes: list[int] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: sizes.append(len(response.body())) if response.ok else None)
    with serve(built / "public") as base:
        page.goto(base, wait_until="networkidle")
        assert requested and all(url.startswith(base) for url in requested), requested
    total = sum(sizes)
    assert total < 500_000, f"the home page transfers {total} bytes"
    (built / "home-transfer.json").write_text(json.dumps({"bytes": total, "requests": len(requested)}))
