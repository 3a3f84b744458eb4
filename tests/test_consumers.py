"""The real subscribers' clients read the built site, served on 127.0.0.1 as a static host would serve it.

Each is a package people use today against Atlassian Statuspage pages, pointed at our site: PyPI
``DiscordStatus``, npm ``statuspage.io`` (an API client), npm ``rss-parser`` (feeds), npm ``ical.js``
(Mozilla's iCalendar parser), and Atlassian's own ``@statuspage/status-widget`` in Chromium. The npm
packages come from package.json (``npm install --ignore-scripts``); the Node scripts that drive them
are in ``tests/node/``. Each test fails if its client cannot read the site. On a laptop without
node or node_modules/ they skip; in CI (``CI=true``) they fail.

Also here: the Shields.io endpoint badges (``badges/<id>.json``) against Shields' endpoint schema.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from generator.build import build
from generator.output.labels import COLOURS

from .browser import local_only_page, serve
from .conftest import REPO
from .tools import tool_missing
from .scenario import EXPECTED_STATES, NOW, make_scenario

NODE_MODULES = REPO / "node_modules"
NODE_SCRIPTS = Path(__file__).with_name("node")
SHIELDS_SCHEMA = Path(__file__).with_name("schemas") / "shields-endpoint.schema.json"
#: What GitHub Pages (and most static hosts) send with every file: any page may fetch it.
CORS = {"Access-Control-Allow-Origin": "*"}



def need_npm(package: str) -> Path:
    path = NODE_MODULES / package
    if not (path / "package.json").exists():
        tool_missing(f"node_modules/{package} is missing: run `npm install --ignore-scripts`")
    return path


def node(script: str, *args: str, package: str) -> Any:
    """Run ``tests/node/<script>`` with node; its standard output is JSON."""
    need_npm(package)
    executable = shutil.which("node")
    if executable is None:
        tool_missing("node is not installed (apt-get install nodejs)")
    result = subprocess.run([str(executable), str(NODE_SCRIPTS / script), *args], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"{script} could not read the site:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("consumers") / "repo")
    build(root, root / "site", NOW)
    return root / "site" / "public"


@pytest.fixture(scope="module")
def base(public: Path):  # type: ignore[no-untyped-def]
    with serve(public, CORS) as url:
        yield url


# --- PyPI DiscordStatus ------------------------------------------------------------------------------------------------
# Its own tests name the keys it promises for each kind of object; the same sets are checked here.
PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_KEYS = {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
                  "start_date", "group_id", "page_id", "group", "only_show_if_degraded"}
INCIDENT_KEYS = {"id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
                 "shortlink", "started_at", "page_id", "incident_updates", "components"}
MAINTENANCE_KEYS = INCIDENT_KEYS | {"scheduled_for", "scheduled_until"}


def test_discordstatus_reads_every_endpoint(base: str) -> None:
    """``DiscordStatus`` hard-codes Discord's page (``base_target``); pointed at ours, every property reads."""
    from discordstatus import DiscordStatus

    client = DiscordStatus()
    assert client.base_target.endswith("/api/v2")  # what is replaced: the client's only notion of a page
    client.base_target = f"{base}api/v2"
    summary = client.summary
    assert PAGE_KEYS <= summary["page"].keys()
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    assert all(COMPONENT_KEYS <= c.keys() for c in summary["components"])
    assert all(INCIDENT_KEYS <= i.keys() for i in summary["incidents"])
    assert all(MAINTENANCE_KEYS <= m.keys() for m in summary["scheduled_maintenances"])
    assert client.status["status"]["indicator"] == "critical"
    states = {c["name"]: c["status"] for c in client.components["components"] if not c["group"]}
    assert states == {"Public API": "operational", "Payments": "major_outage", "Dashboard": "under_maintenance",
                      "Payment Links": "operational"}
    assert [i["name"] for i in client.unresolved_incidents["incidents"]] == ["Payments are failing"]
    assert len(client.all_incidents["incidents"]) == 4
    for listing in (client.all_maintenances, client.active_maintenances):
        assert [m["name"] for m in listing["scheduled_maintenances"]] == ["Dashboard upgrade"]
        assert all(MAINTENANCE_KEYS <= m.keys() for m in listing["scheduled_maintenances"])
    assert client.upcoming_maintenances["scheduled_maintenances"] == []


