"""``statusgen new``: a new content file from its template, prefilled.

Templates are data in ``content/templates/`` with Jinja placeholders. What the
author must still decide (severity, components, messages, authors, sections) is
left empty, so validation lists exactly what remains to fill in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import jinja2

from .clock import iso
from .errors import StatusgenError, UsageError
from .loader import CONTENT_DIR
from .models import Incident
from .source import read_markdown_file
from .validate import Reporter, check_incident

KIND_FOLDERS = {"incident": "incidents", "maintenance": "incidents", "postmortem": "postmortems",
                "runbook": "runbooks"}


def slugify(title: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:limit].rstrip("-")


def new_id(kind: str, title: str, today: dt.date) -> str:
    slug = slugify(title)
    if not slug:
        raise UsageError(f"title {title!r} has no letters or digits to make an id from")
    return slug if kind == "runbook" else f"{today.isoformat()}-{slug}"


def _table_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def timeline_rows(incident: Incident) -> str:
    """Timeline table rows prefilled from an incident's times and updates."""
    meta = incident.meta
    events = []
    if meta.started:
        events.append((meta.started, "Impact began"))
    if meta.detected:
        events.append((meta.detected, "Alert fired"))
    for update in meta.updates:
        events.append((update.at, f"{update.status.replace('_', ' ').capitalize()}: {update.message}"))
    events.sort(key=lambda e: e[0])
    days = {e[0].astimezone(dt.timezone.utc).date() for e in events}
    fmt = "%H:%M" if len(days) == 1 else "%Y-%m-%d %H:%M"
    return "\n".join(f"| {t.astimezone(dt.timezone.utc).strftime(fmt)} | {_table_cell(text)} |" for t, text in events)


def read_incident(root: Path, incident_id: str) -> Incident:
    path = root / CONTENT_DIR / "incidents" / f"{incident_id}.md"
    rel = f"{CONTENT_DIR}/incidents/{incident_id}.md"
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", incident_id) or not path.is_file():
        raise UsageError(f"no incident '{incident_id}' ({rel} does not exist)")
    doc, problems = read_markdown_file(path, rel)
    if doc is None or doc.front is None:
        raise StatusgenError(problems[0].format_text())
    report = Reporter(rel, doc.front)
    incident = check_incident(doc, incident_id, None, report)
    if incident is None:
        raise StatusgenError(report.items[0].format_text())
    return incident


def render_template(root: Path, name: str, values: dict[str, object]) -> str:
    rel = f"{CONTENT_DIR}/templates/{name}.md"
    path = root / rel
    if not path.is_file():
        raise UsageError(f"template {rel} is missing")
    # Not HTML: the output is YAML and Markdown, so values are quoted as YAML strings, not escaped.
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)
    try:
        return env.from_string(path.read_text(encoding="utf-8")).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise StatusgenError(f"{rel}:{exc.lineno}:1: error: template syntax: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise StatusgenError(f"{rel}:1:1: error: template uses an unknown placeholder: {exc.message}") from None


def write_new(path: Path, text: str) -> None:
    """Create ``path`` atomically; never overwrite an existing file."""
    if path.exists():
        raise StatusgenError(f"{path} already exists; choose another title or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.link(tmp, path)  # fails if path appeared meanwhile
    finally:
        os.unlink(tmp)


def create(root: Path, kind: str, title: str, now: dt.datetime, incident_id: str | None = None) -> Path:
    """Write the new file for ``kind`` and return its path."""
    today = now.astimezone(dt.timezone.utc).date()
    incident = read_incident(root, incident_id) if incident_id else None
    if incident_id and kind != "postmortem":
        raise UsageError("--incident goes with 'new postmortem'")
    id_ = incident.id if incident else new_id(kind, title, today)
    values: dict[str, object] = {
        "title": title, "id": id_, "today": today.isoformat(), "now": iso(now),
        "later": iso(now + dt.timedelta(hours=1)), "severity": '""',
        "incident": incident.id if incident else "", "timeline": timeline_rows(incident) if incident else "",
    }
    text = render_template(root, kind, values)
    path = root / CONTENT_DIR / KIND_FOLDERS[kind] / f"{id_}.md"
    write_new(path, text)
    return path
