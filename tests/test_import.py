"""``statusgen import statuspage|cstate``: history from where teams are today, written only when all of it validates."""

from __future__ import annotations

import copy
import re
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import cli
from generator.content.markdown import to_text
from generator.importers.records import markdown_text

from .conftest import NOW, REPO, copy_settings, make_site, write

AT = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def empty_site(root: Path) -> Path:
    """A site with nothing imported yet: settings, templates and a placeholder component."""
    shutil.copytree(REPO / "content" / "templates", root / "content" / "templates")
    copy_settings(root)
    write(root, "content/components.yml", "components:\n  - id: placeholder\n    name: Placeholder\n")
    return root


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()}


# --- A Statuspage page as its public API serves it ---------------------------------------------

def update(id_: str, status: str, body: str, at: str, affected: list[tuple[str, str, str]] | None = None) -> dict:
    return {"id": id_, "status": status, "body": body, "incident_id": "x", "created_at": at, "updated_at": at,
            "display_at": at, "affected_components": [
                {"code": c, "name": c.upper(), "old_status": old, "new_status": new} for c, old, new in affected]
            if affected else None}


def statuspage_documents() -> dict[str, dict]:
    page = {"id": "srhpyqt94yxb", "name": "Example", "url": "https://status.example.com",
            "time_zone": "America/Los_Angeles", "updated_at": "2026-11-20T10:00:00.000-08:00"}
    # Positions count within a level (the top level, then each group's members), as Statuspage numbers them.
    components = [
        {"id": "k2q1grp00001", "name": "Platform", "status": "operational", "position": 1, "group": True,
         "group_id": None, "description": "Core services", "components": ["rhznvxg4v7yh", "b13yz5g2cw10"]},
        {"id": "cmp0dash0001", "name": "Dashboard", "status": "operational", "position": 2, "group": False,
         "group_id": None, "description": ""},
        {"id": "b13yz5g2cw10", "name": "Webhooks", "status": "operational", "position": 2, "group": False,
         "group_id": "k2q1grp00001", "description": None, "start_date": "2025-01-01"},
        {"id": "rhznvxg4v7yh", "name": "API", "status": "operational", "position": 1, "group": False,
         "group_id": "k2q1grp00001", "description": "REST & GraphQL"},
    ]
    api, webhooks, dashboard = components[3], components[2], components[1]
    incident = {
        "id": "n4njzfn1mqy0", "name": "Elevated API errors", "status": "resolved", "impact": "major",
        "created_at": "2026-11-20T06:05:00.120-08:00", "updated_at": "2026-11-20T07:30:00.000-08:00",
        "started_at": "2026-11-20T06:00:00.000-08:00", "resolved_at": "2026-11-20T07:30:00.000-08:00",
        "shortlink": "https://stspg.io/abc", "page_id": "srhpyqt94yxb",
        "incident_updates": [  # newest first, as Statuspage serves them
            update("u4", "postmortem", "Root cause: an expired certificate.\r\nWe now alert 30 days ahead.",
                   "2026-11-21T09:00:00.000-08:00"),
            update("u3", "resolved", "This incident has been resolved.", "2026-11-20T07:30:00.000-08:00",
                   [("rhznvxg4v7yh", "partial_outage", "operational")]),
            update("u2", "monitoring", "A fix is live; *most* requests succeed.\n\n1. Retry failed calls.",
                   "2026-11-20T06:45:00.000-08:00", [("rhznvxg4v7yh", "major_outage", "partial_outage")]),
            update("u1", "investigating", "We are seeing <errors> on the API & webhooks.",
                   "2026-11-20T06:05:00.120-08:00",
                   [("rhznvxg4v7yh", "operational", "major_outage"),
                    ("b13yz5g2cw10", "operational", "degraded_performance")]),
        ],
        "components": [api, webhooks],
    }
    open_incident = {
        "id": "p0pen1ncid00", "name": "Slow dashboard", "status": "investigating", "impact": "minor",
        "created_at": "2026-11-26T11:00:00Z", "updated_at": "2026-11-26T11:00:00Z",
        "started_at": "2026-11-26T10:50:00Z",
        "incident_updates": [update("o1", "investigating", "Pages load slowly.", "2026-11-26T11:00:00Z",
                                    [("cmp0dash0001", "operational", "degraded_performance")])],
        "components": [dashboard],
    }
    maintenance = {
        "id": "m41nt3n4nc31", "name": "Database upgrade", "status": "completed", "impact": "maintenance",
        "created_at": "2026-11-10T10:00:00Z", "updated_at": "2026-11-12T04:00:00Z",
        "scheduled_for": "2026-11-12T02:00:00Z", "scheduled_until": "2026-11-12T04:00:00Z",
        "incident_updates": [
            update("m3", "completed", "The scheduled maintenance has been completed.", "2026-11-12T03:30:00Z",
                   [("cmp0dash0001", "under_maintenance", "operational")]),
            update("m2", "in_progress", "Scheduled maintenance is currently in progress.", "2026-11-12T02:00:00Z",
                   [("cmp0dash0001", "operational", "under_maintenance")]),
            update("m1", "scheduled", "We will upgrade the database.", "2026-11-10T10:00:00Z",
                   [("cmp0dash0001", "operational", "operational")]),
        ],
        "components": [dashboard],
    }
    return {
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": [open_incident, incident]},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": [maintenance]},
    }


