"""End to end: real MkDocs builds of the example and of a synthetic history."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import cli

from .conftest import REPO
from .htmltext import texts
from .scenario import (
    EXPECTED_IMPACT,
    EXPECTED_STATES,
    EXPECTED_UPTIME,
    NOW,
    make_scenario,
)


@pytest.fixture(scope="module")
def scenario_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("scenario") / "repo")
    build(root, root / "site", NOW)
    return root / "site" / "public"


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_home_states_indicator_and_uptime(scenario_site: Path) -> None:
    home = read(scenario_site, "index.html")
    assert texts(home, "sg-banner__text") == ["Major System Outage"]
    assert 'class="sg-banner sg-banner--critical"' in home
    names = texts(home, "sg-component__name")
    states = [s.strip(" ✔▲◆✖⚙") for s in texts(home, "sg-state")]
    assert dict(zip(names, states)) == EXPECTED_STATES and len(names) == len(states)
    uptimes = texts(home, "sg-uptime")
    assert uptimes == [f"{EXPECTED_UPTIME[c]:.2f}% uptime" for c in ("api", "payments", "dashboard", "links")]
    # Over Aug 29 00:00 - Nov 26 12:00 (89.5 days = 7,732,800 s); links from its start date Nov 16 (10.5 days).
    assert uptimes == ["99.94% uptime", "99.78% uptime", "100.00% uptime", "99.76% uptime"]


def test_home_shows_active_incident_and_maintenance(scenario_site: Path) -> None:
    home = read(scenario_site, "index.html")
    notices = texts(home, "sg-notice")
    assert notices[0].startswith("Payments are failing Identified – Our card processor is down")
    assert "Critical · Started Nov 26, 2026 08:00 UTC · Affects Payments" in notices[0]
    assert notices[1].startswith("Dashboard upgrade In progress")
    assert len(notices) == 2


def test_bars_name_the_incidents_of_each_day(scenario_site: Path) -> None:
    home = read(scenario_site, "index.html")
    assert ('<strong class="sg-bar__date">Nov 20, 2026</strong> 1 h major outage, 1 h partial outage'
            '<ul class="sg-bar__incidents"><li><a href="incidents/2026-11-20-api-errors/">API errors</a></li>'
            '<li><a href="incidents/2026-11-20-slow-payments/">Slow payments</a></li></ul>') in home
    assert '<strong class="sg-bar__date">Nov 15, 2026</strong> No data' in home  # before the links component's start
    assert home.count('class="sg-bar ') == 4 * 90


def test_incident_pages_show_impact_and_timeline(scenario_site: Path) -> None:
    for incident_id, impact in EXPECTED_IMPACT.items():
        page = read(scenario_site, f"incidents/{incident_id}/index.html")
        assert f"sg-impact--{impact}" in page, incident_id
    page = read(scenario_site, "incidents/2026-11-20-api-errors/index.html")
    heads = texts(page, "sg-update__head")
    assert heads == ["Resolved Nov 20, 2026 12:00 UTC", "Identified Nov 20, 2026 11:00 UTC",
                     "Investigating Nov 20, 2026 10:05 UTC"]
    assert "ResolvedNov 20, 2026 12:00 UTC · 2 h" in " ".join(texts(page, "sg-facts"))
    ongoing = read(scenario_site, "incidents/2026-11-26-payments-down/index.html")
    assert "Ongoing forNov" not in " ".join(texts(ongoing, "sg-facts"))
    assert "Ongoing for4 h" in " ".join(texts(ongoing, "sg-facts"))


def test_history_and_component_pages(scenario_site: Path) -> None:
    history = read(scenario_site, "history/index.html")
    assert texts(history, "sg-month") == ["November 2026"]
    titles = [t.split(" ")[0] for t in texts(history, "sg-entry__title")]
    assert titles == ["Slow", "API", "Some"]  # what is under way is on the home page, not in the history
    component = read(scenario_site, "components/links/index.html")
    assert "99.76% uptime" in component
    assert "Some payment links fail to open" in component


def test_example_site_builds(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(REPO), "build", "--out", str(tmp_path / "site"),
                                      "--now", "2026-11-26T12:00:00Z", "--strict"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "public site:" in result.output
    home = (tmp_path / "site/public/index.html").read_text()
    assert texts(home, "sg-banner__text") == ["All Systems Operational"]
    assert "Webhook delivery infrastructure upgrade" in home
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home
    assert not (tmp_path / "site/public/search").exists()
    assert len(home.encode()) < 150_000


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    build(root, tmp_path / "one", NOW)
    build(root, tmp_path / "two", NOW)
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two and len(one) > 20
    later = tmp_path / "three"
    build(root, later, NOW + dt.timedelta(hours=2))
    assert tree_digest(later)["public/index.html"] != one["public/index.html"]


def test_invalid_content_keeps_previous_site(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    runner = CliRunner()
    args = ["--root", str(root), "build", "--now", "2026-11-26T12:00:00Z", "-q"]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    before = tree_digest(root / "site")
    bad = root / "content/incidents/2026-11-18-links-partial.md"
    bad.write_text(bad.read_text().replace("severity: SEV3", "severity: SEV7"))
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert re.search(r"content/incidents/2026-11-18-links-partial.md:3:1: error: invalid value 'SEV7'", result.output)
    assert "Traceback" not in result.output
    assert tree_digest(root / "site") == before
    assert not list(root.glob(".statusgen-build-*"))


def test_content_warnings_never_fail_a_build(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    runbook = root / "content/runbooks/high-database-cpu.md"
    runbook.write_text(runbook.read_text().replace("last_reviewed: 2026-10-01", "last_reviewed: 2024-01-01"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--now", "2026-11-26T12:00:00Z", "--strict"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "warning: runbook was last reviewed" in result.output


def test_source_date_epoch_sets_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_scenario(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert CliRunner().invoke(cli, ["--root", str(root), "build", "-q"], catch_exceptions=False).exit_code == 0
    home = (root / "site/public/index.html").read_text()
    assert "As of <time class=\"sg-t\" datetime=\"2026-11-26T12:00:00Z\">" in home
