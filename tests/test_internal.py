"""The internal site: response metrics, action items, runbooks, and the wall between the sites."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import html5lib
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.build import build
from generator.content.loader import load_content
from generator.status.metrics import mean, month_of, monthly, response

from .conftest import INCIDENT, NOW, POSTMORTEM, REPO, make_site, write
from .htmltext import texts

UTC = dt.timezone.utc
SEED = INCIDENT.replace("updates:\n", "updates:\n", 1)


def seed_response(site: Path, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    content, diagnostics = load_content(site, now.date())
    assert content is not None, diagnostics
    incident = next(i for i in content.incidents if i.id == "2026-03-30-payment-outage")
    return response(incident, content.postmortems, now), content


def test_seed_scenario_metrics(site: Path) -> None:
    # detected 14:32, declared (first update) 14:35, resolved 15:02 after started 14:15
    result, _ = seed_response(site)
    assert result.time_to_detect == dt.timedelta(minutes=17)
    assert result.time_to_first_update == dt.timedelta(minutes=3)
    assert result.time_to_resolve == dt.timedelta(minutes=47)
    assert result.largest_update_gap == dt.timedelta(minutes=15)  # 14:35 -> 14:50
    assert [p.id for p in result.postmortems] == ["2026-03-30-payment-outage"]
    assert result.flags == []


def test_flags_of_the_response_targets(site: Path) -> None:
    slow = INCIDENT.replace("  - at: 2026-03-30T14:50:00Z\n    status: identified",
                            "  - at: 2026-03-30T14:40:00Z\n    status: monitoring\n    message: Watching.\n"
                            "  - at: 2026-03-30T14:55:00Z\n    status: identified")
    slow = slow.replace("  - at: 2026-03-30T14:35:00Z", "  - at: 2026-03-30T14:39:00Z")
    slow = slow.replace("  - at: 2026-03-30T15:02:00Z", "  - at: 2026-03-30T15:50:00Z")
    write(site, "content/incidents/2026-03-30-payment-outage.md", slow)
    (site / "content/postmortems/2026-03-30-payment-outage.md").unlink()
    result, _ = seed_response(site)
    assert result.flags == [
        "first public update 7 min after detection (target for SEV1: 5 min)",
        "55 min between public updates (SEV1 target: every 30 min)",
        "no postmortem (SEV1 needs one)",
    ]
    fast = INCIDENT.replace("status: identified", "status: monitoring")
    write(site, "content/incidents/2026-03-30-payment-outage.md", fast)
    result, _ = seed_response(site)
    assert "resolved 12 min after monitoring began (watch at least 15 min before resolving)" in result.flags


def test_ongoing_incident_gap_counts_until_now(site: Path) -> None:
    ongoing = INCIDENT.replace("  - at: 2026-03-30T15:02:00Z\n    status: resolved\n"
                               "    message: Rolled back payment-service to v2.3.1.\n", "")
    write(site, "content/incidents/2026-03-30-payment-outage.md", ongoing)
    result, _ = seed_response(site, now=dt.datetime(2026, 3, 30, 15, 35, tzinfo=UTC))
    assert result.time_to_resolve is None
    assert result.largest_update_gap == dt.timedelta(minutes=45)
    assert "45 min between public updates (SEV1 target: every 30 min)" in result.flags


def test_monthly_means(site: Path) -> None:
    write(site, "content/incidents/2026-03-12-slow.md", """\
---
title: Slow
severity: SEV1
components: {api: degraded_performance}
started: 2026-03-12T10:00:00Z
detected: 2026-03-12T10:07:00Z
updates:
  - at: 2026-03-12T10:09:00Z
    status: investigating
    message: Slow.
  - at: 2026-03-12T11:07:00Z
    status: resolved
    message: Fast.
