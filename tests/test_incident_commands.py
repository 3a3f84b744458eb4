"""declare, update, resolve, maintenance and list: files written without hand-editing YAML."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from generator.authoring.incident_files import yaml_scalar
from generator.cli import cli
from generator.content.source import parse_yaml

from .conftest import write

SEED = "content/incidents/2026-03-30-payment-outage.md"
MAINT = "content/incidents/2026-04-02-database-upgrade.md"
OPEN = "content/incidents/2026-03-30-api-errors.md"

OPEN_INCIDENT = """\
---
title: API errors
type: incident
severity: SEV1
components:
  api: partial_outage
started: 2026-03-30T14:50:00Z
updates:
  - at: 2026-03-30T15:00:00Z
    status: investigating
    message: Some API requests fail.
internal:
  commander: alice
---
"""

REPLAYED = """\
---
# yaml-language-server: $schema=../../schemas/incident.schema.json
title: Payment outage
type: incident
severity: SEV1
components:
  payments: major_outage
started: 2026-03-30T14:15:00Z
detected: 2026-03-30T14:32:00Z
updates:
  - at: 2026-03-30T14:35:00Z
    status: investigating
    message: Payment processing is failing for all users.
  - at: 2026-03-30T14:42:00Z
    status: identified
    message: "We have identified the cause: a deploy at 14:15 UTC introduced a regression."
  - at: 2026-03-30T14:50:00Z
    status: monitoring
    components:
      payments: partial_outage
    message: The rollback is complete and error rates are falling. We are monitoring.
  - at: 2026-03-30T15:02:00Z
    status: resolved
    message: Rolled back payment-service to v2.3.1.
internal:
  commander: alice
  tech_lead: bob
  channel: "#incident-2026-03-30-payments"
---
"""

HAND_WRITTEN = """\
---
# Written by hand: comments, quoting and layout must survive an appended update.
title: 'API: slow lists'   # single-quoted on purpose
severity: "SEV2"
type: incident
components: {api: degraded_performance}
started: 2026-03-30T10:00:00+00:00
updates:
- at: 2026-03-30T10:05:00Z
  status: investigating
  message: >
    List endpoints are slow.
    We are looking into it.

- at: "2026-03-30T10:20:00Z"
  status: identified   # confirmed by bob
  message: |-
    A missing index.
    # this line is message text, not a comment
  # a comment that belongs to the last update
# a comment about internal
internal:
    commander: "alice"
    notes: |
      Keep this.
---
Body with **Markdown**.

- a list item
----
not front matter
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content/incidents").iterdir())}


@pytest.fixture
def empty(site: Path) -> Path:
    """The site without its payment outage, for the replay to declare it again."""
    (site / SEED).unlink()
    return site


def test_replay_payment_outage(empty: Path) -> None:
    declared = run(empty, "declare", "Payment outage", "--severity", "SEV1", "--component", "payments=major_outage",
                   "--commander", "alice", "--tech-lead", "bob", "--channel", "#incident-2026-03-30-payments",
                   "--started", "14:15", "--detected", "14:32",
                   "--message", "Payment processing is failing for all users.", "--now", "2026-03-30T14:35:00Z")
    assert declared.exit_code == 0, declared.output
    assert declared.stdout.splitlines()[0] == str(empty / SEED)
    steps = [
        ("update", "--status", "identified", "--now", "2026-03-30T14:42:00Z",
         "--message", "We have identified the cause: a deploy at 14:15 UTC introduced a regression."),
        ("update", "--status", "monitoring", "--component", "payments=partial_outage", "--now", "2026-03-30T14:50:00Z",
         "--message", "The rollback is complete and error rates are falling. We are monitoring."),
        ("resolve", "--message", "Rolled back payment-service to v2.3.1.", "--now", "2026-03-30T15:02:00Z"),
    ]
    for command, *options in steps:
        result = run(empty, command, "2026-03-30-payment-outage", *options)
        assert result.exit_code == 0, result.output
    assert (empty / SEED).read_text(encoding="utf-8") == REPLAYED
    assert run(empty, "validate", "--now", "2026-04-01T00:00:00Z").exit_code == 0
    assert "Duration: 47 minutes (14:15 - 15:02 UTC)" in result.stdout


