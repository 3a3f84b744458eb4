"""Feeds, the Statuspage-compatible JSON API, the calendar and the badges, read back by real parsers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import icalendar
import jsonschema
import pytest
from lxml import etree

from generator.build import build
from generator.output import statuspage_api as api

from .conftest import REPO, write
from .scenario import NOW, make_scenario

ATOM_RNC = Path(__file__).with_name("schemas") / "atom.rnc"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("subs") / "repo")
    build(root, root / "site", NOW)
    return root / "site" / "public"


def atom_schema() -> etree.RelaxNG:
    import rnc2rng

    rng = rnc2rng.dumps(rnc2rng.load(str(ATOM_RNC))).replace(' xmlns:local=""', "")  # lxml rejects it
    return etree.RelaxNG(etree.fromstring(rng.encode()))


@pytest.mark.parametrize("name", ["history.rss", "history.atom"])
def test_site_feeds_parse_without_errors(site: Path, name: str) -> None:
    feed = feedparser.parse((site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    ids = [e.id for e in feed.entries]
    assert ids == [
        "tag:status.acmepay.example,2005:Incident/2026-11-26-payments-down",
        "tag:status.acmepay.example,2005:Incident/2026-11-20-slow-payments",
        "tag:status.acmepay.example,2005:Incident/2026-11-20-api-errors",
        "tag:status.acmepay.example,2005:Maintenance/2026-11-26-dashboard-upgrade",
        "tag:status.acmepay.example,2005:Incident/2026-11-18-links-partial",
    ]
    first = feed.entries[0]
    assert first.title == "Payments are failing"
    assert first.link == "https://status.acmepay.example/incidents/2026-11-26-payments-down/"
    html = first.content[0].value if name.endswith("atom") else first.description
    assert re.findall(r"<strong>(\w+)</strong>", html) == ["Identified", "Investigating"]
    # The exact micro-format, as written in the file (feedparser normalises <br>):
    raw = (site / name).read_text()
    assert ("&lt;p&gt;&lt;small&gt;Nov &lt;var data-var='date'&gt;26&lt;/var&gt;, &lt;var data-var='time'&gt;09:00"
            "&lt;/var&gt; UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Identified&lt;/strong&gt; - "
            "Our card processor is down; we are failing over.&lt;/p&gt;") in raw
    links = {link.get("rel"): link.href for link in feed.feed.get("links", [])}
    if name.endswith("atom"):
        assert links["self"] == f"https://status.acmepay.example/{name}"
        assert first.published_parsed[:5] == (2026, 11, 26, 8, 10) and first.updated_parsed[:5] == (2026, 11, 26, 9, 0)


def test_component_feeds_hold_only_its_incidents(site: Path) -> None:
    feed = feedparser.parse((site / "components/api/history.atom").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Slow payments", "API errors"]
    home = (site / "index.html").read_text()
    assert ("application/atom+xml", "history.atom") in feed_links(home)
    page = (site / "components/api/index.html").read_text()
    assert feed_links(page) == [("application/atom+xml", "history.atom"), ("application/rss+xml", "history.rss")]


def feed_links(page: str) -> list[tuple[str, str]]:
    """Feed autodiscovery as clients do it (WHATWG): a <link> whose rel tokens include "alternate", by type."""
    import html5lib

    tree = html5lib.parse(page, namespaceHTMLElements=False)
    return [(link.get("type"), link.get("href")) for link in tree.iter("link")
            if "alternate" in (link.get("rel") or "").lower().split()
            and link.get("type") in ("application/atom+xml", "application/rss+xml")]


def test_atom_feeds_validate_against_rfc4287_schema(site: Path) -> None:
    schema = atom_schema()
    for path in [site / "history.atom", *sorted(site.glob("components/*/history.atom"))]:
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)
    assert not schema.validate(etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'))


def test_updating_an_incident_moves_updated_not_id(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    build(root, tmp_path / "before", NOW)
    path = root / "content/incidents/2026-11-26-payments-down.md"
    path.write_text(path.read_text().replace("internal:", "  - at: 2026-11-26T11:30:00Z\n    status: monitoring\n"
                                             "    message: Payments succeed again.\ninternal:"))
    build(root, tmp_path / "after", NOW)
    before = feedparser.parse((tmp_path / "before/public/history.atom").read_bytes()).entries[0]
    after = feedparser.parse((tmp_path / "after/public/history.atom").read_bytes()).entries[0]
    assert before.id == after.id and before.published == after.published
    assert before.updated_parsed[:5] == (2026, 11, 26, 9, 0) and after.updated_parsed[:5] == (2026, 11, 26, 11, 30)
    assert "<strong>Monitoring</strong>" in after.content[0].value.split("<p>")[1]


def test_feeds_keep_the_50_most_recent(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    for day in range(1, 61):
        start = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)
        stamp = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        write(root, f"content/incidents/{start:%Y-%m-%d}-old-{day}.md", f"""\
---
title: Old incident {day}
severity: SEV4
components: {{api: degraded_performance}}
started: {stamp}
updates:
  - at: {stamp}
    status: resolved
    message: Done.