def write_documents(folder: Path, documents: dict[str, dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document, indent=2), encoding="utf-8")
    return folder


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_documents(tmp_path / "export" / "api" / "v2", statuspage_documents())


def test_statuspage_import_writes_valid_files_with_every_update(tmp_path: Path, source: Path) -> None:
    root = empty_site(tmp_path / "site")
    code, out, err = run(root, "import", "statuspage", str(source.parent.parent), "--force")
    assert code == 0, err
    assert "imported 3 component(s), 2 incident(s), 1 maintenance" in err
    components = (root / "content/components.yml").read_text()
    # groups kept, order by position, ids kept
    assert components.index("id: rhznvxg4v7yh") < components.index("id: b13yz5g2cw10") < components.index(
        "id: cmp0dash0001")
    assert "groups:\n  - id: k2q1grp00001\n    name: Platform" in components
    assert "    group: k2q1grp00001" in components and "start_date: 2025-01-01" in components

    incident = (root / "content/incidents/2026-11-20-elevated-api-errors.md").read_text()
    assert "severity: SEV2\n" in incident  # impact major
    assert "components:\n  rhznvxg4v7yh: major_outage\n  b13yz5g2cw10: degraded_performance\n" in incident
    assert "started: 2026-11-20T14:00:00Z\n" in incident
    assert incident.index("at: 2026-11-20T14:05:00.120Z") < incident.index("at: 2026-11-20T14:45:00Z") \
        < incident.index("at: 2026-11-20T15:30:00Z")
    assert "    components:\n      rhznvxg4v7yh: partial_outage\n" in incident
    assert 'source: "statuspage:n4njzfn1mqy0"' in incident
    assert "## Postmortem" in incident and "expired certificate." in incident
    maintenance = (root / "content/incidents/2026-11-12-database-upgrade.md").read_text()
    assert "type: maintenance" in maintenance and "cmp0dash0001: under_maintenance" in maintenance
    assert "status: in_progress" in maintenance and "status: completed" in maintenance  # Statuspage's own wording

    code, out, err = run(root, "validate", "--now", AT)
    assert code == 0, out + err
    # the API built from the import shows each body exactly as Statuspage did
    code, out, err = run(root, "build", "--now", AT, "--out", str(tmp_path / "out"), "-q")
    assert code == 0, err
    built = json.loads((tmp_path / "out/public/api/v2/incidents.json").read_text())
    bodies = {u["body"] for i in built["incidents"] for u in i["incident_updates"]}
    assert "We are seeing <errors> on the API & webhooks." in bodies
    assert "A fix is live; *most* requests succeed.\n\n1. Retry failed calls." in bodies
    unresolved = json.loads((tmp_path / "out/public/api/v2/incidents/unresolved.json").read_text())
    assert [i["name"] for i in unresolved["incidents"]] == ["Slow dashboard"]