def test_declare_prints_path_then_declaration(empty: Path) -> None:
    result = run(empty, "declare", "Payment outage", "--severity", "sev2", "--component", "payments=major_outage",
                 "--commander", "@alice", "--now", "2026-03-30T14:35:00Z")
    assert result.exit_code == 0, result.output
    path, blank, *message = result.stdout.splitlines()
    assert (path, blank, message[0]) == (str(empty / SEED), "", "INCIDENT DECLARED - SEV2")
    assert "IC: @alice" in message and "Bridge: #incident-2026-03-30-payment-outage" in message
    assert "Next update in 30 minutes." in message
    text = (empty / SEED).read_text()
    assert "started: 2026-03-30T14:35:00Z" in text and "commander: \"@alice\"" in text
    assert "message: We are investigating an issue affecting Payments." in text
    assert run(empty, "validate", "--now", "2026-04-01T00:00:00Z").exit_code == 0


def test_declare_twice_refuses(site: Path) -> None:
    before = files(site)
    result = run(site, "declare", "Payment outage", "--severity", "SEV3", "--component", "payments=major_outage",
                 "--now", "2026-03-30T16:00:00Z")
    assert result.exit_code == 1
    assert "already exists" in result.output and "Traceback" not in result.output
    assert files(site) == before


@pytest.mark.parametrize(("args", "message"), [
    (("--severity", "SEV1", "--component", "payments=major_outage"), "SEV1 needs an incident commander"),
    (("--severity", "SEV3", "--component", "payments"), "give the state too"),
    (("--severity", "SEV3", "--component", "payments=down"), "unknown state 'down'"),
    (("--severity", "SEV3", "--component", "payments=under_maintenance"), "is not for an incident"),
    (("--severity", "SEV3"), "give at least one --component"),
    (("--severity", "SEV3", "--component", "payments=major_outage", "--started", "15:00"), "in the future"),
    (("--severity", "SEV3", "--component", "payments=major_outage", "--started", "14:20", "--detected", "14:10"),
     "--detected 2026-03-30T14:10:00Z is before --started"),
])
def test_declare_usage_errors(empty: Path, args: tuple[str, ...], message: str) -> None:
    before = files(empty)
    result = run(empty, "declare", "Payment outage", *args, "--now", "2026-03-30T14:35:00Z")
    assert result.exit_code == 2
    assert "statusgen: error: " in result.stderr and message in result.stderr, result.output
    assert files(empty) == before


def test_declare_unknown_component(empty: Path) -> None:
    result = run(empty, "declare", "Payment outage", "--severity", "SEV3", "--component", "paymnts=major_outage",
                 "--now", "2026-03-30T14:35:00Z")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("content/components.yml:4:1: error: unknown component 'paymnts' "
                                     "(from --component); did you mean 'payments'?")
    assert not (empty / SEED).exists()


def test_append_changes_only_the_added_lines(site: Path) -> None:
    rel = "content/incidents/2026-03-30-api-slow-lists.md"
    path = write(site, rel, HAND_WRITTEN)
    result = run(site, "update", "2026-03-30-api-slow-lists", "--status", "monitoring", "--at", "10:40",
                 "--component", "api=operational", "--message", "A fix is deployed; we're watching.",
                 "--now", "2026-03-30T10:41:00Z")
    assert result.exit_code == 0, result.output
    old, new = HAND_WRITTEN.splitlines(), path.read_text().splitlines()
    changes = [line for line in difflib.ndiff(old, new) if line[:1] in "+-?"]
    assert changes == ["+ - at: 2026-03-30T10:40:00Z", "+   status: monitoring", "+   components:",
                       "+     api: operational", "+   message: A fix is deployed; we're watching."]
    assert new.index("- at: 2026-03-30T10:40:00Z") == old.index("# a comment about internal")
    assert run(site, "validate", "--now", "2026-03-31T00:00:00Z").exit_code == 0


@pytest.mark.parametrize(("layout", "item"), [
    ("updates:\n    -   at: {at}\n        status: investigating\n        message: x\n",
     "    -   at: 2026-03-30T15:10:00Z\n        status: identified\n        message: y\n"),
    ("updates:\n  -\n    at: {at}\n    status: investigating\n    message: x\n",
     "  - at: 2026-03-30T15:10:00Z\n    status: identified\n    message: y\n"),
    ("updates:\n  - {{at: {at}, status: investigating, message: x}}\n",
     "  - at: 2026-03-30T15:10:00Z\n    status: identified\n    message: y\n"),
])
def test_append_follows_the_list_layout(site: Path, layout: str, item: str) -> None:
    head = OPEN_INCIDENT.split("updates:")[0]
    tail = "internal:\n  commander: alice\n---\n"
    write(site, OPEN, head + layout.format(at="2026-03-30T15:00:00Z") + tail)
    before = (site / OPEN).read_text()
    result = run(site, "update", "2026-03-30-api-errors", "--status", "identified", "--message", "y",
                 "--now", "2026-03-30T15:10:00Z")
    assert result.exit_code == 0, result.output
    assert (site / OPEN).read_text() == before.replace(tail, item + tail)


