"""What the public outputs show at ``now``: one computation shared by pages, feeds and JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator import policy
from generator.content.models import (
    Component,
    ComponentState,
    Content,
    Group,
    Incident,
    Postmortem,
)
from generator.settings import Settings
from generator.status import timeline as tl
from generator.status.trail import PostedUpdate, finished_at, trail
from generator.status.uptime import Uptime, Window, uptime

RECENT_DAYS = 7


@dataclass
class ComponentStatus:
    component: Component
    group: Group | None
    state: ComponentState
    uptime: Uptime
    #: incidents that affected it, newest first
    incidents: list["IncidentView"] = field(default_factory=list)

@dataclass
class IncidentView:
    incident: Incident
    status: str
    impact: tl.Impact
    start: dt.datetime
    end: dt.datetime | None
    duration: dt.timedelta
    components: list[Component]
    postmortem: Postmortem | None
    #: the update trail subscribers see, oldest first: the file's updates and a maintenance's automatic ones
    updates: list[PostedUpdate]

    @property
    def id(self) -> str:
        return self.incident.id

    @property
    def title(self) -> str:
        return self.incident.title

    @property
    def latest(self) -> PostedUpdate:
        return self.updates[-1]

    @property
    def announced(self) -> dt.datetime:
        return self.updates[0].at

    @property
    def updated(self) -> dt.datetime:
        """The last revision: the newest update, automatic ones included."""
        return self.updates[-1].at

    @property
    def finished_at(self) -> dt.datetime | None:
        """When it was resolved, completed or cancelled, as the trail says; None while open."""
        return finished_at(self.updates)

    @property
    def is_maintenance(self) -> bool:
        return self.incident.is_maintenance

    @property
    def duration_text(self) -> str:
        return tl.format_duration(self.duration)


@dataclass
class Snapshot:
    now: dt.datetime
    settings: Settings
    indicator: tl.Impact
    description: str
    components: list[ComponentStatus]
    groups: list[tuple[Group | None, list[ComponentStatus]]]
    #: every incident and maintenance public at ``now``, newest first
    incidents: list[IncidentView]
    #: the content as it was public at ``now`` (:func:`~generator.status.timeline.as_of`), for the internal site
    content: Content

    @property
    def active_incidents(self) -> list[IncidentView]:
        return [i for i in self.incidents if not i.is_maintenance and policy.is_active(i.status, False)]

    @property
    def active_maintenance(self) -> list[IncidentView]:
        return [i for i in self.incidents if i.is_maintenance and policy.is_active(i.status, True)]

    @property
    def upcoming_maintenance(self) -> list[IncidentView]:
        return sorted((i for i in self.incidents if i.is_maintenance and i.status == "scheduled"),
                      key=lambda i: (i.start, i.id))

    def recent_days(self, days: int = RECENT_DAYS) -> list[tuple[dt.date, list[IncidentView]]]:
        """The last ``days`` days, newest first, with what started (or ran) on each day."""
        today = self.now.date()
        result = []
        for offset in range(days):
            date = today - dt.timedelta(days=offset)
            items = [i for i in self.incidents if i.start.date() == date
                     and i.status not in ("scheduled", "cancelled")]
            result.append((date, items))
        return result


def build_snapshot(content: Content, settings: Settings, now: dt.datetime) -> Snapshot:
    now = now.astimezone(dt.timezone.utc)  # the one conversion of a caller's ``now``; content times are UTC already
    public = tl.as_of(content, now)
    spans = tl.all_spans(public.incidents)
    names = {c.id: c for c in content.components}
    postmortems: dict[str, Postmortem] = {}
    for postmortem in public.postmortems:
        if postmortem.is_public:
            for incident_id in postmortem.meta.incident_ids:
                postmortems.setdefault(incident_id, postmortem)

    views = []
    for incident in public.incidents:
        start, end = tl.window(incident)
        views.append(IncidentView(
            incident=incident, status=tl.status(incident, now), impact=tl.impact(incident), start=start,
            end=end,
            duration=tl.duration(incident, now), components=[names[c] for c in incident.affected if c in names],
            postmortem=postmortems.get(incident.id), updates=trail(incident, now, settings.maintenance)))
    views.sort(key=lambda v: (v.start, v.id), reverse=True)

    groups = {g.id: g for g in content.groups}
    window = Window.last_days(now, settings.uptime_days)  # one window for every component's figure and bars
    affecting: dict[str, list[IncidentView]] = {c.id: [] for c in content.components}
    for view in views:  # one pass, newest first, instead of every view for every component
        for component_id in dict.fromkeys(c.id for c in view.components):
            affecting[component_id].append(view)
    statuses = []
    for component in content.components:
        status = ComponentStatus(
            component, groups.get(component.group) if component.group else None,
            tl.state_at(spans.get(component.id, []), now),
            uptime(component, spans.get(component.id, []), window, settings.weights))
        status.incidents = affecting[component.id]
        statuses.append(status)

    ordered: list[tuple[Group | None, list[ComponentStatus]]] = []
    ungrouped = [s for s in statuses if s.group is None]
    for group in content.groups:
        members = [s for s in statuses if s.group is group]
        if members:
            ordered.append((group, members))
    if ungrouped:
        ordered.append((None, ungrouped))
    indicator, description = tl.indicator(s.state for s in statuses)
    return Snapshot(now, settings, indicator, description, statuses, ordered, views, public)
