"""Hostile and broken input: a clear error or a safe rendering, never a crash or a script that runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.build import build
from generator.content.loader import load_content
from generator.content.models import ComponentState
from generator.output import statuspage_api as api
from generator.output.badges import component_badge
from generator.output.feeds import feeds
from generator.output.public_pages import public_pages
from generator.settings import load_settings
from generator.status.snapshot import build_snapshot

from .conftest import INCIDENT, MAINTENANCE, NOW, REPO, make_site, write

INC = "content/incidents/2026-03-30-payment-outage.md"
XSS_TITLE = '<script>alert(1)</script><img src=x onerror=alert(2)> "q" \'s & more'
XSS_MESSAGE = ("<script>alert(3)</script> [click](javascript:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=) "
               "<a href='javascript:alert(5)'>x</a> <b onmouseover=alert(6)>bold</b> ![i](x\" onerror=\"alert(7))")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (escapes for what YAML may not hold raw)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000) \
                and code not in (0x2028, 0x2029, 0xFEFF):
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def hostile_site(root: Path) -> Path:
    make_site(root)
    write(root, INC, INCIDENT.replace("title: Payment processing failing", f"title: {quoted(XSS_TITLE)}")
          .replace("message: Payment processing is failing for all users.", f"message: {quoted(XSS_MESSAGE)}")
          .replace("Public description.", XSS_MESSAGE))
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", 'name: "Pay<script>alert(8)</script>"')
                          + "    description: \"<img src=x onerror=alert(9)>\"\n")
    return root


def scripts_and_handlers(html: str) -> tuple[list[str], list[str], list[str]]:
    """Inline scripts, on* attributes and javascript:/data: URLs in an HTML document, as a browser parses it."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    inline, handlers, urls = [], [], []
    for element in document.iter():
        if element.tag == "script" and not element.get("src"):
            inline.append(element.text or "")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                handlers.append(f"{element.tag} {name}={value}")
            if name.lower() in ("href", "src", "action", "formaction") and re.match(r"\s*(javascript|data|vbscript):",
                                                                                    value, re.I):
                urls.append(f"{element.tag} {name}={value}")
    return inline, handlers, urls


def test_markup_in_content_never_runs_on_the_public_site(tmp_path: Path) -> None:
    root = hostile_site(tmp_path / "repo")
    build(root, root / "site", dt.datetime(2026, 3, 30, 14, 40, tzinfo=dt.timezone.utc))
    public = root / "site/public"
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        html = page.read_text()
        inline, handlers, urls = scripts_and_handlers(html)
        assert handlers == [] and urls == [], page
        assert all("alert(" not in script for script in inline), page
    incident = (public / "incidents/2026-03-30-payment-outage/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in incident  # shown as text
    assert "[click](javascript:alert(4))" in incident  # not made into a link
    for path in public.rglob("*"):
        if path.suffix in (".atom", ".rss", ".svg"):
            root_element = etree.parse(str(path)).getroot()  # well-formed XML
            assert root_element is not None
            assert "<script" not in etree.tostring(root_element, encoding="unicode").replace("&lt;script", ""), path
        elif path.suffix == ".json":
            json.loads(path.read_text())
    summary = json.loads((public / "api/v2/summary.json").read_text())
    assert summary["incidents"][0]["name"] == XSS_TITLE  # JSON carries the text as it is; consumers escape it


def test_raw_html_policy_on_every_public_output(tmp_path: Path) -> None:
    """Raw HTML in public Markdown is escaped (shown as text), never passed through or dropped silently."""
    root = hostile_site(tmp_path / "repo")
    build(root, root / "site", dt.datetime(2026, 3, 30, 14, 40, tzinfo=dt.timezone.utc))
    public = root / "site/public"
    feed = (public / "history.atom").read_text()
    assert "&amp;lt;b onmouseover=alert(6)&amp;gt;bold" in feed  # text, escaped twice: in HTML, then in XML
    badge = etree.parse(str(public / "badges/payments.svg")).getroot()
    assert badge.get("aria-label") == "Pay<script>alert(8)</script>: Major Outage"
    assert badge.find("{http://www.w3.org/2000/svg}script") is None


PRINTABLE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
                    min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(title=PRINTABLE, message=PRINTABLE, name=PRINTABLE)
def test_random_text_through_every_output(tmp_path_factory: pytest.TempPathFactory, title: str, message: str,
                                          name: str) -> None:
    root = make_site(tmp_path_factory.mktemp("prop") / "repo")
    write(root, INC, INCIDENT.replace("title: Payment processing failing", f"title: {quoted(title)}")
          .replace("message: Rolled back payment-service to v2.3.1.", f"message: {quoted(message)}"))
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", f"name: {quoted(name)}"))
    content, diagnostics = load_content(root, NOW.date())
    assert content is not None, diagnostics
    snap = build_snapshot(content, load_settings(root), NOW)
    pages = public_pages(snap)
    for rel, page in pages.items():
        body = page.body
        document = html5lib.parse(body, namespaceHTMLElements=False)
        assert document.find(".//script") is None, rel
        inline, handlers, urls = scripts_and_handlers(body)
        assert (inline, handlers, urls) == ([], [], []), rel
    incident_html = html5lib.parse(pages[f"incidents/{INC.split('/')[-1][:-3]}.md"].body,
                                   namespaceHTMLElements=False)
    assert " ".join(title.split()) in " ".join("".join(incident_html.itertext()).split())
    rss, atom = feeds(snap, snap.incidents, "history", "t")
    for data in (rss, atom):
        tree = etree.fromstring(data)
        assert " ".join(title.split()) in " ".join(" ".join(tree.itertext()).split())
    for document in api.documents(snap).values():
        parsed = json.loads(api.dump(document))
        assert parsed is not None
    summary = json.loads(api.dump(api.documents(snap)["v2/incidents.json"]))
    assert summary["incidents"][0]["name"] == title.strip()
    stored = next(s.component.name for s in snap.components if s.component.id == "payments")
    assert stored == name.strip()
    svg = etree.fromstring(component_badge(stored, ComponentState.MAJOR_OUTAGE).encode())
    assert svg.get("aria-label") == f"{stored}: Major Outage"


# --- YAML that explodes, and files that are not what they seem ------------------------------------------------

BILLION_LAUGHS = """---
title: lol
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


@pytest.mark.parametrize(("data", "code"), [
    (BILLION_LAUGHS.encode(), "yaml-too-large"),
    (("---\ntitle: x\nk: " + "[" * 40 + "]" * 40 + "\n---\n").encode(), "yaml-too-deep"),
    (("---\ntitle: x\nk: " + "[" * 5000 + "]" * 5000 + "\n---\n").encode(), "yaml-syntax"),
    (b"---\ntitle: " + b"x" * (1024 * 1024) + b"\n---\n", "file-too-large"),
    (b"---\ntitle: " + b"x" * 30_000 + b"\n---\n", "line-too-long"),
    (b"---\ntitle: x\x00\n---\n", "nul-byte"),
    ("---\ntitle: x\n---\nBody \ufffe here\n".encode(), "control-character"),
    (b"---\ntitle: x\n---\nBell \x07 here\n", "control-character"),
], ids=["billion-laughs", "deep-nesting", "deeper-than-libyaml", "1-mb-line", "long-line", "nul", "noncharacter",
        "control"])
def test_exploding_files_are_rejected_quickly(site: Path, data: bytes, code: str) -> None:
    (site / "content/incidents/2026-05-01-bomb.md").write_bytes(data)
    started = time.process_time()
    _, diagnostics = load_content(site, NOW.date())
    elapsed = time.process_time() - started
    found = [d for d in diagnostics if d.file.endswith("bomb.md")]
    assert [d.code for d in found] == [code], found
    assert elapsed < 30  # generous: a bomb that expanded would take minutes or exhaust memory


def test_a_50_mb_file_is_not_read(site: Path) -> None:
    path = site / "content/incidents/2026-05-01-huge.md"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    _, diagnostics = load_content(site, NOW.date())
    [found] = [d for d in diagnostics if d.file.endswith("huge.md")]
    assert found.code == "file-too-large" and "52428800 bytes" in found.message


def test_symlink_out_of_content_and_odd_names(site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(INCIDENT)
    (site / "content/incidents/2026-05-02-link.md").symlink_to(secret)
    (site / "content/runbooks/..hidden.md").write_text("x")
    (site / "content/runbooks/Upper.md").write_text("x")
    (site / "content/postmortems/a..b.md").write_text("x")
    found = {(d.file, d.code) for d in load_content(site, NOW.date())[1]}
    assert ("content/incidents/2026-05-02-link.md", "symlink") in found
    assert ("content/runbooks/..hidden.md", "invalid-id") in found
    assert ("content/runbooks/Upper.md", "invalid-id") in found
    assert ("content/postmortems/a..b.md", "invalid-id") in found


def test_symlinked_content_folder_is_refused(site: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (site / "content/runbooks").rename(elsewhere)
    os.symlink(elsewhere, site / "content/runbooks")
    found = {(d.file, d.code) for d in load_content(site, NOW.date())[1]}
    assert ("content/runbooks", "symlink") in found


# --- Times -------------------------------------------------------------------------------------------------------

def test_offsets_are_shown_in_utc(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace("started: 2026-03-30T14:15:00Z", "started: 2026-03-30T19:45:00+05:30")
          .replace("detected: 2026-03-30T14:32:00Z", "detected: 2026-03-30T10:32:00-04:00"))
    build(root, root / "site", NOW)
    page = (root / "site/public/incidents/2026-03-30-payment-outage/index.html").read_text()
    assert "Mar 30, 2026 14:15 UTC" in page and 'datetime="2026-03-30T14:15:00Z"' in page


def test_dst_and_year_end(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    # Spans the night the US moves its clocks, and the turn of the year in two files.
    write(root, "content/incidents/2026-03-08-dst.md", """\
---
title: Across a DST change
severity: SEV4
components: {api: degraded_performance}
started: 2026-03-08T01:30:00-05:00
updates:
  - at: 2026-03-08T01:45:00-05:00
    status: investigating
    message: Slow.
  - at: 2026-03-08T03:15:00-04:00
    status: resolved
    message: Fast.
---
""")
    write(root, "content/incidents/2025-12-31-new-year.md", """\
---
title: Over new year
severity: SEV3
components: {api: partial_outage}
started: 2025-12-31T23:30:00Z
updates:
  - at: 2025-12-31T23:40:00Z
    status: investigating
    message: Errors.
  - at: 2026-01-01T00:30:00Z
    status: resolved
    message: Fixed.
---
""")
    build(root, root / "site", dt.datetime(2026, 3, 9, tzinfo=dt.timezone.utc))
    dst = (root / "site/public/incidents/2026-03-08-dst/index.html").read_text()
    assert "Mar 8, 2026 06:30 UTC" in dst and "45 min" in dst  # 01:30 EST -> 03:15 EDT is 45 minutes
    uptime = json.loads((root / "site/public/api/uptime.json").read_text())
    days = {d["date"]: d for c in uptime["components"] if c["id"] == "api" for d in c["days"]}
    assert days["2025-12-31"]["partial_outage_seconds"] == 1800 and days["2026-01-01"]["partial_outage_seconds"] == 1800
    history = (root / "site/public/history/index.html").read_text()
    assert history.index("March 2026") < history.index("December 2025")


def test_incident_across_the_window_edge(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, "content/incidents/2026-03-30-late.md", """\
---
title: Late-night card declines
severity: SEV3
components: {payments: partial_outage}
started: 2026-03-30T23:30:00Z
updates:
  - at: 2026-03-30T23:40:00Z
    status: investigating
    message: Some cards are declined.
  - at: 2026-03-31T00:02:00Z
    status: resolved
    message: Fixed.
---
""")
    # The window is the 90 UTC days ending with today: Mar 31 00:00 (Jun 28 minus 89 days) to Jun 28 15:00,
    # 89 days and 15 h = 7,743,600 s.
    now = dt.datetime(2026, 6, 28, 15, tzinfo=dt.timezone.utc)
    build(root, root / "site", now)
    public = root / "site/public"
    uptime = json.loads((public / "api/uptime.json").read_text())
    payments = next(c for c in uptime["components"] if c["id"] == "payments")
    assert (payments["window_start"], payments["window_end"]) == ("2026-03-31T00:00:00.000Z", "2026-06-28T15:00:00.000Z")
    # The 14:15-15:02 outage of Mar 30 is wholly before the window; of the 23:30-00:02 one, only 00:00-00:02 is
    # inside: 120 s of partial outage, 0.3 x 120 = 36 s of downtime, on the first day and in the figure alike.
    first = payments["days"][0]
    assert first["date"] == "2026-03-31" and first["partial_outage_seconds"] == 120
    assert first["incidents"] == ["2026-03-30-late"]
    assert payments["downtime_seconds"] == sum(d["downtime_seconds"] for d in payments["days"]) == 36
    assert len(payments["days"]) == 90 and "2026-03-30" not in {d["date"] for d in payments["days"]}
    # 1 - 36/7743600 = 0.9999954 rounds to 100.00, but there was downtime: never 100.00%.
    assert round((1 - 36 / (89 * 86400 + 15 * 3600)) * 100, 2) == 100.0
    assert payments["uptime_percent"] == 99.99
    home = (public / "index.html").read_text()
    assert ('<strong class="sg-bar__date">Mar 31, 2026</strong> 2 min partial outage<ul class="sg-bar__incidents">'
            '<li><a href="incidents/2026-03-30-late/">Late-night card declines</a></li></ul>') in home
    assert "Mar 30, 2026" not in home


def test_now_before_everything_and_content_from_the_future(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    build(root, root / "site", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    public = root / "site/public"
    summary = json.loads((public / "api/v2/summary.json").read_text())
    assert summary["status"]["indicator"] == "none" and summary["incidents"] == []
    assert not (public / "incidents/2026-03-30-payment-outage").exists()
    assert "Payment processing failing" not in (public / "history.rss").read_text()
    # Announced before the incident happens? Scheduled maintenance announced in advance shows as upcoming.
    build(root, root / "site", dt.datetime(2026, 3, 29, tzinfo=dt.timezone.utc))
    upcoming = json.loads((public / "api/v2/scheduled-maintenances/upcoming.json").read_text())
    assert [m["id"] for m in upcoming["scheduled_maintenances"]] == ["2026-04-02-database-upgrade"]


# --- Content values: every text field, times, ids, drafts ---------------------------------------------------------

#: Where each text field of content lives: (file, the line as the fixture writes it, that line with {} for a value).
TEXT_FIELDS = {
    "title": (INC, "title: Payment processing failing", "title: {}"),
    "message": (INC, "message: Payment processing is failing for all users.", "message: {}"),
    "commander": (INC, "commander: alice", "commander: {}"),
    "component-name": ("content/components.yml", "name: Payments", "name: {}"),
    "group-name": ("content/components.yml", "name: Core Platform", "name: {}"),
    "postmortem-title": ("content/postmortems/2026-03-30-payment-outage.md", "title: Payment Processing Outage",
                         "title: {}"),
    "runbook-owner": ("content/runbooks/high-database-cpu.md", "owner: dba-team", "owner: {}"),
    "maintenance-message": ("content/incidents/2026-04-02-database-upgrade.md",
                            "message: We will upgrade the database.", "message: {}"),
}
#: Every character class that once went live or crashed a build, decoded from YAML escapes.
UNPRINTABLE = {"ESC": "\x1b[31mred\x1b[0m", "BEL": "\x07", "NUL": "\x00", "DEL": "\x7f", "C1": "\x9b", "NEL": "\x85",
               "LS": "\u2028", "PS": "\u2029", "BOM": "\ufeff", "FFFE": "\ufffe", "surrogate": "\ud800"}
LIVE = '<img src=x onerror=alert(1)> [x](javascript:alert(2))'


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("char", sorted(UNPRINTABLE))
def test_unprintable_characters_are_refused_in_every_text_field(site: Path, field: str, char: str) -> None:
    """Decoded values are checked, not raw text: "\\e" in quotes is refused at the field's line, by name."""
    rel, line, pattern = TEXT_FIELDS[field]
    path = site / rel
    text = path.read_text()
    value = f"Pay {UNPRINTABLE[char]} {LIVE}"
    path.write_text(text.replace(line, pattern.format(quoted(value)), 1))
    expected_line = text.splitlines().index(next(x for x in text.splitlines() if x.strip().startswith(line))) + 1
    content, diagnostics = load_content(site, NOW.date())
    assert content is None
    [found] = [d for d in diagnostics if d.severity == "error"]
    if char == "surrogate":  # libyaml refuses the escape itself
        assert (found.file, found.line, found.code) == (rel, expected_line, "yaml-syntax"), found
    else:
        assert (found.file, found.line, found.code) == (rel, expected_line, "unprintable"), found
        assert f"U+{ord(UNPRINTABLE[char][0]):04X}" in found.message
    assert found.format_text().isprintable()


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\u2028", "\u2029", "\x9b", "\ufeff"])
def test_unprintable_characters_written_raw_are_refused_at_their_position(site: Path, char: str) -> None:
    write(site, INC, INCIDENT.replace("Public description.", f"Public {char}description."))
    content, diagnostics = load_content(site, NOW.date())
    assert content is None
    assert [(d.line, d.column, d.code) for d in diagnostics] == [(22, 8, "control-character")]


def test_line_breaks_are_refused_in_one_line_fields(site: Path) -> None:
    write(site, INC, INCIDENT.replace("title: Payment processing failing", 'title: "Payments\\nX-Injected: yes"'))
    _, diagnostics = load_content(site, NOW.date())
    assert [(d.line, d.code) for d in diagnostics] == [(2, "unprintable")]
    assert "U+000A" in diagnostics[0].message


@pytest.mark.parametrize(("field", "line", "value"), [
    ("started", "started: 2026-03-30T14:15:00Z", "20260330"),
    ("at", "  - at: 2026-03-30T14:35:00Z", "1774881300"),
    ("at", "  - at: 2026-03-30T14:35:00Z", "1.5e9"),
    ("at", "  - at: 2026-03-30T14:35:00Z", "true"),
    ("started", "started: 2026-03-30T14:15:00Z", "0001-01-01T00:00:00+01:00"),
    ("started", "started: 2026-03-30T14:15:00Z", "9999-12-31T23:59:59-01:00"),
    ("started", "started: 2026-03-30T14:15:00Z", "1969-12-31T23:59:59Z"),
])
def test_values_that_are_not_times_are_refused_at_their_position(site: Path, field: str, line: str,
                                                                 value: str) -> None:
    prefix = line.split(":")[0]
    write(site, INC, INCIDENT.replace(line, f"{prefix}: {value}", 1))
    expected = INCIDENT.splitlines().index(line) + 1
    content, diagnostics = load_content(site, NOW.date())
    assert content is None
    errors = [d for d in diagnostics if d.severity == "error"]
    assert (errors[0].line, errors[0].code) in {(expected, "invalid-timestamp"), (expected, "time-out-of-range")}, errors


@pytest.mark.parametrize(("rel", "line", "value"), [
    ("content/postmortems/2026-03-30-payment-outage.md", "date: 2026-03-31", "20260331"),
    ("content/runbooks/high-database-cpu.md", "last_reviewed: 2026-10-01", "0001-01-01"),
])
def test_values_that_are_not_dates_are_refused(site: Path, rel: str, line: str, value: str) -> None:
    path = site / rel
    text = path.read_text()
    path.write_text(text.replace(line, line.split(":")[0] + ": " + value))
    _, diagnostics = load_content(site, NOW.date())
    assert [(d.line, d.code) for d in diagnostics if d.severity == "error"] == [
        (text.splitlines().index(line) + 1, "invalid-date" if value.isdigit() else "time-out-of-range")]


def test_times_are_held_in_utc_from_the_model_on() -> None:
    from generator.content.models import IncidentMeta
    meta = IncidentMeta.model_validate({
        "title": "t", "severity": "SEV3", "components": {"api": "partial_outage"},
        "started": "2026-03-31T23:30:00-05:00",
        "updates": [{"at": "2026-03-31T23:45:00-05:00", "status": "investigating", "message": "m"}]})
    assert meta.started == dt.datetime(2026, 4, 1, 4, 30, tzinfo=dt.timezone.utc)
    assert meta.started.tzinfo is dt.timezone.utc and meta.updates[0].at.tzinfo is dt.timezone.utc


@pytest.mark.parametrize("name", ["2026-05-01-x.md\n", "2026-05-01-x\n.md", "index.md", "status.md"])
def test_ids_are_matched_whole_and_generated_names_are_reserved(site: Path, name: str) -> None:
    (site / "content/incidents" / name).write_text(INCIDENT)
    content, diagnostics = load_content(site, NOW.date())
    assert content is None
    [found] = diagnostics
    assert found.code in ("invalid-id", "reserved-id", "unexpected-file") and found.format_text().isprintable(), found


@pytest.mark.parametrize(("folder", "length"), [("incidents", 101), ("incidents", 252), ("runbooks", 101),
                                               ("postmortems", 101), ("incidents", 100)])
def test_an_id_too_long_for_a_file_name_is_refused_by_validate_as_by_build(tmp_path: Path, folder: str,
                                                                         length: int) -> None:
    """Ids name generated files (``<id>.ics``): one a file system cannot hold must not pass validate and
    then stop the build with a traceback."""
    from generator.content.models import MAX_ID_LENGTH

    root = make_site(tmp_path / "repo")
    source = next((root / "content" / folder).glob("*.md"))
    text = MAINTENANCE if folder == "incidents" else source.read_text()  # maintenance: a calendar file too
    id_ = "2026-12-12-" + "a" * (length - 11)
    (source.parent / f"{id_}.md").write_text(text)
    checked = _cli(root, "validate")
    built = _cli(root, "build", "-q", "--now", "2026-11-26T12:00:00Z")
    if length <= MAX_ID_LENGTH:
        assert checked.exit_code == 0 and built.exit_code == 0, (checked.output, built.output)
        return
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert checked.output.startswith(f"content/{folder}/{id_}.md:1:1: error: file name"), checked.output
    assert f"{length} characters long; the limit is {MAX_ID_LENGTH}" in checked.output
    _one_error_line(built, f"content/{folder}/{id_}.md:1:1: error: ")


def test_a_component_id_too_long_is_refused(site: Path) -> None:
    path = site / "content/components.yml"
    path.write_text(path.read_text().replace("id: dashboard", f"id: {'d' * 101}"))
    _, diagnostics = load_content(site, NOW.date())
    assert [(d.line, d.code) for d in diagnostics] == [(11, "invalid-id")]
    assert "at most 100" in diagnostics[0].message


@pytest.mark.parametrize("component", ["index", "status"])
def test_component_ids_that_name_generated_files_are_refused(site: Path, component: str) -> None:
    path = site / "content/components.yml"
    path.write_text(path.read_text().replace("id: dashboard", f"id: {component}"))
    _, diagnostics = load_content(site, NOW.date())
    assert [(d.line, d.code) for d in diagnostics] == [(11, "reserved-id")]


def test_a_half_written_draft_postmortem_never_stops_publishing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, "content/postmortems/2026-03-30-payment-outage.md", """\
        ---
        title: Payment Processing Outage
        incident: 2026-03-30-payment-outage
        date: 2026-03-31
        authors: [alice]
        status: draft
        ---
        ## Summary

        ## Timeline
        | Time (UTC) | Event |
        |---|---|
        """)
    content, diagnostics = load_content(root, NOW.date())
    assert content is not None
    codes = {(d.code, d.severity) for d in diagnostics}
    assert ("empty-section", "warning") in codes and ("missing-section", "warning") in codes
    assert ("empty-table", "warning") in codes
    result = build(root, root / "site", NOW)
    assert (root / "site/public/index.html").is_file() and result.warnings
    # From review on, the same gaps are errors.
    path = root / "content/postmortems/2026-03-30-payment-outage.md"
    path.write_text(path.read_text().replace("status: draft", "status: in_review"))
    content, diagnostics = load_content(root, NOW.date())
    assert content is None and {d.severity for d in diagnostics if d.code == "missing-section"} == {"error"}


