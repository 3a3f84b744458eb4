"""Component states over time: the rules of the public status page, as pure functions.

An incident imposes states on its components from ``started`` (changed by updates
that carry ``components``) until it is resolved. A maintenance imposes
``under_maintenance`` from ``scheduled_for`` (or an earlier ``in_progress`` update)
until ``scheduled_until`` (or an earlier ``completed``/``cancelled`` update). A
component's state at a moment is the worst state imposed on it then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.content.models import ComponentState, Content, Incident, UpdateStatus

S = ComponentState
#: Worse states have higher ranks.
RANK = {S.OPERATIONAL: 0, S.UNDER_MAINTENANCE: 1, S.DEGRADED_PERFORMANCE: 2, S.PARTIAL_OUTAGE: 3, S.MAJOR_OUTAGE: 4}
#: The impact of an incident and the indicator of a page, in Statuspage's value set.
Impact = Literal["none", "minor", "major", "critical", "maintenance"]
IMPACT_OF_STATE: dict[ComponentState, Impact] = {S.MAJOR_OUTAGE: "critical", S.PARTIAL_OUTAGE: "major", S.DEGRADED_PERFORMANCE: "minor"}
INDICATORS: dict[ComponentState, tuple[Impact, str]] = {  # worst current state -> (indicator, description)
    S.MAJOR_OUTAGE: ("critical", "Major System Outage"),
    S.PARTIAL_OUTAGE: ("major", "Partial System Outage"),
    S.DEGRADED_PERFORMANCE: ("minor", "Minor Service Outage"),
    S.UNDER_MAINTENANCE: ("maintenance", "Service Under Maintenance"),
    S.OPERATIONAL: ("none", "All Systems Operational"),
}


@dataclass(frozen=True)
class Span:
    """One incident imposing one state on one component over [start, end); ``end`` None: still going."""

    incident: str
    component: str
    state: ComponentState
    start: dt.datetime
    end: dt.datetime | None


def worst(states: Iterable[ComponentState]) -> ComponentState:
    return max(states, key=RANK.__getitem__, default=S.OPERATIONAL)


def as_of(content: Content, now: dt.datetime) -> Content:
    """The content as it was at ``now``: later updates dropped, unannounced incidents and postmortems dated
    after ``now`` left out (a build for a past moment shows neither, on either site)."""
    incidents = []
    for incident in content.incidents:
        updates = [u for u in incident.meta.updates if u.at <= now]
        if not updates:
            continue
        if len(updates) != len(incident.meta.updates):
            meta = incident.meta.model_copy(update={"updates": updates})
            incident = dataclasses.replace(incident, meta=meta)
        incidents.append(incident)
    postmortems = tuple(p for p in content.postmortems if p.meta.date <= now.date())
    return dataclasses.replace(content, incidents=tuple(incidents), postmortems=postmortems)


def window(incident: Incident) -> tuple[dt.datetime, dt.datetime | None]:
    """When an incident or maintenance imposes states: [start, end), ``end`` None while it lasts."""
    meta = incident.meta
    if not incident.is_maintenance:
        assert meta.started is not None
        return meta.started, incident.resolved_at
    assert meta.scheduled_for is not None and meta.scheduled_until is not None
    start, end = meta.scheduled_for, meta.scheduled_until
    for update in meta.updates:
        if update.status == UpdateStatus.IN_PROGRESS and update.at < start:
            start = update.at
        if update.status in (UpdateStatus.COMPLETED, UpdateStatus.CANCELLED) and update.at < end:
            end = update.at
    return start, max(start, end)


def spans(incident: Incident) -> list[Span]:
    """The states an incident imposes, per component, as spans."""
    start, end = window(incident)
    if end is not None and end <= start:
        return []
    changes: list[tuple[dt.datetime, dict[str, ComponentState]]] = [(start, dict(incident.meta.components))]
    for update in incident.meta.updates:
        if update.components:
            changes.append((max(update.at, start), dict(update.components)))
    result: list[Span] = []
    current: dict[str, tuple[ComponentState, dt.datetime]] = {}

    def close(component: str, at: dt.datetime) -> None:
        state, since = current.pop(component)
        if at > since and state != S.OPERATIONAL:
            result.append(Span(incident.id, component, state, since, at))

    for at, states in changes:
        if end is not None and at >= end:
            break
        for component, state in states.items():
            if component in current:
                if current[component][0] == state:
                    continue
                close(component, at)
            current[component] = (state, at)
    for component in list(current):
        state, since = current.pop(component)
        if state != S.OPERATIONAL:
            result.append(Span(incident.id, component, state, since, end))
    return sorted(result, key=lambda s: (s.component, s.start))


def all_spans(incidents: Sequence[Incident]) -> dict[str, list[Span]]:
    """Spans of every incident, by component."""
    by_component: dict[str, list[Span]] = {}
    for incident in incidents:
        for span in spans(incident):
            by_component.setdefault(span.component, []).append(span)
    return by_component


def state_at(component_spans: Sequence[Span], moment: dt.datetime) -> ComponentState:
    return worst(s.state for s in component_spans
                 if s.start <= moment and (s.end is None or moment < s.end))


def segments(component_spans: Sequence[Span], start: dt.datetime, end: dt.datetime
             ) -> list[tuple[dt.datetime, dt.datetime, ComponentState]]:
    """The worst state over [start, end), cut where it changes; operational stretches left out."""
    cuts = {start, end}
    for span in component_spans:
        for moment in (span.start, span.end):
            if moment is not None and start < moment < end:
                cuts.add(moment)
    points = sorted(cuts)
    # One sweep over the cuts, keeping how many spans of each state are open at ``left`` (a span is open
    # at t when start <= t < end): state_at() per cut made a long history's metrics quadratic.
    # A span that ends before it starts is never open: left out, it can never be counted out before it is counted in.
    live = [s for s in component_spans if s.end is None or s.start < s.end]
    starts = sorted(live, key=lambda s: s.start)
    ends = sorted((s for s in live if s.end is not None), key=lambda s: s.end)  # type: ignore[arg-type,return-value]
    open_count = dict.fromkeys(RANK, 0)
    started = ended = 0
    result = []
    for left, right in zip(points, points[1:]):
        while started < len(starts) and starts[started].start <= left:
            open_count[starts[started].state] += 1
            started += 1
        while ended < len(ends) and ends[ended].end <= left:  # type: ignore[operator]
            open_count[ends[ended].state] -= 1
            ended += 1
        state = worst(s for s, n in open_count.items() if n > 0)
        if result and result[-1][1] == left and result[-1][2] == state:
            result[-1] = (result[-1][0], right, state)
        elif state != S.OPERATIONAL:
            result.append((left, right, state))
    return result


def indicator(states: Iterable[ComponentState]) -> tuple[Impact, str]:
    """The page's status indicator and its description, from the current component states."""
    return INDICATORS[worst(states)]


