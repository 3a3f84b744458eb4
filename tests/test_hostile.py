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


# --- output folder, build temp folders, serve ---

import hashlib  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner, Result  # noqa: E402

from generator.cli import cli  # noqa: E402
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
        while not list(root.glob(".statusgen-build-*/public-docs/index.md")) and process.poll() is None:
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