internal: {commander: bob}
---
""")
    content, _ = load_content(site, NOW.date())
    assert content is not None
    rows = monthly([response(i, content.postmortems, NOW) for i in content.incidents if not i.is_maintenance])
    [row] = rows
    assert (row.month, row.severity, row.count) == ("2026-03", "SEV1", 2)
    assert row.mttd == dt.timedelta(minutes=12)   # (17 + 7) / 2
    assert row.mttr == dt.timedelta(minutes=57)   # (47 + 67) / 2


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("internal") / "site"
    build(REPO, out, dt.datetime(2026, 11, 26, 12, tzinfo=UTC))
    return out


def test_internal_site_pages(built: Path) -> None:
    internal = built / "internal"
    for rel in ("index.html", "incidents/index.html", "runbooks/index.html", "runbooks/high-database-cpu/index.html",
                "postmortems/index.html", "action-items/index.html", "metrics/index.html", "reference/index.html",
                "search/search_index.json", "robots.txt"):
        assert (internal / rel).is_file(), rel
    page = (internal / "incidents/2026-03-30-payment-outage/index.html").read_text()
    assert "17 min" in page and "47 min" in page and "#incident-2026-03-30-payments" in page
    runbooks = (internal / "runbooks/index.html").read_text()
    assert 'id="alert-databasehighcpu"' in runbooks
    assert "runbooks/high-database-cpu/" in runbooks
    reference = (internal / "reference/index.html").read_text()
    assert "Complete service outage, data loss, security breach" in reference
    assert "INCIDENT DECLARED - SEV1" in reference
    metrics = (internal / "metrics/index.html").read_text()
    assert metrics.count("<svg") >= 3 and 'role="img"' in metrics
    for page_path in internal.rglob("*.html"):
        assert '<meta name="robots" content="noindex, nofollow">' in page_path.read_text(), page_path
    assert "noindex" not in (built / "public/index.html").read_text()


def test_action_items_counts_and_overdue(tmp_path: Path) -> None:
    site = make_site(tmp_path / "repo")
    write(site, "content/postmortems/2026-03-30-payment-outage.md", POSTMORTEM.replace(
        "| Canary deploys | @carol | 2027-04-15 | open |",
        "| Canary deploys | @carol | 2027-04-15 | open |\n| Fix alert | @bob | 2026-11-01 | open |"))
    build(site, site / "site", NOW)
    page = (site / "site/internal/action-items/index.html").read_text()
    summary = " ".join(texts(page, "md-content"))
    assert "3 action items from 1 postmortems: 2 open, of which 1 overdue (due before 2026-11-26), and 1 done" in summary
    overdue_section = page.split('id="overdue"')[1].split('id="open-by-owner"')[0]
    assert "Fix alert" in overdue_section and "Canary deploys" not in overdue_section


def test_action_items_lead_with_open_by_owner_and_fold_the_done(tmp_path: Path) -> None:
    """Open and overdue items first, grouped by owner (the owner with overdue items first); done ones in a
    closed <details>, never among the open."""
    site = make_site(tmp_path / "repo")
    write(site, "content/postmortems/2026-03-30-payment-outage.md", POSTMORTEM.replace(
        "| Canary deploys | @carol | 2027-04-15 | open |",
        "| Canary deploys | @carol | 2027-04-15 | open |\n| Fix alert | @bob | 2026-11-01 | open |"))
    build(site, site / "site", NOW)
    document = html5lib.parse((site / "site/internal/action-items/index.html").read_text(), namespaceHTMLElements=False)
    content = document.find(".//article")
    assert content is not None
    headings = [" ".join("".join(h.itertext()).split()).rstrip("¶").strip() for h in content.iter() if h.tag in ("h2", "h3")]
    assert headings == ["Overdue", "Open, by owner", "@bob", "@carol", "Done"]
    details = content.findall(".//details")
    assert len(details) == 1 and "open" not in details[0].attrib
    done_text = " ".join(details[0].itertext())
    assert "Add a test" in done_text and "Canary deploys" not in done_text and "Fix alert" not in done_text
    before_done = "".join(content.itertext()).split(" done action items")[0]
    assert before_done.count("Add a test") == 0  # done items only in the folded list
    assert "Fix alert" in before_done and "Canary deploys" in before_done


CANARIES = {
    "commander": "CANARY-COMMANDER-7f3a", "tech_lead": "CANARY-TECHLEAD-91bd", "comms_lead": "CANARY-COMMS-2c4e",
    "scribe": "CANARY-SCRIBE-5d6f", "channel": "#CANARY-CHANNEL-8a9b", "notes": "CANARY-NOTES-0e1c",
}


def test_nothing_internal_reaches_the_public_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "repo")
    canaries = list(CANARIES.values())
    internal = "\n".join(f"  {key}: \"{value}\"" for key, value in CANARIES.items())
    write(site, "content/incidents/2026-03-30-payment-outage.md",
          INCIDENT.replace("internal:\n  commander: alice\n", f"internal:\n{internal}\n"))
    runbook = site / "content/runbooks/high-database-cpu.md"
    runbook.write_text(runbook.read_text().replace("title: High Database CPU", "title: CANARY-RUNBOOK-TITLE-44aa")
                       .replace("- DB CPU > 80%", "- DB CPU > 80% CANARY-RUNBOOK-BODY-55bb")
                       .replace("owner: dba-team", "owner: CANARY-RUNBOOK-OWNER-66cc")
                       .replace("[DatabaseHighCPU]", "[CanaryAlert77dd]"))
    canaries += ["CANARY-RUNBOOK-TITLE-44aa", "CANARY-RUNBOOK-BODY-55bb", "CANARY-RUNBOOK-OWNER-66cc", "CanaryAlert77dd"]
    # An internal postmortem, and a public one that is still a draft: neither may be published.
    write(site, "content/postmortems/2026-03-30-payment-outage.md", POSTMORTEM
          .replace("title: Payment Processing Outage", "title: CANARY-PM-TITLE-88ee")
          .replace("A deploy broke payments.", "A deploy broke payments. CANARY-PM-BODY-99ff")
          .replace("| @carol |", "| CANARY-PM-OWNER-aa11 |")
          .replace("authors: [alice]", "authors: [CANARY-PM-AUTHOR-bb22]"))
    write(site, "content/postmortems/2026-04-02-draft-public.md", POSTMORTEM
          .replace("incident: 2026-03-30-payment-outage", "incident: 2026-04-02-database-upgrade")
          .replace("status: published", "status: draft").replace("visibility: internal", "visibility: public")
          .replace("A deploy broke payments.", "CANARY-DRAFT-PUBLIC-cc33"))
    canaries += ["CANARY-PM-TITLE-88ee", "CANARY-PM-BODY-99ff", "CANARY-PM-OWNER-aa11", "CANARY-PM-AUTHOR-bb22",
                 "CANARY-DRAFT-PUBLIC-cc33"]
    build(site, site / "site", NOW)

    def every_byte(folder: Path) -> bytes:
        return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())

    public = every_byte(site / "site/public")
    internal_bytes = every_byte(site / "site/internal")
    assert len(list((site / "site/public").rglob("*"))) > 20
    for canary in canaries:
        assert canary.encode() in internal_bytes, f"{canary} missing from the internal site"
        assert canary.encode() not in public, f"{canary} leaked into the public site"
        assert canary.lower().encode() not in public.lower()
    # The public incident itself is there, with its public text.
    assert b"Payment processing failing" in public
    assert re.search(rb"Rolled back payment-service", public)


RAW_VALUES = re.compile(r"\b(operational|degraded_performance|partial_outage|major_outage|under_maintenance|in_progress"
                        r"|in_review)\b")


def visible_text(path: Path, article: bool = False) -> str:
    """The text a person reads on a page (of its <article> only: ``article``), scripts and styles left out."""
    document = html5lib.parse(path.read_text(), namespaceHTMLElements=False)
    if article:
        document = document.find(".//article")
    for parent in document.iter():
        for child in list(parent):
            if child.tag in ("script", "style", "template"):
                parent.remove(child)
    return " ".join(" ".join(document.itertext()).split())


def test_no_raw_enum_values_on_the_internal_site(built: Path) -> None:
    """States, statuses, impacts read as labels ("Major Outage", "In progress"), never as the files' values."""
    pages = sorted((built / "internal").rglob("*.html"))
    assert len(pages) > 30
    for path in pages:
        text = visible_text(path)
        assert not RAW_VALUES.search(text), (path, RAW_VALUES.search(text))
    incident = visible_text(built / "internal/incidents/2026-03-30-payment-outage/index.html")
    assert "Payments (Major Outage)" in incident and "Impact Critical" in incident
    search = (built / "internal/search/search_index.json").read_text()
    assert not RAW_VALUES.search(search)


