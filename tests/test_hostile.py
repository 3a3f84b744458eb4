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


# --- reading files: unclosed quotes, real line numbers, render limits ---------------------------------------------

from click.testing import CliRunner  # noqa: E402
from hypothesis import example  # noqa: E402

from generator.cli import cli  # noqa: E402
from generator.errors import ContentError  # noqa: E402
from generator.source import MAX_FILE_BYTES, MAX_RENDERED_BYTES, MAX_TABLE_CELLS  # noqa: E402

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
    from generator.source import parse_yaml

    text = "title: x\nauthors: [alice,\nvisibility: public\nstatus: published, bob]\nincident: y\n"
    located, [problem] = parse_yaml(text, "content/postmortems/x.md", line_offset=1)
    assert located is None
    assert (problem.line, problem.column, problem.code) == (3, 10, "unclosed-bracket"), problem
    assert parse_yaml("authors: [alice,\n  bob]\n", "f")[0].data == {"authors": ["alice", "bob"]}


# Item 14: YAML counts NEL, LS and PS as line breaks; people and editors count lines by '\n'.
ODD_BREAKS = ("\x85", "\u2028", "\u2029")


@pytest.mark.parametrize("char", ODD_BREAKS, ids=["NEL", "LS", "PS"])
def test_odd_line_breaks_do_not_shift_reported_lines(tmp_path: Path, char: str) -> None:
    root = make_site(tmp_path / "repo")
    text = (INCIDENT.replace("title: Payment processing failing", f'title: "Payment{char}processing failing"')
            .replace(FIRST_MESSAGE, f'message: "Payment processing{char}{char} is failing."')
            .replace("internal:\n  commander: alice", "internal:\n  commander: alice\n  colour: red"))
    write(root, INC, text)
    _, diagnostics = load_content(root, NOW.date())
    others = [(d.line, d.column, d.code) for d in diagnostics if d.code != "yaml-line-break"]
    assert others == [(21, 3, "unknown-field")]
    write(root, INC, text.replace("  colour: red", "  commander: bob"))
    [duplicate] = [d for d in load_content(root, NOW.date())[1] if d.code == "duplicate-key"]
    assert (duplicate.line, duplicate.column) == (21, 3) and "first defined on line 20" in duplicate.message
    write(root, INC, text.replace("  colour: red", "  colour: [red"))
    [syntax] = [d for d in load_content(root, NOW.date())[1] if d.code == "yaml-syntax"]
    assert (syntax.line, syntax.column) == (21, 15), syntax  # where the '[' should have been closed


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
    assert [(d.line, d.column) for d in diagnostics if d.code == "yaml-line-break"] == [(3, line.index(char) + 1)]
    components = root / "content/components.yml"
    components.write_text(components.read_text().replace("name: Payments", f"name: Pay{char}ments"))
    assert ("content/components.yml", *_line_col(components.read_text(), char, 0), "yaml-line-break") in {
        (d.file, d.line, d.column, d.code) for d in load_content(root, NOW.date())[1]}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@example(data=None)
def test_odd_line_breaks_anywhere_in_quoted_values_keep_later_positions(tmp_path_factory: pytest.TempPathFactory,
                                                                         data: st.DataObject | None) -> None:
    """Insert NEL/LS/PS anywhere inside quoted values: each is refused where it is, a later error keeps its place."""
    root = make_site(tmp_path_factory.mktemp("breaks") / "repo")
    text = (INCIDENT.replace("title: Payment processing failing", 'title: "Payment processing failing"')
            .replace(FIRST_MESSAGE, 'message: "Payment processing is failing\n      for all users."')
            .replace(LAST_MESSAGE, "message: 'Rolled back payment-service to v2.3.1.'")
            .replace("internal:\n  commander: alice", "internal:\n  commander: alice\n  colour: red"))
    expected = _line_col(text, "colour:", 0)
    slots = [index for quote in "\"'" for index in range(len(text)) if text[index] == quote]
    inside = [i for first, last in zip(slots[::2], slots[1::2]) for i in range(first + 1, last + 1)]
    if data is None:
        picks = [(i, "\u2028") for i in inside]
    else:
        picks = data.draw(st.lists(st.tuples(st.sampled_from(inside), st.sampled_from(ODD_BREAKS)), max_size=8))
    changed = text
    for index, char in sorted(picks, reverse=True):
        changed = changed[:index] + char + changed[index:]
    write(root, INC, changed)
    diagnostics = load_content(root, NOW.date())[1]
    assert [(d.line, d.column) for d in diagnostics if d.code == "unknown-field"] == [expected], diagnostics
    found = sorted((d.line, d.column) for d in diagnostics if d.code == "yaml-line-break")
    assert found == [(changed.count("\n", 0, i) + 1, i - changed.rfind("\n", 0, i))
                     for i, c in enumerate(changed) if c in ODD_BREAKS]


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