def test_reimport_is_idempotent_and_refuses_to_overwrite_edits(tmp_path: Path, source: Path) -> None:
    root = empty_site(tmp_path / "site")
    assert run(root, "import", "statuspage", str(source), "--force")[0] == 0
    before = files(root)
    code, out, err = run(root, "import", "statuspage", str(source))
    assert code == 0, err
    assert out == "" and "0 file(s) written, 4 unchanged" in err
    assert files(root) == before

    # renamed at the source: the same file is rewritten (found by its source id), no duplicate
    documents = statuspage_documents()
    documents["incidents.json"]["incidents"][1]["name"] = "Elevated API error rates"
    write_documents(source, documents)
    code, out, err = run(root, "import", "statuspage", str(source))
    assert code == 1
    assert err.strip().splitlines() == [
        "statusgen: error: the import would replace 1 file(s) that differ: "
        "content/incidents/2026-11-20-elevated-api-errors.md; pass --force to replace them (nothing was written)"]
    assert files(root) == before
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert code == 0, err
    assert out.split() == ["content/incidents/2026-11-20-elevated-api-errors.md"]
    assert sorted(files(root)) == sorted(before)
    assert "title: Elevated API error rates" in (root / out.strip()).read_text()


# --- Over HTTP: a real server on 127.0.0.1 ----------------------------------------------------


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.failures: dict[str, int] = {}
        self.hang: set[str] = set()
        self.requests: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                name = self.path.rpartition("/")[2]
                server.requests.append(self.path)
                if name in server.hang:
                    server.release.wait(10)
                    return
                if server.failures.get(name):
                    server.failures[name] -= 1
                    self.send_error(500)
                    return
                path = server.folder / name
                if not self.path.startswith("/api/v2/") or not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(source: Path) -> Iterator[Server]:
    running = Server(source)
    yield running
    running.close()


def test_http_import_retries_a_500_and_matches_the_folder_import(tmp_path: Path, source: Path,
                                                                 server: Server) -> None:
    by_folder = empty_site(tmp_path / "a")
    assert run(by_folder, "import", "statuspage", str(source), "--force")[0] == 0
    by_http = empty_site(tmp_path / "b")
    server.failures["incidents.json"] = 1
    code, out, err = run(by_http, "import", "statuspage", server.url, "--force")
    assert code == 0, err
    assert server.requests.count("/api/v2/incidents.json") == 2
    assert files(by_http) == files(by_folder)


def test_http_errors_end_in_one_line_and_write_nothing(tmp_path: Path, source: Path, server: Server) -> None:
    root = empty_site(tmp_path / "site")
    before = files(root)
    server.failures["scheduled-maintenances.json"] = 5
    code, out, err = run(root, "import", "statuspage", server.url, "--retries", "2", "--force")
    assert code == 1
    assert err.strip().splitlines() == [
        f"statusgen: error: {server.url}api/v2/scheduled-maintenances.json: HTTP 500 after 3 attempt(s); "
        "nothing was written"]
    assert files(root) == before

    server.hang.add("components.json")
    code, out, err = run(root, "import", "statuspage", server.url + "api/v2/", "--timeout", "0.3", "--retries", "1")
    assert code == 1
    assert err.strip().splitlines() == [
        f"statusgen: error: {server.url}api/v2/components.json: no answer within 0.3 s after 2 attempt(s); "
        "nothing was written"]
    assert files(root) == before
    server.hang.clear()
    server.release.set()

    code, out, err = run(root, "import", "statuspage", server.url + "elsewhere/")
    assert (code, err.strip()) == (1, f"statusgen: error: {server.url}elsewhere/api/v2/components.json: HTTP 404 "
                                      "(is this a Statuspage page's address?)")


# --- Bad input: one line naming the item, nothing written ------------------------------------