ANY_TEXT = st.text(st.characters(), min_size=1, max_size=30)  # the whole of Unicode: controls, surrogates, separators
CANARY = "CANARY-INTERNAL-NOTE-3e8d"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(field=st.sampled_from(sorted(TEXT_FIELDS)), value=ANY_TEXT, raw=st.booleans())
def test_any_text_in_any_field_validates_and_builds_or_is_refused_at_a_position(
        tmp_path_factory: pytest.TempPathFactory, field: str, value: str, raw: bool) -> None:
    root = make_site(tmp_path_factory.mktemp("any") / "repo")
    write(root, INC, INCIDENT.replace("  commander: alice", f"  commander: alice\n  notes: {CANARY}"))
    rel, line, pattern = TEXT_FIELDS[field]
    path = root / rel
    text = path.read_text()
    if raw:  # written into the file as it is (a body of Markdown), encoded as far as UTF-8 allows
        data = text.replace("Public description.", value).encode("utf-8", "surrogatepass")
        path.write_bytes(data)
    else:
        path.write_text(text.replace(line, pattern.format(quoted(value)), 1))
    content, diagnostics = load_content(root, NOW.date())
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1 and diagnostic.format_text().isprintable()
    if content is None:
        assert any(d.severity == "error" and d.file == rel for d in diagnostics), diagnostics
        return
    build(root, root / "site", NOW)
    public = root / "site/public"
    for page in public.rglob("*"):
        if not page.is_file():
            continue
        data = page.read_bytes()
        assert CANARY.encode() not in data, page
        if page.suffix == ".html":
            inline, handlers, urls = scripts_and_handlers(data.decode())
            assert handlers == [] and urls == [] and all("alert(" not in s for s in inline), page
        elif page.suffix in (".atom", ".rss", ".svg", ".xml"):
            etree.fromstring(data)


# --- authoring commands ---
# new, declare, update, resolve, maintenance: never run a template, never write what would not build,
# never lose an update to a concurrent one.
import fcntl  # noqa: E402

# --- output folder, build temp folders, serve ---
import hashlib  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner, Result  # noqa: E402

from generator.authoring import incident_files as editing  # noqa: E402
from generator.authoring.new import render_template  # noqa: E402
from generator.cli import cli  # noqa: E402

OPEN_INCIDENT = INCIDENT.replace("  - at: 2026-03-30T15:02:00Z\n    status: resolved\n"
                                 "    message: Rolled back payment-service to v2.3.1.\n", "")
INC_ID = "2026-03-30-payment-outage"
TEMPLATE_KINDS = ("incident", "maintenance", "postmortem", "runbook")


def cli_run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def incident_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content/incidents").iterdir())}


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ title.__class__ }}",
    "{{ title | attr('__class__') }}",
    "{{ title | upper }}",
    "{{ title",
])
def test_templates_are_data_not_code(tmp_path: Path, payload: str) -> None:
    root = make_site(tmp_path / "repo")
    marker = tmp_path / "marker"
    template = root / "content/templates/runbook.md"
    text = template.read_text().replace("\n## Escalation", f"\nSee {payload.replace('MARKER', str(marker))}\n"
                                                          "\n## Escalation")
    template.write_text(text)
    line = text[:text.index("See {")].count("\n") + 1
    result = cli_run(root, "new", "runbook", "Disk full", "--now", NOW.isoformat())
    assert not marker.exists()
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert re.match(rf"content/templates/runbook\.md:{line}:5: error: '\{{[{{%]", result.stderr), result.stderr
    assert all(re.fullmatch(rf"content/templates/runbook\.md:{line}:\d+: error: .+ is not a placeholder: .+", problem)
               for problem in result.stderr.splitlines()), result.stderr
    assert not (root / "content/runbooks/disk-full.md").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), st.sampled_from("{}#%-\n ")),
                    max_size=80).filter(lambda t: "{{" not in t and "{%" not in t and t.strip()
                                        and not t.startswith("\ufeff")))
@example("## Rollback Plan {#rollback}\n")
@example("Note {# to self #} and 100%}\n")
def test_template_text_without_placeholders_is_copied_as_is(tmp_path: Path, text: str) -> None:
    """Braces, '{#', '#}' and all other text outside placeholders reach the new file unchanged."""
    (tmp_path / "content/templates").mkdir(parents=True, exist_ok=True)
    (tmp_path / "content/templates/runbook.md").write_bytes(text.encode("utf-8"))
    assert render_template(tmp_path, "runbook", {"title": "x"}) == text


def comment_leftovers(text: str) -> list[str]:
    """Where HTML comments are broken: a comment opened inside one, one never closed, '-->' outside any."""
    problems, position = [], 0
    while True:
        start = text.find("<!--", position)
        if "-->" in text[position:start if start >= 0 else len(text)]:
            problems.append(f"'-->' outside a comment after offset {position}")
        if start < 0:
            return problems
        end = text.find("-->", start + 4)
        if end < 0:
            return problems + [f"comment at offset {start} is never closed"]
        if "<!--" in text[start + 4:end]:
            problems.append(f"comment opened inside the comment at offset {start}")
        position = end + 3


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_new_files_have_no_broken_comments(site: Path, kind: str) -> None:
    args = ("--incident", INC_ID) if kind == "postmortem" else ()
    if kind == "postmortem":
        (site / f"content/postmortems/{INC_ID}.md").unlink()
    result = cli_run(site, "new", kind, "Disk full", *args, "--now", NOW.isoformat())
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.strip()).read_text()
    assert comment_leftovers(text) == []
    assert comment_leftovers((site / f"content/templates/{kind}.md").read_text()) == []