---
""")
    build(root, root / "site", NOW)
    feed = feedparser.parse((root / "site/public/history.rss").read_bytes())
    assert len(feed.entries) == 50
    document = json.loads((root / "site/public/api/v2/incidents.json").read_text())
    assert len(document["incidents"]) == 50


def test_json_documents_match_their_shipped_schemas(site: Path) -> None:
    for name in api.DOCUMENTS:
        shipped = json.loads((REPO / api.schema_file(name)).read_text())
        assert shipped == json.loads(json.dumps(api.schema(name), sort_keys=True)), \
            f"{api.schema_file(name)} is stale: run python -m generator.output.statuspage_api"
        document = json.loads((site / "api" / name).read_text())
        jsonschema.validate(document, shipped)


def test_summary_json_speaks_statuspage(site: Path) -> None:
    summary = json.loads((site / "api/v2/summary.json").read_text())
    assert summary["page"]["url"] == "https://status.acmepay.example"
    assert summary["page"]["time_zone"] == "Etc/UTC"
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    components = {c["id"]: c for c in summary["components"]}
    assert components["payments"]["status"] == "major_outage"
    assert components["dashboard"]["status"] == "under_maintenance"
    assert components["platform"]["group"] is True
    assert components["platform"]["components"] == ["api", "payments"]
    assert components["platform"]["status"] == "major_outage"
    assert components["api"]["group_id"] == "platform" and components["links"]["start_date"] == "2026-11-16"
    [incident] = summary["incidents"]
    assert incident["id"] == "2026-11-26-payments-down"
    assert (incident["status"], incident["impact"]) == ("identified", "critical")
    assert incident["started_at"] == "2026-11-26T08:00:00.000Z" and incident["resolved_at"] is None
    assert incident["shortlink"] == "https://status.acmepay.example/incidents/2026-11-26-payments-down/"
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["identified", "investigating"]
    assert updates[-1]["affected_components"] == [
        {"code": "payments", "name": "Payments", "old_status": "operational", "new_status": "major_outage"}]
    assert [m["status"] for m in summary["scheduled_maintenances"]] == ["in_progress"]
    unresolved = json.loads((site / "api/v2/incidents/unresolved.json").read_text())
    assert [i["id"] for i in unresolved["incidents"]] == ["2026-11-26-payments-down"]
    active = json.loads((site / "api/v2/scheduled-maintenances/active.json").read_text())
    assert [m["scheduled_until"] for m in active["scheduled_maintenances"]] == ["2026-11-26T13:00:00.000Z"]
    incidents = json.loads((site / "api/v2/incidents.json").read_text())
    resolved = next(i for i in incidents["incidents"] if i["id"] == "2026-11-20-api-errors")
    assert resolved["status"] == "resolved" and resolved["resolved_at"] == "2026-11-20T12:00:00.000Z"
    assert resolved["incident_updates"][0]["affected_components"][0]["new_status"] == "operational"


def test_uptime_json(site: Path) -> None:
    uptime = json.loads((site / "api/uptime.json").read_text())
    by_id = {c["id"]: c for c in uptime["components"]}
    assert by_id["api"]["uptime_percent"] == 99.94 and by_id["links"]["uptime_percent"] == 99.76
    day = next(d for d in by_id["api"]["days"] if d["date"] == "2026-11-20")
    assert day == {"date": "2026-11-20", "downtime_seconds": 4680.0, "major_outage_seconds": 3600.0,
                   "partial_outage_seconds": 3600.0, "incidents": ["2026-11-20-api-errors", "2026-11-20-slow-payments"]}
    assert len(by_id["api"]["days"]) == 90
    # links starts on Nov 16: its window and its days begin there, the days before have no data.
    assert by_id["links"]["window_start"] == "2026-11-16T00:00:00.000Z"
    assert [d["date"] for d in by_id["links"]["days"]][:1] == ["2026-11-16"] and len(by_id["links"]["days"]) == 11


def test_uptime_json_days_add_up_to_the_figure(site: Path) -> None:
    uptime = json.loads((site / "api/uptime.json").read_text())
    for component in uptime["components"]:
        start, end = (dt.datetime.fromisoformat(component[k]) for k in ("window_start", "window_end"))
        assert start.time() == dt.time() and end == NOW  # whole UTC days from midnight, up to the build time
        days = component["days"]
        assert [d["date"] for d in days] == [(start + dt.timedelta(days=n)).date().isoformat()
                                             for n in range((end.date() - start.date()).days + 1)]
        downtime = sum(d["downtime_seconds"] for d in days)
        assert downtime == pytest.approx(component["downtime_seconds"], abs=1e-6)
        for day in days:
            assert day["downtime_seconds"] == pytest.approx(
                uptime["major_weight"] * day["major_outage_seconds"]
                + uptime["partial_weight"] * day["partial_outage_seconds"])
        figure = round((1 - downtime / (end - start).total_seconds()) * 100, 2)
        assert component["uptime_percent"] == (min(figure, 99.99) if downtime else figure), component["id"]


def test_maintenance_calendar_parses_back(site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == "2026-11-26-dashboard-upgrade@status.acmepay.example"
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 26, 11, tzinfo=dt.timezone.utc)
    assert event.decoded("dtend") == dt.datetime(2026, 11, 26, 13, tzinfo=dt.timezone.utc)
    assert str(event["summary"]) == "Dashboard upgrade"
    assert str(event["url"]) == "https://status.acmepay.example/incidents/2026-11-26-dashboard-upgrade/"
    assert b"DTSTART:20261126T110000Z" in (site / "maintenance.ics").read_bytes()


def test_badges_are_accessible_svg(site: Path) -> None:
    svg = etree.parse(str(site / "badges/payments.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("role") == "img" and svg.get("aria-label") == "Payments: Major Outage"
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == "Payments: Major Outage"
    status = etree.parse(str(site / "badges/status.svg")).getroot()
    assert status.get("aria-label") == "Acme Pay Status: Major System Outage"
    assert {p.stem for p in (site / "badges").glob("*.svg")} == {"status", "api", "payments", "dashboard", "links"}


def test_missing_site_url_is_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    root = make_scenario(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*\n", "", config.read_text()))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "-q", "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 1
    assert result.output.startswith("mkdocs.yml:1:1: error: site_url is not set")
