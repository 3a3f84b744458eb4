"""The feeds in Statuspage's micro-format, read back as parsers of Statuspage feeds read them.

Statuspage writes an entry's content as HTML: a maintenance first states its window,
``<p><strong>THIS IS A SCHEDULED EVENT Jun <var data-var='date'>20</var>, <var data-var='time'>02:00</var> -
<var data-var='time'>04:00</var> UTC</strong></p>``, then the update trail, newest first, each
``<p><small>Jun <var data-var='date'>15</var>, <var data-var='time'>11:40</var> UTC</small><br>
<strong>Scheduled</strong> - body</p>``. The regexes below are those a parser written for
Statuspage's feeds uses; the raw HTML is read with lxml (feedparser drops ``data-var`` when it
sanitises, so its view is checked with the bare ``<var>``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import html5lib
import pytest
from lxml import etree, isoschematron

from generator.build import build
from generator.output.labels import status_label

from .conftest import write
from .scenario import NOW, make_scenario

SITE = "https://status.acmepay.example/"
NS = {"atom": "http://www.w3.org/2005/Atom"}
ATOM_SCH = Path(__file__).with_name("schemas") / "atom.sch"

_MONTH = r"(?P<{0}month>[A-Z][a-z]{{2}})"
_DATE = r"<var data-var='date'>(?P<{0}date>[1-9]\d?)</var>"
_TIME = r"<var data-var='time'>(?P<{0}time>[0-2]\d:[0-5]\d)</var>"

#: One update of the trail, as Statuspage writes it.
UPDATE = re.compile(rf"<p><small>{_MONTH.format('')} {_DATE.format('')}, {_TIME.format('')} UTC</small><br>"
                    r"<strong>(?P<status>[^<]+)</strong> - (?P<body>.*?)</p>")
#: A maintenance's window: the end's month and date only when it ends on another day.
WINDOW = re.compile(rf"<p><strong>THIS IS A SCHEDULED EVENT {_MONTH.format('start_')} {_DATE.format('start_')}, "
                    rf"{_TIME.format('start_')} - (?:{_MONTH.format('end_')} {_DATE.format('end_')}, )?"
                    rf"{_TIME.format('end_')} UTC</strong></p>")
#: The same update as feedparser hands it on (it sanitises ``data-var`` away and writes ``<br />``).
SANITISED_UPDATE = re.compile(r"<p><small>([A-Z][a-z]{2}) <var>(\d{1,2})</var>, <var>(\d\d:\d\d)</var> UTC</small>"
                              r"<br ?/?><strong>([^<]+)</strong> - ")

#: A window across days, a message of two paragraphs with markup in it, and a maintenance whose file
#: says it is in progress.
NIGHT = """\
---
title: Night <b>migration</b>
type: maintenance
components: {api: under_maintenance}
scheduled_for: 2026-11-30T22:00:00Z
scheduled_until: 2026-12-01T02:30:00Z
updates:
  - at: 2026-11-24T08:05:00Z
    status: scheduled
    message: |
      We will migrate the database <script>alert(1)</script> & more.

      Expect a short pause.
---
"""
STARTED = """\
---
title: Links upgrade
type: maintenance
components: {links: under_maintenance}
scheduled_for: 2026-11-26T11:30:00Z
scheduled_until: 2026-11-26T12:30:00Z
updates:
  - at: 2026-11-25T07:00:00Z
    status: scheduled
    message: We will upgrade the links service.
  - at: 2026-11-26T11:31:00Z
    status: in_progress
    message: The upgrade has begun.
---
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("feeds") / "repo")
    write(root, "content/incidents/2026-11-30-night-migration.md", NIGHT)
    write(root, "content/incidents/2026-11-26-links-upgrade.md", STARTED)
    build(root, root / "site", NOW)
    return root / "site" / "public"


def atom_feeds(site: Path) -> list[Path]:
    return [site / "history.atom", *sorted(site.glob("components/*/history.atom"))]