CONTROL_CASES = [
    (("update", INC_ID, "--status", "monitoring", "--message", "\x1b[31mDOWN\x1b[0m"),
     "--message contains the control character U+001B (ESC) at position 1; terminal colour codes cannot be published"),
    (("update", INC_ID, "--status", "monitoring", "--message", "Fixed\x07 now"),
     "--message contains the control character U+0007 (BEL) at position 6"),
    (("resolve", INC_ID, "--message", "Done\x85"), "--message contains the control character U+0085 (NEL) at position 5"),
    (("declare", "Disk \x1b[1mfull", "--severity", "SEV3", "--component", "api=major_outage"),
     "TITLE contains the control character U+001B (ESC) at position 6"),
    (("declare", "Disk full", "--severity", "SEV3", "--component", "api=major_outage", "--message", "a\u2028b"),
     "--message contains the character U+2028 (LINE SEPARATOR) at position 2"),
    (("declare", "Disk full", "--severity", "SEV2", "--component", "api=major_outage", "--commander", "al\x7fice"),
     "--commander contains the control character U+007F (DEL) at position 3"),
    (("declare", "Disk full", "--severity", "SEV3", "--component", "api=major_outage", "--channel", "#inc\nident"),
     "--channel contains a line break (U+000A) at position 5"),
    (("maintenance", "Disk\ufeff swap", "--component", "api", "--from", "+1h", "--until", "+2h"),
     "TITLE contains the character U+FEFF (ZERO WIDTH NO-BREAK SPACE) at position 5"),
    (("maintenance", "Disk swap", "--component", "api", "--from", "+1h", "--until", "+2h", "--message", "x\uffff"),
     "--message contains the character U+FFFF (a noncharacter) at position 2"),
    (("new", "incident", "Disk\x1b full"), "TITLE contains the control character U+001B (ESC) at position 5"),
]


@pytest.mark.parametrize(("args", "message"), CONTROL_CASES)
def test_commands_refuse_control_characters(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, OPEN_INCIDENT)
    before = incident_files(root)
    now = "2026-03-30T15:20:00Z"
    result = cli_run(root, *args, "--now", now)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"statusgen: error: {message}") and result.stderr.count("\n") == 1, result.stderr
    assert incident_files(root) == before