def test_append_keeps_bom_and_crlf(site: Path) -> None:
    path = site / OPEN
    path.write_bytes(b"\xef\xbb\xbf" + OPEN_INCIDENT.replace("\n", "\r\n").encode())
    result = run(site, "update", OPEN, "--status", "identified", "--message", "Found it.",
                 "--now", "2026-03-30T15:10:00Z")
    assert result.exit_code == 0, result.output
    added = "  - at: 2026-03-30T15:10:00Z\r\n    status: identified\r\n    message: Found it.\r\n"
    expected = OPEN_INCIDENT.replace("\n", "\r\n").replace("internal:", added + "internal:")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_flow_style_updates_are_refused(site: Path) -> None:
    text = OPEN_INCIDENT.split("updates:")[0] + (
        "updates: [{at: 2026-03-30T15:00:00Z, status: investigating, message: x}]\ninternal: {commander: a}\n---\n")
    path = write(site, OPEN, text)
    result = run(site, "update", "2026-03-30-api-errors", "--status", "identified", "--message", "y",
                 "--now", "2026-03-30T15:10:00Z")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{OPEN}:8:1: error: cannot append an update safely")
    assert path.read_text() == text


@pytest.mark.parametrize(("target", "args", "expected"), [
    (SEED, ("update", "--status", "monitoring", "--message", "x"),
     rf"^{SEED}:17:5: error: this incident is resolved \(at 2026-03-30T15:02:00Z\) and takes no more updates"),
    (SEED, ("resolve",), rf"^{SEED}:17:5: error: this incident is resolved"),
    (OPEN, ("update", "--status", "identified", "--message", "x", "--at", "14:59"),
     rf"^{OPEN}:9:5: error: the new update's time 2026-03-30T14:59:00Z is not after the last update "
     r"\(2026-03-30T15:00:00Z\)"),
    (OPEN, ("update", "--status", "identified", "--message", "x", "--at", "15:00"), rf"^{OPEN}:9:5: error: "),
    (OPEN, ("update", "--status", "identified", "--message", "x", "--component", "apii=major_outage"),
     r"^content/components.yml:4:1: error: unknown component 'apii' \(from --component\); did you mean 'api'\?"),
    (OPEN, ("update", "--status", "in_progress", "--message", "x"),
     rf"^{OPEN}:3:1: error: status 'in_progress' is not for an incident; allowed: investigating, identified"),
    (OPEN, ("update", "--status", "identified", "--message", "x", "--component", "api=under_maintenance"),
     rf"^{OPEN}:3:1: error: state 'under_maintenance' \(--component api\) is not for an incident"),
    (MAINT, ("update", "--status", "identified", "--message", "x"),
     rf"^{MAINT}:3:1: error: status 'identified' is not for maintenance; allowed: scheduled, in_progress"),
])
def test_refusals_leave_files_untouched(site: Path, target: str, args: tuple[str, ...], expected: str) -> None:
    write(site, OPEN, OPEN_INCIDENT)
    before = files(site)
    command, *options = args
    result = run(site, command, Path(target).stem, *options, "--now", "2026-03-30T15:10:00Z")
    assert result.exit_code == 1, result.output
    assert re.search(expected, result.stderr, re.M), result.stderr
    assert "Traceback" not in result.output
    assert files(site) == before


@pytest.mark.parametrize(("args", "message"), [
    (("update", "2026-03-30-api-errors", "--status", "identified", "--message", "x", "--at", "16:00"),
     "--at 2026-03-30T16:00:00Z is in the future"),
    (("update", "2026-03-30-api-errorz", "--status", "identified", "--message", "x"),
     "no incident '2026-03-30-api-errorz' (content/incidents/2026-03-30-api-errorz.md does not exist); "
     "did you mean '2026-03-30-api-errors'?"),
    (("update", "2026-03-30-api-errors", "--status", "identified", "--message", "  "), "--message must not be empty"),
    (("update", "2026-03-30-api-errors", "--status", "identified", "--message", "x", "--at", "soon"),
     "--at: 'soon' is not a time"),
])
def test_update_usage_errors(site: Path, args: tuple[str, ...], message: str) -> None:
    write(site, OPEN, OPEN_INCIDENT)
    result = run(site, *args, "--now", "2026-03-30T15:10:00Z")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"statusgen: error: {message}" or message in result.stderr, result.stderr
    assert (site / OPEN).read_text() == OPEN_INCIDENT


