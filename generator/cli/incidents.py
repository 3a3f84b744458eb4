"""Running an incident from the command line: ``declare``, ``update``, ``resolve``, ``maintenance``,
``list`` and ``comms``.

The commands only parse options; writing files is in :mod:`generator.authoring.incident_files` and chat
messages in :mod:`generator.authoring.comms`. Times are read with :func:`generator.clock.parse_time`
relative to the clock (or the hidden ``--now``, for tests). ``SOURCE_DATE_EPOCH`` is ignored
here: it pins builds, and an incident must never be stamped with a build's time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import clock, policy
from generator.authoring import MESSAGE_KINDS
from generator.content import values
from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.authoring import incident_files as ed
    from generator.content import models as m

# Each command imports what it needs when it runs (writing, chat messages, alert payloads, the model):
# `statusgen build` must not pay for them, nor one of these commands for another's.

now_option = click.option("--now", "now_text", metavar="TIMESTAMP", hidden=True,
                          help="Pretend it is this time (tests); relative times count from it.")
component_option = click.option("--component", "components", multiple=True, metavar="ID=STATE",
                                help="A component and its state, like payments=major_outage (repeatable).")


def _now(now_text: str | None) -> dt.datetime:
    return clock.parse_time(now_text, "--now") if now_text else clock.utc_now()


def _time(value: str | None, option: str, now: dt.datetime) -> dt.datetime:
    """A past (or present) moment from an option; ``now`` when it is not given."""
    from generator.authoring import incident_files as ed

    if value is None:
        return now
    return ed.not_in_future(clock.parse_time(value, option, now), option, now)


def _echo_message(path: Path, message: str) -> None:
    click.echo(str(path))
    click.echo()
    click.echo(message, nl=False)


# --- Writing ------------------------------------------------------------------------------


@click.command()
@click.argument("title", required=False)
@click.option("--severity", metavar="SEV1|SEV2|SEV3|SEV4",
              type=click.Choice([s.value for s in values.Severity], case_sensitive=False),
              help="Required, unless an alert payload gives it (--from-alertmanager, --from-pagerduty).")
@click.option("--from-alertmanager", "alertmanager", metavar="PAYLOAD.json",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Declare from Alertmanager's webhook payload (version 4): title, start, components, severity "
                   "and alert names from its firing alerts; options given override them.")
@click.option("--from-pagerduty", "pagerduty", metavar="PAYLOAD.json", type=click.Path(dir_okay=False, path_type=Path),
              help="Declare from a PagerDuty v3 webhook payload (incident.triggered), likewise.")
@component_option
@click.option("--message", help="The first public update (default: a short 'investigating' message).")
@click.option("--commander", metavar="NAME", help="Incident commander (required for SEV1 and SEV2).")
@click.option("--tech-lead", metavar="NAME", help="Technical lead, shown in the declaration message.")
@click.option("--channel", metavar="#CHANNEL", help="Incident chat channel (default: #incident-<id>).")
@click.option("--started", metavar="TIME", help="When impact began (default: the first update's time).")
@click.option("--detected", metavar="TIME", help="When the alert fired.")
@click.option("--at", "at_text", metavar="TIME", help="Time of the first update (default: now).")
@now_option
@click.pass_obj
def declare(root: Path, title: str | None, severity: str | None, alertmanager: Path | None, pagerduty: Path | None,
            components: tuple[str, ...], message: str | None, commander: str | None, tech_lead: str | None,
            channel: str | None, started: str | None, detected: str | None, at_text: str | None,
            now_text: str | None) -> None:
    """Declare an incident: write its file and print the message to post in chat."""
    from generator.authoring import comms
    from generator.authoring import incident_files as ed
    from generator.authoring.files import clean_text

    if alertmanager or pagerduty:
        if alertmanager and pagerduty:
            raise UsageError("give one of --from-alertmanager and --from-pagerduty")
        if started or detected:
            raise UsageError("--started and --detected come from the alert payload: when its first alert began firing")
        now = _now(now_text)
        path = _declare_from_alert(root, alertmanager or pagerduty, "alertmanager" if alertmanager else "pagerduty",
                                   title, severity, components, message, commander, tech_lead, channel,
                                   _time(at_text, "--at", now))
        _echo_message(path, comms.message(root, path.stem, "declaration"))
        return
    if title is None:
        raise UsageError("give the incident's TITLE (or an alert payload: --from-alertmanager, --from-pagerduty)")
    if severity is None:
        raise UsageError("give --severity SEV1|SEV2|SEV3|SEV4")
    if not components:
        raise UsageError("give at least one --component ID=STATE, like --component payments=major_outage")
    now = _now(now_text)
    at = _time(at_text, "--at", now)
    declaration = ed.Declaration(
        title=clean_text(title, "TITLE", multiline=False), severity=values.Severity(severity.upper()),
        components=ed.parse_states(components), at=at,
        message=clean_text(message, "--message") if message is not None else None,
        started=_time(started, "--started", now) if started else at,
        detected=_time(detected, "--detected", now) if detected else None,
        commander=_optional(commander, "--commander"), tech_lead=_optional(tech_lead, "--tech-lead"),
        channel=_optional(channel, "--channel"))
    path = ed.declare(root, declaration)
    _echo_message(path, comms.message(root, path.stem, "declaration"))


def _declare_from_alert(root: Path, payload: Path, source: str, title: str | None, severity: str | None,
                        components: tuple[str, ...], message: str | None, commander: str | None,
                        tech_lead: str | None, channel: str | None, at: dt.datetime) -> Path:
    """``declare --from-alertmanager/--from-pagerduty``: the payload read, then written as ``declare`` writes."""
    from generator.alerts.payloads import read_payload
    from generator.authoring import incident_files as ed
    from generator.authoring.files import clean_text
    from generator.settings import load_settings

    settings = load_settings(root)
    fired = read_payload(payload, source)
    return ed.declare_from_alert(
        root, fired, settings.alerts, title=clean_text(title, "TITLE", multiline=False) if title is not None else None,
        severity=values.Severity(severity.upper()) if severity else None, states=ed.parse_states(components), at=at,
        message=clean_text(message, "--message") if message is not None else None,
        commander=_optional(commander, "--commander"), tech_lead=_optional(tech_lead, "--tech-lead"),
        channel=_optional(channel, "--channel"))


def _optional(value: str | None, option: str) -> str | None:
    """A one-line name (commander, channel) if given."""
    from generator.authoring.files import clean_text

    return clean_text(value, option, multiline=False) if value is not None else None


@click.command()
@click.argument("incident_id")
@click.option("--status", required=True, type=click.Choice([s.value for s in values.UpdateStatus]))
@click.option("--message", required=True, help="The public update: what customers see.")
@component_option
@click.option("--at", "at_text", metavar="TIME", help="Time of the update (default: now).")
@now_option
@click.pass_obj
def update(root: Path, incident_id: str, status: str, message: str, components: tuple[str, ...],
           at_text: str | None, now_text: str | None) -> None:
    """Append a public update to an incident or maintenance file."""
    from generator.authoring import incident_files as ed
    from generator.authoring.files import clean_text

    now = _now(now_text)
    new = ed.NewUpdate(_time(at_text, "--at", now), values.UpdateStatus(status), clean_text(message, "--message"),
                       ed.parse_states(components) or None)
    _append(root, incident_id, new)


@click.command()
@click.argument("incident_id")
@click.option("--message", help="The public resolution message (default: a short one).")
@click.option("--at", "at_text", metavar="TIME", help="Time of the resolution (default: now).")
@now_option
@click.pass_obj
def resolve(root: Path, incident_id: str, message: str | None, at_text: str | None, now_text: str | None) -> None:
    """Resolve an incident (or complete a maintenance) with a final update."""
    from generator.authoring import incident_files as ed
    from generator.authoring.files import clean_text, find_incident

    now = _now(now_text)
    _, path = find_incident(root, incident_id)
    maintenance = _is_maintenance(path)
    status = values.UpdateStatus.COMPLETED if maintenance else values.UpdateStatus.RESOLVED
    default = ("The scheduled maintenance has been completed." if maintenance
               else "This incident has been resolved.")
    text = clean_text(message, "--message") if message is not None else default
    _append(root, incident_id, ed.NewUpdate(_time(at_text, "--at", now), status, text))


def _is_maintenance(path: Path) -> bool:
    """Whether a file says ``type: maintenance`` (validation proper happens when appending)."""
    from generator.content.source import read_markdown_file

    doc, _ = read_markdown_file(path, path.name)
    data = doc.front.data if doc is not None and doc.front is not None else None
    return isinstance(data, dict) and data.get("type") == "maintenance"


def _append(root: Path, incident_id: str, new: ed.NewUpdate) -> None:
    from generator.authoring import comms
    from generator.authoring import incident_files as ed

    path, incident = ed.append_update(root, incident_id, new)
    if incident.is_maintenance:
        click.echo(str(path))
    else:
        _echo_message(path, comms.message(root, incident.id))


@click.command()
@click.argument("title")
@click.option("--component", "components", multiple=True, required=True, metavar="ID",
              help="A component under maintenance (repeatable).")
@click.option("--from", "start", required=True, metavar="TIME", help="Window start.")
@click.option("--until", "end", required=True, metavar="TIME", help="Window end.")
@click.option("--message", help="The public announcement (default: names the components and the window).")
@now_option
@click.pass_obj
def maintenance(root: Path, title: str, components: tuple[str, ...], start: str, end: str, message: str | None,
                now_text: str | None) -> None:
    """Schedule a maintenance: write its file, announced now."""
    from generator.authoring import incident_files as ed
    from generator.authoring.files import clean_text

    now = _now(now_text)
    path = ed.schedule_maintenance(
        root, clean_text(title, "TITLE", multiline=False),
        ed.parse_states(components, values.ComponentState.UNDER_MAINTENANCE),
        clock.parse_time(start, "--from", now), clock.parse_time(end, "--until", now),
        clean_text(message, "--message") if message is not None else None, now)
    click.echo(str(path))


# --- Reading ------------------------------------------------------------------------------


def _row(incident: m.Incident, now: dt.datetime) -> dict[str, Any]:
    """One incident or maintenance as ``list`` shows it (times in whole minutes)."""
    from generator.status import timeline as tl

    start, end = tl.window(incident)
    last = incident.updates[-1]
    internal = incident.meta.internal
    since_update = now - last.at
    status = tl.status(incident, now)
    open_ = policy.is_open(status)
    overdue = open_ and policy.update_overdue(incident.meta.severity, since_update)
    return {
        "id": incident.id, "path": incident.path, "title": incident.title, "type": incident.meta.type,
        "severity": str(incident.meta.severity) if incident.meta.severity else None, "status": status,
        "open": open_, "start": clock.iso(start), "end": clock.iso(end) if end else None,
        "age_minutes": _minutes(now - start), "duration_minutes": _minutes(tl.duration(incident, now)),
        "last_update": clock.iso(last.at), "minutes_since_update": _minutes(since_update),
        "commander": internal.commander if internal else None, "update_overdue": overdue,
    }


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def rows(root: Path, now: dt.datetime, only_open: bool) -> list[dict[str, Any]]:
    """Incidents and maintenance as public at ``now``, newest first."""
    from generator.content.loader import require_content
    from generator.status import timeline as tl

    content, _ = require_content(root, now.date())
    public = tl.as_of(content, now)
    incidents = sorted(public.incidents, key=lambda i: (tl.window(i)[0], i.id), reverse=True)
    result = [_row(incident, now) for incident in incidents]
    return [r for r in result if r["open"]] if only_open else result


def _span(minutes: int) -> str:
    from generator.status import timeline as tl

    text = tl.format_duration(dt.timedelta(minutes=abs(minutes)))
    return f"in {text}" if minutes < 0 else text


def table(items: list[dict[str, Any]], only_open: bool) -> str:
    """A fixed-width table; an overdue SEV1 is marked with '!' after its last-update age."""
    from generator.status import timeline as tl

    header = ["ID", "SEV", "STATUS", "STARTED (UTC)", "AGE" if only_open else "DURATION", "LAST UPDATE", "TITLE"]
    lines = [header]
    for r in items:
        started = r["start"].replace("T", " ")[:16]
        age = _span(r["age_minutes"] if only_open or r["age_minutes"] < 0 else r["duration_minutes"])
        last = f"{tl.format_duration(dt.timedelta(minutes=r['minutes_since_update']))} ago"
        lines.append([r["id"], r["severity"] or "maint", r["status"], started, age,
                      last + (" !" if r["update_overdue"] else ""), r["title"]])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in lines)


def warnings(items: list[dict[str, Any]]) -> list[str]:
    return [f"WARNING: {r['id']} is a {r['severity']} with no public update for {r['minutes_since_update']} minutes; "
            f"post one at least every {int(policy.UPDATE_AT_LEAST_EVERY[r['severity']] // policy.MINUTE)} minutes "
            f"(statusgen update {r['id']} --status … --message …)" for r in items if r["update_overdue"]]


@click.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only ongoing incidents and active or upcoming maintenance.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@now_option
@click.pass_obj
def list_(root: Path, only_open: bool, fmt: str, now_text: str | None) -> None:
    """List incidents and maintenance, newest first, with the time since their last update."""
    items = rows(root, _now(now_text), only_open)
    if fmt == "json":
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
    elif items:
        click.echo(table(items, only_open))
    else:
        click.echo("No open incidents or maintenance." if only_open else "No incidents.")
    for line in warnings(items):
        click.echo(line, err=True)


@click.command("comms")
@click.argument("incident_id")
@click.option("--kind", type=click.Choice(MESSAGE_KINDS),
              help="Default: declaration with one update, resolution once resolved, else update.")
@click.pass_obj
def comms_(root: Path, incident_id: str, kind: str | None) -> None:
    """Print the chat message for an incident: declaration, status update or resolution."""
    from generator.authoring import comms

    click.echo(comms.message(root, incident_id, kind), nl=False)


def register(group: click.Group) -> None:
    for command in (declare, update, resolve, maintenance, list_, comms_):
        group.add_command(command)