ANY_CHARACTER = st.one_of(
    st.characters(),
    st.characters(whitelist_categories=("Cc", "Cf", "Zl", "Zp", "Cs", "Cn", "Co", "Zs")),
    st.sampled_from(["\x1b", "\x00", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\t", "\n"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.text(ANY_CHARACTER, min_size=1, max_size=30))
def test_update_message_either_builds_or_is_refused(tmp_path_factory: pytest.TempPathFactory, message: str) -> None:
    root = make_site(tmp_path_factory.mktemp("upd") / "repo")
    write(root, INC, OPEN_INCIDENT)
    before = incident_files(root)
    now = dt.datetime(2026, 3, 30, 15, 20, tzinfo=dt.timezone.utc)
    result = cli_run(root, "update", INC_ID, "--status", "monitoring", "--message", message,
                     "--at", "2026-03-30T15:10:00Z", "--now", now.isoformat())
    if result.exit_code != 0:
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert re.fullmatch(r"statusgen: error: --message [^\n]+\n", result.stderr), result.stderr
        assert incident_files(root) == before
        return
    content, diagnostics = load_content(root, now.date())
    assert content is not None, diagnostics
    incident = next(i for i in content.incidents if i.id == INC_ID)
    assert incident.updates[-1].message == message.strip()
    snap = build_snapshot(content, load_settings(root), now)
    for data in feeds(snap, snap.incidents, "history", "t"):
        etree.fromstring(data)
    for document in api.documents(snap).values():
        json.loads(api.dump(document))


# Each child imports statusgen, says it is ready, waits for the word, then runs the real CLI.
_CHILD = ("import sys\nfrom generator.cli import main\nprint('ready', flush=True)\nsys.stdin.readline()\n"
          "sys.argv = ['statusgen', *sys.argv[1:]]\nmain()\n")


def test_concurrent_updates_are_never_lost(site: Path) -> None:
    write(site, INC, OPEN_INCIDENT)
    children = [subprocess.Popen(
        [sys.executable, "-c", _CHILD, "--root", str(site), "update", INC_ID, "--status", "monitoring",
         "--message", f"Update number {k}.", "--at", f"2026-03-30T15:{10 + k:02d}:00Z",
         "--now", "2026-03-30T15:30:00Z"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(8)]
    outcomes = []
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        for child in children:  # all start together
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for k, child in enumerate(children):
            _, err = child.communicate(timeout=120)
            outcomes.append((k, child.returncode, err))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.communicate()
    text = (site / INC).read_text()
    succeeded = [k for k, code, _ in outcomes if code == 0]
    assert succeeded
    for k, code, err in outcomes:
        if code == 0:
            assert f"Update number {k}." in text, k
        else:  # the only acceptable refusal: a later update got there first
            assert code == 1 and err.count("\n") == 1 and "is not after the last update" in err, err
    content, diagnostics = load_content(site, NOW.date())
    assert content is not None, diagnostics
    incident = next(i for i in content.incidents if i.id == INC_ID)
    assert [u.message for u in incident.updates[2:]] == [f"Update number {k}." for k in succeeded]
    assert sorted(p.name for p in (site / "content/incidents").iterdir()) == sorted(
        [f"{INC_ID}.md", "2026-04-02-database-upgrade.md"])


def test_update_waits_for_the_lock_then_gives_up_clearly(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(site, INC, OPEN_INCIDENT)
    before = incident_files(site)
    monkeypatch.setattr(editing, "LOCK_WAIT", 0.3)
    with open(site / INC, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = cli_run(site, "update", INC_ID, "--status", "monitoring", "--message", "Better.",
                         "--at", "2026-03-30T15:10:00Z", "--now", "2026-03-30T15:20:00Z")
    assert result.exit_code == 1, result.output
    assert result.stderr == (f"statusgen: error: {INC} is being changed by another statusgen command; "
                             "run this one again when it has finished\n")
    assert incident_files(site) == before
    again = cli_run(site, "update", INC_ID, "--status", "monitoring", "--message", "Better.",
                    "--at", "2026-03-30T15:10:00Z", "--now", "2026-03-30T15:20:00Z")
    assert again.exit_code == 0, again.output


# --- settings, clock and diagnostic formats -------------------------------------------------------------------------

def _github_unescape(text: str) -> str:
    """The inverse of GitHub's workflow-command escaping, as the runner applies it."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


@settings(max_examples=300, deadline=None)
@given(file=st.text(), message=st.text(), code=st.text(), line=st.integers(1, 10**6),
       severity=st.sampled_from(["error", "warning"]))
def test_github_annotation_cannot_be_injected(file: str, message: str, code: str, line: int, severity: str) -> None:
    from generator.errors import Diagnostic, visible

    output = Diagnostic(file, line, 3, severity, code, message).format_github()  # type: ignore[arg-type]
    assert "\n" not in output and "\r" not in output
    assert output.startswith(f"::{severity} ")
    properties, _, data = output.removeprefix(f"::{severity} ").partition("::")
    values = dict(item.split("=", 1) for item in properties.split(","))
    assert {key: _github_unescape(value) for key, value in values.items()} == {
        "file": visible(file), "line": str(line), "col": "3", "title": f"statusgen {code}"}
    assert _github_unescape(data) == visible(message)  # control characters are shown as escapes, never as such


def _cli(root: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from generator.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env)


def _one_error_line(result, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """A user error: exactly one line starting with ``prefix``, a non-zero exit, no traceback."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), result.output


_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def clock_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("clock") / "repo")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(epoch=st.one_of(st.integers(), st.integers(-10**40, 10**40), st.integers(-10**5, 10**12)))
def test_source_date_epoch_out_of_range_is_one_line(clock_site: Path, epoch: int) -> None:
    result = _cli(clock_site, "validate", env={"SOURCE_DATE_EPOCH": str(epoch)})
    if _EARLIEST.timestamp() <= epoch <= _LATEST.timestamp():
        assert result.exit_code == 0, result.output
    else:
        _one_error_line(result, "statusgen: error: SOURCE_DATE_EPOCH")
        assert result.exit_code == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sign=st.sampled_from("+-"), amount=st.one_of(st.integers(0, 10**30), st.integers(0, 10**7)),
       unit=st.sampled_from("smhd"))
def test_relative_now_out_of_range_is_one_line(clock_site: Path, sign: str, amount: int, unit: str) -> None:
    seconds = amount * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit] * (1 if sign == "+" else -1)
    target = time.time() + seconds
    result = _cli(clock_site, "validate", "--now", f"{sign}{amount}{unit}")
    if min(abs(target - _EARLIEST.timestamp()), abs(target - _LATEST.timestamp())) < 86400:
        return  # too near a bound to say which side the clock puts it
    if _EARLIEST.timestamp() <= target <= _LATEST.timestamp():
        assert result.exit_code == 0, result.output
    else:
        _one_error_line(result, "statusgen: error: --now")
        assert result.exit_code == 2


@pytest.mark.parametrize("value", ["", " ", "\t"])
def test_an_empty_now_is_refused_not_taken_for_the_clock(clock_site: Path, value: str) -> None:
    for command in ("validate", "build"):
        result = _cli(clock_site, command, "--now", value)
        _one_error_line(result, "statusgen: error: --now")
        assert result.exit_code == 2


EDGE_TIMES = ["0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00",
              "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2100-01-01T00:00:01Z", "2106-02-07T06:28:16Z", "+99999999999d",
              "-99999999999d", "-999999999999999999999s", "+40000d"]


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_times_out_of_range_are_refused_naming_the_option(clock_site: Path, tmp_path: Path, value: str) -> None:
    inc = clock_site / INC
    before = inc.read_bytes()
    _one_error_line(_cli(clock_site, "validate", "--now", value), "statusgen: error: --now")
    _one_error_line(_cli(clock_site, "build", "-q", "--out", str(tmp_path / "out"), "--now", value),
                    "statusgen: error: --now")
    assert not (tmp_path / "out").exists()
    _one_error_line(_cli(clock_site, "update", "2026-03-30-payment-outage", "--status", "monitoring",
                         "--message", "m", "--now", "2026-11-26T12:00:00Z", "--at", value), "statusgen: error: --at")
    _one_error_line(_cli(clock_site, "update", "2026-03-30-payment-outage", "--status", "monitoring",
                         "--message", "m", "--now", value), "statusgen: error: --now")
    assert inc.read_bytes() == before


@pytest.mark.parametrize("now", ["1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z"])
def test_build_at_the_ends_of_the_time_range(tmp_path: Path, now: str) -> None:
    root = make_site(tmp_path / "repo")
    result = _cli(root, "build", "-q", "--now", now)
    assert result.exit_code == 0, result.output
    assert (root / "site/public/history.atom").is_file() and (root / "site/public/maintenance.ics").is_file()


SETTINGS_OK = """\
site_name: Acme Status
site_url: https://status.example.com/
theme:
  name: material
extra:
  statusgen:
    uptime: {days: 90, major_weight: 1.0, partial_weight: 0.3}
    history_page_size: 30
    internal: {site_name: Acme Internal, site_url: "https://internal.example.com/"}
"""

#: (mkdocs.yml, the line and column reported). Each is one class of broken setting.
BAD_SETTINGS = {
    "yaml syntax": ("site_name: Acme\nsite_url: [https://x.example/\n", 3, 1),
    "no site_url": ("site_name: Acme Status\n", 1, 1),
    "empty site_url": ("site_name: Acme\nsite_url:\n", 2, 1),
    "relative site_url": ("site_name: Acme\nsite_url: status.example.com\n", 2, 1),
    "ftp site_url": ("site_name: Acme\nsite_url: ftp://status.example.com/\n", 2, 1),
    "site_url with a space": ("site_name: Acme\nsite_url: https://status.example.com/a b\n", 2, 1),
    "site_url a list": ("site_name: Acme\nsite_url: [1]\n", 2, 1),
    "site_name a list": ("site_name: [1]\nsite_url: https://x.example/\n", 1, 1),
    "site_name empty": ("site_name: ''\nsite_url: https://x.example/\n", 1, 1),
    "site_name escape": ('site_name: "Acme \\e[31m"\nsite_url: https://x.example/\n', 1, 1),
    "site_name newline": ('site_name: "Acme\\nStatus"\nsite_url: https://x.example/\n', 1, 1),
    "site_description bell": ('site_url: https://x.example/\nsite_description: "\\a"\n', 2, 1),
    "site_name python tag": ("site_url: https://x.example/\nsite_name: !!python/name:os.system\n", 2, 1),
    "not a mapping": ("- site_url\n", 1, 1),
    "extra a list": ("site_url: https://x.example/\nextra: [1]\n", 2, 1),
    "statusgen text": ("site_url: https://x.example/\nextra:\n  statusgen: hello\n", 3, 3),
    "internal text": ("site_url: https://x.example/\nextra: {statusgen: {internal: hello}}\n", 2, 21),
    "typo uptme": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptme: {days: 30}\n", 4, 5),
    "days huge": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime:\n      days: 999999\n", 5, 7),
    "days zero": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime: {days: 0}\n", 4, 14),
    "days text": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime: {days: '90'}\n", 4, 14),
    "days true": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime: {days: true}\n", 4, 14),
    "partial lots": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime:\n"
                     "      partial_weight: lots\n", 5, 7),
    "major above 1": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime: {major_weight: 2}\n", 4, 14),
    "partial nan": ("site_url: https://x.example/\nextra:\n  statusgen:\n    uptime: {partial_weight: .nan}\n",
                    4, 14),
    "page size 0": ("site_url: https://x.example/\nextra:\n  statusgen:\n    history_page_size: 0\n", 4, 5),
    "internal url relative": ("site_url: https://x.example/\nextra:\n  statusgen:\n    internal:\n"
                              "      site_url: internal\n", 5, 7),
    "internal unknown key": ("site_url: https://x.example/\nextra:\n  statusgen:\n    internal:\n"
                             "      url: https://i.example/\n", 5, 7),
    "theme a list": ("site_url: https://x.example/\ntheme: [1]\n", 2, 1),
    "theme unknown": ("site_url: https://x.example/\ntheme: {name: nosuchtheme}\n", 2, 9),
    "theme custom_dir a number": ("site_url: https://x.example/\ntheme:\n  name: material\n  custom_dir: 5\n", 4, 3),
    "duplicate key": ("site_url: https://x.example/\nsite_name: A\nsite_url: https://y.example/\n", 3, 1),
    "inherit missing": ("INHERIT: base.yml\nsite_url: https://x.example/\n", 1, 1),
    "inherit a list": ("INHERIT: [1]\nsite_url: https://x.example/\n", 1, 1),
    "env tag on a mapping": ("site_url: !ENV {a: 1}\n", 1, 11),
}


@pytest.mark.parametrize("name", sorted(BAD_SETTINGS))
def test_bad_settings_fail_validate_and_build_at_their_position(tmp_path: Path, name: str) -> None:
    text, line, column = BAD_SETTINGS[name]
    root = make_site(tmp_path / "repo")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    checked = _cli(root, "validate")
    assert checked.exit_code == 1 and "Traceback" not in checked.output, checked.output
    assert checked.output.splitlines()[0].startswith(f"mkdocs.yml:{line}:{column}: error: "), checked.output
    for fmt in ("json", "github"):
        other = _cli(root, "validate", "--format", fmt)
        assert other.exit_code == 1 and "mkdocs.yml" in other.output
    built = _cli(root, "build", "-q", "--now", "2026-11-26T12:00:00Z")
    _one_error_line(built, f"mkdocs.yml:{line}:{column}: error: ")
    assert not (root / "site").exists()


def test_a_bad_address_is_quoted_in_its_error(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    (root / "mkdocs.yml").write_text("site_url: ftp://x.example/\n", encoding="utf-8")
    assert _cli(root, "validate").output.splitlines()[0] == (
        "mkdocs.yml:1:1: error: 'site_url': 'ftp://x.example/' must be an absolute http(s) URL, "
        "like https://status.example.com/")


def test_error_templates_hold_only_plain_placeholders() -> None:
    """pydantic fills '{name}' and nothing more: '{value!r}' would reach the author as it is written."""
    found = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        for match in re.finditer(r"PydanticCustomError\(\s*\"[^\"]*\",\s*\"((?:[^\"\\]|\\.)*)\"", path.read_text()):
            found += [(path.name, placeholder) for placeholder in re.findall(r"\{[^}]*\}", match.group(1))
                      if not re.fullmatch(r"\{[a-z_]+\}", placeholder)]
    assert not found


def test_a_settings_typo_suggests_the_key(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    (root / "mkdocs.yml").write_text(BAD_SETTINGS["typo uptme"][0], encoding="utf-8")
    assert "did you mean 'uptime'?" in _cli(root, "validate").output


def test_settings_are_normalised(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    (root / "mkdocs.yml").write_text(SETTINGS_OK.replace('"https://internal.example.com/"', "https://i.example/x")
                                     .replace("https://status.example.com/", "https://status.example.com/sub"))
    loaded = load_settings(root)
    assert (loaded.site_url, loaded.internal_url) == ("https://status.example.com/sub/", "https://i.example/x/")
    assert (loaded.uptime_days, loaded.weights.partial, loaded.history_page_size) == (90, 0.3, 30)
    assert loaded.internal_name == "Acme Internal" and loaded.site_name == "Acme Status"


def _mkdocs_reads(path: Path) -> dict:
    """What MkDocs itself reads from a config file (INHERIT and !ENV resolved)."""
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with path.open("rb") as file:
        return yaml_load(file, get_yaml_loader())


ENV_NAMES = ["STATUSGEN_T_A", "STATUSGEN_T_B"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(env=st.fixed_dictionaries({}, optional={name: st.sampled_from(["https://env.example/", "https://b.example/x",
                                                                        "", "5"]) for name in ENV_NAMES}),
       form=st.sampled_from(["!ENV STATUSGEN_T_A", "!ENV [STATUSGEN_T_A, 'https://default.example/']",
                             "!ENV [STATUSGEN_T_A, STATUSGEN_T_B, 'https://default.example/']",
                             "!ENV [STATUSGEN_T_A, STATUSGEN_T_B]"]))
def test_settings_env_tag_resolves_like_mkdocs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                      form: str) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(SETTINGS_OK.replace("site_url: https://status.example.com/", f"site_url: {form}")
                      + "markdown_extensions:\n  - pymdownx.emoji:\n"
                        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    expected = _mkdocs_reads(config)["site_url"]
    from generator.errors import ContentError

    try:
        loaded = load_settings(tmp_path)
    except ContentError as exc:
        assert not (isinstance(expected, str) and re.fullmatch(r"https://[a-z.]+/(x)?", expected)), exc
        assert exc.diagnostics[0].line == 2 and exc.diagnostics[0].file == "mkdocs.yml"
    else:
        assert loaded.site_url == expected.rstrip("/") + "/"


def test_settings_inherit_merges_like_mkdocs_and_reports_in_the_parent(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, "config/base.yml", """\
        site_name: Base Status
        site_url: https://base.example/
        theme: {name: material, language: en}
        extra:
          social: [{icon: x}]
          statusgen:
            uptime: {days: 30, partial_weight: 0.5}
            history_page_size: 10
        """)
    (root / "mkdocs.yml").write_text("INHERIT: config/base.yml\nsite_name: Child Status\n"
                                     "extra:\n  statusgen:\n    uptime: {partial_weight: 0.25}\n")
    loaded = load_settings(root)
    expected = _mkdocs_reads(root / "mkdocs.yml")
    assert loaded.raw == expected
    assert (loaded.site_name, loaded.site_url, loaded.uptime_days, loaded.weights.partial,
            loaded.history_page_size) == ("Child Status", "https://base.example/", 30, 0.25, 10)
    assert _cli(root, "build", "-q", "--now", "2026-11-26T12:00:00Z").exit_code == 0
    assert "Child Status" in (root / "site/public/index.html").read_text()
    write(root, "config/base.yml", "site_url: https://base.example/\nextra:\n  statusgen:\n    history_page_size: x\n")
    result = _cli(root, "validate")
    assert result.exit_code == 1 and result.output.startswith("config/base.yml:4:5: error: "), result.output
    write(root, "config/base.yml", "INHERIT: ../mkdocs.yml\n")
    result = _cli(root, "validate")
    assert result.exit_code == 1 and result.output.startswith("config/base.yml:1:1: error: "), result.output


SETTING_PATHS = [("site_name",), ("site_url",), ("site_description",), ("theme",), ("theme", "name"),
                 ("theme", "custom_dir"), ("extra",), ("extra", "statusgen"), ("extra", "statusgen", "uptime"),
                 ("extra", "statusgen", "uptime", "days"), ("extra", "statusgen", "uptime", "major_weight"),
                 ("extra", "statusgen", "uptime", "partial_weight"), ("extra", "statusgen", "history_page_size"),
                 ("extra", "statusgen", "internal"), ("extra", "statusgen", "internal", "site_name"),
                 ("extra", "statusgen", "internal", "site_url")]
_YAML_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
                            | st.sampled_from(["https://x.example/a", "material", "0.5", "", "  "]),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3),
                            max_leaves=6)


@pytest.fixture(scope="module")
def settings_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("settings") / "repo")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(SETTING_PATHS), value=_YAML_VALUES)
def test_random_setting_values_are_valid_or_located(settings_site: Path, tmp_path_factory: pytest.TempPathFactory,
                                                     path: tuple[str, ...], value: object) -> None:
    import yaml
    from mkdocs.config import load_config

    from generator.output.site import Site
    from generator.render.mkdocs_adapter import derive_config, prepare_theme

    config = yaml.safe_load(SETTINGS_OK)
    holder = config
    for key in path[:-1]:
        holder = holder.setdefault(key, {}) if isinstance(holder.get(key), dict) else holder.setdefault(key, {})
    holder[path[-1]] = value
    (settings_site / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = _cli(settings_site, "validate")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code != 0:
        errors = [line for line in result.output.splitlines() if ": error: " in line]
        assert errors and all(re.match(r"mkdocs\.yml:\d+:\d+: error: \S", line) for line in errors), result.output
        return
    # Accepted: the build reads the same settings and MkDocs accepts what it is handed.
    loaded = load_settings(settings_site)
    work = tmp_path_factory.mktemp("derived")
    (work / "docs").mkdir()
    site = Site(audience="public", name=loaded.site_name, url=loaded.site_url, pages={})
    theme = prepare_theme(work / "theme", settings_site, loaded.raw)
    derived = derive_config(site, settings_site, loaded.raw, work / "docs", work / "site", theme)
    (work / "mkdocs.yml").write_text(yaml.safe_dump(derived), encoding="utf-8")
    load_config(config_file=str(work / "mkdocs.yml"))


def test_settings_tags_statusgen_does_not_read_reach_mkdocs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    root = make_site(tmp_path / "repo")
    monkeypatch.setenv("STATUSGEN_T_URL", "https://env.example/status")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://status.acmepay.example/",
                                                 "site_url: !ENV [STATUSGEN_T_URL, 'https://default.example/']")
                      + "markdown_extensions:\n  - attr_list\n  - pymdownx.emoji:\n"
                        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")
    assert _cli(root, "validate").exit_code == 0
    result = _cli(root, "build", "-q", "--now", "2026-11-26T12:00:00Z")
    assert result.exit_code == 0, result.output
    assert "https://env.example/status/maintenance.ics" in (root / "site/public/subscribe/index.html").read_text()


# --- render: between the core and MkDocs (pages, hooks, markup) ---

from hypothesis import example  # noqa: E402

from generator.content import markdown as markup  # noqa: E402
from generator.errors import ContentError, StatusgenError  # noqa: E402
from generator.output.page import Page  # noqa: E402

COMMENT_PLACES = [
    "<!-- SECRET -->\n\nVisible text.",
    "Visible <!-- SECRET --> text.",
    "Visible text.\n\n<!--\nSECRET\n\nstill SECRET\n-->\n\nMore text.",
    "- item <!-- SECRET -->\n- <!--\n  SECRET -->item",
    "> quoted <!-- SECRET -->\n>\n> <!-- SECRET -->",
    "## Heading <!-- SECRET -->\n\nVisible text.",
    "| a | b |\n|---|---|\n| x <!-- SECRET --> | y |",
    "<!-- SECRET -->trailing text",
    "<div>\n<!-- SECRET -->\n</div>",
    "<!-- one SECRET --><!-- two SECRET -->\nVisible text.",
    "![alt <!-- SECRET --> text](x.png)",
    "[![a ![b <!-- SECRET --> c](y.png)](x.png)](https://example.com/)",
    "*emphasis ![alt <!-- SECRET -->](x.png)*",
    "Visible text.\n\n   <!-- note:\n\n   SECRET do not publish\n\n   -->\n",
    " <!-- SECRET -->\n\nVisible text.",
    "  <!--\nSECRET\n\nSECRET\n-->\nVisible text.",
    "- item\n\n   <!-- SECRET\n\n   SECRET -->\n",
    "   <!-- one -->\n   <!-- two\n\n   SECRET -->\nVisible text.",
]


@pytest.mark.parametrize("markdown", COMMENT_PLACES)
def test_html_comments_never_reach_public_markup(markdown: str) -> None:
    html, text = markup.to_html(markdown), markup.to_text(markdown)
    assert "SECRET" not in html and "SECRET" not in text, (html, text)
    assert "&lt;!--" not in html and "<!--" not in html
    inline, handlers, urls = scripts_and_handlers(html)
    assert (inline, handlers, urls) == ([], [], [])


@pytest.mark.parametrize("markdown", ["`<!-- code -->` and text", "```\n<!-- code -->\n```", "    <!-- code -->"])
def test_a_comment_in_code_is_code(markdown: str) -> None:
    assert "&lt;!-- code --&gt;" in markup.to_html(markdown)
    assert "<!-- code -->" in markup.to_text(markdown)


def test_an_unclosed_comment_is_shown_as_text_not_dropped() -> None:
    """``<!--`` without ``-->`` would hide the rest of the body; it stays visible text instead."""
    markdown = "Before.\n\n<!-- never closed\n\nAfter, still visible."
    html = markup.to_html(markdown)
    assert "&lt;!-- never closed" in html and "After, still visible." in html
    assert "never closed" in markup.to_text(markdown)


PLAIN = st.text(st.sampled_from("abc xyz.,!?"), min_size=1, max_size=10).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(note=st.text(min_size=0, max_size=40).filter(lambda s: "-->" not in s), before=PLAIN, after=PLAIN,
       indent=st.sampled_from(["", " ", "  ", "   "]))
@example(note="\n\nSECRET\n\n```\n<script>", before="a", after="b", indent="")
@example(note="\n\nSECRET\n\n", before="a", after="b", indent="   ")
def test_comment_text_never_published_property(note: str, before: str, after: str, indent: str) -> None:
    """Any text in a comment, on its own lines (indented as CommonMark allows a block) or (without line
    breaks, as CommonMark says) inline."""
    marker = "ZQXJ"  # next to the random text, so the comment's whole content is checked
    variants = [f"{before}\n\n{indent}<!--{marker}{note}{marker}-->\n\n{after}"]
    if "\n" not in note and "\r" not in note:
        variants.append(f"{before}<!--{marker}{note}{marker}-->{after}")
    for markdown in variants:
        assert marker not in markup.to_html(markdown)
        assert marker not in markup.to_text(markdown)


def test_comments_in_public_bodies_are_not_published(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace("Public description.", "Public description.\n\n<!-- SECRET-INC-1 -->\n"
                                      "Inline <!-- SECRET-INC-2 --> text.")
          .replace("message: Payment processing is failing for all users.",
                   'message: "Failing <!-- SECRET-MSG --> for all."'))
    postmortem = root / "content/postmortems/2026-03-30-payment-outage.md"
    postmortem.write_text(postmortem.read_text().replace("visibility: internal", "visibility: public")
                          .replace("A deploy broke payments.", "A deploy broke payments. <!-- SECRET-PM -->"))
    build(root, root / "site", NOW)
    public = root / "site/public"
    assert (public / "postmortems/2026-03-30-payment-outage/index.html").is_file()
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".atom", ".rss", ".json", ".ics"):
            assert "SECRET" not in path.read_text(), path


UNREADABLE = ["\x7f", "\x9b", "\x85", "\u2028", "\u2029"]  # DEL, a C1 control, NEL, line and paragraph separators
LIVE = "<img src=x onerror=alert(1)> [x](javascript:alert(2))"


@pytest.mark.parametrize("char", UNREADABLE, ids=[f"U+{ord(c):04X}" for c in UNREADABLE])
def test_characters_yaml_rejects_in_titles_fail_closed_or_stay_inert(tmp_path: Path, char: str) -> None:
    """A component name, incident title and public postmortem title MkDocs' YAML reader would reject."""
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace("title: Payment processing failing", f"title: {quoted('Pay' + char + LIVE)}"))
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", f"name: {quoted('Pay' + char + LIVE)}"))
    postmortem = root / "content/postmortems/2026-03-30-payment-outage.md"
    postmortem.write_text(postmortem.read_text().replace("visibility: internal", "visibility: public")
                          .replace("title: Payment Processing Outage", f"title: {quoted('PM' + char + LIVE)}"))
    try:
        build(root, root / "site", NOW)
    except StatusgenError as exc:  # refused: one located line, and nothing published
        assert re.match(r"^content/[\w./-]+:\d+:\d+: error: ", str(exc)), str(exc)
        assert not (root / "site").exists()
        return
    pages = sorted((root / "site").rglob("*.html"))
    assert (root / "site/public/postmortems/2026-03-30-payment-outage/index.html") in pages
    for page in pages:
        inline, handlers, urls = scripts_and_handlers(page.read_text())
        assert (handlers, urls) == ([], []), page
        assert all("alert(" not in script for script in inline), page


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)), max_size=30))
@example(text="".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]))
def test_front_matter_reads_back_exactly_as_written(text: str) -> None:
    """Whatever the text, the front matter statusgen writes is read by MkDocs as exactly that text."""
    from mkdocs.utils.meta import get_data

    page_meta = {"title": text, "hide": ["toc"], "search": {"exclude": True}, "statusgen_html": True,
                 "statusgen_alternate": [{"type": "application/atom+xml", "title": text + " (Atom)"}]}
    body, read = get_data(str(Page(page_meta, "<p>body</p>\n")))
    assert read == page_meta and body == "<p>body</p>\n"


