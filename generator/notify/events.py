"""Events: what changed between the published site and the one just built, each with a stable id.

Derived only from the public ``api/v2`` documents of both sites. An id is made of ids and values
those documents carry, so two runs over the same sites derive the same ids, and the ledger can
tell what was already delivered:

==========================================  =============================================
``incident:<id>:update:<update id>``        an incident's update (created, updated, resolved)
``maintenance:<id>:update:<update id>``     a maintenance's update (scheduled, the automatic
                                            start and end, and any other)
``postmortem:<incident id>:published``      the incident's public postmortem appeared
``component:<id>:<status>@<updated_at>``    a component's state changed
==========================================  =============================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

from generator.content.external import utc_instant
from generator.content.models import ComponentState
from generator.notify.snapshot import ApiSnapshot

Topic = Literal["incident", "maintenance", "postmortem", "component"]
#: An event that happened longer ago than this before the build is history being filled in
#: (a backfilled incident), not news: it is recorded as skipped and never sent.
BACKFILL_AFTER = dt.timedelta(days=3)


@dataclass(frozen=True)
class Event:
    """One thing subscribers are told, with the public documents it is about."""

    id: str
    #: incident.created | incident.updated | incident.resolved | maintenance.scheduled |
    #: maintenance.updated | maintenance.completed | postmortem.published | component.updated
    kind: str
    topic: Topic
    #: what later events of the same thing supersede: the incident, maintenance or component id
    subject: str
    #: when it happened (Statuspage's timestamp shape)
    at: str
    incident: dict[str, Any] | None = None
    update: dict[str, Any] | None = None
    component: dict[str, Any] | None = None
    old_status: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @property
    def moment(self) -> dt.datetime:
        return parse_ts(self.at)


def parse_ts(value: str) -> dt.datetime:
    """A time of the API or the ledger (checked when read: :func:`generator.content.external.utc_instant`)."""
    return utc_instant(value)


def _incidents(snapshot: ApiSnapshot) -> list[tuple[Topic, dict[str, Any]]]:
    """Every incident and maintenance either list holds, once (the open lists may hold older ones)."""
    seen: dict[str, tuple[Topic, dict[str, Any]]] = {}
    for path, key, topic in (("v2/incidents.json", "incidents", "incident"),
                             ("v2/incidents/unresolved.json", "incidents", "incident"),
                             ("v2/scheduled-maintenances.json", "scheduled_maintenances", "maintenance"),
                             ("v2/scheduled-maintenances/upcoming.json", "scheduled_maintenances", "maintenance"),
                             ("v2/scheduled-maintenances/active.json", "scheduled_maintenances", "maintenance")):
        for item in snapshot.list_of(path, key):
            seen.setdefault(str(item["id"]), (topic, item))  # type: ignore[arg-type]
    return list(seen.values())


def _update_kind(topic: Topic, status: str, first: bool) -> str:
    if topic == "incident":
        return "incident.resolved" if status == "resolved" else "incident.created" if first else "incident.updated"
    if status == "scheduled":
        return "maintenance.scheduled"
    return "maintenance.completed" if status == "completed" else "maintenance.updated"


def incident_events(snapshot: ApiSnapshot) -> dict[str, Event]:
    """Every update of every incident and maintenance the site lists, and its postmortems; oldest first."""
    events: dict[str, Event] = {}
    for topic, item in _incidents(snapshot):
        updates = list(reversed(item.get("incident_updates") or []))  # the API lists them newest first
        for index, update in enumerate(updates):
            event_id = f"{topic}:{item['id']}:update:{update['id']}"
            events[event_id] = Event(event_id, _update_kind(topic, str(update["status"]), index == 0), topic,
                                     f"{topic}:{item['id']}", str(update["created_at"]), incident=item,
                                     update=update)
        if topic == "incident" and item.get("status") == "postmortem":
            event_id = f"postmortem:{item['id']}:published"
            events[event_id] = Event(event_id, "postmortem.published", "postmortem", event_id,
                                     str(item["updated_at"]), incident=item)
    return dict(sorted(events.items(), key=lambda pair: pair[1].at))


def _components(snapshot: ApiSnapshot) -> dict[str, dict[str, Any]]:
    """Components by id; groups left out (a group's state is its members', which are told)."""
    return {str(c["id"]): c for c in snapshot.list_of("v2/components.json", "components") if not c.get("group")}


def component_state_id(component: dict[str, Any]) -> str:
    return f"component:{component['id']}:{component['status']}@{component['updated_at']}"


def component_states(snapshot: ApiSnapshot) -> set[str]:
    """The ids a change to each component's present state has: a pending one not among them is stale."""
    return {component_state_id(component) for component in _components(snapshot).values()}


def retried_component_event(current: ApiSnapshot, pending: Event) -> Event | None:
    """A pending component event as the site says it now, or None if the site no longer says it.

    A ledger is read from outside (the published site): only its event id and an old state that is
    one of the known states are taken from it, never the component it carries.
    """
    for component in _components(current).values():
        if component_state_id(component) == pending.id and pending.old_status != component.get("status") \
                and pending.old_status in {state.value for state in ComponentState}:
            return Event(pending.id, "component.updated", "component", f"component:{component['id']}",
                         str(component["updated_at"]), component=component, old_status=pending.old_status)
    return None


def component_events(previous: ApiSnapshot, current: ApiSnapshot) -> dict[str, Event]:
    """A component whose state differs from the published one's; a new component is not news."""
    before = _components(previous)
    events = {}
    for component_id, component in _components(current).items():
        old = before.get(component_id)
        if old is None or old.get("status") == component.get("status"):
            continue
        event_id = component_state_id(component)
        events[event_id] = Event(event_id, "component.updated", "component", f"component:{component_id}",
                                 str(component["updated_at"]), component=component, old_status=str(old["status"]))
    return events


def new_events(previous: ApiSnapshot, current: ApiSnapshot) -> list[Event]:
    """What the site just built says that the published one did not, oldest first."""
    known = incident_events(previous)
    fresh = [event for event_id, event in incident_events(current).items() if event_id not in known]
    fresh += component_events(previous, current).values()
    return sorted(fresh, key=lambda event: (event.at, event.id))


def is_backfill(event: Event, now: dt.datetime) -> bool:
    """An update posted long before the build: history filled in, not news. A postmortem is news
    whenever it appears (the API has no time of its publication; days after the incident is usual)."""
    return event.topic in ("incident", "maintenance") and now - event.moment > BACKFILL_AFTER


def collapse(events: list[Event]) -> tuple[list[Event], list[tuple[Event, Event]]]:
    """The newest event of each subject, and the older ones it supersedes (each with its successor).

    A run that finds an incident created and already resolved tells subscribers once, that it
    is resolved; a component that changed twice is told in its latest state.
    """
    latest: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        latest[event.subject] = event
    superseded = [(event, latest[event.subject]) for event in events if latest[event.subject] is not event]
    kept = [event for event in events if latest[event.subject] is event]
    return sorted(kept, key=lambda e: (e.at, e.id)), superseded