def test_a_build_for_a_past_now_shows_everything_as_of_now(tmp_path: Path) -> None:
    """At 14:40, between the first update (14:35) and the resolve (15:02), the incident is open everywhere on
    the internal site, and no later update (14:50, 15:02) shows."""
    site = make_site(tmp_path / "repo")
    build(site, site / "site", dt.datetime(2026, 3, 30, 14, 40, tzinfo=UTC))
    home = visible_text(site / "site/internal/index.html", article=True)
    assert "Major System Outage" in home
    assert "No open incidents" not in home
    open_section = home.split("Open incidents")[1].split("Needs attention")[0]
    assert "Payment processing failing" in open_section and "Investigating" in open_section
    assert "5 min ago" in open_section
    page = visible_text(site / "site/internal/incidents/2026-03-30-payment-outage/index.html", article=True)
    assert "Investigating (open)" in page
    assert "Rolled back" not in page and "rollback in progress" not in page and "Resolved 2026" not in page
    assert "Payments (Major Outage)" in page
    # the postmortem, dated the next day, does not exist yet
    assert not (site / "site/internal/postmortems/2026-03-30-payment-outage").exists()
    assert "Payment Processing Outage" not in visible_text(site / "site/internal/postmortems/index.html", article=True)
    listing = visible_text(site / "site/internal/incidents/index.html", article=True)
    assert "Resolved" not in listing.split("Flags", 1)[1].split("Maintenance")[0]