def _tampered(text: str, page_meta: dict[str, object], source: str) -> Page:
    """A page whose text is not what its metadata says: a writer bug, or a renderer that reads differently."""
    page = Page(page_meta, text, source)
    page._text = text  # as written, whatever the metadata says
    return page


TAMPERED = {  # front matter as written -> the title statusgen meant
    "raw DEL": ('---\ntitle: "A\x7fB"\nstatusgen_html: true\n---\n', "A\x7fB"),
    "raw C1": ('---\ntitle: "A\x9bB"\nstatusgen_html: true\n---\n', "A\x9bB"),
    "raw NEL": ('---\ntitle: "A\x85B"\nstatusgen_html: true\n---\n', "A\x85B"),
    "raw CR": ('---\ntitle: "A\rB"\nstatusgen_html: true\n---\n', "A\rB"),
    "not YAML": ('---\ntitle: A: B\nstatusgen_html: true\n---\n', "A: B"),
    "no end": ('---\ntitle: "A"\nstatusgen_html: true\n\n', "A"),
    "other value": ('---\ntitle: "B"\nstatusgen_html: true\n---\n', "A"),
}


def _render_pages(tmp_path: Path, pages: dict[str, Page], assets: dict[str, bytes] | None = None) -> Path:
    """Render a site of ``pages`` through the MkDocs adapter, as build does; returns the output folder."""
    from generator.output.site import NavItem, Site
    from generator.render import render

    root = tmp_path / "repo"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: T\nsite_url: https://status.example/\n", encoding="utf-8")
    (tmp_path / "work").mkdir()
    site = Site(audience="public", name="T", url="https://status.example/", pages=pages, assets=assets or {},
                nav=[NavItem("Home", "index.md")])
    render(site, root, {}, tmp_path / "out", work=tmp_path / "work", strict=False, epoch=0)
    return tmp_path / "out"


@pytest.mark.parametrize(("front", "title"), TAMPERED.values(), ids=TAMPERED.keys())
def test_metadata_the_renderer_reads_differently_fails_the_build(tmp_path: Path, front: str, title: str) -> None:
    """The renderer's own guard, whatever validation lets through: no page is published with other metadata."""
    body = "<img src=x onerror=alert(1)>\n\n[x](javascript:alert(2))\n"
    pages = {"index.md": Page({"title": "Home"}, "# Home\n"),
             "incidents/x.md": _tampered(front + body, {"title": title, "statusgen_html": True},
                                         "content/incidents/x.md")}
    with pytest.raises(ContentError) as raised:
        _render_pages(tmp_path, pages)
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("content/incidents/x.md", 1, 1)
    assert "incidents/x.md" in diagnostic.message
    assert not (tmp_path / "out/incidents/x/index.html").exists()


def test_a_page_statusgen_did_not_write_fails_the_build(tmp_path: Path) -> None:
    """A Markdown file that is not one of the site's pages (here an asset) is never rendered as a page."""
    with pytest.raises(ContentError, match="stray.md"):
        _render_pages(tmp_path, {"index.md": Page({"title": "Home"}, "# Home\n")},
                      {"stray.md": b"<script>alert(1)</script>\n"})


MARKUP = ("<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) "
          "<a href=\"javascript:alert(4)\">a</a> <javascript:alert(5)> ![i](javascript:alert(6))")
REFERENCE = f"""\
severities:
  - {{id: SEV1, name: {quoted(MARKUP)}, definition: {quoted(MARKUP)}, response_time: {quoted(MARKUP)},
     examples: {quoted(MARKUP)}}}
roles:
  - {{name: {quoted(MARKUP)}, summary: {quoted(MARKUP)}, responsibilities: [{quoted(MARKUP)}]}}
phases:
  - {{name: {quoted(MARKUP)}, steps: [{quoted(MARKUP)}]}}
templates:
  - {{name: {quoted(MARKUP)}, when: {quoted(MARKUP)}, text: {quoted(MARKUP + chr(10) + "```" + chr(10) + MARKUP)}}}
"""


def test_markup_in_content_never_runs_on_the_internal_site(tmp_path: Path) -> None:
    """Runbooks, postmortems, action items, reference.yml and names: escaped on the internal site too."""
    root = make_site(tmp_path / "repo")
    write(root, "content/reference.yml", REFERENCE)
    runbook = root / "content/runbooks/high-database-cpu.md"
    runbook.write_text(runbook.read_text().replace("service: database", f"service: {quoted(MARKUP)}")
                       .replace("owner: dba-team", f"owner: {quoted(MARKUP)}")
                       .replace("[DatabaseHighCPU]", f"[{quoted(MARKUP)}]")
                       .replace("- DB CPU > 80%", f"- DB CPU > 80% {MARKUP}\n\n{MARKUP}\n\n<div>\n{MARKUP}\n</div>\n\n"
                                "```sql\nSELECT 1 FROM t WHERE a < 2; -- <script>x</script>\n```"))
    postmortem = root / "content/postmortems/2026-03-30-payment-outage.md"
    postmortem.write_text(postmortem.read_text().replace("A deploy broke payments.", f"A deploy broke payments.\n\n{MARKUP}")
                          .replace("| Add a test |", f"| Add a test {MARKUP.replace('|', '/')} |")
                          .replace("| @carol |", f"| @carol {MARKUP} |"))
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", f"name: {quoted(MARKUP)}"))
    build(root, root / "site", NOW)
    internal = root / "site/internal"
    for page in sorted(internal.rglob("*.html")):
        html = page.read_text()
        inline, handlers, urls = scripts_and_handlers(html)
        assert (handlers, urls) == ([], []), page
        assert all("alert(" not in script for script in inline), page
    for rel in ("runbooks/high-database-cpu", "runbooks", "postmortems/2026-03-30-payment-outage", "reference",
                "action-items", "metrics"):
        document = html5lib.parse((internal / rel / "index.html").read_text(), namespaceHTMLElements=False)
        assert "<script>alert(1)</script>" in "".join(document.itertext()), rel  # shown as text, not dropped
    runbook_html = (internal / "runbooks/high-database-cpu/index.html").read_text()
    assert 'id="symptoms"' in runbook_html and 'class="headerlink"' in runbook_html  # headings keep their anchors
    assert 'href="#symptoms"' in runbook_html  # and the page's table of contents
    assert '<div class="highlight"><pre><span></span><code><span class="k">SELECT</span>' in runbook_html  # highlighted


@settings(max_examples=150, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))
@example(text="[x](javascript:alert(1)) <img src=x onerror=alert(2)> `c` *e* _u_ | \\ #1. --- ~~~ !!! note")
@example(text="1. first")  # an ordered list
@example(text="١. first")  # Python-Markdown's \d is any decimal digit
@example(text=" - a")  # a list, once the value is stripped
@example(text="--")  # "- --" is a rule
@example(text="---")
def test_a_value_in_an_internal_markdown_page_shows_as_itself(text: str) -> None:
    """Whatever a value holds, Python-Markdown (as the internal site sets it up) shows exactly its text."""
    import markdown as python_markdown

    from generator.output.markup import md_text

    shown = " ".join(text.split())
    page = (f"# {md_text(text)}\n\n{md_text(text)}\n\n| A | B |\n|---|---|\n| {md_text(text)} | x |\n\n"
            f"- {md_text(text)}\n\n<span title=\"{md_text(text)}\"></span>\n")
    html = python_markdown.markdown(page, extensions=["tables", "admonition", "toc", "pymdownx.superfences"])
    document = html5lib.parse(html, namespaceHTMLElements=False)
    tags = {element.tag for element in document.iter()} - {"html", "head", "body"}
    assert tags <= {"h1", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "span"}, html
    if shown:
        assert [h.text or "" for h in document.iter("h1")] == [shown]
        assert [td.text or "" for td in document.iter("td")][0] == shown
        assert document.find(".//span").get("title") == shown


def test_a_temporary_file_left_by_a_killed_command_does_not_stop_builds(site: Path) -> None:
    """update and new write a temporary file beside the target; kill -9 leaves it behind."""
    (site / "content/incidents/.statusgen-edit-k1ll3d.tmp").write_text("half an incident")
    (site / "content/postmortems/.statusgen-new-x.tmp").write_text("")
    content, diagnostics = load_content(site, NOW.date())
    assert content is not None and not [d for d in diagnostics if d.severity == "error"]
    (site / "content/incidents/.other.tmp").write_text("")  # anything else is still reported
    assert [d.code for d in load_content(site, NOW.date())[1]] == ["unexpected-file"]

# --- reading files: unclosed quotes, real line numbers, render limits ---------------------------------------------

from hypothesis import example  # noqa: E402

from generator.content.source import MAX_FILE_BYTES, MAX_RENDERED_BYTES, MAX_TABLE_CELLS  # noqa: E402

QUOTE_CANARIES = ("CANARY-Q-COMMANDER-31ab", "CANARY-Q-NOTES-42cd", "#CANARY-Q-CHANNEL-53ef")
CANARY_INCIDENT = INCIDENT.replace("internal:\n  commander: alice\n", (
    f"internal:\n  commander: {QUOTE_CANARIES[0]}\n  notes: '{QUOTE_CANARIES[1]} is on it'\n"
    f"  channel: \"{QUOTE_CANARIES[2]}\"\n"))
LAST_MESSAGE = "message: Rolled back payment-service to v2.3.1."
FIRST_MESSAGE = "message: Payment processing is failing for all users."


