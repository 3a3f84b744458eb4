"""``statusgen comms``: the incident guide's chat messages, filled from an incident file.

An incident commander should not compose timestamps and durations under stress. The three
messages (declaration, status update, resolution) are Jinja text templates in
``generator/templates/comms/``, so a team can read and reword them; this module only
computes the values they show. When the next update is due is :data:`generator.policy.NEXT_UPDATE_IN`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2

from generator import policy
from generator.authoring import MESSAGE_KINDS
from generator.authoring.files import read_incident
from generator.authoring.incident_files import load_components
from generator.content import models as m
from generator.content.loader import CONTENT_DIR
from generator.content.source import read_markdown_file
from generator.errors import StatusgenError, UsageError
from generator.output.labels import state_label, status_label
from generator.status import timeline as tl

KINDS = MESSAGE_KINDS
U = m.UpdateStatus


def default_kind(incident: m.Incident) -> str:
    """Resolution once resolved, the declaration while there is one update, else a status update."""
    if incident.resolved_at is not None:
        return "resolution"
    return "declaration" if len(incident.updates) == 1 else "update"


def message(root: Path, ref: str, kind: str | None = None) -> str:
    """The chat message of ``kind`` (default: :func:`default_kind`) for an incident."""
    incident = read_incident(root, ref)
    id_ = incident.id
    if incident.is_maintenance:
        raise UsageError(f"'{id_}' is a maintenance; comms writes incident messages")
    kind = kind or default_kind(incident)
    values = _common(root, incident)
    if kind == "declaration":
        values |= _declaration(incident, values["names"])
    elif kind == "update":
        values |= _update(incident, values["names"])
    else:
        values |= _resolution(root, incident, values["names"])
    return render(kind, values)


def render(kind: str, values: dict[str, object]) -> str:
    # Autoescape is off on purpose: this is chat text, not HTML; escaping would paste '&amp;'.
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates/comms"), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    text = env.get_template(f"{kind}.txt").render(values)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _common(root: Path, incident: m.Incident) -> dict[str, object]:
    meta = incident.meta
    internal = meta.internal or m.Internal()
    try:
        names = load_components(root).names
    except StatusgenError:  # a broken components.yml must not stop the message: show ids
        names = {}
    assert meta.severity is not None
    return {"severity": str(meta.severity), "summary": one_line(meta.title), "names": names,
            "commander": handle(internal.commander), "tech_lead": handle(internal.tech_lead),
            "channel": (internal.channel or "").strip() or None,
            "next_minutes": int(policy.NEXT_UPDATE_IN[meta.severity] // policy.MINUTE)}


def _declaration(incident: m.Incident, names: dict[str, str]) -> dict[str, object]:
    first = incident.updates[0]
    return {"status": status_label(first.status), "impact": impact_at(incident, first.at, names)}


def _update(incident: m.Incident, names: dict[str, str]) -> dict[str, object]:
    """The latest update that is not the resolution: a status update is about an open incident."""
    updates = [u for u in incident.updates if u.status != U.RESOLVED] or incident.updates[:1]
    current = updates[-1]
    day = _day(incident)
    assert incident.meta.severity is not None
    next_at = current.at + policy.NEXT_UPDATE_IN[incident.meta.severity]
    return {"time": clock(current.at, day), "status": status_label(current.status),
            "impact": impact_at(incident, current.at, names),
            "progress": [f"{clock(u.at, day)} {status_label(u.status)}: {one_line(u.message)}" for u in updates],
            "next_update": clock(next_at, day)}


def _resolution(root: Path, incident: m.Incident, names: dict[str, str]) -> dict[str, object]:
    end = incident.resolved_at
    if end is None:
        raise UsageError(f"incident '{incident.id}' is not resolved yet; use --kind update "
                         f"(or 'statusgen resolve {incident.id}')")
    start, day = tl.window(incident)[0], _day(incident)
    assert incident.meta.severity is not None
    return {"time": clock(end, day), "duration": tl.format_duration(end - start, words=True),
            "window": f"{clock(start, day)} - {clock(end, day)}", "impact": impact_over(incident, names),
            "resolution": one_line(incident.updates[-1].message), "postmortem": postmortem_date(root, incident.id),
            "postmortem_required": incident.meta.severity in policy.NEEDS_POSTMORTEM}


# --- Wording ----------------------------------------------------------------------------


def one_line(text: str) -> str:
    return " ".join(text.split())


def handle(name: str | None) -> str | None:
    """A chat mention: ``alice`` becomes ``@alice``; full names and ``@handles`` stay as written."""
    name = (name or "").strip()
    if not name:
        return None
    return name if name.startswith("@") or " " in name else f"@{name}"


def _day(incident: m.Incident) -> dt.date:
    return tl.window(incident)[0].date()


def clock(moment: dt.datetime, day: dt.date) -> str:
    """``14:50``, or ``2026-03-31 00:10`` when the moment is not on the incident's first day (UTC)."""
    return moment.strftime("%H:%M") if moment.date() == day else moment.strftime("%Y-%m-%d %H:%M")


def impact_at(incident: m.Incident, moment: dt.datetime, names: dict[str, str]) -> str:
    """What the incident imposes at ``moment``: ``Payments major outage since 14:15 UTC``."""
    spans, day = tl.spans(incident), _day(incident)
    parts = []
    for component in incident.affected:
        for span in spans:
            if span.component == component and span.start <= moment and (span.end is None or moment < span.end):
                parts.append(f"{names.get(component, component)} {state_label(span.state).lower()} "
                             f"since {clock(span.start, day)} UTC")
    return "; ".join(parts) or "no component affected at the moment"


def impact_over(incident: m.Incident, names: dict[str, str]) -> str:
    """Everything the incident imposed: ``Payments major outage 14:15 - 14:50 UTC, partial outage …``."""
    spans, day = tl.spans(incident), _day(incident)
    parts = []
    for component in incident.affected:
        states = [f"{state_label(s.state).lower()} {clock(s.start, day)} - {clock(s.end, day)} UTC"
                  for s in spans if s.component == component and s.end is not None]
        if states:
            parts.append(f"{names.get(component, component)} {', '.join(states)}")
    return "; ".join(parts) or "none recorded"


def postmortem_date(root: Path, incident_id: str) -> str | None:
    """The date of the incident's postmortem file, if one exists (read leniently: it may be a draft)."""
    folder = root / CONTENT_DIR / "postmortems"
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        doc, _ = read_markdown_file(path, path.name)
        data = doc.front.data if doc is not None and doc.front is not None else None
        if not isinstance(data, dict):
            continue
        ids = data.get("incident")
        if incident_id == ids or (isinstance(ids, list) and incident_id in ids):
            status = data.get("status")
            return f"{data.get('date') or 'date not set'}" + (f" ({status})" if isinstance(status, str) else "")
    return None
