"""Alerts ↔ runbooks and alert → incident draft (issue 18), against the real tools.

- Prometheus rule files named by ``extra.statusgen.alerts.rules`` are checked by ``validate`` at
  ``path:line:col``, and Debian's ``promtool check rules`` judges the same files: a table of
  valid and invalid files, and whatever statusgen accepts promtool accepts.
- Runbook pages of the internal site list the alerts that link to them, escaped.
- ``declare --from-alertmanager`` reads what a real ``prometheus-alertmanager`` POSTs to its
  webhook receiver; ``--from-pagerduty`` reads PagerDuty's documented v3 webhook shape.
- ``.github/workflows/alert.yml`` passes actionlint and keeps the workflows' rules.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.alerts.check import check_alerts, runbook_id
from generator.alerts.rules import read_rule_file
from generator.cli import cli
from generator.settings import check_settings

from .conftest import REPO, write
from .tools import need_tool, tool_missing

INTERNAL = "https://internal.acmepay.example/"
RULES = "monitoring/rules.yml"
NOW = "2026-11-26T12:00:00Z"

COMPONENTS = """\
groups:
  - id: platform
    name: Core Platform
components:
  - id: api
    name: Public API
    group: platform
    alerts: {service: api}
  - id: payments
    name: Payments
    group: platform
    alerts: {service: payments, team: money}
  - id: dashboard
    name: Dashboard
"""

GOOD_RULES = f"""\
groups:
  - name: database
    rules:
      - alert: DatabaseHighCPU
        expr: avg(rate(node_cpu_seconds_total{{mode!="idle"}}[5m])) > 0.8
        for: 10m
        labels: {{severity: error, service: api}}
        annotations:
          summary: Database CPU above 80%
          runbook_url: {INTERNAL}runbooks/high-database-cpu/
      - record: job:up:sum
        expr: sum by (job) (up)