def _line_col(text: str, needle: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character ``offset`` after the start of ``needle`` in ``text``."""
    index = text.index(needle) + offset
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _every_public_byte(public: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file())


@pytest.mark.parametrize(("needle", "typo"), [
    (LAST_MESSAGE, 'message: "Rolled back payment-service to v2.3.1.'),
    (LAST_MESSAGE, "message: 'Rolled back payment-service to v2.3.1."),
    (FIRST_MESSAGE, 'message: "Payment processing is failing for all users.'),
    ("title: Payment processing failing", 'title: "Payment processing failing'),
    ("title: Payment processing failing", "title: 'Payment processing failing"),
], ids=["last-message-double", "last-message-single", "first-message-double", "title-double", "title-single"])
def test_an_unclosed_quote_never_publishes_internal_fields(tmp_path: Path, needle: str, typo: str) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, CANARY_INCIDENT)
    build(root, root / "site", NOW)  # a good site is already published
    public = root / "site/public"
    before = _every_public_byte(public)
    assert b"Rolled back payment-service" in before and not any(c.encode() in before for c in QUOTE_CANARIES)
    text = CANARY_INCIDENT.replace(needle, typo)
    write(root, INC, text)
    line, column = _line_col(text, typo, typo.index(":") + 2)
    result = CliRunner().invoke(cli, ["--root", str(root), "validate", "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        f"{INC}:{line}:{column}: error: the quote opened at {line}:{column} is never closed"
        + result.output.splitlines()[0].split("is never closed", 1)[1]), result.output
    assert "Traceback" not in result.output
    with pytest.raises(ContentError) as failed:
        build(root, root / "site", NOW)
    assert (failed.value.diagnostics[0].line, failed.value.diagnostics[0].code) == (line, "unclosed-quote")
    after = _every_public_byte(public)
    assert not any(c.encode() in after or c.lower().encode() in after.lower() for c in QUOTE_CANARIES)


@pytest.mark.parametrize("fence", ["---", "...", "---\n# paged again at 10:20", "---\n\n# a note\n"])
def test_a_line_that_ends_the_front_matter_early_never_publishes_internal_fields(tmp_path: Path, fence: str) -> None:
    """The class: a stray fence before any line of the front matter (an author's slip, a pasted separator,
    with a comment after it) is refused where it leaves text that reads as front matter, and nothing
    internal is ever published."""
    root = make_site(tmp_path / "repo")
    lines = CANARY_INCIDENT.split("\n")
    end = lines.index("---", 1)
    for index in range(2, end + 1):
        text = "\n".join(lines[:index] + [fence] + lines[index:])
        write(root, INC, text)
        content, diagnostics = load_content(root, NOW.date())
        if content is None:
            assert any(d.file == INC and d.severity == "error" for d in diagnostics), (index, diagnostics)
            continue
        build(root, root / "site", NOW)
        published = _every_public_byte(root / "site/public")
        assert not any(c.encode() in published for c in QUOTE_CANARIES), (index, fence)


@pytest.mark.parametrize(("body", "line"), [
    ("internal:\n  notes: CANARY-Q-NOTES-42cd\n---\n", 1),
    ("Public description.\ninternal:\n  notes: CANARY-Q-NOTES-42cd\n", 2),
    ("  notes: CANARY-Q-NOTES-42cd\n", 1),
    ("\n\n\tchannel: '#CANARY-Q-CHANNEL-53ef'\n", 3),
    ("commander: CANARY-Q-COMMANDER-31ab\n---\n", 1),
    ("# CANARY-Q-NOTES-42cd is on it\n...\n", 2),
    ("pager_note: CANARY-Q-NOTES-42cd\nescalated: yes\n---\n", 3),
    ("# paged again\n  notes: CANARY-Q-NOTES-42cd\n  channel: '#CANARY-Q-CHANNEL-53ef'\n---\n", 4),
    ("# paged again\n  scribe: *someone\n  pager: !x CANARY-Q-NOTES-42cd\n---\n", 4),
    ('"internal":\n  "x": CANARY-Q-NOTES-42cd\n', 1),
    ("Public.\ninternal :\n  x: CANARY-Q-NOTES-42cd\n", 2),
    ("Public.\n? internal\n: {x: CANARY-Q-NOTES-42cd}\n", 2),
    ("Outage window: 2026-02-30\n---\nText.\n", 2),
    ("Count: !!int many\n---\nText.\n", 2),
    ("---\n  tech_lead: bob\n  notes: |\n    CANARY-Q-NOTES-42cd\n---\n", 1),
    ("# scribe notes\n  notes: Root cause: gateway timeouts CANARY-Q-NOTES-42cd\n---\n", 3),
    ("```\n  notes: CANARY-Q-NOTES-42cd\n---\n", 3),
])
def test_text_the_author_took_for_front_matter_is_refused(tmp_path: Path, body: str, line: int) -> None:
    root = make_site(tmp_path / "repo")
    text = INCIDENT.replace("Public description.\n", body)
    write(root, INC, text)
    content, diagnostics = load_content(root, NOW.date())
    assert content is None
    body_line = text.split("\n").index("---", 1) + 2
    assert [(d.line, d.code) for d in diagnostics if d.file == INC] == [(body_line + line - 1, "front-matter-ended")], (
        diagnostics)


def test_a_description_may_hold_rules_and_colons_that_are_not_front_matter(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace("Public description.\n", (
        "Public description.\n\n***\n\nNote: the *title* is kept.\nTitle of the fix: rollback.\n\n- a list item\n"
        "----\nImpact: EU\n- - -\nA line...\n....\n\n```\nstatus: 503\nmessage: upstream timeout\n```\n")))
    content, diagnostics = load_content(root, NOW.date())
    assert content is not None, diagnostics


@pytest.mark.parametrize("fence", ["---", "...", "---  ", "---\u00a0", "...\t"])
def test_a_fence_line_in_a_public_body_is_refused(tmp_path: Path, fence: str) -> None:
    """A stray fence leaves the author's own closing fence in the body: every body that holds one is refused
    (a public postmortem's too), whatever lies between, parseable or not."""
    root = make_site(tmp_path / "repo")
    between = "# reviewer notes CANARY-Q-NOTES-42cd: not cleared\n  notes: Root cause: CANARY-Q-NOTES-42cd\n"
    write(root, INC, INCIDENT.replace("Public description.\n", f"{between}{fence}\nPublic description.\n"))
    content, diagnostics = load_content(root, NOW.date())
    assert content is None and [d.code for d in diagnostics] == ["front-matter-ended"], diagnostics
    write(root, INC, INCIDENT)
    rel = "content/postmortems/2026-03-30-payment-outage.md"
    text = (root / rel).read_text()
    public = re.sub(r"\nvisibility: \w+\n", "\n", text).replace("status: published\n",
                                                                "status: published\nvisibility: public\n", 1)
    assert public.count("visibility: public") == 1
    body_start = public.index("\n---\n", 4) + 5
    write(root, rel, public[:body_start] + between + fence + "\n" + public[body_start:])
    content, diagnostics = load_content(root, NOW.date())
    assert content is None and [d.code for d in diagnostics] == ["front-matter-ended"], diagnostics


@pytest.mark.parametrize(("opening", "closing"), [("---", "---"), ("---\u00a0", "---"), ("---", "---\u3000"),
                                                  ("--- ", "...")])
def test_yaml_aliases_are_refused_in_incidents(tmp_path: Path, opening: str, closing: str) -> None:
    """An alias would copy an internal note into a public message while the diff shows only '*name'; fences
    with spaces after them (a non-breaking one, pasted from a web page) must not hide it."""
    root = make_site(tmp_path / "repo")
    internal = CANARY_INCIDENT[CANARY_INCIDENT.index("internal:"):CANARY_INCIDENT.rindex("---")]
    text = (CANARY_INCIDENT.replace(internal, "").replace("updates:\n", internal + "updates:\n")  # anchor first
            .replace(f"notes: '{QUOTE_CANARIES[1]} is on it'", f"notes: &n '{QUOTE_CANARIES[1]}'")
            .replace(LAST_MESSAGE, "message: *n"))
    lines = text.split("\n")
    end = lines.index("---", 1)
    text = "\n".join([opening] + lines[1:end] + [closing] + lines[end + 1:])
    write(root, INC, text)
    content, diagnostics = load_content(root, NOW.date())
    assert content is None
    line, column = _line_col(text, "message: *n", len("message: "))
    assert (diagnostics[0].line, diagnostics[0].column, diagnostics[0].code) == (line, column, "yaml-alias")
    result = CliRunner().invoke(cli, ["--root", str(root), "validate", "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"{INC}:{line}:{column}: error: YAML alias '*n'"), result.output


def _scalar_lines(text: str) -> list[int]:
    """Indexes of front-matter lines ``key: plain value`` (a quote can be opened before the value)."""
    lines = text.split("\n")
    return [i for i, line in enumerate(lines)
            if re.match(r"^\s*(- )?[a-z_]+: [^\s\"'{\[]", line) and not line.lstrip().startswith("---")]


@pytest.mark.parametrize("rel", [INC, "content/components.yml", "content/postmortems/2026-03-30-payment-outage.md",
                                 "content/runbooks/high-database-cpu.md"])
def test_every_unclosed_quote_is_refused_at_the_quote(tmp_path: Path, rel: str) -> None:
    """The class: in every file kind, a quote opened before any plain value and not closed is an error there."""
    root = make_site(tmp_path / "repo")
    if rel == INC:
        write(root, INC, CANARY_INCIDENT)
    original = (root / rel).read_text()
    lines = original.split("\n")
    candidates = _scalar_lines(original)
    assert len(candidates) >= 4
    for index in candidates:
        for quote in "\"'":
            column = lines[index].index(": ") + 3
            opened = lines[index][:column - 1] + quote + lines[index][column - 1:]
            changed = lines[:index] + [opened] + lines[index + 1:]
            (root / rel).write_text("\n".join(changed))
            content, diagnostics = load_content(root, NOW.date())
            errors = [d for d in diagnostics if d.severity == "error"]
            assert content is None, (rel, index, quote)
            assert (errors[0].file, errors[0].line, errors[0].column, errors[0].code) == (
                rel, index + 1, column, "unclosed-quote"), (lines[index], quote, errors)
    (root / rel).write_text(original)
    assert load_content(root, NOW.date())[0] is not None


def test_quoted_prose_may_continue_on_indented_lines(tmp_path: Path) -> None:
    """Not a typo: continuation lines indented deeper than the key, even ones that read like 'Note: this'."""
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace(LAST_MESSAGE, 'message: "Rolled back payment-service\n'
                                                    '      Note: to v2.3.1,\n\n      notes: none"')
          .replace("title: Payment processing failing", "title: 'Payment processing\n  failing'"))
    content, diagnostics = load_content(root, NOW.date())
    assert content is not None, diagnostics
    incident = next(i for i in content.incidents if i.id == "2026-03-30-payment-outage")
    assert incident.meta.title == "Payment processing failing"
    assert incident.meta.updates[-1].message == "Rolled back payment-service Note: to v2.3.1,\nnotes: none"


def test_an_open_bracket_that_runs_over_keys_is_refused_at_the_bracket() -> None:
    from generator.content.source import parse_yaml

    text = "title: x\nauthors: [alice,\nvisibility: public\nstatus: published, bob]\nincident: y\n"
    located, [problem] = parse_yaml(text, "content/postmortems/x.md", line_offset=1)
    assert located is None
    assert (problem.line, problem.column, problem.code) == (3, 10, "unclosed-bracket"), problem
    assert parse_yaml("authors: [alice,\n  bob]\n", "f")[0].data == {"authors": ["alice", "bob"]}


# Item 14: YAML counts NEL, LS and PS as line breaks; people and editors count lines by '\n'.
ODD_BREAKS = ("\x85", "\u2028", "\u2029")


@pytest.mark.parametrize("char", ODD_BREAKS, ids=["NEL", "LS", "PS"])
def test_odd_line_breaks_do_not_shift_reported_lines(tmp_path: Path, char: str) -> None:
    """The parser counts lines by '\\n' alone: positions after such a character stay where an editor shows them."""
    from generator.content.source import parse_yaml

    text = (INCIDENT.split("---\n")[1].replace("title: Payment processing failing", f'title: "Payment{char}processing"')
            .replace(FIRST_MESSAGE, f'message: "Payment processing{char}{char} is failing."'))
    located, problems = parse_yaml(text + "internal2:\n  commander: bob\n  commander: eve\n", "f", line_offset=1)
    assert located is not None and located.position(("internal2", "commander")) == (22, 3)
    assert [(d.line, d.column, d.code) for d in problems] == [(23, 3, "duplicate-key")]
    assert "first defined on line 22" in problems[0].message
    _, [syntax] = parse_yaml(text + "colour: [red\n", "f", line_offset=1)
    assert (syntax.line, syntax.column) == (22, 1) and "started on line 21" in syntax.message, syntax


@pytest.mark.parametrize("char", ODD_BREAKS, ids=["NEL", "LS", "PS"])
@pytest.mark.parametrize("where", ["comment", "plain", "quoted"])
def test_odd_line_breaks_in_yaml_are_refused_where_they_are(tmp_path: Path, char: str, where: str) -> None:
    """To YAML they end a line (a comment hides no more), to a reviewer they do not: never read them silently."""
    root = make_site(tmp_path / "repo")
    line = {"comment": f"severity: SEV1  # was SEV2{char}visibility: public",
            "plain": f"severity: SEV{char}1", "quoted": f'severity: "SEV{char}1"'}[where]
    text = INCIDENT.replace("severity: SEV1", line)
    write(root, INC, text)
    content, diagnostics = load_content(root, NOW.date())
    assert content is None
    assert [(d.line, d.column) for d in diagnostics if d.code == "control-character"] == [(3, line.index(char) + 1)]
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", f"name: Pay{char}ments"))
    assert ("content/components.yml", *_line_col(components.read_text(), char, 0), "control-character") in {
        (d.file, d.line, d.column, d.code) for d in load_content(root, NOW.date())[1]}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@example(data=None)
def test_odd_line_breaks_anywhere_in_quoted_values_keep_later_positions(tmp_path_factory: pytest.TempPathFactory,
                                                                         data: st.DataObject | None) -> None:
    """Insert NEL/LS/PS anywhere inside quoted values: each is refused where it is, a later key keeps its place."""
    from generator.content.source import parse_yaml

    root = make_site(tmp_path_factory.mktemp("breaks") / "repo")
    text = (INCIDENT.replace("title: Payment processing failing", 'title: "Payment processing failing"')
            .replace(FIRST_MESSAGE, 'message: "Payment processing is failing\n      for all users."')
            .replace(LAST_MESSAGE, "message: 'Rolled back payment-service to v2.3.1.'")
            .replace("internal:\n  commander: alice", "internal:\n  commander: alice\n  colour: red"))
    expected = _line_col(text, "colour:", 0)
    slots = [index for quote in "\"'" for index in range(len(text)) if text[index] == quote]
    inside = [i for first, last in zip(slots[::2], slots[1::2]) for i in range(first + 1, last + 1)]
    if data is None:
        picks = [(i, "\u2028") for i in inside][:20]
    else:
        picks = data.draw(st.lists(st.tuples(st.sampled_from(inside), st.sampled_from(ODD_BREAKS)), max_size=8))
    changed = text
    for index, char in sorted(picks, reverse=True):
        changed = changed[:index] + char + changed[index:]
    write(root, INC, changed)
    diagnostics = load_content(root, NOW.date())[1]
    found = sorted((d.line, d.column) for d in diagnostics if d.code == "control-character")
    assert found == [(changed.count("\n", 0, i) + 1, i - changed.rfind("\n", 0, i))
                     for i, c in enumerate(changed) if c in ODD_BREAKS]
    front = changed.split("---\n")[1]
    located, _ = parse_yaml(front, INC, line_offset=1)
    assert located is not None and located.position(("internal", "colour")) == expected


# Item 11: what one file may render to is bounded, and the bound is checked by validate as by build.

def _reference_bomb(lines: int = 11) -> str:
    """About 36 KB of Markdown: one long link definition used 11,000 times (50 MB of HTML)."""
    return "Links below.\n\n[a]: https://example.com/" + "x" * 4500 + "\n\n" + ("[a]" * 1000 + "\n") * lines


def _wide_table(columns: int = 800, rows: int = 4000) -> str:
    """A wide header, then one-letter rows: each row becomes hundreds of empty cells (a million tokens)."""
    return "|" + "c|" * columns + "\n|" + "-|" * columns + "\n" + "x\n" * rows


@pytest.mark.parametrize(("where", "code"), [("body", "render-too-large"), ("message", "render-too-large"),
                                             ("table", "table-too-large"), ("notes-table", "table-too-large")])
def test_markdown_that_renders_too_much_is_refused_at_its_block(tmp_path: Path, where: str, code: str) -> None:
    root = make_site(tmp_path / "repo")
    text = {"body": INCIDENT.replace("Public description.", "Intro.\n\n" + _reference_bomb()),
            "message": INCIDENT.replace(FIRST_MESSAGE, "message: " + quoted(_reference_bomb(3))),
            "table": INCIDENT.replace("Public description.", "Intro.\n\n" + _wide_table()),
            "notes-table": INCIDENT.replace("  commander: alice", "  commander: alice\n  notes: "
                                            + quoted(_wide_table(columns=100, rows=300)))}[where]
    expected = _line_col(text, {"body": "[a][a]", "message": "message: \"Links", "table": "|c|c|",
                                "notes-table": "notes:"}[where], 0)
    assert len(text.encode()) < 40_000 and max(len(line) for line in text.split("\n")) < 20_000
    write(root, INC, text)
    started = time.process_time()
    _, diagnostics = load_content(root, NOW.date())
    assert time.process_time() - started < 30  # generous: parsing or rendering the bomb takes minutes and GBs
    [found] = [d for d in diagnostics if d.severity == "error"]
    assert (found.file, found.line, found.column, found.code) == (INC, *expected, code), found
    assert str(MAX_RENDERED_BYTES if code == "render-too-large" else MAX_TABLE_CELLS) in found.message
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(root / "site"), "-q",
                                      "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"{INC}:{expected[0]}:{expected[1]}: error: "), result.output
    assert not (root / "site").exists()


def test_with_a_read_cache_a_file_too_large_to_render_is_refused_on_every_load_until_fixed(tmp_path: Path) -> None:
    """statusgen serve keeps the rendering bounds' outcome with each file as read: the same errors on every
    rebuild while the file is unchanged, none once it is fixed."""
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace("Public description.", "Intro.\n\n" + _wide_table()))
    cache: dict = {}  # type: ignore[type-arg]
    first = load_content(root, NOW.date(), cache)
    again = load_content(root, NOW.date(), cache)
    assert first[0] is None and again[0] is None and first[1] == again[1]
    assert [d.code for d in again[1] if d.severity == "error"] == ["table-too-large"]
    write(root, INC, INCIDENT)
    fixed, diagnostics = load_content(root, NOW.date(), cache)
    assert fixed is not None and not [d for d in diagnostics if d.severity == "error"]


def test_an_update_that_would_render_too_much_is_not_written(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, INC, INCIDENT.replace(LAST_MESSAGE, "message: Rolling back.").replace("status: resolved",
                                                                                      "status: monitoring"))
    before = (root / INC).read_bytes()
    result = CliRunner().invoke(cli, ["--root", str(root), "update", "2026-03-30-payment-outage", "--status",
                                      "monitoring", "--at", "2026-03-30T15:30:00Z", "--message",
                                      _reference_bomb(3)])
    assert result.exit_code != 0 and "render-too-large" not in result.output and "Traceback" not in result.output
    assert result.output.count("error:") == 1 and str(MAX_RENDERED_BYTES) in result.output, result.output
    assert (root / INC).read_bytes() == before


@pytest.mark.parametrize("rel", ["content/templates/postmortem.md", "content/postmortems/2026-03-30-payment-outage.md",
                                 "content/runbooks/high-database-cpu.md"])
def test_sections_are_never_parsed_from_a_table_bomb(tmp_path: Path, rel: str) -> None:
    """Postmortems, runbooks and templates are parsed for their sections: the bound comes before that parse."""
    root = make_site(tmp_path / "repo")
    path = root / rel
    path.write_text(path.read_text() + "\n" + _wide_table())
    started = time.process_time()
    _, diagnostics = load_content(root, NOW.date())
    assert time.process_time() - started < 30
    assert (rel, "table-too-large") in {(d.file, d.code) for d in diagnostics}


def test_a_large_legitimate_file_is_accepted(tmp_path: Path) -> None:
    """Near the file limit, ordinary prose, links and tables are well within the render limits, and build."""
    root = make_site(tmp_path / "repo")
    paragraph = ("During the incident the payment service returned errors for some card payments; "
                 "see [the dashboard][d] and the *runbook* for details. ") * 8
    rows = "".join(f"| 14:{i % 60:02d} | Step {i} of the rollback, with `kubectl` & <b>care</b> |\n"
                   for i in range(600))
    body = ("[d]: https://grafana.example.com/d/payments\n\n" + (paragraph + "\n\n") * 170
            + "| Time | Event |\n|---|---|\n" + rows)
    text = INCIDENT.replace("Public description.", body)
    assert 0.75 * MAX_FILE_BYTES < len(text.encode()) < MAX_FILE_BYTES
    write(root, INC, text)
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(root / "site"), "-q",
                                      "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 0, result.output
    page = (root / "site/public/incidents/2026-03-30-payment-outage/index.html").read_text()
    assert "Step 599 of the rollback" in page and page.count('href="https://grafana.example.com/d/payments"') == 1360


def test_files_over_the_size_limit_are_refused(site: Path) -> None:
    write(site, "content/incidents/2026-05-01-big.md", INCIDENT + "word " * 60_000)  # 300 KB
    [found] = [d for d in load_content(site, NOW.date())[1] if d.file.endswith("big.md")]
    assert (found.line, found.column, found.code) == (1, 1, "file-too-large")
    assert "the limit is 262144 bytes" in found.message

from generator.errors import UsageError  # noqa: E402

SUBPROCESS_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def tree_state(folder: Path) -> dict[str, str]:
    """Every file, folder and link under ``folder`` with its content: what a build must leave alone."""
    state = {}
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[rel] = "link " + os.readlink(path)
            elif path.is_dir():
                state[rel] = "dir"
            else:
                state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def cli_build(root: Path, out: str, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "build", "--out", out, "--now", "2026-11-26T12:00:00Z",
                                    "-q", *extra])


def one_error_line(result: Result) -> str:
    """The whole output is one ``statusgen: error:`` line, and no exception escaped."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: "), result.output
    return lines[0]


OUT_NOT_OURS = {
    "the repository": ".",
    "the repository (empty)": "",
    "content": "content",
    "inside content": "content/incidents",
    "inside content (new)": "content/site",
    "the repository's parent": "..",
    "home (holds the repository)": "~",
    "a folder of notes": "{tmp}/notes",
    "a file": "{tmp}/notes.txt",
    "a link to the repository": "{tmp}/link",
    "a link to a folder of notes": "{tmp}/link-notes",
    "a marker written with CRLF": "{tmp}/crlf",
    "a marker with more after it": "{tmp}/longer",
}


@pytest.mark.parametrize("out", OUT_NOT_OURS.values(), ids=OUT_NOT_OURS.keys())
def test_out_that_statusgen_did_not_make_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           out: str) -> None:
    home = tmp_path / "home"
    root = make_site(home / "repo")
    monkeypatch.setenv("HOME", str(home))
    write(tmp_path, "notes/keep.md", "my notes\n")
    write(tmp_path, "notes.txt", "a file\n")
    (tmp_path / "link").symlink_to(root)
    (tmp_path / "link-notes").symlink_to(tmp_path / "notes")
    from generator.out_folder import MARKER, MARKER_TEXT

    write(tmp_path, "crlf/keep.md", "mine\n")
    (tmp_path / "crlf" / MARKER).write_bytes(MARKER_TEXT.replace("\n", "\r\n").encode())
    write(tmp_path, "longer/keep.md", "mine\n")
    (tmp_path / "longer" / MARKER).write_text(MARKER_TEXT + "and mine\n")
    before = tree_state(tmp_path)
    result = cli_build(root, out.format(tmp=tmp_path))
    assert result.exit_code == 2, result.output
    assert "--out" in one_error_line(result)
    assert tree_state(tmp_path) == before


def test_out_refuses_every_folder_that_holds_the_repository(tmp_path: Path) -> None:
    from generator.out_folder import check_out

    root = make_site(tmp_path / "repo")
    for out in [Path("/"), tmp_path, root, root / "content", root / "content/runbooks/new"]:
        with pytest.raises(UsageError):
            check_out(root, out)
    check_out(root, root / "site")  # missing: fine
    check_out(root, tmp_path / "elsewhere")


def test_out_made_by_statusgen_or_empty_is_replaced(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    assert cli_build(root, "site").exit_code == 0
    assert (root / "site/.statusgen-site").is_file()
    (root / "site/public/stale.html").write_text("from an old build")
    result = cli_build(root, "site")
    assert result.exit_code == 0, result.output
    assert (root / "site/public/index.html").is_file() and not (root / "site/public/stale.html").exists()
    (tmp_path / "empty").mkdir()
    assert cli_build(root, str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty/internal/index.html").is_file()
    # a link to a folder statusgen made is followed: the link stays, the folder behind it is replaced
    (tmp_path / "current").symlink_to(root / "site")
    assert cli_build(root, str(tmp_path / "current")).exit_code == 0
    assert (tmp_path / "current").is_symlink() and (root / "site/public/index.html").is_file()


def test_unwritable_out_is_one_line(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(tmp_path, "afile", "not a folder\n")
    outs = [str(tmp_path / "afile/site"), str(tmp_path / "afile/deeper/site")]
    if Path("/proc/self").is_dir():  # root may write anywhere else; nobody may make folders here
        outs.append("/proc/statusgen-site")
    for out in outs:
        result = cli_build(root, out)
        assert result.exit_code == 2, result.output
        assert "--out" in one_error_line(result)
    assert (tmp_path / "afile").read_text() == "not a folder\n"


def test_a_killed_build_leaves_nothing_behind_after_the_next(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "-q",
                                "--now", "2026-11-26T12:00:00Z"], env=SUBPROCESS_ENV)
    try:
        while not list(root.glob(".statusgen-build-*/site/public/index.html")) and process.poll() is None:
            time.sleep(0.01)  # killed once it has written pages: git would see them
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert list(root.glob(".statusgen-build-*")), "a killed build leaves its temporary folder"
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".statusgen-build-" not in status, "git must not offer the temporary folder for a commit"
    assert cli_build(root, "site").exit_code == 0
    assert not list(root.glob(".statusgen-build-*"))


@pytest.mark.parametrize("kind", ["folder", "symlink", "forged-marker", "crlf-marker"])
def test_a_folder_of_ones_own_named_like_a_leftover_survives_a_build(tmp_path: Path, kind: str) -> None:
    """Only work folders a build marked are removed as leftovers, never one that merely has the name."""
    root = make_site(tmp_path / "repo")
    mine = root / ".statusgen-build-notes"
    if kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "keep.txt").write_text("mine\n")
        mine.symlink_to(tmp_path / "elsewhere")
    else:
        mine.mkdir()
        (mine / "keep.txt").write_text("mine\n")
        if kind == "forged-marker":  # a marker with other words in it is not the build's
            (mine / ".statusgen-work").write_text("not written by statusgen\n")
        if kind == "crlf-marker":  # nor one with other line endings (text mode would read it as the build's)
            from generator.out_folder import WORK_MARKER, WORK_MARKER_TEXT

            (mine / WORK_MARKER).write_bytes(WORK_MARKER_TEXT.replace("\n", "\r\n").encode())
    assert cli_build(root, "site").exit_code == 0
    assert (mine / "keep.txt").read_text() == "mine\n"


def test_builds_into_one_out_take_turns(tmp_path: Path) -> None:
    from generator.out_folder import out_lock

    root = make_site(tmp_path / "repo")
    out = tmp_path / "site"
    command = [sys.executable, "-m", "generator.cli", "--root", str(root), "build", "--out", str(out),
               "--now", "2026-11-26T12:00:00Z"]
    with out_lock(out):
        waiting = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=SUBPROCESS_ENV)
        assert waiting.stderr is not None
        lines = []
        while not lines or "waiting for another build" not in lines[-1]:
            lines.append(waiting.stderr.readline())
            assert lines[-1], f"the build did not wait: {lines}"
        assert not any("rendering" in line for line in lines) and not out.exists()
    _, rest = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "Traceback" not in rest
    assert (out / "public/index.html").is_file()
    # two at once: both succeed, and one whole site is left
    builds = [subprocess.Popen(command + ["-q"], stderr=subprocess.PIPE, text=True, env=SUBPROCESS_ENV)
              for _ in range(2)]
    errors = [b.communicate(timeout=120)[1] for b in builds]
    assert [b.returncode for b in builds] == [0, 0] and errors == ["", ""]
    assert (out / "public/index.html").is_file() and (out / "internal/index.html").is_file()
    assert not list(tmp_path.glob(".statusgen-build-*"))


@pytest.mark.parametrize("port", ["-1", "0", "65536", "70000"])
def test_serve_refuses_a_port_that_is_not_one(site: Path, port: str) -> None:
    result = CliRunner().invoke(cli, ["--root", str(site), "serve", "--port", port])
    assert result.exit_code == 2
    assert "port" in one_error_line(result)


def test_serve_on_a_busy_port_is_one_line(site: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--root", str(site), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert str(port) in one_error_line(result)


def test_serve_removes_its_temporary_folder_on_sigterm(site: Path, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(site), "serve", "--port",
                                str(port)], stderr=subprocess.PIPE, text=True, env={**SUBPROCESS_ENV, "TMPDIR": str(temp)})
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Serving the public site" in line:
                break
        assert list(temp.iterdir()), "serve builds into a temporary folder"
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in rest
    assert not list(temp.iterdir())


@pytest.mark.parametrize("title", ["Index", "STATUS", "  status!"])
def test_new_never_writes_a_file_whose_id_is_reserved(site: Path, title: str) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    before = sorted(p.name for p in (site / "content/runbooks").iterdir())
    result = CliRunner().invoke(cli, ["--root", str(site), "new", "runbook", title])
    assert result.exit_code == 2 and "names a page statusgen generates" in result.output, result.output
    assert sorted(p.name for p in (site / "content/runbooks").iterdir()) == before


# --- adversarial run on init/import/notify/alerts/on-call ---

from typing import Any  # noqa: E402

from .test_notify import Sites, sites  # noqa: E402,F401  (the two builds notify compares)

@pytest.mark.parametrize("payload, message", [
    # a time whose offset moves it before year 1: converting it to UTC overflowed (OverflowError traceback)
    ('{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "X", "service": "api"}, '
     '"startsAt": "0001-01-01T00:00:00+01:00"}]}', "alerts[0].startsAt '0001-01-01T00:00:00+01:00' is outside"),
    # valid JSON nested deeper than Python's recursion limit: RecursionError traceback
    ('{"version": "4", "alerts": ' + "[" * 50000 + "]" * 50000 + "}", "nested more than 64 levels deep"),
    # duplicate keys: readers disagree on which counts; NaN is not JSON
    ('{"version": "4", "version": "3", "alerts": []}', "duplicate key 'version'"),
    ('{"version": "4", "alerts": NaN}', "NaN is not a JSON number"),
])
def test_odd_but_valid_json_payloads_are_one_line_errors(site: Path, payload: str, message: str) -> None:
    from .test_alerts import declare_from, incident_files, with_alerts

    with_alerts(site)
    before = incident_files(site)
    result = declare_from(site, "alertmanager", payload, "--commander", "alice")
    assert result.exit_code in (1, 2) and isinstance(result.exception, SystemExit), result.exception
    assert message in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert incident_files(site) == before


@pytest.mark.parametrize("where, value", [("created_at", "0001-01-01T00:00:00+01:00"),
                                          ("display_at", "9999-12-31T23:59:59-14:00")])
def test_import_of_a_time_that_overflows_is_named_not_a_traceback(tmp_path: Path, where: str, value: str) -> None:
    from .test_import import empty_site, files, run, statuspage_documents, write_documents

    documents = statuspage_documents()
    documents["incidents.json"]["incidents"][0]["incident_updates"][0][where] = value
    source = write_documents(tmp_path / "source", documents)
    root = empty_site(tmp_path / "site")
    before = files(root)
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert code == 1 and err.startswith("statusgen: error: incidents.json") and "outside" in err, err
    assert len(err.strip().splitlines()) == 1 and files(root) == before


def test_import_of_deeply_nested_statuspage_json_is_one_line(tmp_path: Path) -> None:
    from .test_import import empty_site, files, run, statuspage_documents, write_documents

    source = write_documents(tmp_path / "source", statuspage_documents())
    (source / "incidents.json").write_text('{"incidents": ' + "[" * 50000 + "]" * 50000 + "}")
    root = empty_site(tmp_path / "site")
    before = files(root)
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert code == 1 and "nested more than 64 levels deep" in err and len(err.strip().splitlines()) == 1, err
    assert files(root) == before


def _hostile_previous(published: Path, how: str) -> None:
    """The published site (read from outside: a URL or a folder anyone may have edited) made odd."""
    api = published / "api" / "v2"

    def edit(name: str, change: Any) -> None:
        path = api / name
        path.write_text(change(json.loads(path.read_text())) if how == "deep" else json.dumps(
            change(json.loads(path.read_text()))))

    if how == "incident without id":
        edit("incidents.json", lambda d: {**d, "incidents": [{"name": "x"}, *d["incidents"]]})
    elif how == "update null":
        edit("incidents.json", lambda d: {**d, "incidents": [{**d["incidents"][0], "incident_updates": [None]}]})
    elif how == "updates as text":
        edit("incidents.json", lambda d: {**d, "incidents": [{**d["incidents"][0], "incident_updates": "abc"}]})
    elif how == "update time a number":
        edit("incidents.json", lambda d: {**d, "incidents": [{**d["incidents"][0], "incident_updates": [
            {**d["incidents"][0]["incident_updates"][0], "created_at": 5}]}]})
    elif how == "component without id":
        edit("components.json", lambda d: {**d, "components": [{"status": "operational"}]})
    elif how == "deep":
        edit("incidents.json", lambda d: '{"incidents": ' + "[" * 50000 + "]" * 50000 + "}")
    else:
        pending = {"since": "2026-11-26T06:00:00Z", "channels": ["slack"],
                   "event": {"id": "x", "at": "2026-11-26T06:00:00Z"}}
        if how == "ledger since garbage":
            pending["since"] = "garbage"
        elif how == "ledger since overflows":
            pending["since"] = "0001-01-01T00:00:00+01:00"
        elif how == "ledger event at missing":
            pending["event"] = {"id": "x"}
        (published / "api" / "notifications.json").write_text(json.dumps(
            {"version": 1, "delivered": {}, "skipped": {}, "pending": {"x": pending}}))


@pytest.mark.parametrize("how", ["incident without id", "update null", "updates as text", "update time a number",
                                 "component without id", "deep", "ledger since garbage", "ledger since overflows",
                                 "ledger event at missing"])
def test_a_hostile_previous_site_is_one_failure_line_and_sends_nothing(tmp_path: Path, sites: Sites, how: str) -> None:
    import shutil

    from .test_notify import configure, fresh_out, notify

    root = configure(tmp_path / "root", sites, {"channels": [{"type": "webhook", "url_env": "T_HOOK",
                                                              "secret_env": "T_SECRET"}], "timeout": 1, "attempts": 1})
    published = tmp_path / "published"
    shutil.copytree(sites.previous, published)
    _hostile_previous(published, how)
    result = notify(root, fresh_out(sites, tmp_path), published, {"T_HOOK": "http://127.0.0.1:9/", "T_SECRET": "s"},
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert "statusgen: notify: failed: " in result.output and "nothing sent" in result.output, result.output
    assert "---" not in result.output  # no message previewed


def test_a_tampered_ledger_cannot_put_words_into_a_component_webhook(tmp_path: Path, sites: Sites) -> None:
    """A pending component event was sent as the ledger held it: anyone who could edit the published
    ledger chose the component's name (and anything else) in the signed webhook."""
    import shutil

    from .test_notify import configure, fresh_out, notify

    out = fresh_out(sites, tmp_path)
    components = json.loads((out / "public/api/v2/components.json").read_text())["components"]
    component = next(c for c in components if not c.get("group"))
    event_id = f"component:{component['id']}:{component['status']}@{component['updated_at']}"
    old = "major_outage" if component["status"] != "major_outage" else "operational"
    event = {"id": event_id, "kind": "component.updated", "topic": "component",
             "subject": f"component:{component['id']}",
             "at": component["updated_at"], "old_status": old,
             "component": {**component, "name": "INJECTED-BY-LEDGER alice is on call"}}
    published = tmp_path / "published"
    shutil.copytree(sites.previous, published)
    (published / "api" / "notifications.json").write_text(json.dumps({"version": 1, "delivered": {}, "skipped": {},
        "pending": {event_id: {"since": "2026-11-26T06:00:00Z", "channels": ["webhook"], "event": event}}}))
    root = configure(tmp_path / "root", sites, {"channels": [{"type": "webhook", "url_env": "T_HOOK",
                                                              "secret_env": "T_SECRET"}], "timeout": 1, "attempts": 1})
    result = notify(root, out, published, {"T_HOOK": "http://127.0.0.1:9/", "T_SECRET": "s"},
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert "INJECTED-BY-LEDGER" not in result.output
    assert f'"name": {json.dumps(component["name"])}' in result.output  # retried as the site says it


class _Endless:
    """An HTTP server on 127.0.0.1 that answers every GET with 200 and JSON-looking bytes that go on
    (up to ``total``), counting what it managed to send before the client hung up."""

    def __init__(self, total: int = 200 * 2**20) -> None:
        import http.server
        import threading

        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                chunk = b"[" * 65536
                try:
                    while owner.sent < total:
                        self.wfile.write(chunk)
                        owner.sent += len(chunk)
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.sent = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_previous_site_that_never_stops_sending_is_cut_off(tmp_path: Path, sites: Sites) -> None:
    """notify read the published site's documents whole: a server that never stopped filled memory."""
    from .test_notify import configure, fresh_out, notify

    root = configure(tmp_path / "root", sites, {"channels": [{"type": "webhook", "url_env": "T_HOOK",
                                                              "secret_env": "T_SECRET"}], "timeout": 1, "attempts": 1})
    endless = _Endless()
    try:
        result = notify(root, fresh_out(sites, tmp_path), endless.url, {"T_HOOK": "http://127.0.0.1:9/",
                                                                        "T_SECRET": "s"})
    finally:
        endless.close()
    assert result.exit_code == 0 and "larger than 32 MiB" in result.output, result.output
    assert endless.sent < 64 * 2**20


def test_an_import_from_a_server_that_never_stops_sending_is_cut_off(tmp_path: Path) -> None:
    from .test_import import empty_site, files, run

    root = empty_site(tmp_path / "site")
    before = files(root)
    endless = _Endless()
    try:
        code, out, err = run(root, "import", "statuspage", endless.url, "--retries", "0")
    finally:
        endless.close()
    assert code == 1 and "larger than 32 MiB" in err and len(err.strip().splitlines()) == 1, err
    assert endless.sent < 64 * 2**20 and files(root) == before


def test_a_payload_that_never_ends_is_not_read_to_the_end(site: Path) -> None:
    """declare read the whole payload file before checking its size: /dev/zero never returned."""
    import subprocess
    import sys

    from .test_alerts import with_alerts

    with_alerts(site)
    result = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(site), "declare", "--commander",
                             "alice", "--from-alertmanager", "/dev/zero"], capture_output=True, text=True, timeout=60,
                            env=SUBPROCESS_ENV)
    assert result.returncode == 2 and "larger than 1048576 bytes" in result.stderr, result.stderr