def test_internal_site_has_light_and_dark_with_a_toggle_and_a_wide_incidents_page(built: Path) -> None:
    """Like the public site: the reader's system scheme first, a header toggle to the other; the Incidents page
    hides both sidebars so its table has the page's width, and lays rows out as cards (labelled cells)."""
    def parse(rel: str):  # type: ignore[no-untyped-def]
        return html5lib.parse((built / "internal" / rel).read_text(), namespaceHTMLElements=False)

    home = parse("index.html")
    options = [(i.get("data-md-color-media"), i.get("data-md-color-scheme")) for i in home.iter("input")
               if i.get("name") == "__palette"]
    assert options == [("(prefers-color-scheme: light)", "default"), ("(prefers-color-scheme: dark)", "slate")]
    toggles = [label.get("title") for label in home.iter("label") if (label.get("for") or "").startswith("__palette")]
    assert toggles == ["Switch to dark mode", "Switch to light mode"]

    def sidebars(document) -> dict[str, bool]:  # type: ignore[no-untyped-def]
        return {div.get("data-md-type"): "hidden" in div.attrib for div in document.iter("div")
                if "md-sidebar" in (div.get("class") or "").split()}

    incidents = parse("incidents/index.html")
    assert sidebars(incidents) == {"navigation": True, "toc": True}
    assert sidebars(home) == {"navigation": False, "toc": False}
    table = next(t for t in incidents.iter("table") if "sg-cards" in (t.get("class") or ""))
    row = table.find("tbody/tr")
    assert row is not None
    assert [td.get("data-label") for td in row.findall("td")] == [
        None, "Severity", "Status", "Started", "Detect", "First update", "Resolve", "Largest gap", "Flags"]


def test_an_internal_incident_page_shows_every_fact_as_text(tmp_path: Path) -> None:
    """Each field of an incident's internal page, in order, with markup in any value shown as typed."""
    site = make_site(tmp_path / "repo")
    write(site, "content/incidents/2026-03-30-payment-outage.md", INCIDENT.replace(
        "title: Payment processing failing", "title: Payments <b>failing</b> & \"slow\"").replace(
        "internal:\n  commander: alice\n",
        "internal:\n  commander: alice <i>\n  tech_lead: bob & co\n  channel: \"#inc-<1>\"\n"
        "  alerts: [PaymentErrors, Latency<High>]\n  notes: |\n    Rolled *back* <script>x</script>.\n"))
    build(site, site / "site", NOW)
    path = site / "site/internal/incidents/2026-03-30-payment-outage/index.html"
    page = visible_text(path, article=True)
    assert page.startswith('Payments <b>failing</b> & "slow" Public page · content/incidents/2026-03-30-payment-outage.md')
    assert ("Severity SEV1 Status Resolved Impact Critical Started Mar 30, 2026 14:15 UTC Detected Mar 30, 2026 14:32 "
            "UTC Resolved Mar 30, 2026 15:02 UTC Components Payments (Major Outage) Commander alice <i> "
            "Technical lead bob & co Communications lead — Scribe — Channel #inc-<1> "
            "Alerts PaymentErrors , Latency<High>") in page
    assert ("Time to detect 17 min Time to first public update 3 min Time to resolve 47 min Largest gap between "
            "public updates 15 min Postmortem Payment Processing Outage (Published)") in page
    assert "Notes Rolled back <script>x</script>." in page
    updates = page.split("Updates", 1)[1]
    assert updates.index("Resolved Mar 30, 2026 15:02 UTC") < updates.index(
        "Identified Mar 30, 2026 14:50 UTC · Payments → Partial Outage") < updates.index("Investigating")
    assert updates.rstrip().endswith("Public description Public description.")
    html = path.read_text()
    assert "<script>x" not in html and "<b>failing" not in html and "<em>back</em>" in html


@given(st.lists(st.one_of(st.integers(-10**9, 10**9).map(float), st.integers(-2**60, 2**60).map(float),
                          st.floats(-1e12, 1e12)), min_size=1, max_size=300))
@example([1.0, 2.0, 2.0])  # a mean that is no whole number
@example([float(2**52), float(2**52) + 2.0, 1.0])  # a sum no float holds: left to statistics.mean
def test_the_metrics_mean_is_statistics_mean(values: list[float]) -> None:
    import statistics

    assert mean(values) == statistics.mean(values)


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), timezones=st.just(dt.timezone.utc)))
def test_a_month_is_named_as_strftime_names_it(moment: dt.datetime) -> None:
    assert month_of(moment) == moment.strftime("%Y-%m") == month_of(moment.date())
