"""The public pages as a customer reads them (issue 14, items 2-8): structure checked with html5lib."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import icalendar
import pytest

from generator.build import build
from generator.content.models import ComponentState
from generator.output.public_pages import bar_level
from generator.status.uptime import Day

from .conftest import make_site, write
from .scenario import NOW, make_scenario

#: An upcoming maintenance next to the scenario's (in progress at NOW).
UPCOMING = """\
---
title: Database upgrade
type: maintenance
components: {api: under_maintenance}
scheduled_for: 2026-11-28T02:00:00Z
scheduled_until: 2026-11-28T03:00:00Z
updates:
  - at: 2026-11-25T09:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
"""
UPCOMING_ID = "2026-11-28-database-upgrade"
ONGOING_ID = "2026-11-26-payments-down"
RUNNING_ID = "2026-11-26-dashboard-upgrade"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("public-pages") / "repo")
    write(root, f"content/incidents/{UPCOMING_ID}.md", UPCOMING)
    build(root, root / "site", NOW)
    return root / "site" / "public"


def parse(site: Path, rel: str) -> Element:
    return html5lib.parse((site / rel).read_bytes(), namespaceHTMLElements=False)


def has_class(node: Element, name: str) -> bool:
    return name in (node.get("class") or "").split()


def find_all(tree: Element, name: str, tag: str = "*") -> list[Element]:
    return [node for node in tree.iter(tag) if has_class(node, name)]


def text(node: Element) -> str:
    return " ".join("".join(node.itertext()).split())


def section(tree: Element, heading_id: str) -> Element:
    return next(s for s in tree.iter("section") if s.get("aria-labelledby") == heading_id)


def links(node: Element) -> list[str]:
    return [a.get("href") or "" for a in node.iter("a")]


# --- item 3: what is under way at the top only; scheduled maintenance its own section --------------


def test_ongoing_things_are_at_the_top_of_the_home_page_only(site: Path) -> None:
    home = parse(site, "index.html")
    notices = [n for n in find_all(home, "sg-notice", "section")]
    assert [n.get("aria-labelledby") for n in notices] == [f"active-{ONGOING_ID}", f"mnt-{RUNNING_ID}"]
    past = section(home, "recent")
    assert not [h for h in links(past) if ONGOING_ID in h or RUNNING_ID in h or UPCOMING_ID in h]
    assert "so far" not in text(past)
    assert [text(a) for a in past.iter("a") if "incidents/" in (a.get("href") or "")] == [
        "Slow payments", "API errors"]


def test_scheduled_maintenance_has_its_own_section(site: Path) -> None:
    home = parse(site, "index.html")
    scheduled = section(home, "scheduled")
    assert text(next(scheduled.iter("h2"))) == "Scheduled maintenance"
    assert f"incidents/{UPCOMING_ID}/" in links(scheduled)
    assert f"maintenance/{UPCOMING_ID}.ics" in links(scheduled)
    # before the components, as on Statuspage
    order = [s.get("aria-labelledby") for s in home.iter("section")]
    assert order.index("scheduled") < order.index("components") < order.index("recent")


def test_history_lists_only_what_is_over_and_says_maintenance_once(site: Path) -> None:
    history = parse(site, "history/index.html")
    hrefs = " ".join(links(history))
    assert ONGOING_ID not in hrefs and UPCOMING_ID not in hrefs and RUNNING_ID not in hrefs
    component = parse(site, "components/dashboard/index.html")  # the in-progress maintenance as an entry
    entry = next(e for e in find_all(component, "sg-entry") if RUNNING_ID in " ".join(links(e)))
    assert text(entry).count("Maintenance") == 1, text(entry)


# --- item 4: each update shows the states it sets ---------------------------------------------------


def test_the_first_update_shows_the_starting_states(site: Path) -> None:
    page = parse(site, f"incidents/{ONGOING_ID}/index.html")
    updates = find_all(page, "sg-update", "li")
    first = updates[-1]  # newest first
    assert text(next(iter(find_all(first, "sg-update__head")))).startswith("Investigating")
    assert [text(c) for c in find_all(first, "sg-update__changes")] == ["Components: Payments: ✖ Major Outage"]
    assert not find_all(updates[0], "sg-update__changes")  # the second update changes nothing
    api = parse(site, "incidents/2026-11-20-api-errors/index.html")
    changes = [text(c) for c in find_all(api, "sg-update__changes")]
    assert changes == ["Components: Public API: ◆ Partial Outage", "Components: Public API: ✖ Major Outage"]
    assert "major_outage" not in text(api) and "partial_outage" not in text(api)


def test_a_maintenance_sets_its_states_when_the_window_opens(site: Path) -> None:
    page = parse(site, f"incidents/{RUNNING_ID}/index.html")
    heads = [(text(next(iter(find_all(u, "sg-update__head")))).split()[0], [text(c) for c in find_all(u, "sg-update__changes")])
             for u in find_all(page, "sg-update", "li")]
    assert heads == [("In", ["Components: Dashboard: ⚙ Under Maintenance"]), ("Scheduled", [])]


# --- item 2: every day reachable by keyboard and touch; distinct colours with a legend --------------


def test_each_day_is_focusable_and_explains_itself(site: Path) -> None:
    home = parse(site, "index.html")
    bars = find_all(home, "sg-bar", "li")
    assert len(bars) == 4 * 90
    assert all(bar.get("tabindex") == "0" for bar in bars)
    assert not [bar for bar in bars if bar.get("title")]  # no hover-only text
    day = next(bar for bar in bars if "Nov 20, 2026" in text(bar) and "API errors" in text(bar))
    assert " ".join(" ".join(day.itertext()).split()) == (
        "Nov 20, 2026 1 h major outage, 1 h partial outage API errors Slow payments")
    assert links(day) == ["incidents/2026-11-20-api-errors/", "incidents/2026-11-20-slow-payments/"]
    component = parse(site, "components/api/index.html")
    day = next(bar for bar in find_all(component, "sg-bar", "li") if "API errors" in text(bar))
    assert links(day)[0] == "../../incidents/2026-11-20-api-errors/"


def test_maintenance_and_degraded_days_have_their_own_colours_and_a_legend(site: Path) -> None:
    home = parse(site, "index.html")
    levels = {c for bar in find_all(home, "sg-bar", "li") for c in (bar.get("class") or "").split()
              if c.startswith("sg-bar--")}
    assert "sg-bar--maintenance" in levels  # the dashboard's window today
    day = dt.date(2026, 11, 1)
    assert bar_level(Day(day, seconds=86400, worst=ComponentState.DEGRADED_PERFORMANCE)) == "degraded"
    assert bar_level(Day(day, seconds=86400, worst=ComponentState.UNDER_MAINTENANCE)) == "maintenance"
    assert bar_level(Day(day, seconds=86400, downtime_seconds=3 * 3600, worst=ComponentState.MAJOR_OUTAGE)) == "critical"
    assert "sg-bar--notice" not in levels
    legend = [text(li) for li in next(iter(find_all(home, "sg-legend", "ul"))).iter("li")]
    assert legend == ["No downtime", "Degraded performance", "Maintenance", "Downtime up to 30 min",
                      "Downtime up to 2 h", "Downtime over 2 h", "No data"]
    css = (site / "assets/statusgen.css").read_text()
    colours = {level: css.split(f"--sg-bar-{level}:")[1].split(";")[0].strip()
               for level in ("ok", "degraded", "maintenance", "minor", "major", "critical")}
    assert len(set(colours.values())) == len(colours), colours


# --- item 5: navigation in the header, no side navigation on the 404 page, durations whole ----------


@pytest.mark.parametrize("rel", ["index.html", "history/index.html", f"incidents/{ONGOING_ID}/index.html", "404.html"])
def test_the_header_has_the_navigation_and_a_subscribe_button(site: Path, rel: str) -> None:
    page = parse(site, rel)
    header = next(page.iter("header"))
    nav = next(iter(find_all(header, "sg-header-nav", "ul")))
    assert [text(a) for a in nav.iter("a")] == ["Current status", "History", "Subscribe to updates"]
    assert has_class(list(nav)[-1], "sg-header-nav__item--button")


def test_the_404_page_has_no_side_navigation(site: Path) -> None:
    page = parse(site, "404.html")
    assert not find_all(page, "md-sidebar--primary")
    assert "See the current status" in text(next(iter(find_all(page, "md-content"))))


def test_durations_do_not_break(site: Path) -> None:
    page = parse(site, f"incidents/{ONGOING_ID}/index.html")
    assert [text(d) for d in find_all(page, "sg-duration", "span")] == ["4 h"]
    css = (site / "assets/statusgen.css").read_text()
    assert ".sg-duration, time.sg-t, .sg-local { white-space: nowrap; }" in css


# --- item 6: feeds discoverable, and never taken by Material for language versions -------------------


def test_feed_links_are_discoverable_but_not_fetched_by_the_theme(site: Path) -> None:
    for rel in ("index.html", "components/api/index.html"):
        head = next(parse(site, rel).iter("head"))
        feeds = [link for link in head.iter("link") if link.get("rel") == "alternate"]
        assert [(link.get("type"), link.get("href")) for link in feeds] == [
            ("application/atom+xml", "history.atom"), ("application/rss+xml", "history.rss")]
    # Material's JS takes every link[rel=alternate] (exact value) for a language version and fetches
    # sitemap.xml beside it (a 404 under components/<id>/): the published bundle only takes those with hreflang.
    bundle = next((site / "assets/javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert '"link[rel=alternate][hreflang]"' in bundle and '"link[rel=alternate]"' not in bundle


# --- item 7: the Subscribe page works on any host ----------------------------------------------------


def test_the_subscribe_page_links_and_previews_are_relative(site: Path) -> None:
    page = parse(site, "subscribe/index.html")
    body = next(iter(find_all(page, "sg-subscribe-page")))
    images = [img.get("src") or "" for img in body.iter("img")]
    assert images and all(src.startswith("../badges/") for src in images)
    assert not [h for h in links(body) if h.startswith("https://status.acmepay.example/")]
    codes = [text(c) for c in body.iter("code")]
    assert "https://status.acmepay.example/badges/status.svg" in codes  # what to paste elsewhere is absolute
    assert "https://status.acmepay.example/maintenance.ics" in codes


# --- item 8: Add to calendar --------------------------------------------------------------------------


def test_each_maintenance_has_its_own_calendar_file(site: Path) -> None:
    feed = icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes())
    uids = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    for maintenance in (UPCOMING_ID, RUNNING_ID):
        single = icalendar.Calendar.from_ical((site / f"maintenance/{maintenance}.ics").read_bytes())
        [event] = single.walk("VEVENT")
        assert event.to_ical() == uids[str(event["uid"])].to_ical()  # the same event as in the feed
        page = parse(site, f"incidents/{maintenance}/index.html")
        [link] = [a for a in page.iter("a") if text(a) == "Add to calendar"]
        assert link.get("href") == f"../../maintenance/{maintenance}.ics" and link.get("type") == "text/calendar"
    event = icalendar.Calendar.from_ical((site / f"maintenance/{UPCOMING_ID}.ics").read_bytes()).walk("VEVENT")[0]
    assert event.decoded("dtstart").isoformat() == "2026-11-28T02:00:00+00:00"
    assert str(event["summary"]) == "Database upgrade"
    home = parse(site, "index.html")
    assert f"maintenance/{RUNNING_ID}.ics" in links(home) and f"maintenance/{UPCOMING_ID}.ics" in links(home)
    assert not (site / "maintenance/2026-11-20-api-errors.ics").exists()  # incidents have none


@pytest.mark.parametrize("day, shown", [(dt.date(2026, 3, 31), True), (dt.date(2026, 3, 30), False)])
def test_a_postmortem_dated_after_the_build_time_is_on_neither_site(tmp_path: Path, day: dt.date, shown: bool) -> None:
    """As of ``--now`` is one rule: a postmortem written later is not yet there, publicly or internally."""
    site = make_site(tmp_path)
    path = site / "content/postmortems/2026-03-30-payment-outage.md"
    path.write_text(path.read_text().replace("visibility: internal", "visibility: public"))
    now = dt.datetime.combine(day, dt.time(23, 0), tzinfo=dt.timezone.utc)
    build(site, site / "site", now)
    for audience in ("public", "internal"):
        page = site / "site" / audience / "postmortems/2026-03-30-payment-outage/index.html"
        assert page.exists() is shown, audience
        incident = (site / "site" / audience / "incidents/2026-03-30-payment-outage/index.html").read_text()
        assert ("postmortems/2026-03-30-payment-outage/" in incident) is shown, audience
