"""``statusgen new``: a new content file from its template, prefilled.

Templates are data in ``content/templates/``, never code: a pull request that edits only
content must not run anything on the machine of whoever runs ``new``. So a template is
copied as it is, except for a fixed set of placeholders, ``{{ name }}`` (the value as it
is) and ``{{ name | yaml }}`` (the value as a YAML string), replaced in one pass. Any other
``{{ … }}`` or ``{% … %}`` (an unknown name, a filter, an attribute, a loop) is an error at
its ``path:line:col``, so a typo is not copied silently into every new file. What the
author must still decide (severity, components, messages, authors, sections) is left
empty, so validation lists exactly what remains to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from generator.authoring.files import clean_text, read_incident, write_new
from generator.clock import iso
from generator.content.loader import CONTENT_DIR
from generator.content.models import RESERVED_IDS, Incident
from generator.content.source import read_text, yaml_quote
from generator.errors import ContentError, Diagnostic, UsageError
from generator.output.labels import status_label

KIND_FOLDERS = {"incident": "incidents", "maintenance": "incidents", "postmortem": "postmortems",
                "runbook": "runbooks"}


def slugify(title: str, limit: int = 60) -> str:
    """Lowercase ASCII letters, digits and '-': accents are taken off first (``Ödeme`` → ``odeme``)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:limit].rstrip("-")


def new_id(kind: str, title: str, today: dt.date) -> str:
    """The id of a new file: the date and the title's slug. A dated file whose title has no Latin letter
    or digit (``支付故障``, as an alert's summary may be) is named after its kind: refusing it stopped
    ``declare --from-alertmanager`` at the moment an incident began."""
    slug = slugify(title)
    if not slug and kind != "runbook":
        slug = kind
    if not slug:
        raise UsageError(f"title {title!r} has no Latin letters or digits to make an id from")
    id_ = slug if kind == "runbook" else f"{today.isoformat()}-{slug}"
    if id_ in RESERVED_IDS:
        raise UsageError(f"title {title!r} makes the id '{id_}', which names a page statusgen generates; "
                         "choose another title")
    return id_


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
        events.append((update.at, f"{status_label(update.status)}: {update.message}"))
    events.sort(key=lambda e: e[0])
    days = {e[0].date() for e in events}
    fmt = "%H:%M" if len(days) == 1 else "%Y-%m-%d %H:%M"
    return "\n".join(f"| {t.strftime(fmt)} | {_table_cell(text)} |" for t, text in events)


#: Where a template may be filled in: ``{{ name }}`` or ``{{ name | yaml }}``, on one line.
_PLACEHOLDER = re.compile(r"\{\{[ \t]*([a-z_]+)[ \t]*(?:\|[ \t]*(yaml)[ \t]*)?\}\}")
#: What starts template syntax; every occurrence must be a placeholder.
_SYNTAX = re.compile(r"\{\{|\{%")
#: What an error quotes: from the opening braces to the closing ones, or to the end of the line.
_SNIPPET = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|[^\n]*")


def fill(text: str, values: dict[str, str], rel: str) -> str:
    """``text`` with its placeholders replaced, or a :class:`ContentError` at every other ``{{``/``{%``."""
    problems = []
    for found in _SYNTAX.finditer(text):
        match = _PLACEHOLDER.match(text, found.start())
        if match is None or match[1] not in values:
            before = text[:found.start()]
            line, column = before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1
            snippet = _SNIPPET.match(text, found.start())[0][:60]  # type: ignore[index]
            problems.append(Diagnostic(rel, line, column, "error", "template-syntax",
                                       f"'{snippet}' is not a placeholder: templates are data, not code; "
                                       f"use {{{{ NAME }}}} or {{{{ NAME | yaml }}}} with NAME one of "
                                       f"{', '.join(sorted(values))}"))
    if problems:
        raise ContentError(problems)
    return _PLACEHOLDER.sub(lambda m: yaml_quote(values[m[1]]) if m[2] else values[m[1]], text)


def render_template(root: Path, name: str, values: dict[str, str]) -> str:
    rel = f"{CONTENT_DIR}/templates/{name}.md"
    path = root / rel
    if not path.is_file():
        raise UsageError(f"template {rel} is missing")
    text, problems = read_text(path, rel)
    if text is None:
        raise ContentError(problems)
    return fill(text, values, rel)


def create(root: Path, kind: str, title: str, now: dt.datetime, incident_id: str | None = None) -> Path:
    """Write the new file for ``kind`` and return its path."""
    title = clean_text(title, "TITLE", multiline=False)
    today = now.date()
    incident = read_incident(root, incident_id) if incident_id else None
    if incident_id and kind != "postmortem":
        raise UsageError("--incident goes with 'new postmortem'")
    id_ = incident.id if incident else new_id(kind, title, today)
    values: dict[str, str] = {
        "title": title, "id": id_, "today": today.isoformat(), "now": iso(now),
        "later": iso(now + dt.timedelta(hours=1)), "severity": '""',
        "incident": incident.id if incident else "", "timeline": timeline_rows(incident) if incident else "",
    }
    text = render_template(root, kind, values)
    path = root / CONTENT_DIR / KIND_FOLDERS[kind] / f"{id_}.md"
    write_new(path, text)
    return path
