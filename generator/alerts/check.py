"""Alerts and runbooks, checked against each other: every alert actionable, every listed alert real.

- every alerting rule's ``runbook_url`` annotation is a runbook page of the internal site,
  ``<internal site_url>runbooks/<id>/`` (a ``#section`` may follow), of a runbook that exists;
- an alert without ``runbook_url`` is a warning: every alert should be actionable;
- every alert a runbook lists in ``alerts:`` is an alert of the rule files (error at its line).

``validate`` reports these; ``build`` refuses what is an error and gives the runbook pages
the alerts that link to them (:class:`AlertIndex`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.alerts.rules import AlertRule, read_rule_file
from generator.content.loader import ALERTS_DIR, CONTENT_DIR
from generator.content.models import Runbook, is_slug
from generator.content.rules import did_you_mean
from generator.content.source import read_markdown_file
from generator.errors import ContentError, Diagnostic
from generator.settings import Settings


@dataclass(frozen=True)
class AlertIndex:
    """The alerting rules of the configured files, and those that link to each runbook."""

    rules: tuple[AlertRule, ...] = ()
    by_runbook: dict[str, tuple[AlertRule, ...]] = field(default_factory=dict)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(rule.name for rule in self.rules)


def runbook_id(url: str, internal_url: str) -> str | None:
    """The runbook a ``runbook_url`` names, or None when it is not ``<internal>runbooks/<id>/[#section]``."""
    prefix = f"{internal_url}runbooks/"
    if not url.startswith(prefix):
        return None
    match = re.fullmatch(r"([^/#?]+)/(#[^#\s]*)?", url[len(prefix):])
    return match.group(1) if match and is_slug(match.group(1)) else None


def check_alerts(root: Path, settings: Settings, runbooks: Sequence[Runbook] | None
                 ) -> tuple[AlertIndex, list[Diagnostic]]:
    """Read the configured rule files and check them with the runbooks (``None``: content had errors).

    Without runbooks the rule files are still checked, against the runbook files that exist.
    """
    root = root.resolve()
    unread = _unread_rule_files(root, settings.alert_rule_files)
    if not settings.alert_rule_files:
        return AlertIndex(), unread
    assert settings.internal_url is not None  # check_settings refuses rules without it
    if runbooks is not None:
        ids = {r.id for r in runbooks}
    else:
        folder = root / CONTENT_DIR / "runbooks"
        ids = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    diagnostics: list[Diagnostic] = []
    rules: list[AlertRule] = []
    for rel in settings.alert_rule_files:
        found, problems = read_rule_file(root / rel, rel)
        rules += found
        diagnostics += problems
    complete = not any(d.severity == "error" for d in diagnostics)  # every rule read: the names are all known
    by_runbook: dict[str, list[AlertRule]] = {}
    for rule in rules:
        target = _runbook_of(rule, settings.internal_url, ids, diagnostics)
        if target is not None:
            by_runbook.setdefault(target, []).append(rule)
    index = AlertIndex(tuple(rules), {k: tuple(v) for k, v in sorted(by_runbook.items())})
    if runbooks is not None and complete:
        diagnostics += _listed_alerts(root, runbooks, index.names, settings.alert_rule_files)
    return index, sorted(diagnostics + unread)


def _unread_rule_files(root: Path, read: tuple[str, ...]) -> list[Diagnostic]:
    """A warning for each file in ``content/alerts/`` that no ``alerts.rules`` glob names: it is checked by nothing."""
    folder = root / CONTENT_DIR / ALERTS_DIR
    if not folder.is_dir():
        return []
    return [Diagnostic(rel, 1, 1, "warning", "rules-not-read", f"{rel} is not named by extra.statusgen.alerts.rules "
                       "in mkdocs.yml, so nothing checks it; add it there (like content/alerts/*.yml)")
            for rel in sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if p.is_file())
            if rel not in read]


def require_alerts(root: Path, settings: Settings, runbooks: Sequence[Runbook]) -> tuple[AlertIndex, list[Diagnostic]]:
    """The alert index for a build, or :class:`ContentError` with every error; returns the warnings too."""
    index, diagnostics = check_alerts(root, settings, runbooks)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise ContentError(errors)
    return index, diagnostics


def _runbook_of(rule: AlertRule, internal_url: str, ids: set[str], out: list[Diagnostic]) -> str | None:
    def report(severity: str, code: str, message: str) -> None:
        out.append(Diagnostic(rule.file, rule.runbook_line, rule.runbook_column, severity, code,  # type: ignore[arg-type]
                              message))

    url = rule.runbook_url
    example = f"{internal_url}runbooks/<id>/"
    if url is None:
        report("warning", "alert-without-runbook", f"alert '{rule.name}' has no runbook_url annotation; every "
               f"alert should be actionable: link it to its runbook, like runbook_url: {example}")
        return None
    target = runbook_id(url, internal_url)
    if target is None:
        report("error", "runbook-url", f"alert '{rule.name}': runbook_url {url!r} is not a runbook page of the "
               f"internal site; write {example}")
        return None
    if target not in ids:
        report("error", "runbook-url-unknown", f"alert '{rule.name}': runbook_url names runbook '{target}', which "
               f"does not exist (no {CONTENT_DIR}/runbooks/{target}.md){did_you_mean(target, ids)}")
        return None
    return target


def _listed_alerts(root: Path, runbooks: Sequence[Runbook], names: frozenset[str],
                   files: tuple[str, ...]) -> list[Diagnostic]:
    """An error at each alert a runbook lists that no rule file defines."""
    found: list[Diagnostic] = []
    for runbook in runbooks:
        missing = [(i, a) for i, a in enumerate(runbook.meta.alerts) if a not in names]
        if not missing:
            continue
        doc, _ = read_markdown_file(root / runbook.path, runbook.path)
        for index, alert in missing:
            line, column = doc.front.position(("alerts", index)) if doc and doc.front else (1, 1)
            shown = ", ".join(files) if len(files) <= 3 else f"{', '.join(files[:3])}, …"
            found.append(Diagnostic(runbook.path, line, column, "error", "unknown-alert",
                                    f"alert '{alert}' is not an alerting rule of the rule files ({shown})"
                                    f"{did_you_mean(alert, set(names))}"))
    return found