from .test_notify import Receiver, receiver  # noqa: E402,F401  (a real HTTP receiver on 127.0.0.1)


@pytest.mark.parametrize("value, delivered", [
    ("{url}\n", True),                     # a pasted secret ending in a newline: httpx raised InvalidURL, a traceback
    ("  {url}  ", True),
    ("http://[::1", False),                # InvalidURL: a traceback that stopped the run
    ("file:///etc/passwd", False),         # retried for 24 h as if the network were down
    ("gopher://127.0.0.1:70/x", False),
    ("http:///no-host", False),
    ("{url}\nX-Injected: 1", False),
])
def test_a_webhook_url_variable_that_is_not_an_http_url_fails_that_channel_by_name(
        tmp_path: Path, sites: Sites, receiver: Receiver, value: str, delivered: bool) -> None:
    from .test_notify import configure, fresh_out, notify

    root = configure(tmp_path / "root", sites, {"channels": [{"type": "slack", "url_env": "T_SLACK"}],
                                                "timeout": 1, "attempts": 2, "backoff": 0.01})
    result = notify(root, fresh_out(sites, tmp_path), sites.previous, {"T_SLACK": value.format(url=receiver.url("/s"))})
    assert result.exit_code == 0 and result.exception is None, result.output
    assert bool(receiver.posts("/s")) is delivered, result.output
    if not delivered:
        assert "the environment variable T_SLACK does not hold an http(s) URL" in result.output
        assert "passwd" not in result.output and "gopher" not in result.output  # the value is a secret