def impact(incident: Incident) -> Impact:
    """An incident's public impact, from the worst state it ever imposed."""
    if incident.is_maintenance:
        return "maintenance"
    states = list(incident.meta.components.values())
    for update in incident.meta.updates:
        states += list((update.components or {}).values())
    return IMPACT_OF_STATE.get(worst(states), "none")


def maintenance_status(incident: Incident, now: dt.datetime) -> str:
    """scheduled | in_progress | verifying | completed | cancelled, at ``now``."""
    last = incident.meta.updates[-1].status
    if last in (UpdateStatus.COMPLETED, UpdateStatus.CANCELLED):
        return str(last)
    start, end = window(incident)
    if end is not None and now >= end:
        return "completed"
    if now >= start:
        return "verifying" if last == UpdateStatus.VERIFYING else "in_progress"
    return "scheduled"


def status(incident: Incident, now: dt.datetime) -> str:
    return maintenance_status(incident, now) if incident.is_maintenance else str(incident.meta.updates[-1].status)


def duration(incident: Incident, now: dt.datetime) -> dt.timedelta:
    start, end = window(incident)
    return (end or now) - start if (end or now) > start else dt.timedelta(0)


def format_duration(delta: dt.timedelta, words: bool = False) -> str:
    """The one way a duration is written, in whole minutes: ``1 h 18 min`` (``1 hour 18 minutes`` in ``words``)."""
    seconds = delta.total_seconds()
    days, minutes = divmod(int(abs(seconds) // 60), 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = (("day", "days", "d"), ("hour", "hours", "h"), ("minute", "minutes", "min"))
    parts = [f"{n} {(one if n == 1 else many) if words else short}"
             for n, (one, many, short) in zip((days, hours, minutes), units) if n]
    text = " ".join(parts) or "less than a minute"
    return f"-{text}" if seconds <= -60 else text