"""


def run(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def with_alerts(site: Path, rules: str | None = GOOD_RULES, globs: str = f"[{RULES}]", extra: str = "") -> Path:
    """The small test site with a rule file, alerts settings and component matchers."""
    write(site, "content/components.yml", COMPONENTS)
    if rules is not None:
        write(site, RULES, rules)
    settings = (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {INTERNAL}" in settings  # the example's internal site (runbook URLs point there)
    settings = settings.replace("  statusgen:\n", f"  statusgen:\n    alerts:\n      rules: {globs}\n{extra}", 1)
    (site / "mkdocs.yml").write_text(settings, encoding="utf-8")
    return site


def diagnostics(site: Path) -> list[str]:
    result = run(site, "validate", "--now", NOW)
    return [line for line in result.output.splitlines() if ": error: " in line or ": warning: " in line]


# --- Alerts ↔ runbooks: validate ---------------------------------------------------------------


def test_site_with_rules_is_valid(site: Path) -> None:
    with_alerts(site)
    result = run(site, "validate", "--now", NOW, "--strict")
    assert result.exit_code == 0, result.output
    assert "content is valid" in result.output


def test_alert_without_runbook_is_a_warning(site: Path) -> None:
    with_alerts(site, GOOD_RULES.replace(f"          runbook_url: {INTERNAL}runbooks/high-database-cpu/\n", ""))
    assert diagnostics(site) == [f"{RULES}:4:9: warning: alert 'DatabaseHighCPU' has no runbook_url annotation; "
                                 "every alert should be actionable: link it to its runbook, like runbook_url: "
                                 f"{INTERNAL}runbooks/<id>/"]
    assert run(site, "validate", "--now", NOW).exit_code == 0
    assert run(site, "validate", "--now", NOW, "--strict").exit_code == 1


@pytest.mark.parametrize("url, message", [
    (f"{INTERNAL}runbooks/high-db-cpu/", "names runbook 'high-db-cpu', which does not exist (no "
                                         "content/runbooks/high-db-cpu.md); did you mean 'high-database-cpu'?"),
    ("https://wiki.example.com/runbooks/high-database-cpu/", "is not a runbook page of the internal site"),
    (f"{INTERNAL}runbooks/high-database-cpu", "is not a runbook page of the internal site"),
    (f"{INTERNAL}runbooks/{{{{ $labels.runbook }}}}/", "is not a runbook page of the internal site"),
])
def test_runbook_url_must_name_an_existing_runbook_page(site: Path, url: str, message: str) -> None:
    with_alerts(site, GOOD_RULES.replace(f"{INTERNAL}runbooks/high-database-cpu/", f'"{url}"'))
    [found] = diagnostics(site)
    assert found.startswith(f"{RULES}:10:11: error: alert 'DatabaseHighCPU': ") and message in found, found


def test_runbook_url_may_name_a_section() -> None:
    assert runbook_id(f"{INTERNAL}runbooks/high-database-cpu/#escalation", INTERNAL) == "high-database-cpu"
    assert runbook_id(f"{INTERNAL}runbooks/high-database-cpu/?x=1", INTERNAL) is None
    assert runbook_id(f"{INTERNAL}runbooks/../index/", INTERNAL) is None


def test_alert_a_runbook_lists_must_exist(site: Path) -> None:
    with_alerts(site, GOOD_RULES.replace("DatabaseHighCPU", "DatabaseCPUHigh"))
    assert diagnostics(site) == ["content/runbooks/high-database-cpu.md:5:10: error: alert 'DatabaseHighCPU' is not "
                                 f"an alerting rule of the rule files ({RULES}); did you mean 'DatabaseCPUHigh'?"]


def test_without_rules_runbook_alerts_are_not_checked(site: Path) -> None:
    """No alerts.rules: a site that does not keep its rules here validates as before."""
    assert diagnostics(site) == []


@pytest.mark.parametrize("globs, extra, expected", [
    ("[monitoring/nothing-*.yml]", "", "mkdocs.yml:27:15: error: alerts.rules: no file matches 'monitoring/nothing-*.yml'"),
    ("[../rules.yml]", "", "mkdocs.yml:27:15: error: alerts.rules: '../rules.yml' must be a path relative to the "
                           "repository, inside it (like content/alerts/*.yml)"),
    (f"[{RULES}]", "      severities: {critical: SEV9}\n", "mkdocs.yml:28:20: error: "),
    (f"[{RULES}]", "      severity_label: sev-level\n", "mkdocs.yml:28:7: error: 'extra.statusgen.alerts.severity_label': 'sev-level' is not a Prometheus label name"),
])
def test_alert_settings_are_checked_where_written(site: Path, globs: str, extra: str, expected: str) -> None:
    with_alerts(site, globs=globs, extra=extra)
    lines = (site / "mkdocs.yml").read_text().splitlines()
    assert lines[25:27] == ["    alerts:", f"      rules: {globs}"]
    found = diagnostics(site)
    assert len(found) == 1 and found[0].startswith(expected), found
    assert run(site, "build", "--now", NOW, "--out", str(site.parent / "out")).exit_code == 1


def test_rules_need_the_internal_site_url(site: Path) -> None:
    with_alerts(site)
    settings = (site / "mkdocs.yml").read_text()
    (site / "mkdocs.yml").write_text(re.sub(r"    internal:\n      site_url: .*\n", "", settings))
    [found] = diagnostics(site)
    assert "error: alerts.rules needs extra.statusgen.internal.site_url" in found


def test_files_named_by_several_globs_are_read_once(site: Path) -> None:
    with_alerts(site, globs=f"[{RULES}, 'monitoring/*.yml']")
    settings, problems = check_settings(site)
    assert problems == [] and settings is not None and settings.alert_rule_files == (RULES,)
    index, found = check_alerts(site, settings, None)
    assert found == [] and [r.name for r in index.rules] == ["DatabaseHighCPU"]


# --- The same files through promtool -------------------------------------------------------------

ALERT = "      - alert: X\n        expr: up == 0\n"
GROUP = "groups:\n  - name: a\n    rules:\n"

#: (rule file, what promtool says, what statusgen says, where statusgen reports the first error)
CASES: dict[str, tuple[str, bool, bool, str | None]] = {
    "alert and record": (GROUP + ALERT + "      - record: job:up:sum\n        expr: sum by (job) (up)\n", True, True, None),
    "all alert fields": (GROUP + ALERT + "        for: 1h30m\n        keep_firing_for: 5m\n        labels: {severity: "
                         "critical}\n        annotations: {summary: 'on {{ $labels.instance }}'}\n", True, True, None),
    "groups empty": ("groups: []\n", True, True, None),
    "group without rules": ("groups:\n  - name: a\n    interval: 30s\n    limit: 10\n", True, True, None),
    "same alert twice": (GROUP + ALERT + ALERT, True, True, None),
    "template blocks": (GROUP + ALERT + "        annotations: {summary: '{{ if $value }}x{{ end }}'}\n", True, True, None),
    "strings hold brackets": (GROUP + "      - alert: X\n        expr: up{job=\")(\"} # )\n", True, True, None),
    "unknown group field": ("groups:\n  - name: a\n    labels: {a: b}\n    rules: []\n", False, False, "3:5"),
    "unknown top-level field": ("groups: []\nfoo: 1\n", False, False, "2:1"),
    "unknown rule field": (GROUP + ALERT + "        severity: critical\n", False, False, "6:9"),
    "group without name": ("groups:\n  - rules: []\n", False, False, "2:5"),
    "group name repeated": ("groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n", False, False, "4:5"),
    "neither alert nor record": (GROUP + "      - expr: up\n", False, False, "4:9"),
    "alert and record at once": (GROUP + "      - alert: X\n        record: y\n        expr: up\n", False, False, "4:9"),
    "no expr": (GROUP + "      - alert: X\n", False, False, "4:9"),
    "empty expr": (GROUP + "      - alert: X\n        expr: ''\n", False, False, "5:9"),
    "unclosed parenthesis": (GROUP + "      - alert: X\n        expr: sum(up\n", False, False, "5:9"),
    "unclosed brace": (GROUP + "      - alert: X\n        expr: up{job=\"a\" > 1\n", False, False, "5:9"),
    "duration without unit": (GROUP + ALERT + "        for: 5\n", False, False, "6:9"),
    "duration out of order": (GROUP + ALERT + "        for: 5m1h\n", False, False, "6:9"),
    "bad interval": ("groups:\n  - name: a\n    interval: soon\n    rules: []\n", False, False, "3:5"),
    "limit not a number": ("groups:\n  - name: a\n    limit: x\n    rules: []\n", False, False, "3:5"),
    "rules a mapping": ("groups:\n  - name: a\n    rules: {}\n", False, False, "3:5"),
    "bad label name": (GROUP + ALERT + "        labels: {bad-name: x}\n", False, False, "6:18"),
    "__name__ label": (GROUP + ALERT + "        labels: {__name__: x}\n", False, False, "6:18"),
    "bad annotation name": (GROUP + ALERT + "        annotations: {bad-name: x}\n", False, False, "6:23"),
    "unclosed template": (GROUP + ALERT + "        annotations: {summary: '{{ $labels.x'}\n", False, False, "6:23"),
    "stray template end": (GROUP + ALERT + "        annotations: {summary: '{{ end }}'}\n", False, False, "6:23"),
    "for on a recording rule": (GROUP + "      - record: job:up\n        expr: up\n        for: 1m\n", False, False,
                                "6:9"),
    "bad recording rule name": (GROUP + "      - record: bad name\n        expr: up\n", False, False, "4:9"),
    "duplicate key": ("groups:\n  - name: a\n    name: b\n    rules: []\n", False, False, "3:5"),
    "YAML syntax": ("groups:\n  - name: [a\n", False, False, None),
    # statusgen is stricter than promtool here, on purpose (never the other way round):
    "label value a number": (GROUP + ALERT + "        labels: {severity: 1}\n", True, False, "6:18"),
    "empty file": ("\n", True, False, "1:1"),
}


@pytest.fixture(scope="module")
def promtool() -> Path:
    return need_tool("promtool", "prometheus")


def promtool_accepts(promtool: Path, path: Path) -> bool:
    result = subprocess.run([str(promtool), "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode == 0


@pytest.mark.parametrize("name", CASES)
def test_rule_files_as_promtool_judges_them(promtool: Path, tmp_path: Path, name: str) -> None:
    text, promtool_ok, ours_ok, where = CASES[name]
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    assert promtool_accepts(promtool, path) is promtool_ok
    rules, problems = read_rule_file(path, "rules.yml")
    assert (not problems) is ours_ok, problems
    assert not ours_ok or promtool_ok  # what statusgen accepts, Prometheus accepts
    if where is not None:
        assert f"{problems[0].line}:{problems[0].column}" == where, problems
    if ours_ok:
        assert [r.name for r in rules] == re.findall(r"- alert: (\S+)", text)


def test_example_rules_pass_promtool_and_validate(promtool: Path) -> None:
    settings, problems = check_settings(REPO)
    assert problems == [] and settings is not None and settings.alert_rule_files
    for rel in settings.alert_rule_files:
        assert promtool_accepts(promtool, REPO / rel), rel
    result = run(REPO, "validate", "--now", NOW, "--strict")
    assert result.exit_code == 0, result.output
    index, _ = check_alerts(REPO, settings, None)
    # every example runbook is linked from an alert, and every alert of a runbook is in the rules
    runbooks = {p.stem for p in (REPO / "content/runbooks").glob("*.md")}
    assert set(index.by_runbook) == runbooks


# --- Runbook pages list the alerts that link to them -----------------------------------------------

CANARY = "<script>alert('runbook-canary')</script>"


def test_runbook_page_lists_its_alerts_escaped(site: Path, tmp_path: Path) -> None:
    rules = GOOD_RULES.replace("service: api}", f"service: api, team: \"{CANARY}\"}}").replace(
        'mode!="idle"', 'mode!="<b>expr-canary</b>"')
    with_alerts(site, rules)
    out = tmp_path / "out"
    result = run(site, "build", "--now", NOW, "--out", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "internal/runbooks/high-database-cpu/index.html").read_text(encoding="utf-8")
    assert "Alerts that link here" in page and 'id="databasehighcpu"' in page
    assert "10m" in page and "severity=error" in page and "node_cpu_seconds_total" in page
    assert CANARY not in page and "<b>expr-canary" not in page
    assert "team=&#60;script&#62;alert" in page and "&lt;b&gt;expr-canary" in page
    assert "job:up:sum" not in page  # recording rules are not alerts
    for path in (out / "public").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"runbook-canary" not in data and b"expr-canary" not in data, path


def test_build_refuses_an_invalid_rule_file(site: Path, tmp_path: Path) -> None:
    with_alerts(site, GOOD_RULES.replace("for: 10m", "for: ten minutes"))
    result = CliRunner().invoke(cli, ["--root", str(site), "build", "--now", NOW, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{RULES}:6:9: error: 'for': 'ten minutes' is not a Prometheus duration" in result.output
    assert not (tmp_path / "out").exists()
