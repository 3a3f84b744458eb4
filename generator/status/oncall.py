"""Who is on call at a moment, the next hand-offs, and the on-call burden per person.

Built on the rotation arithmetic of :mod:`generator.content.rotation`; everything is as of the
moment given (the build's ``--now``), from the content as it was public then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from generator.content.models import Content, Incident, Layer, Rotation
from generator.content.rotation import (
    handoff,
    holder,
    in_hours,
    member,
    on_call,
    person_time_zone,
    turn_at,
)

#: How many hand-offs ahead the on-call page shows per layer.
NEXT_HANDOFFS = 4
#: The windows of the burden table and the alert review, in days.
WINDOWS = (30, 90, 365)


def layers(rotation: Rotation) -> list[tuple[str, Layer]]:
    """The rotation's layers by name, primary first."""
    result = [("primary", rotation.layers.primary)]
    if rotation.layers.secondary is not None:
        result.append(("secondary", rotation.layers.secondary))
    return result


@dataclass(frozen=True)
class Shift:
    """One turn of one layer: who holds it, from hand-off to hand-off."""

    rotation: Rotation
    layer_name: str
    layer: Layer
    turn: int
    person: str
    start: dt.datetime
    end: dt.datetime


def shift(rotation: Rotation, name: str, layer: Layer, turn: int) -> Shift:
    return Shift(rotation, name, layer, turn, member(layer, turn).name, handoff(layer, turn), handoff(layer, turn + 1))


@dataclass(frozen=True)
class OnCallNow:
    rotation: Rotation
    #: layer name -> who is on call now (None: off hours, or before the layer's start)
    people: dict[str, str | None]
    #: layer name -> who holds the turn now (the primary off hours still holds it)
    holders: dict[str, str | None]
    #: who a page reaches first now, by the escalation path
    first: str | None


def on_call_now(rotation: Rotation, now: dt.datetime) -> OnCallNow:
    people = {name: (p.name if (p := on_call(layer, now)) else None) for name, layer in layers(rotation)}
    holders = {name: (p.name if (p := holder(layer, now)) else None) for name, layer in layers(rotation)}
    people["manager"] = holders["manager"] = rotation.manager
    first = next((people.get(step.notify) for step in rotation.escalation if people.get(step.notify)), None)
    return OnCallNow(rotation, people, holders, first)


def next_handoffs(rotation: Rotation, now: dt.datetime, count: int = NEXT_HANDOFFS) -> list[Shift]:
    """The next ``count`` turns to begin after ``now`` in each layer, by time."""
    result = []
    for name, layer in layers(rotation):
        current = turn_at(layer, now)
        first = 0 if current is None else current + 1
        result += [shift(rotation, name, layer, turn) for turn in range(first, first + count)]
    return sorted(result, key=lambda s: (s.start, s.layer_name))


def shifts_between(rotation: Rotation, start: dt.datetime, end: dt.datetime) -> Iterator[Shift]:
    """Every turn of every layer that overlaps ``[start, end)``."""
    for name, layer in layers(rotation):
        turn = turn_at(layer, start)
        turn = 0 if turn is None else turn
        while (item := shift(rotation, name, layer, turn)).start < end:
            if item.end > start:
                yield item
            turn += 1


def paged_at(incident: Incident) -> dt.datetime:
    """When an incident paged someone: its detection, else its start."""
    moment = incident.meta.detected or incident.meta.started
    assert moment is not None
    return moment


def pages_rotation(rotation: Rotation, incident: Incident) -> bool:
    """An incident pages a rotation that names one of its components (every incident, if it names none)."""
    return not rotation.components or any(c in rotation.components for c in incident.affected)


@dataclass(frozen=True)
class Paged:
    """An incident as it reached the person a page reaches first."""

    incident: Incident
    rotation: Rotation
    person: str
    layer_name: str
    at: dt.datetime
    #: outside the person's business hours (their layer's, or Monday-Friday 09:00-17:00 in their time zone)
    off_hours: bool


def pages(content: Content, now: dt.datetime) -> list[Paged]:
    """Every incident up to ``now`` with who it paged first, by the rotations it pages and their escalation."""
    if content.oncall is None:
        return []
    result = []
    for incident in content.incidents:
        if incident.is_maintenance or paged_at(incident) > now:
            continue
        at = paged_at(incident)
        for rotation in content.oncall.rotations:
            if not pages_rotation(rotation, incident):
                continue
            named = dict(layers(rotation))
            for step in rotation.escalation:
                layer = named.get(step.notify)
                person = on_call(layer, at) if layer is not None else None
                if layer is not None and person is not None:
                    hours = layer.business_hours if layer.hours == "business" else None
                    off = not in_hours(hours, at, person_time_zone(layer, person))
                    result.append(Paged(incident, rotation, person.name, step.notify, at, off))
                    break
    return sorted(result, key=lambda p: (p.at, p.incident.id, p.rotation.id))


@dataclass
class Burden:
    """One person's load over each window: incidents that paged them, the alerts with them, off hours."""

    person: str
    rotations: list[str] = field(default_factory=list)
    #: window (days) -> count
    incidents: dict[int, int] = field(default_factory=dict)
    alerts: dict[int, int] = field(default_factory=dict)
    off_hours: dict[int, int] = field(default_factory=dict)


def burden(content: Content, now: dt.datetime, windows: Sequence[int] = WINDOWS) -> list[Burden]:
    """Per person on any rotation: pages while on call over each window, most loaded (longest window) first."""
    people: dict[str, Burden] = {}
    for rotation in content.oncall.rotations if content.oncall else ():
        for _, layer in layers(rotation):
            for person in layer.members:
                row = people.setdefault(person.name, Burden(person.name, [], {w: 0 for w in windows},
                                                            {w: 0 for w in windows}, {w: 0 for w in windows}))
                if rotation.id not in row.rotations:
                    row.rotations.append(rotation.id)
    for page in pages(content, now):
        row = people[page.person]
        for days in windows:
            if page.at > now - dt.timedelta(days=days):
                row.incidents[days] += 1
                row.alerts[days] += len(page.incident.meta.internal.alerts) if page.incident.meta.internal else 0
                row.off_hours[days] += page.off_hours
    longest = max(windows)
    return sorted(people.values(), key=lambda b: (-b.incidents[longest], -b.off_hours[longest], b.person.casefold()))