def _break(documents: dict[str, dict], how: str) -> str | dict[str, dict]:
    incident = documents["incidents.json"]["incidents"][1]
    if how == "unknown status":
        incident["incident_updates"][1]["status"] = "fixing"
    elif how == "unknown impact":
        incident["impact"] = "catastrophic"
    elif how == "no updates":
        incident["incident_updates"] = []
    elif how == "missing name":
        del incident["name"]
    elif how == "control character":
        incident["incident_updates"][2]["body"] = "Fixed \x1b[31mnow\x1b[0m."
    elif how == "unknown component":
        incident["incident_updates"][2]["affected_components"][0]["code"] = "gone00000000"
    elif how == "update before the year 1970":
        incident["incident_updates"][2]["display_at"] = "1969-12-31T23:00:00Z"
    return documents


BAD = {
    "unknown status": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): update 2 (newest first): '
                      "unknown status 'fixing' (expected ",
    "unknown impact": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): unknown impact \'catastrophic\'',
    "no updates": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): has no updates',
    "missing name": 'incidents.json: incident "n4njzfn1mqy0": name is missing',
    "control character": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): update at '
                         "2026-11-20T14:45:00Z: body contains the control character U+001B (ESC) at position 7",
    "unknown component": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): update at '
                         "2026-11-20T14:45:00Z names component 'gone00000000', which components.json does not list",
    "update before the year 1970": 'incidents.json: incident "n4njzfn1mqy0" (Elevated API errors): update 3 (newest '
                                   "first) display_at: '1969-12-31T23:00:00Z' is outside 1970-01-01 .. 2100-01-01",
}


@pytest.mark.parametrize("how", sorted(BAD))
def test_bad_items_are_named_and_nothing_is_written(tmp_path: Path, source: Path, how: str) -> None:
    root = empty_site(tmp_path / "site")
    before = files(root)
    write_documents(source, _break(copy.deepcopy(statuspage_documents()), how))  # type: ignore[arg-type]
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert code == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: " + BAD[how]), lines
    assert "Traceback" not in err
    assert files(root) == before  # the good incident and the maintenance are not written either


@pytest.mark.parametrize("text, message", [
    ('{"page": {}, "incidents": [{"id": "a"', "incidents.json: not valid JSON (truncated?): Expecting"),
    ('{"page": {}}', "incidents.json: incidents is missing"),
    ("\xff", "incidents.json: not valid JSON (truncated?)"),
])
def test_malformed_json_is_refused(tmp_path: Path, source: Path, text: str, message: str) -> None:
    root = empty_site(tmp_path / "site")
    before = files(root)
    (source / "incidents.json").write_text(text, encoding="utf-8")
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert code == 1 and err.startswith("statusgen: error: " + message) and len(err.strip().splitlines()) == 1, err
    assert files(root) == before


def test_an_incident_with_no_component_state_is_refused_or_skipped_when_asked(tmp_path: Path, source: Path) -> None:
    root = empty_site(tmp_path / "site")
    documents = statuspage_documents()
    unstated = documents["incidents.json"]["incidents"][0]
    unstated["incident_updates"][0]["affected_components"] = None
    unstated["components"] = []
    write_documents(source, documents)
    before = files(root)
    code, out, err = run(root, "import", "statuspage", str(source), "--force")
    assert (code, err.strip()) == (1, 'statusgen: error: incidents.json: incident "p0pen1ncid00" (Slow dashboard): '
                                      "its first update sets no component state (affected_components); statusgen "
                                      "needs the states an incident starts with (--skip-unstated skips it)")
    assert files(root) == before
    code, out, err = run(root, "import", "statuspage", str(source), "--force", "--skip-unstated")
    assert code == 0, err
    assert 'statusgen: skipped incidents.json: incident "p0pen1ncid00" (Slow dashboard): its first update sets ' \
           "no component state (affected_components); statusgen needs the states an incident starts with\n" in err
    assert "1 incident(s), 1 maintenance" in err
    assert not any("slow-dashboard" in name for name in files(root))


def test_import_needs_a_site(tmp_path: Path, source: Path) -> None:
    code, out, err = run(tmp_path / "nowhere", "import", "statuspage", str(source))
    assert code == 2 and err.startswith("statusgen: error: no 'content/' folder in ")


# --- Round trip: our own api/v2 imported into an empty site and rebuilt ----------------------