# --- npm statuspage.io -------------------------------------------------------------------------------------------------


def test_statuspage_io_client_reads_every_endpoint(base: str) -> None:
    got = node("statuspage-io.mjs", base, package="statuspage.io")
    assert got["summary"]["status"] == got["status"]["status"] == {"indicator": "critical",
                                                                  "description": "Major System Outage"}
    assert got["summary"]["page"]["url"] == "https://status.acmepay.example"
    states = {c["name"]: c["status"] for c in got["components"]["components"] if not c["group"]}
    assert states == {"Public API": "operational", "Payments": "major_outage", "Dashboard": "under_maintenance",
                      "Payment Links": "operational"}
    assert [i["id"] for i in got["unresolved"]["incidents"]] == ["2026-11-26-payments-down"]
    assert [i["id"] for i in got["incidents"]["incidents"]] == [
        "2026-11-26-payments-down", "2026-11-20-slow-payments", "2026-11-20-api-errors", "2026-11-18-links-partial"]
    # statuspage.io 3.3.8 reads scheduled-maintenances/upcoming.json for all three of its maintenance calls
    # (its own quirk); the window in progress is in the summary, not among the upcoming ones.
    for key in ("maintenances", "upcoming", "active"):
        assert got[key]["scheduled_maintenances"] == [], key
    [window] = got["summary"]["scheduled_maintenances"]
    assert (window["id"], window["status"]) == ("2026-11-26-dashboard-upgrade", "in_progress")
    assert (window["scheduled_for"], window["scheduled_until"]) == ("2026-11-26T11:00:00.000Z",
                                                                    "2026-11-26T13:00:00.000Z")


# --- npm rss-parser ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["history.rss", "history.atom"])
def test_rss_parser_reads_the_feeds(base: str, name: str) -> None:
    feed = node("rss-parser.mjs", base + name, package="rss-parser")
    assert feed["title"] == "Acme Pay Status - Incident History"
    items = feed["items"]
    assert [item["title"] for item in items] == ["Payments are failing", "Slow payments", "API errors",
                                                 "Dashboard upgrade", "Some payment links fail to open"]
    first = items[0]
    assert first["link"] == "https://status.acmepay.example/incidents/2026-11-26-payments-down/"
    assert first["guid" if name.endswith("rss") else "id"] == (
        "tag:status.acmepay.example,2005:Incident/2026-11-26-payments-down")
    assert first["isoDate"].startswith("2026-11-26T")
    # What chat bots read from it: the first <strong> is the current status, the update trail newest first.
    assert re.findall(r"<strong>(\w+)</strong>", first["content"]) == ["Identified", "Investigating"]
    assert re.sub(r"\s+", " ", first["contentSnippet"]).count("Our card processor is down; we are failing over.") == 1


def test_rss_parser_reads_a_component_feed(base: str) -> None:
    feed = node("rss-parser.mjs", base + "components/payments/history.atom", package="rss-parser")
    assert [item["title"] for item in feed["items"]] == ["Payments are failing", "Slow payments"]


# --- npm ical.js -------------------------------------------------------------------------------------------------------


def test_ical_js_reads_the_maintenance_calendar(base: str) -> None:
    calendar = node("ical.mjs", base + "maintenance.ics", package="ical.js")
    assert calendar["prodid"].startswith("-//statusgen//")
    [event] = calendar["events"]
    assert event["uid"] == "2026-11-26-dashboard-upgrade@status.acmepay.example"
    assert event["summary"] == "Dashboard upgrade"
    assert (event["start"], event["end"]) == ("2026-11-26T11:00:00.000Z", "2026-11-26T13:00:00.000Z")
    assert event["url"] == "https://status.acmepay.example/incidents/2026-11-26-dashboard-upgrade/"
    assert "Affects: Dashboard" in event["description"]


# --- Shields.io endpoint badges ----------------------------------------------------------------------------------------