def test_maintenance_lifecycle(site: Path) -> None:
    result = run(site, "maintenance", "Payments database upgrade", "--component", "payments", "--component", "api",
                 "--from", "2026-04-05T02:00:00Z", "--until", "2026-04-05T03:00:00+00:00",
                 "--now", "2026-03-30T10:00:00Z")
    assert result.exit_code == 0, result.output
    path = site / "content/incidents/2026-04-05-payments-database-upgrade.md"
    assert result.stdout == f"{path}\n"
    assert path.read_text() == """\
---
# yaml-language-server: $schema=../../schemas/incident.schema.json
title: Payments database upgrade
type: maintenance
components:
  payments: under_maintenance
  api: under_maintenance
scheduled_for: 2026-04-05T02:00:00Z
scheduled_until: 2026-04-05T03:00:00Z
updates:
  - at: 2026-03-30T10:00:00Z
    status: scheduled
    message: "We will perform scheduled maintenance on Payments, Public API from 2026-04-05 02:00 to \
2026-04-05 03:00 UTC."
---
"""
    assert run(site, "update", path.stem, "--status", "in_progress", "--message", "Started.",
               "--now", "2026-04-05T02:00:00Z").exit_code == 0
    assert run(site, "resolve", path.stem, "--now", "2026-04-05T02:40:00Z").exit_code == 0
    assert path.read_text().endswith("    status: completed\n    message: The scheduled maintenance has been "
                                     "completed.\n---\n")
    assert run(site, "validate", "--now", "2026-04-06T00:00:00Z").exit_code == 0


def test_maintenance_window_must_be_ordered(site: Path) -> None:
    result = run(site, "maintenance", "Upgrade", "--component", "api", "--from", "+2h", "--until", "+1h")
    assert result.exit_code == 2
    assert "statusgen: error: --until" in result.stderr and "must be after --from" in result.stderr


def test_list_open_warns_about_a_quiet_sev1(site: Path) -> None:
    write(site, OPEN, OPEN_INCIDENT)
    result = run(site, "list", "--open", "--now", "2026-03-30T15:45:00Z")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split()[:3] == ["ID", "SEV", "STATUS"]
    assert [line.split()[0] for line in lines] == ["2026-04-02-database-upgrade", "2026-03-30-api-errors"]
    row = lines[1]
    assert "SEV1" in row and "investigating" in row and "55 min" in row and "45 min ago !" in row
    assert "in 2 d 10 h 15 min" in lines[0]
    assert result.stderr.startswith("WARNING: 2026-03-30-api-errors is a SEV1 with no public update for "
                                    "45 minutes")
    data = json.loads(run(site, "list", "--open", "--format", "json", "--now", "2026-03-30T15:45:00Z").stdout)
    assert [(d["id"], d["update_overdue"]) for d in data] == [
        ("2026-04-02-database-upgrade", False), ("2026-03-30-api-errors", True)]
    assert data[1] | {"path": None} == {
        "id": "2026-03-30-api-errors", "path": None, "title": "API errors", "type": "incident", "severity": "SEV1",
        "status": "investigating", "open": True, "start": "2026-03-30T14:50:00Z", "end": None, "age_minutes": 55,
        "duration_minutes": 55, "last_update": "2026-03-30T15:00:00Z", "minutes_since_update": 45,
        "commander": "alice", "update_overdue": True}


def test_list_open_without_warning_and_list_all(site: Path) -> None:
    write(site, OPEN, OPEN_INCIDENT)
    quiet = run(site, "list", "--open", "--now", "2026-03-30T15:25:00Z")
    assert quiet.exit_code == 0 and not quiet.stderr and " !" not in quiet.stdout
    everything = run(site, "list", "--now", "2026-03-30T15:25:00Z")
    assert [line.split()[0] for line in everything.stdout.splitlines()[1:]] == [
        "2026-04-02-database-upgrade", "2026-03-30-api-errors", "2026-03-30-payment-outage"]
    assert "47 min" in everything.stdout.splitlines()[3]
    (site / OPEN).unlink()
    nothing = run(site, "list", "--open", "--now", "2026-04-10T00:00:00Z")
    assert nothing.stdout == "No open incidents or maintenance.\n"


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_yaml_scalar_reads_back(text: str) -> None:
    located, problems = parse_yaml(f"message: {yaml_scalar(text)}\n", "x")
    assert not problems and located is not None
    assert located.data == {"message": text}