CANCELLED = """\
---
title: Cache migration
type: maintenance
components:
  dashboard: under_maintenance
scheduled_for: 2026-11-01T02:00:00Z
scheduled_until: 2026-11-01T03:00:00Z
updates:
  - at: 2026-10-25T10:00:00Z
    status: scheduled
    message: We will move the cache. Expect **brief** logouts.
  - at: 2026-10-30T10:00:00Z
    status: cancelled
    message: Not needed after all; see [the note](https://example.com/note).
---
"""

OPEN = """\
---
title: "API errors: 5xx & timeouts"
severity: SEV3
components:
  api: degraded_performance
  dashboard: partial_outage
started: 2026-11-26T10:00:00Z
updates:
  - at: 2026-11-26T10:05:00Z
    status: investigating
    message: |
      We see `5xx` errors for *some* requests.

      1. Retry with backoff.
      2. Check <https://status.example.com>.
  - at: 2026-11-26T11:00:00Z
    status: identified
    components: {dashboard: operational}
    message: A bad cache node; it is being replaced.
---
"""

ROUND_TRIP = ("components.json", "incidents.json", "incidents/unresolved.json", "scheduled-maintenances.json",
              "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json", "summary.json",
              "status.json")


def test_round_trip_through_our_own_api_gives_the_same_documents(tmp_path: Path) -> None:
    """Every api/v2 document is byte-identical after export -> import -> build.

    What could differ and does not here: ``page`` (id, name, url) comes from mkdocs.yml, the same in
    both sites; an incident with a *public* postmortem is ``postmortem`` in the export but
    ``resolved`` after the import (postmortems are not in the API; this site's is internal); an
    incident's description (the file's body) is not in the API either.
    """
    original = make_site(tmp_path / "original")
    write(original, "content/incidents/2026-10-25-cache-migration.md", CANCELLED)
    write(original, "content/incidents/2026-11-26-api-errors.md", OPEN)
    assert run(original, "build", "--now", AT, "--out", str(tmp_path / "first"), "-q")[0] == 0
    api = tmp_path / "first" / "public" / "api" / "v2"

    copy_ = empty_site(tmp_path / "copy")
    code, out, err = run(copy_, "import", "statuspage", str(api), "--force")
    assert code == 0, err
    assert sorted(p.name for p in (copy_ / "content/incidents").iterdir()) == sorted(
        p.name for p in (original / "content/incidents").iterdir())
    assert run(copy_, "validate", "--now", AT)[0] == 0
    assert run(copy_, "build", "--now", AT, "--out", str(tmp_path / "second"), "-q")[0] == 0
    for name in ROUND_TRIP:
        first = json.loads((api / name).read_text())
        second = json.loads((tmp_path / "second/public/api/v2" / name).read_text())
        assert second == first, name
    # the maintenance's automatic updates are derived again, not written into the file
    assert "auto" not in (copy_ / "content/incidents/2026-04-02-database-upgrade.md").read_text()
    assert "status: cancelled" in (copy_ / "content/incidents/2026-10-25-cache-migration.md").read_text()


def test_example_site_round_trip_differs_only_where_the_api_cannot_say(tmp_path: Path) -> None:
    """The example site (21 incidents and maintenance, public postmortems) through its own api/v2.

    The one difference: an incident with a public postmortem is ``postmortem`` in the first API and
    ``resolved`` after the import, because postmortems are not in the API. Importing the API back into
    the site it came from maps every item to its own file (no duplicates) and changes nothing unasked.
    """
    original = tmp_path / "example"
    shutil.copytree(REPO / "content", original / "content")
    shutil.copy(REPO / "mkdocs.yml", original / "mkdocs.yml")
    assert run(original, "build", "--now", AT, "--out", str(tmp_path / "first"), "-q")[0] == 0
    api = tmp_path / "first" / "public" / "api" / "v2"

    before = files(original)
    code, out, err = run(original, "import", "statuspage", str(api))
    assert code == 1 and "pass --force" in err
    assert files(original) == before
    again = tmp_path / "again"
    shutil.copytree(original, again)
    assert run(again, "import", "statuspage", str(api), "--force")[0] == 0
    assert sorted(files(again)) == sorted(before)  # each item went to its own file: no duplicates

    copy_ = empty_site(tmp_path / "copy")
    assert run(copy_, "import", "statuspage", str(api), "--force")[0] == 0
    assert sorted(p.name for p in (copy_ / "content/incidents").iterdir()) == sorted(
        p.name for p in (original / "content/incidents").iterdir())
    assert run(copy_, "build", "--now", AT, "--out", str(tmp_path / "second"), "-q")[0] == 0
    with_postmortem = {p.stem for p in (original / "content/postmortems").iterdir()
                       if "visibility: public" in p.read_text() and "status: published" in p.read_text()}
    assert with_postmortem
    for name in ROUND_TRIP:
        first = json.loads((api / name).read_text())
        second = json.loads((tmp_path / "second/public/api/v2" / name).read_text())
        for incident in first.get("incidents", []):
            if incident["id"] in with_postmortem:
                assert incident["status"] == "postmortem"
                incident["status"] = "resolved"
        assert second == first, name


