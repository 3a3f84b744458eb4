"""What fires an incident: Alertmanager's webhook payload (version 4) and PagerDuty's v3 webhook
(``incident.triggered``), read into :class:`FiredAlert` values.

The payloads are read strictly: a missing or mistyped field that the incident needs is a
one-line error naming it (``alerts[0].startsAt``), never a default. Alertmanager:
https://prometheus.io/docs/alerting/latest/configuration/#webhook_config; PagerDuty:
PagerDuty/developer-docs, docs/webhooks/01-Overview.md ("Webhook Payload", "incident").

A PagerDuty incident carries no labels; it is given these, for the components' ``alerts:``
matchers: ``service`` (the PagerDuty service's name), ``service_id``, ``urgency`` and
``priority`` (P1…, when set). Its alert name is its title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.external import JsonProblem, load_json, read_bounded, utc_instant
from generator.content.models import Component, Severity
from generator.errors import ContentError, UsageError
from generator.settings import AlertsSettings

#: A webhook payload is a few KB; a file far larger is not one.
MAX_PAYLOAD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FiredAlert:
    """One firing alert: its name, labels, title, and when it began firing."""

    name: str
    labels: tuple[tuple[str, str], ...]
    summary: str | None
    starts_at: dt.datetime

    def shown(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.labels) or "no labels"


@dataclass(frozen=True)
class Fired:
    """What a payload says fired: its alerts (oldest first), and the person PagerDuty paged."""

    source: str
    alerts: tuple[FiredAlert, ...]
    assignee: str | None = None
    #: PagerDuty's priority or urgency, for the severity mapping
    pagerduty_level: tuple[str, ...] = ()


def read_payload(path: Path, source: str) -> Fired:
    """A payload file of ``source`` (alertmanager or pagerduty), read and checked."""
    option = f"--from-{source}"
    try:
        raw = read_bounded(path, MAX_PAYLOAD_BYTES)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise UsageError(f"{option} {path}: the file is larger than {MAX_PAYLOAD_BYTES} bytes; not a webhook payload")
    try:
        data = load_json(raw)
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path}: the file is not UTF-8 text") from None
    except JsonProblem as exc:
        raise ContentError.at(str(path), exc.line, exc.column, "payload-json", f"not valid JSON: {exc.message}"
                              ) from None
    reader = _Reader(f"{option} {path}", data)
    return _alertmanager(reader) if source == "alertmanager" else _pagerduty(reader)


class _Reader:
    """Typed access to a JSON document; a problem names the field, like ``alerts[0].startsAt``."""

    def __init__(self, name: str, data: Any) -> None:
        self.name = name
        self.data = data

    def fail(self, where: str, problem: str) -> UsageError:
        return UsageError(f"{self.name}: {where + ' ' if where else ''}{problem}")

    def get(self, where: str, kind: type, optional: bool = False) -> Any:
        value: Any = self.data
        for part in _parts(where):
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        if value is None and optional:
            return None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise self.fail(where, "is missing" if value is None else f"must be {_KINDS.get(kind, kind.__name__)}")
        return value

    def text(self, where: str, optional: bool = False) -> str | None:
        value = self.get(where, str, optional)
        if value is not None and not value.strip():
            if optional:
                return None
            raise self.fail(where, "is empty")
        return value

    def time(self, where: str) -> dt.datetime:
        value = self.text(where)
        assert value is not None
        try:
            return utc_instant(value)
        except ValueError as exc:
            raise self.fail(where, f"{exc}; write an ISO 8601 time with an offset") from None

    def labels(self, where: str) -> dict[str, str]:
        value = self.get(where, dict, optional=True) or {}
        if not all(isinstance(v, str) for v in value.values()):
            raise self.fail(where, "must map names to text")
        return value


_KINDS = {str: "text", dict: "an object", list: "a list", int: "a number"}


def _parts(where: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in where.replace("[", ".[").split("."):
        if piece.startswith("["):
            parts.append(int(piece[1:-1]))
        elif piece:
            parts.append(piece)
    return parts


def _alertmanager(reader: _Reader) -> Fired:
    version = reader.get("version", str) if isinstance(reader.data, dict) else None
    if version != "4":
        raise reader.fail("", "is not an Alertmanager webhook payload of version 4 (its 'version' is "
                              f"{version!r})")
    alerts = reader.get("alerts", list)
    fired = []
    for index in range(len(alerts)):
        where = f"alerts[{index}]"
        if reader.text(f"{where}.status") != "firing":
            continue
        labels = reader.labels(f"{where}.labels")
        annotations = reader.labels(f"{where}.annotations")
        if not labels.get("alertname"):
            raise reader.fail(f"{where}.labels.alertname", "is missing")
        fired.append(FiredAlert(labels["alertname"], tuple(sorted(labels.items())), annotations.get("summary"),
                                reader.time(f"{where}.startsAt")))
    if not fired:
        raise reader.fail("", "has no firing alert (every alert in it is resolved)")
    return Fired("alertmanager", tuple(sorted(fired, key=lambda a: (a.starts_at, a.name))))


def _pagerduty(reader: _Reader) -> Fired:
    event_type = reader.text("event.event_type")
    if event_type != "incident.triggered":
        raise reader.fail("", f"is a PagerDuty '{event_type}' event; declare reads 'incident.triggered'")
    title = reader.text("event.data.title")
    assert title is not None
    labels = {"service": reader.text("event.data.service.summary"), "service_id": reader.text("event.data.service.id"),
              "urgency": reader.text("event.data.urgency", optional=True),
              "priority": reader.text("event.data.priority.summary", optional=True)}
    assignees = reader.get("event.data.assignees", list, optional=True) or []
    assignee = reader.text("event.data.assignees[0].summary") if assignees else None
    level = tuple(v for v in (labels["priority"], labels["urgency"]) if v)
    alert = FiredAlert(title, tuple(sorted((k, v) for k, v in labels.items() if v)), title,
                       reader.time("event.data.created_at"))
    return Fired("pagerduty", (alert,), assignee, level)


def matching_components(fired: Fired, components: Sequence[Component]) -> list[str]:
    """The components (in components.yml order) whose ``alerts:`` matchers an alert's labels all meet.

    Every alert must match one: an alert that affects nothing the status page shows is not an
    incident of it, and guessing would publish the wrong component.
    """
    matched: set[str] = set()
    for alert in fired.alerts:
        labels = dict(alert.labels)
        hits = {c.id for c in components if c.alerts and all(labels.get(k) == v for k, v in c.alerts.items())}
        if not hits:
            raise UsageError(f"alert '{alert.name}' ({alert.shown()}) matches no component: give the component it "
                             "affects label matchers in content/components.yml, like alerts: {service: payments}")
        matched |= hits
    return [c.id for c in components if c.id in matched]


def severity_of(fired: Fired, settings: AlertsSettings) -> Severity:
    """The most severe of the alerts' severities, from the label mapping (PagerDuty: priority, else urgency)."""
    found: list[Severity] = []
    for alert in fired.alerts:
        if fired.source == "pagerduty":
            values = fired.pagerduty_level
            mapping, option = settings.pagerduty_severities, "pagerduty_severities"
        else:
            value = dict(alert.labels).get(settings.severity_label)
            values = (value,) if value else ()
            mapping, option = settings.severities, "severities"
        level = next((mapping[v] for v in values if v in mapping), None)
        if level is None:
            what = f"{settings.severity_label}={values[0]}" if values and fired.source == "alertmanager" else \
                "/".join(values) if values else f"no '{settings.severity_label}' label"
            raise UsageError(f"alert '{alert.name}' has {what}, which extra.statusgen.alerts.{option} in mkdocs.yml "
                             "does not map to a severity; map it there, or give --severity")
        found.append(level)
    return min(found, key=lambda s: s.value)
