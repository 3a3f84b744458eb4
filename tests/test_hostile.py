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
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator import api
from generator.badges import component_badge
from generator.build import build
from generator.feeds import feeds
from generator.loader import load_content
from generator.models import ComponentState
from generator.pages import public_pages
from generator.settings import load_settings
from generator.snapshot import build_snapshot

from .conftest import INCIDENT, NOW, make_site, write

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
    for rel, text in pages.items():
        body = text.split("\n---\n", 1)[1]
        document = html5lib.parse(body, namespaceHTMLElements=False)
        assert document.find(".//script") is None, rel
        inline, handlers, urls = scripts_and_handlers(body)
        assert (inline, handlers, urls) == ([], [], []), rel
    incident_html = html5lib.parse(pages[f"incidents/{INC.split('/')[-1][:-3]}.md"].split("\n---\n", 1)[1],
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
    now = dt.datetime(2026, 6, 28, 15, tzinfo=dt.timezone.utc)  # window starts 2026-03-30T15:00Z
    build(root, root / "site", now)
    uptime = json.loads((root / "site/public/api/uptime.json").read_text())
    payments = next(c for c in uptime["components"] if c["id"] == "payments")
    # Only 15:00-15:02 of the 14:15-15:02 incident lies in the window: 2 min of partial outage.
    assert payments["window_start"] == "2026-03-30T15:00:00.000Z"
    assert payments["uptime_percent"] == round((1 - 0.3 * 120 / (90 * 86400)) * 100, 2)
    # The bars are the 90 calendar days up to today, so the 2-minute sliver on Mar 30 has no bar of its own.
    assert payments["days"][0]["date"] == "2026-03-31"
    assert sum(d["partial_outage_seconds"] for d in payments["days"]) == 0


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


# --- render: between the core and MkDocs (pages, hooks, markup) ---

from hypothesis import example  # noqa: E402

from generator import markup  # noqa: E402
from generator.errors import ContentError, StatusgenError  # noqa: E402
from generator.frontmatter import Page  # noqa: E402

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
@given(note=st.text(min_size=0, max_size=40).filter(lambda s: "-->" not in s), before=PLAIN, after=PLAIN)
@example(note="\n\nSECRET\n\n```\n<script>", before="a", after="b")
def test_comment_text_never_published_property(note: str, before: str, after: str) -> None:
    """Any text in a comment, on its own lines or (without line breaks, as CommonMark says) inline."""
    marker = "ZQXJ"  # next to the random text, so the comment's whole content is checked
    variants = [f"{before}\n\n<!--{marker}{note}{marker}-->\n\n{after}"]
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
    page = str.__new__(Page, text)
    page.meta, page.source = page_meta, source
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


@pytest.mark.parametrize(("front", "title"), TAMPERED.values(), ids=TAMPERED.keys())
def test_metadata_the_renderer_reads_differently_fails_the_build(tmp_path: Path, front: str, title: str) -> None:
    """The renderer's own guard, whatever validation lets through: no page is published with other metadata."""
    from generator.build import write_docs
    from generator.render_mkdocs import derive_config, render_site

    docs, site_dir = tmp_path / "docs", tmp_path / "out"
    body = "<img src=x onerror=alert(1)>\n\n[x](javascript:alert(2))\n"
    pages = {"index.md": Page({"title": "Home"}, "# Home\n"),
             "incidents/x.md": _tampered(front + body, {"title": title, "statusgen_html": True},
                                         "content/incidents/x.md")}
    write_docs(docs, pages)
    config = derive_config({}, tmp_path, docs, site_dir, site_name="T", site_url="https://status.example/",
                           nav=[{"Home": "index.md"}], search=False, extra_css=[], extra_javascript=[],
                           not_in_nav="incidents/\n")
    with pytest.raises(ContentError) as raised:
        render_site(config, tmp_path / "mkdocs.yml", strict=False, epoch=0)
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("content/incidents/x.md", 1, 1)
    assert "incidents/x.md" in diagnostic.message
    assert not (site_dir / "incidents/x/index.html").exists()


def test_a_page_statusgen_did_not_write_fails_the_build(tmp_path: Path) -> None:
    from generator.build import write_docs
    from generator.render_mkdocs import derive_config, render_site

    docs = tmp_path / "docs"
    write_docs(docs, {"index.md": Page({"title": "Home"}, "# Home\n")})
    (docs / "stray.md").write_text("<script>alert(1)</script>\n")
    config = derive_config({}, tmp_path, docs, tmp_path / "out", site_name="T", site_url=None,
                           nav=[{"Home": "index.md"}], search=False, extra_css=[], extra_javascript=[], not_in_nav="")
    with pytest.raises(ContentError, match="stray.md"):
        render_site(config, tmp_path / "mkdocs.yml", strict=False, epoch=0)


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
def test_a_value_in_an_internal_markdown_page_shows_as_itself(text: str) -> None:
    """Whatever a value holds, Python-Markdown (as the internal site sets it up) shows exactly its text."""
    import markdown as python_markdown

    from generator.markup import md_text

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