def contents(site: Path, name: str = "history.atom") -> dict[str, str]:
    """Entry id (the incident's) -> its content HTML exactly as the file carries it, read with lxml."""
    tree = etree.parse(str(site / name))
    if name.endswith(".atom"):
        return {e.findtext("atom:id", namespaces=NS).rsplit("/", 1)[1]: e.findtext("atom:content", namespaces=NS)
                for e in tree.iterfind("atom:entry", NS)}
    return {e.findtext("guid").rsplit("/", 1)[1]: e.findtext("description") for e in tree.iterfind("channel/item")}


def api_incidents(site: Path) -> dict[str, dict]:
    documents = ("incidents.json", "scheduled-maintenances.json")
    return {i["id"]: i for name in documents
            for i in json.loads((site / "api/v2" / name).read_text()).get(
                "incidents" if name == "incidents.json" else "scheduled_maintenances")}


@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_every_update_has_a_statuspage_timestamp(site: Path, name: str) -> None:
    api = api_incidents(site)
    entries = contents(site, name)
    assert len(entries) == 7
    for incident_id, html in entries.items():
        updates = [m.groupdict() for m in UPDATE.finditer(html)]
        # The HTML is the window (for a maintenance) and the updates, nothing in between or after.
        window = WINDOW.match(html)
        rest = html[window.end():] if window else html
        assert "".join(m.group(0) for m in UPDATE.finditer(rest)) == rest, incident_id
        # Each timestamp reads back as the time the API gives the same update, newest first.
        expected = [dt.datetime.fromisoformat(u["created_at"]) for u in api[incident_id]["incident_updates"]]
        assert [(u["month"], u["date"], u["time"]) for u in updates] == [
            (at.strftime("%b"), str(at.day), at.strftime("%H:%M")) for at in expected], incident_id


def test_maintenance_entries_state_their_window_first(site: Path) -> None:
    entries = contents(site)
    assert entries["2026-11-26-dashboard-upgrade"].startswith(
        "<p><strong>THIS IS A SCHEDULED EVENT Nov <var data-var='date'>26</var>, <var data-var='time'>11:00</var> - "
        "<var data-var='time'>13:00</var> UTC</strong></p><p><small>")
    # A window across days names the end's day too.
    night = WINDOW.match(entries["2026-11-30-night-migration"])
    assert night and night.groupdict() == {
        "start_month": "Nov", "start_date": "30", "start_time": "22:00",
        "end_month": "Dec", "end_date": "1", "end_time": "02:30"}
    assert entries["2026-11-30-night-migration"].startswith(
        "<p><strong>THIS IS A SCHEDULED EVENT Nov <var data-var='date'>30</var>, <var data-var='time'>22:00</var> - "
        "Dec <var data-var='date'>1</var>, <var data-var='time'>02:30</var> UTC</strong></p>")
    # Every maintenance states the window the API gives, and no incident states one.
    for incident_id, incident in api_incidents(site).items():
        window = WINDOW.match(entries[incident_id])
        if "scheduled_for" not in incident:
            assert window is None and "SCHEDULED EVENT" not in entries[incident_id], incident_id
            continue
        assert window, incident_id
        start, end = (dt.datetime.fromisoformat(incident[k]) for k in ("scheduled_for", "scheduled_until"))
        assert window["start_month"] == start.strftime("%b") and window["start_date"] == str(start.day)
        assert window["start_time"] == start.strftime("%H:%M") and window["end_time"] == end.strftime("%H:%M")
        if start.date() == end.date():
            assert window["end_month"] is None and window["end_date"] is None
        else:
            assert (window["end_month"], window["end_date"]) == (end.strftime("%b"), str(end.day))