def test_endpoint_badges_follow_the_shields_schema(public: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SHIELDS_SCHEMA.read_text()))
    found = {p.stem: json.loads(p.read_text()) for p in sorted((public / "badges").glob("*.json"))}
    assert found.keys() == {p.stem for p in (public / "badges").glob("*.svg")} == {
        "status", "api", "payments", "dashboard", "links"}
    for name, badge in found.items():
        errors = [e.message for e in validator.iter_errors(badge)]
        assert not errors, (name, errors)
    assert found["status"] == {"schemaVersion": 1, "label": "Acme Pay Status", "message": "Major System Outage",
                               "color": COLOURS["critical"]}
    assert found["payments"] == {"schemaVersion": 1, "label": "Payments", "message": "Major Outage",
                                 "color": COLOURS["major_outage"]}
    names = {"api": "Public API", "payments": "Payments", "dashboard": "Dashboard", "links": "Payment Links"}
    assert {names[k]: found[k]["message"] for k in names} == EXPECTED_STATES


def test_the_shields_schema_refuses_what_shields_refuses() -> None:
    """The schema really checks: Shields rejects these endpoint documents, and so does the schema."""
    validator = jsonschema.Draft202012Validator(json.loads(SHIELDS_SCHEMA.read_text()))
    good = {"schemaVersion": 1, "label": "API", "message": "Operational", "color": "#1f7a3a"}
    assert validator.is_valid(good)
    for bad in ({**good, "schemaVersion": 2}, {**good, "message": ""}, {**good, "colour": "red"},
                {k: v for k, v in good.items() if k != "label"}, {**good, "label": None}):
        assert not validator.is_valid(bad), bad


# --- Atlassian's @statuspage/status-widget, in Chromium ----------------------------------------------------------------

WIDGET_HOST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A product page</title>
<script src="status-widget.js"></script></head>
<body><h1>Our product</h1>
<statuspage-widget id="basic" src="{site}"></statuspage-widget>
<statuspage-widget id="badge" src="{site}" appearance="badge" title="Acme Pay"></statuspage-widget>
</body></html>
"""


@pytest.mark.browser
def test_atlassian_status_widget_renders_our_summary(browser, public: Path, tmp_path: Path) -> None:
    package = need_npm("@statuspage/status-widget")
    host_folder = tmp_path / "product"
    host_folder.mkdir()
    # The widget's self-contained bundle (polyfills included), as a product page would host or load it.
    shutil.copy(package / "dist" / "index.js", host_folder / "status-widget.js")
    requests: list[str] = []
    with serve(public, CORS) as site, serve(host_folder) as host:
        (host_folder / "index.html").write_text(WIDGET_HOST.format(site=site))
        context, page = local_only_page(browser, host, requests)
        try:
            basic = page.locator("#basic .status-text")
            basic.wait_for(timeout=10000)
            assert basic.inner_text() == "Major System Outage"
            assert "critical" in page.locator("#basic .status-indicator").get_attribute("class").split()
            assert page.locator("#basic a").get_attribute("href") == site
            assert page.locator("#badge .status-text").inner_text() == "Acme Pay"
            assert page.locator("#badge .status-indicator").text_content().strip() == "Major System Outage"  # shown lower-case
            page.screenshot(path=str(tmp_path / "widget.png"))
        finally:
            context.close()
    assert f"{site}api/v2/summary.json" in requests
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests), requests


@pytest.mark.browser
def test_atlassian_status_widget_needs_cors(browser, public: Path, tmp_path: Path) -> None:
    """Why the Subscribe page asks for Access-Control-Allow-Origin: without it the widget shows nothing."""
    package = need_npm("@statuspage/status-widget")
    host_folder = tmp_path / "product"
    host_folder.mkdir()
    shutil.copy(package / "dist" / "index.js", host_folder / "status-widget.js")
    requests: list[str] = []
    with serve(public) as site, serve(host_folder) as host:
        (host_folder / "index.html").write_text(WIDGET_HOST.format(site=site))
        context, page = local_only_page(browser, host, requests)
        try:
            page.wait_for_timeout(1500)
            assert f"{site}api/v2/summary.json" in requests
            assert page.locator("#basic .status-text").count() == 0
        finally:
            context.close()