# --- cState ------------------------------------------------------------------------------------

CSTATE_CONFIG = """\
baseURL: https://status.example.org
title: Example Status
params:
  categories:
    - name: Website
      description: Website(s) are located here.
    - name: Backend
  systems:
    - name: CMS
      description: Frontend of the system.
      category: Website
    - name: API
      category: Backend
    - name: Cloudfront
      description: |
        Serves images, audio and video.
"""

CSTATE_ISSUES = {
    "2018-04-25-us-east-conn-issues.md": """\
---
title: US East Connection Issues
date: 2018-04-25 04:13:00
resolved: true
resolvedWhen: 2018-04-25 05:20:00
# Possible severity levels: down, disrupted, notice
severity: down
affected:
  - api
  - Cloudfront
section: issue
---

*Investigating* - Users on the US East coast cannot connect. {{< track "2018-04-25 04:13:00" >}}
""",
    "2023-02-24-slow-cms.md": """\
---
title: Slow CMS
date: 2023-02-24T10:35:00+02:00
resolved: false
severity: disrupted
affected:
  - CMS
section: issue
---
Pages load slowly.
""",
    "2024-10-06-psa.md": """\
---
title: 'PSA: Securing containers'
date: '2024-10-06 21:00:00Z'
informational: true
affected:
  - 'API'
section: 'issue'
---
Read this.
""",
}


def cstate_site(folder: Path) -> Path:
    write(folder, "config.yml", CSTATE_CONFIG)
    for name, text in CSTATE_ISSUES.items():
        write(folder, f"content/issues/{name}", text)
    write(folder, "content/issues/_index.md", "---\ntitle: Issues\n---\n")
    return folder


def test_cstate_import(tmp_path: Path) -> None:
    root = empty_site(tmp_path / "site")
    source = cstate_site(tmp_path / "cstate")
    code, out, err = run(root, "import", "cstate", str(source), "--force")
    assert code == 0, err
    assert out.split() == ["content/components.yml", "content/incidents/2018-04-25-us-east-connection-issues.md",
                           "content/incidents/2023-02-24-slow-cms.md"]
    assert "skipped content/issues/2024-10-06-psa.md (PSA: Securing containers): informational" in err
    components = (root / "content/components.yml").read_text()
    assert "groups:\n  - id: website\n    name: Website\n" in components
    assert "  - id: cms\n    name: CMS\n    group: website\n" in components
    assert "  - id: cloudfront\n    name: Cloudfront\n    description: \"Serves images, audio and video.\"\n" \
        in components
    outage = (root / "content/incidents/2018-04-25-us-east-connection-issues.md").read_text()
    assert "severity: SEV1\ncomponents:\n  api: major_outage\n  cloudfront: major_outage\n" in outage
    assert "status: resolved" in outage and "at: 2018-04-25T05:20:00Z" in outage
    assert "(2018-04-25 04:13:00 UTC)" in outage and "{{" not in outage
    slow = (root / "content/incidents/2023-02-24-slow-cms.md").read_text()
    assert "severity: SEV2\ncomponents:\n  cms: partial_outage\nstarted: 2023-02-24T08:35:00Z\n" in slow
    assert "resolved" not in slow
    assert run(root, "validate", "--now", AT)[0] == 0
    before = files(root)
    code, out, err = run(root, "import", "cstate", str(source))
    assert (code, out) == (0, "") and files(root) == before