@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_first_status_is_the_current_one(site: Path, name: str) -> None:
    """Bots read the first <strong> of the trail (after the window) as the current status: it is the newest update's."""
    api = api_incidents(site)
    feed = feedparser.parse((site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    seen = {}
    for entry in feed.entries:
        incident_id = entry.id.rsplit("/", 1)[1]
        html = entry.content[0].value if name.endswith("atom") else entry.description
        statuses = [m.group(4) for m in SANITISED_UPDATE.finditer(html)]
        newest = api[incident_id]["incident_updates"][0]["status"]
        assert statuses[0] == status_label(newest), incident_id
        # Read as an HTML page: the first paragraph with a timestamp holds the current status.
        document = html5lib.parse(html, namespaceHTMLElements=False)
        paragraphs = document.findall(".//p")
        first = next(p for p in paragraphs if p.find("small") is not None)
        assert first.find("strong").text == statuses[0]
        if incident_id in ("2026-11-26-dashboard-upgrade", "2026-11-30-night-migration",
                           "2026-11-26-links-upgrade"):
            assert paragraphs[0].find("small") is None and paragraphs[1] is first  # the window, then the trail
        else:
            assert paragraphs[0] is first and html.startswith("<p><small>")
        seen[incident_id] = statuses[0]
    assert seen["2026-11-26-payments-down"] == "Identified"
    assert seen["2026-11-26-links-upgrade"] == "In progress"
    assert seen["2026-11-20-api-errors"] == "Resolved"


def test_entry_text_stays_text(site: Path) -> None:
    html = contents(site)["2026-11-30-night-migration"]
    assert "We will migrate the database &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.<br><br>" \
           "Expect a short pause.</p>" in html
    document = html5lib.parse(html, namespaceHTMLElements=False)
    assert document.find(".//script") is None
    assert "<script>alert(1)</script>" in "".join(document.itertext())
    feed = feedparser.parse((site / "history.atom").read_bytes())
    entry = next(e for e in feed.entries if e.id.endswith("night-migration"))
    assert entry.title == "Night <b>migration</b>"


def test_atom_feeds_have_an_author(site: Path) -> None:
    """RFC 4287 §4.1.1: a feed has an author, or every entry has one (the Schematron rules of Appendix B)."""
    schematron = isoschematron.Schematron(etree.parse(str(ATOM_SCH)))
    for path in atom_feeds(site):
        tree = etree.parse(str(path))
        assert schematron.validate(tree), (path, schematron.error_log)
        assert tree.xpath("/atom:feed/atom:author/atom:name/text()", namespaces=NS) == ["Acme Pay Status"], path
        feed = feedparser.parse(path.read_bytes())
        assert feed.feed.author_detail.name == "Acme Pay Status"
        # The rules hold: without the author the same feed is refused.
        for author in tree.xpath("//atom:author", namespaces=NS):
            author.getparent().remove(author)
        assert not schematron.validate(tree), path
    assert len(atom_feeds(site)) > 1


def test_entries_link_to_their_incident_page(site: Path) -> None:
    for path in atom_feeds(site):
        tree = etree.parse(str(path))
        entries = tree.xpath("/atom:feed/atom:entry", namespaces=NS)
        assert entries, path
        for entry in entries:
            incident_id = entry.findtext("atom:id", namespaces=NS).rsplit("/", 1)[1]
            [link] = entry.xpath("atom:link", namespaces=NS)
            assert dict(link.attrib) == {"href": f"{SITE}incidents/{incident_id}/", "rel": "alternate",
                                         "type": "text/html"}
            assert (site / f"incidents/{incident_id}/index.html").is_file()
    for name in ("history.atom", "history.rss"):
        feed = feedparser.parse((site / name).read_bytes())
        for entry in feed.entries:
            incident_id = entry.id.rsplit("/", 1)[1]
            assert entry.link == f"{SITE}incidents/{incident_id}/"
            if name.endswith("atom"):
                assert [(link.rel, link.type) for link in entry.links] == [("alternate", "text/html")]


@pytest.mark.parametrize("path", ["history", "components/api/history"])
def test_rss_channel_link_is_the_site(site: Path, path: str) -> None:
    tree = etree.parse(str(site / f"{path}.rss"))
    assert tree.xpath("/rss/channel/link/text()") == [SITE]
    assert tree.xpath("/rss/channel/atom:link[@rel='self']/@href", namespaces=NS) == [f"{SITE}{path}.rss"]
    feed = feedparser.parse((site / f"{path}.rss").read_bytes())
    assert feed.feed.link == SITE
    atom = etree.parse(str(site / f"{path}.atom"))
    assert atom.xpath("/atom:feed/atom:link[@rel='alternate'][@type='text/html']/@href", namespaces=NS) == [SITE]
    assert atom.xpath("/atom:feed/atom:link[@rel='self']/@href", namespaces=NS) == [f"{SITE}{path}.atom"]