@pytest.mark.parametrize("zone", [
    "a/" * 3000 + "x",   # ZoneInfo() walked it as a path: RecursionError, a traceback
    "localtime",         # a link to the machine's own zone: hand-offs that differ from machine to machine
])
def test_a_time_zone_is_an_iana_name_not_a_path_or_this_machine(tmp_path: Path, zone: str) -> None:
    from .test_oncall import ONCALL, errors_of, oncall_site

    assert "time_zone: Europe/Berlin}" in ONCALL
    site = oncall_site(tmp_path / "site", ONCALL.replace("time_zone: Europe/Berlin}", f'time_zone: "{zone}"}}', 1))
    code, errors = errors_of(site)
    assert code == 1 and len(errors) == 1 and "unknown time zone" in errors[0] and len(errors[0]) < 300, errors


@pytest.mark.parametrize("where", ["content/new-site", "content/incidents/new-site", "content/a/b"])
def test_init_never_writes_a_site_into_another_sites_content(site: Path, where: str) -> None:
    """init into an empty folder under content/ wrote a whole site there: the enclosing site no longer validated."""
    from .test_init import files_in, init, one_error_line

    import shutil

    created = site / where
    while not created.parent.exists():
        created = created.parent
    (site / where).mkdir(parents=True)
    before = files_in(site)
    result = init(site, "-y", where)
    assert result.exit_code == 2 and "inside the content/ of the site" in one_error_line(result), result.output
    assert files_in(site) == before
    shutil.rmtree(created)
    from click.testing import CliRunner

    from generator.cli import cli
    assert CliRunner().invoke(cli, ["--root", str(site), "validate"]).exit_code == 0


def test_init_refuses_a_huge_name_before_writing(tmp_path: Path) -> None:
    """A 100,000-character name failed at "mkdocs.yml:3:20001", a line of a file that was never written."""
    from .test_init import init, one_error_line

    result = init(tmp_path, "-y", "--name", "x" * 100_000, "new")
    assert result.exit_code == 2 and one_error_line(result).startswith("statusgen: error: --name is 100000 characters")
    assert not (tmp_path / "new").exists()


_LAUGHS = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9) if b else ', '.join('x' * 9)}]\n"
                  for a, b in zip("abcdefghi", ["", *"abcdefgh"]))


@pytest.mark.parametrize("how, message", [
    ("laughs in an issue", "content/issues/x.md: YAML has more than 50000 values (aliases expanded)"),  # never ended
    ("laughs in config.yml", "config.yml: YAML has more than 50000 values (aliases expanded)"),
    ("a folder named x.md", "content/issues/x.md: not a regular file"),  # IsADirectoryError traceback
    ("a pipe named x.md", "content/issues/x.md: not a regular file"),    # a read that never returned
])
def test_a_hostile_cstate_site_is_one_line_and_writes_nothing(tmp_path: Path, how: str, message: str) -> None:
    from .test_import import cstate_site, empty_site, files, run

    source = cstate_site(tmp_path / "cstate")
    if how == "laughs in an issue":
        write(source, "content/issues/x.md", f"---\n{_LAUGHS}title: *i\ndate: 2020-01-01 00:00:00\nseverity: down\n"
                                             "affected: [API]\n---\nx\n")
    elif how == "laughs in config.yml":
        (source / "config.yml").write_text(_LAUGHS + (source / "config.yml").read_text())
    elif how == "a folder named x.md":
        (source / "content/issues/x.md").mkdir()
    else:
        os.mkfifo(source / "content/issues/x.md")
    root = empty_site(tmp_path / "site")
    before = files(root)
    code, out, err = run(root, "import", "cstate", str(source), "--force")
    assert code == 1 and err.startswith(f"statusgen: error: {message}") and len(err.strip().splitlines()) == 1, err
    assert files(root) == before


@pytest.mark.parametrize("source, field", [("alertmanager", "summary"), ("alertmanager", "alertname"),
                                           ("pagerduty", "title"), ("pagerduty", "assignee")])
def test_a_huge_payload_field_is_one_line_naming_it(site: Path, source: str, field: str) -> None:
    """A 60,000-character summary failed as "…md:3:20001: error: line is too long" (two such lines for a
    PagerDuty title), about a file that was never written."""
    import copy

    from .test_alerts import COMPONENTS, PAGERDUTY, am_alert, am_payload, declare_from, incident_files, with_alerts

    with_alerts(site)
    write(site, "content/components.yml", COMPONENTS.replace("{service: payments, team: money}", "{service: payments}"))
    huge = "word " * 12_000
    if source == "alertmanager":
        alert = am_alert("X", {"service": "payments", "severity": "critical"}, "Payments down")
        alert["annotations" if field == "summary" else "labels"][field] = huge
        payload: Any = am_payload(alert)
    else:
        payload = copy.deepcopy(PAGERDUTY)
        if field == "title":
            payload["event"]["data"]["title"] = huge
        else:
            payload["event"]["data"]["assignees"][0]["summary"] = huge
    before = incident_files(site)
    result = declare_from(site, source, payload, "--commander", "alice") if field != "assignee" else \
        declare_from(site, source, payload)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and "characters long" in lines[0], result.output
    assert incident_files(site) == before


def test_slack_never_reads_an_incident_title_as_a_mention_or_a_link() -> None:
    """The fallback ``text`` (what Slack's notifications show) was not escaped: a title holding
    ``<!channel>`` paged everyone in the channel, ``<https://evil|…>`` made a link."""
    from generator.notify.channels import slack
    from generator.notify.events import Event
    from generator.notify.message import Message, Site

    title = "<!channel> <@U024BE7LH> <https://evil.example|reset your password>"
    event = Event("incident:x:update:1", "incident.created", "incident", "incident:x", "2026-11-26T12:00:00Z")
    message = Message(event, "Investigating", title, "&" * 5000, (), "https://status.example.com/incidents/x/",
                      "Nov 26, 2026 12:00 UTC", "#b91c1c")
    body = slack.payload(message, Site("Status & Co", "https://status.example.com/", {}, {}))
    texts = [body["text"]] + [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert "<!channel>" not in body["text"] and "&lt;!channel&gt;" in body["text"], body["text"]
    assert all("<https://evil" not in text for text in texts)  # the header block is plain_text: never parsed
    assert all(re.search(r"&[a-z]*…$", text) is None for text in texts)  # no entity cut in half


@pytest.mark.parametrize("summary, file", [("支付故障", "2026-11-26-incident.md"),
                                           ("決済エラー: 500", "2026-11-26-500.md"),
                                           ("Ödeme hatası", "2026-11-26-odeme-hatas.md")])
def test_an_alert_summary_in_any_script_declares_an_incident(site: Path, summary: str, file: str) -> None:
    """A summary with no ASCII letter was refused ("has no letters or digits to make an id from"): the
    automated declare stopped at the moment an incident began."""
    from .test_alerts import COMPONENTS, am_alert, am_payload, declare_from, declared, front, with_alerts

    with_alerts(site)
    write(site, "content/components.yml", COMPONENTS.replace("{service: payments, team: money}", "{service: payments}"))
    result = declare_from(site, "alertmanager", am_payload(am_alert("X", {"service": "payments", "severity": "error"},
                                                                    summary)), "--commander", "alice")
    meta = declared(site, result)
    assert meta["title"] == summary and (site / "content/incidents" / file).is_file(), result.output
    assert front(site / "content/incidents" / file)["title"] == summary


def test_an_smtp_server_that_never_ends_its_reply_does_not_hold_the_run() -> None:
    """Each read had the timeout, but a server sending "220-…" lines forever held notify forever."""
    import socket
    import threading
    from email.message import EmailMessage

    from generator.notify import delivery

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def drip() -> None:
        connection, _ = server.accept()
        try:
            while not stop.is_set():
                connection.sendall(b"220-still greeting\r\n")
                time.sleep(0.01)
        except OSError:
            pass
        finally:
            connection.close()

    threading.Thread(target=drip, daemon=True).start()
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.com", "b@example.com", "s"
    mail.set_content("x")
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(delivery.send_mail(
        mail, ["b@example.com"], "127.0.0.1", server.getsockname()[1], "none", None, None,
        delivery.Policy(timeout=0.5, attempts=1, backoff=0))), daemon=True)
    worker.start()
    worker.join(30)
    stop.set()
    server.close()
    assert outcome and not outcome[0].ok, "send_mail still reading the greeting after 30 s"
