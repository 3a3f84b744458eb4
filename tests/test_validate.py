"""Every validation rule, each with a failing fixture: message, line and column."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.content.loader import load_content

from .conftest import INCIDENT, MAINTENANCE, NOW, POSTMORTEM, RUNBOOK, write

INC = "content/incidents/2026-03-30-payment-outage.md"
MNT = "content/incidents/2026-04-02-database-upgrade.md"
PM = "content/postmortems/2026-03-30-payment-outage.md"
RB = "content/runbooks/high-database-cpu.md"


def problems(root: Path) -> list[tuple[str, int, int, str, str, str]]:
    content, diagnostics = load_content(root, NOW.date())
    assert (content is None) == any(d.severity == "error" for d in diagnostics)
    return [(d.file, d.line, d.column, d.severity, d.code, d.message) for d in diagnostics]


def only(root: Path) -> tuple[str, int, int, str, str, str]:
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


def test_valid_site_has_no_problems(site: Path) -> None:
    content, diagnostics = load_content(site, NOW.date())
    assert diagnostics == []
    assert content is not None
    assert [i.id for i in content.incidents] == ["2026-03-30-payment-outage", "2026-04-02-database-upgrade"]
    postmortem = content.postmortems[0]
    assert [a.owner for a in postmortem.action_items] == ["@bob", "@carol"]
    assert [s.title for s in postmortem.sections][:2] == ["Summary", "Impact"]
    assert postmortem.timeline[0].time == "14:15"


def test_example_content_is_valid_without_warnings() -> None:
    root = Path(__file__).resolve().parents[1]
    content, diagnostics = load_content(root, NOW.date())
    assert diagnostics == []
    assert content is not None
    incidents = [i for i in content.incidents if not i.is_maintenance]
    assert len(incidents) >= 12 and len(content.incidents) - len(incidents) >= 2
    assert len(content.runbooks) >= 4 and len(content.postmortems) >= 3
    assert sum(p.is_public for p in content.postmortems) >= 1
    assert len(content.components) >= 6 and len(content.groups) >= 2


def edit(site: Path, rel: str, text: str, old: str, new: str) -> None:
    assert old in text, old
    write(site, rel, text.replace(old, new, 1))


# (file, original, replace this, with this, line, column, code, message part)
CASES = [
    ("yaml-syntax", INC, INCIDENT, "title: Payment processing failing", "title: [unclosed", 3, 9, "yaml-syntax",
     "YAML syntax error"),
    ("duplicate-key", INC, INCIDENT, "severity: SEV1\n", "severity: SEV1\nseverity: SEV2\n", 4, 1,
     "duplicate-key", "duplicate key 'severity' (first defined on line 3)"),
    ("missing-title", INC, INCIDENT, "title: Payment processing failing\n", "", 2, 1, "missing-field",
     "missing required field 'title'"),
    ("empty-title", INC, INCIDENT, "title: Payment processing failing", "title: '  '", 2, 1, "empty-field",
     "'title' must not be empty"),
    ("empty-updates", INC, INCIDENT, "updates:\n  - at: 2026-03-30T14:35:00Z\n    status: investigating\n"
     "    message: Payment processing is failing for all users.\n  - at: 2026-03-30T14:50:00Z\n    status: identified\n"
     "    components: {payments: partial_outage}\n    message: A deploy introduced a regression; rollback in progress.\n"
     "  - at: 2026-03-30T15:02:00Z\n    status: resolved\n    message: Rolled back payment-service to v2.3.1.\n",
     "updates: []\n", 8, 1, "empty-field", "'updates' must not be empty"),
    ("missing-message", INC, INCIDENT, "    message: Payment processing is failing for all users.\n", "", 9, 5,
     "missing-field", "missing required field 'updates[0].message'"),
    ("unknown-field", INC, INCIDENT, "severity: SEV1", "severity: SEV1\nsevrity: SEV1", 4, 1, "unknown-field",
     "unknown field 'sevrity'; did you mean 'severity'?"),
    ("unknown-nested-field", INC, INCIDENT, "  commander: alice", "  commander: alice\n  comander: bob", 21, 3,
     "unknown-field", "unknown field 'internal.comander'; did you mean 'commander'?"),
    ("wrong-type", INC, INCIDENT, "components:\n  payments: major_outage", "components: [payments]", 4, 1,
     "wrong-type", "'components' must be a mapping, not a list"),
    ("wrong-type-title", INC, INCIDENT, "title: Payment processing failing", "title: [a, b]", 2, 1,
     "wrong-type", "'title' must be text, not a list"),
    ("invalid-enum", INC, INCIDENT, "severity: SEV1", "severity: SEV5", 3, 1, "invalid-value",
     "invalid value 'SEV5' for 'severity'; allowed: 'SEV1', 'SEV2', 'SEV3' or 'SEV4'"),
    ("invalid-status", INC, INCIDENT, "status: identified", "status: fixed", 13, 5, "invalid-value",
     "invalid value 'fixed' for 'updates[1].status'; allowed:"),
    ("invalid-state", INC, INCIDENT, "payments: major_outage", "payments: down", 5, 3, "invalid-value",
     "invalid value 'down' for 'components.payments'"),
    ("naive-timestamp", INC, INCIDENT, "started: 2026-03-30T14:15:00Z", "started: 2026-03-30T14:15:00", 6, 1,
     "naive-timestamp", "timestamp '2026-03-30T14:15:00' in 'started' has no UTC offset"),
    ("unparsable-timestamp", INC, INCIDENT, "  - at: 2026-03-30T14:35:00Z", "  - at: yesterday at noon", 9, 5,
     "invalid-timestamp", "invalid timestamp 'yesterday at noon' in 'updates[0].at'"),
    ("date-only-timestamp", INC, INCIDENT, "detected: 2026-03-30T14:32:00Z", "detected: 2026-03-30", 7, 1,
     "naive-timestamp", "timestamp '2026-03-30' in 'detected' has no UTC offset"),
    ("updates-out-of-order", INC, INCIDENT, "  - at: 2026-03-30T14:50:00Z", "  - at: 2026-03-30T14:30:00Z", 12, 5,
     "updates-out-of-order", "is not after the previous one"),
    ("updates-same-time", INC, INCIDENT, "  - at: 2026-03-30T14:50:00Z", "  - at: 2026-03-30T14:35:00Z", 12, 5,
     "updates-out-of-order", "is not after the previous one"),
    ("resolved-not-last", INC, INCIDENT, "status: identified", "status: resolved", 13, 5, "final-not-last",
     "a 'resolved' update must be the last one"),
    ("update-before-started", INC, INCIDENT, "  - at: 2026-03-30T14:35:00Z", "  - at: 2026-03-30T14:00:00Z", 9, 5,
     "update-before-start", "update is before the incident 'started'"),
    ("detected-before-started", INC, INCIDENT, "detected: 2026-03-30T14:32:00Z", "detected: 2026-03-30T14:00:00Z",
     7, 1, "detected-before-started", "'detected' is before 'started'"),
    ("incident-without-severity", INC, INCIDENT, "severity: SEV1\n", "", 2, 1, "missing-field",
     "missing required field 'severity'"),
    ("incident-without-started", INC, INCIDENT, "started: 2026-03-30T14:15:00Z\n", "", 2, 1, "missing-field",
     "missing required field 'started'"),
    ("sev1-without-commander", INC, INCIDENT, "  commander: alice", "  scribe: dave", 19, 1, "no-commander",
     "SEV1 needs an incident commander: set 'internal.commander'"),
    ("sev2-without-internal", INC, INCIDENT, "internal:\n  commander: alice\n", "", 3, 1, "no-commander",
     "SEV1 needs an incident commander"),
    ("maintenance-status-in-incident", INC, INCIDENT, "status: identified", "status: in_progress", 13, 5,
     "status-of-other-type", "status 'in_progress' is not for an incident; allowed: investigating, identified"),
    ("incident-status-in-maintenance", MNT, MAINTENANCE, "status: scheduled", "status: investigating", 10, 5,
     "status-of-other-type", "status 'investigating' is not for maintenance; allowed: scheduled"),
    ("incident-state-in-maintenance", MNT, MAINTENANCE, "api: under_maintenance", "api: major_outage", 5, 3,
     "invalid-state", "state 'major_outage' is not for maintenance"),
    ("maintenance-state-in-incident", INC, INCIDENT, "payments: major_outage", "payments: under_maintenance", 5, 3,
     "invalid-state", "state 'under_maintenance' is not for an incident"),
    ("maintenance-with-severity", MNT, MAINTENANCE, "type: maintenance", "type: maintenance\nseverity: SEV2", 4, 1,
     "wrong-type-field", "'severity' belongs to incidents"),
    ("maintenance-window-order", MNT, MAINTENANCE, "scheduled_until: 2026-04-02T03:00:00Z",
     "scheduled_until: 2026-04-02T02:00:00Z", 7, 1, "window-order", "'scheduled_until' must be after"),
    ("maintenance-without-window", MNT, MAINTENANCE, "scheduled_for: 2026-04-02T02:00:00Z\n", "", 2, 1,
     "missing-field", "missing required field 'scheduled_for'"),
    ("incident-with-window", INC, INCIDENT, "severity: SEV1", "severity: SEV1\nscheduled_for: 2026-03-30T14:00:00Z",
     4, 1, "wrong-type-field", "'scheduled_for' belongs to maintenance"),
    ("unknown-component", INC, INCIDENT, "payments: major_outage", "paymnts: major_outage", 5, 3,
     "unknown-component", "unknown component 'paymnts'; did you mean 'payments'?"),
    ("unknown-component-in-update", INC, INCIDENT, "{payments: partial_outage}", "{checkout: partial_outage}", 14, 18,
     "unknown-component", "unknown component 'checkout'"),
    ("invalid-component-id", INC, INCIDENT, "payments: major_outage", "Pay Ments: major_outage", 5, 3,
     "invalid-id", "invalid id 'Pay Ments'"),
    ("unknown-incident", PM, POSTMORTEM, "incident: 2026-03-30-payment-outage", "incident: 2026-03-30-payment-outag",
     3, 1, "unknown-incident", "unknown incident '2026-03-30-payment-outag'; did you mean '2026-03-30-payment-outage'?"),
    ("postmortem-no-authors", PM, POSTMORTEM, "authors: [alice]", "authors: []", 5, 1, "empty-field",
     "'authors' must not be empty"),
    ("postmortem-bad-date", PM, POSTMORTEM, "date: 2026-03-31", "date: 2026-02-31", 4, 1, "invalid-date",
     "invalid date '2026-02-31' in 'date'"),
    ("postmortem-bad-visibility", PM, POSTMORTEM, "visibility: internal", "visibility: secret", 7, 1,
     "invalid-value", "allowed: 'internal' or 'public'"),
    ("missing-section", PM, POSTMORTEM, "## Root Cause\nA null pointer.\n\n", "", 21, 1, "missing-section",
     "missing section '## Root Cause' (required by content/templates/postmortem.md)"),
    ("missing-last-section", RB, RUNBOOK, "## Root Cause Investigation\nCheck recent deploys.\n", "", 15, 1,
     "missing-section", "missing section '## Root Cause Investigation'"),
    ("empty-section", PM, POSTMORTEM, "## Impact\nAll payments failed.", "## Impact\n<!-- fill me -->", 12, 1,
     "empty-section", "section '## Impact' is empty"),
    ("out-of-order-section", RB, RUNBOOK, "## Symptoms\n- DB CPU > 80%\n\n## Immediate Actions\n1. Check the slow query log.",
     "## Immediate Actions\n1. Check the slow query log.\n\n## Symptoms\n- DB CPU > 80%", 11, 1, "section-order",
     "section '## Symptoms' is out of order: it must come before '## Immediate Actions'"),
    ("duplicate-section", RB, RUNBOOK, "## Escalation\nPage the DBA team.",
     "## Escalation\nPage the DBA team.\n\n## Escalation\nAgain.", 17, 1, "duplicate-section",
     "section '## Escalation' appears twice (first on line 14)"),
    ("action-without-owner", PM, POSTMORTEM, "| Add a test | @bob |", "| Add a test |  |", 36, 1, "action-no-owner",
     "action item 'Add a test' has no owner"),
    ("action-bad-due-date", PM, POSTMORTEM, "| 2026-04-06 |", "| next week |", 36, 1, "action-bad-date",
     "has due date 'next week'; expected YYYY-MM-DD"),
    ("action-impossible-date", PM, POSTMORTEM, "| 2026-04-06 |", "| 2026-04-31 |", 36, 1, "action-bad-date",
     "which is not a real date"),
    ("action-bad-status", PM, POSTMORTEM, "| done |", "| finished |", 36, 1, "action-bad-status",
     "action item status 'finished' is not one of: open, done"),
    ("ragged-table", PM, POSTMORTEM, "| 14:15 | Deploy |", "| 14:15 | Deploy | extra |", 18, 1, "malformed-table",
     "malformed table: row has 3 cells, the header has 2"),
    ("table-without-delimiter", PM, POSTMORTEM, "| Time (UTC) | Event |\n|---|---|\n", "| Time (UTC) | Event |\n", 16, 1,
     "malformed-table", "malformed table: a table needs a header row, a delimiter row"),
    ("table-missing-column", PM, POSTMORTEM, "| Action | Owner | Due Date | Status |", "| Action | Who | Due Date | Status |",
     34, 1, "missing-column", "table in '## Action Items' has no column 'Owner'"),
    ("timeline-bad-time", PM, POSTMORTEM, "| 14:15 | Deploy |", "| quarter past two | Deploy |", 18, 1,
     "invalid-time", "timeline time 'quarter past two' must look like 14:32"),
    ("runbook-missing-owner", RB, RUNBOOK, "owner: dba-team\n", "", 2, 1, "missing-field",
     "missing required field 'owner'"),
]


@pytest.mark.parametrize(("rel", "text", "old", "new", "line", "column", "code", "message"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_rule(site: Path, rel: str, text: str, old: str, new: str, line: int, column: int, code: str,
              message: str) -> None:
    edit(site, rel, text, old, new)
    found = [p for p in problems(site) if p[4] == code]
    assert found, problems(site)
    file, got_line, got_column, severity, _, got_message = found[0]
    assert (file, severity) == (rel, "error")
    assert message in got_message
    assert (got_line, got_column) == (line, column), got_message


def test_warning_for_overdue_action_item(site: Path) -> None:
    edit(site, PM, POSTMORTEM, "| 2027-04-15 | open |", "| 2026-11-01 | open |")
    assert only(site) == (PM, 37, 1, "warning", "action-overdue",
                          "action item 'Canary deploys' (owner @carol) was due 2026-11-01 and is not done")


def test_warning_for_stale_runbook(site: Path) -> None:
    edit(site, RB, RUNBOOK, "last_reviewed: 2026-10-01", "last_reviewed: 2026-05-01")
    assert only(site) == (RB, 6, 1, "warning", "runbook-stale",
                          "runbook was last reviewed 209 days ago (on 2026-05-01); review it at least every 180 days")


COMPONENT_CASES = [
    ("duplicate-id", "  - id: payments\n    name: Payments", "  - id: api\n    name: Payments", 8, 5,
     "duplicate id 'api' (already used by a component)"),
    ("group-component-collision", "  - id: dashboard", "  - id: platform", 11, 5, "duplicate id 'platform'"),
    ("unknown-group", "    group: platform\n  - id: payments", "    group: platfrm\n  - id: payments", 7, 5,
     "unknown group 'platfrm'; did you mean 'platform'?"),
    ("unknown-field", "    name: Dashboard", "    name: Dashboard\n    colour: red", 13, 5, "unknown field"),
    ("invalid-start-date", "    name: Dashboard", "    name: Dashboard\n    start_date: soon", 13, 5, "invalid date"),
]


@pytest.mark.parametrize(("old", "new", "line", "column", "message"), [c[1:] for c in COMPONENT_CASES],
                         ids=[c[0] for c in COMPONENT_CASES])
def test_components_rule(site: Path, old: str, new: str, line: int, column: int, message: str) -> None:
    from .conftest import COMPONENTS
    edit(site, "content/components.yml", COMPONENTS, old, new)
    found = problems(site)
    assert found and found[0][0] == "content/components.yml"
    assert message in found[0][5]
    assert found[0][1:3] == (line, column), found


def test_components_file_missing(site: Path) -> None:
    (site / "content/components.yml").unlink()
    found = problems(site)
    assert ("content/components.yml", 1, 1, "error", "missing-file") in [p[:5] for p in found]


@pytest.mark.parametrize(("data", "code", "message", "line", "column"), [
    (b"", "empty-file", "file is empty", 1, 1),
    (b"  \n\n", "empty-file", "file is empty", 1, 1),
    (b"title: x\n", "no-front-matter", "file must start with YAML front matter", 1, 1),
    (b"---\ntitle: x\n", "unclosed-front-matter", "front matter is not closed", 1, 1),
    (b"---\ntitle: caf\xe9\n---\n", "not-utf8", "file is not valid UTF-8 (byte 0xe9)", 2, 11),
    (b"---\n- a\n- b\n---\n", "not-a-mapping", "expected fields (a YAML mapping), got a list", 2, 1),
    (b"---\ntitle: !!python/object:os.system x\n---\n", "yaml-tag", "unsupported YAML tag", 2, 8),
])
def test_broken_files(site: Path, data: bytes, code: str, message: str, line: int, column: int) -> None:
    (site / "content/incidents/2026-05-01-broken.md").write_bytes(data)
    found = [p for p in problems(site) if p[0] == "content/incidents/2026-05-01-broken.md"]
    assert len(found) == 1, found
    assert found[0][4] == code and message in found[0][5]
    assert found[0][1:3] == (line, column)


def test_bom_and_crlf_are_accepted(site: Path) -> None:
    path = site / INC
    path.write_bytes(b"\xef\xbb\xbf" + INCIDENT.replace("\n", "\r\n").encode())
    assert problems(site) == []
    edit(site, INC, INCIDENT, "severity: SEV1", "severity: SEV9")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert [p[1:3] for p in problems(site)] == [(3, 1)]


@pytest.mark.parametrize(("name", "make", "code", "message"), [
    ("notes.txt", lambda p: p.write_text("x"), "unexpected-file", "content files end in .md"),
    ("nested", lambda p: p.mkdir(), "unexpected-file", "unexpected folder 'nested'"),
    ("link.md", lambda p: p.symlink_to("/etc/passwd"), "symlink", "not symbolic links"),
    ("Bad_Name.md", lambda p: p.write_text(INCIDENT), "invalid-id", "is not a valid id"),
    ("fifo.md", lambda p: os.mkfifo(p), "unexpected-file", "unexpected special file"),
])
def test_only_regular_content_files(site: Path, name: str, make, code: str, message: str) -> None:  # type: ignore[no-untyped-def]
    make(site / "content/incidents" / name)
    found = only(site)
    assert found[0] == f"content/incidents/{name}" and found[4] == code and message in found[5]


def test_unexpected_top_level_entries(site: Path) -> None:
    (site / "content/drafts").mkdir()
    (site / "content/notes.md").write_text("x")
    found = problems(site)
    assert [(p[0], p[4]) for p in found] == [("content/drafts", "unexpected-file"), ("content/notes.md", "unexpected-file")]


def test_template_section_changes_apply_everywhere(site: Path) -> None:
    template = site / "content/templates/runbook.md"
    template.write_text(template.read_text() + "\n## Where We Got Lucky\n\n## Rollback <!-- optional -->\n")
    found = only(site)
    assert found[:5] == (RB, 18, 1, "error", "missing-section")
    assert "'## Where We Got Lucky'" in found[5]


def test_missing_template(site: Path) -> None:
    (site / "content/templates/postmortem.md").unlink()
    found = problems(site)
    assert ("content/templates/postmortem.md", "missing-template") in [(p[0], p[4]) for p in found]


def test_reference_file_is_validated(site: Path) -> None:
    write(site, "content/reference.yml", "severities:\n  - id: SEV1\n    name: Critical\n    definiton: x\n")
    found = problems(site)
    assert ("content/reference.yml", 4, 5, "error", "unknown-field") in [p[:5] for p in found]
    assert any("did you mean 'definition'?" in p[5] for p in found)