@pytest.mark.parametrize("name, text, message", [
    ("x.md", "---\ntitle: X\ndate: 2020-01-01 00:00:00\nseverity: broken\naffected: [API]\n---\n",
     "content/issues/x.md (X): unknown severity 'broken' (expected down, disrupted or notice)"),
    ("x.md", "---\ntitle: X\ndate: 2020-01-01 00:00:00\nseverity: down\naffected: [Mainframe]\n---\n",
     "content/issues/x.md (X): affected system 'Mainframe' is not in config.yml's params.systems"),
    ("x.md", "---\ntitle: X\ndate: 2020-01-01 00:00:00\nresolved: true\nseverity: down\naffected: [API]\n---\n",
     "content/issues/x.md (X): resolvedWhen is missing or not a time"),
    ("x.md", "---\ntitle: X\ndate: [2020\nseverity: down\n---\n", "content/issues/x.md: not valid YAML"),
    ("x.md", "---\ntitle: X\ndate: 2020-01-01 00:00:00\nseverity: down\naffected: [API]\n---\n\x1b[31mDown\n",
     "content/issues/x.md (X): the body contains the control character U+001B (ESC) at position 1"),
    ("x.md", b"---\ntitle: X\xff\n---\n", "content/issues/x.md: not UTF-8 (byte 13)"),
])
def test_bad_cstate_issues_are_named(tmp_path: Path, name: str, text: str | bytes, message: str) -> None:
    root = empty_site(tmp_path / "site")
    source = cstate_site(tmp_path / "cstate")
    if isinstance(text, bytes):
        (source / "content/issues" / name).write_bytes(text)
    else:
        write(source, f"content/issues/{name}", text)
    before = files(root)
    code, out, err = run(root, "import", "cstate", str(source), "--force")
    assert code == 1 and err.startswith(f"statusgen: error: {message}"), err
    assert len(err.strip().splitlines()) == 1
    assert files(root) == before


# --- The text rule --------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")) | st.sampled_from(
    list("\n\t\\`*_[]<>&!|~#-+=.)1 ")), min_size=1, max_size=40))
def test_plain_text_reads_back_as_the_same_text(text: str) -> None:
    """What the API publishes (to_text) of an imported body is the body: Markdown never eats a character."""
    blocks = re.split(r"\n[ \t]*\n", text)
    expected = "\n\n".join(p for p in (" ".join(line.strip() for line in b.split("\n") if line.strip())
                                        for b in blocks) if p)
    if not expected.strip() or "\ufeff" in text or any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE
                                                        for c in text):
        return
    assert to_text(markdown_text(text, "item", "body")) == expected


def test_a_long_source_id_still_makes_an_id_the_site_accepts(tmp_path: Path) -> None:
    """Two incidents of one title on one day: the second is named with its source id, which may be long;
    every file written must validate (an id names files, and has a length limit)."""
    documents = statuspage_documents()
    incidents = documents["incidents.json"]["incidents"]
    incidents[0]["name"] = "The dashboard was slow to load for every customer in every region of the world"
    twin = json.loads(json.dumps(incidents[0]))
    twin["id"] = "x" * 120
    for number, item in enumerate(twin["incident_updates"]):
        item["id"] = f"twin-{number}"
    incidents.append(twin)
    source = write_documents(tmp_path / "export" / "api" / "v2", documents)
    root = empty_site(tmp_path / "site")
    code, _, err = run(root, "import", "statuspage", str(source.parent.parent), "--force")
    assert code == 0, err
    names = sorted(p.stem for p in (root / "content/incidents").glob("*.md"))
    assert len(names) == 4 and max(map(len, names)) <= 100 and any(len(n) > 90 for n in names), names
    code, out, err = run(root, "validate", "--now", AT)
    assert code == 0, out + err
