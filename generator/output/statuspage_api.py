"""The Statuspage v2-compatible JSON API under ``api/v2/``, plus ``api/uptime.json``.

Documents are built as pydantic models, so the JSON Schema shipped in
``schemas/api/`` is exactly what is written. Field names and value sets follow
Atlassian Statuspage's public API, so existing consumers (exporters, chat bots,
Home Assistant, status widgets) can read this static site unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from generator import policy
from generator.clock import iso
from generator.content.markdown import to_text
from generator.content.models import ComponentState, UpdateStatus
from generator.status.snapshot import IncidentView, Snapshot
from generator.status.timeline import RANK, Impact
from generator.status.trail import PostedUpdate

#: Component states are the model's own (their values are Statuspage's); incident and maintenance statuses
#: are Statuspage's value sets, which differ from the files' (``postmortem``; no ``cancelled``).
ComponentStatus = ComponentState
IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved", "postmortem"]
MaintenanceStatus = Literal["scheduled", "in_progress", "verifying", "completed"]
RECENT = 50


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(_Doc):
    id: str
    name: str
    url: str
    time_zone: Literal["Etc/UTC"] = "Etc/UTC"
    updated_at: str


class Status(_Doc):
    indicator: Impact
    description: str


class Component(_Doc):
    """A component; a group is a :class:`GroupComponent`. Statuspage omits ``components`` here."""

    id: str
    name: str
    status: ComponentStatus
    created_at: str
    updated_at: str
    position: int
    description: str | None
    showcase: bool
    start_date: str | None
    group_id: str | None
    page_id: str
    group: Literal[False]
    only_show_if_degraded: bool


class GroupComponent(Component):
    """A group of components: itself a component, with ``group: true`` and its members' ids."""

    group: Literal[True]  # type: ignore[assignment]
    components: list[str]


class AffectedComponent(_Doc):
    code: str
    name: str
    old_status: ComponentStatus
    new_status: ComponentStatus


class IncidentUpdate(_Doc):
    id: str
    status: Literal[IncidentStatus, MaintenanceStatus]  # type: ignore[valid-type]
    body: str
    incident_id: str
    created_at: str
    updated_at: str
    display_at: str
    affected_components: list[AffectedComponent] | None
    deliver_notifications: bool = Field(description="Always true: every update is published to subscribers")
    custom_tweet: str | None = Field(description="Always null: statusgen posts no tweets")
    tweet_id: str | None = Field(description="Always null: statusgen posts no tweets")


class Incident(_Doc):
    id: str
    name: str
    status: IncidentStatus
    impact: Impact
    created_at: str
    updated_at: str
    started_at: str
    monitoring_at: str | None
    resolved_at: str | None
    shortlink: str
    page_id: str
    incident_updates: list[IncidentUpdate] = Field(description="Newest first")
    components: list[Component]
    reminder_intervals: str | None = Field(description="Always null: statusgen sends no reminders")


class ScheduledMaintenance(Incident):  # type: ignore[misc]
    """Statuspage's maintenance statuses only: a cancelled maintenance is ``completed`` (its update says why)."""

    status: MaintenanceStatus  # type: ignore[assignment]
    scheduled_for: str
    scheduled_until: str
    scheduled_remind_prior: bool = Field(description="Always false: statusgen sends no reminders")
    scheduled_reminded_at: str | None = Field(description="Always null: statusgen sends no reminders")
    impact_override: Impact | None = Field(description="Always null: the impact is not overridden")
    scheduled_auto_in_progress: bool = Field(
        description="Always true: an 'in_progress' update is derived when the window opens")
    scheduled_auto_completed: bool = Field(
        description="Always true: a 'completed' update is derived when the window closes")


class StatusDocument(_Doc):
    page: Page
    status: Status


class ComponentsDocument(_Doc):
    page: Page
    components: list[Component | GroupComponent]


class IncidentsDocument(_Doc):
    page: Page
    incidents: list[Incident]


class MaintenancesDocument(_Doc):
    page: Page
    scheduled_maintenances: list[ScheduledMaintenance]


class SummaryDocument(_Doc):
    page: Page
    status: Status
    components: list[Component | GroupComponent]
    incidents: list[Incident]
    scheduled_maintenances: list[ScheduledMaintenance]


class UptimeDay(_Doc):
    """One UTC day of the window (the last one ends at window_end): one bar on the page."""

    date: str
    downtime_seconds: float
    major_outage_seconds: float
    partial_outage_seconds: float
    incidents: list[str]


class UptimeComponent(_Doc):
    id: str
    name: str
    uptime_percent: float | None
    downtime_seconds: float = Field(description="The weighted downtime behind uptime_percent: the sum of the days'")
    window_start: str = Field(description="Midnight UTC of the first counted day; the figure counts from here")
    window_end: str = Field(description="The build time: the last day ends here")
    days: list[UptimeDay] = Field(description="The window's UTC days, oldest first: their downtime_seconds sum to "
                                              "the downtime behind uptime_percent")


class UptimeDocument(_Doc):
    """Our extension: the figures behind the uptime bars, over the last N UTC days up to the build time."""

    page: Page
    major_weight: float
    partial_weight: float
    components: list[UptimeComponent]


#: file under api/v2/ (or api/) -> its document model
DOCUMENTS: dict[str, type[BaseModel]] = {
    "v2/summary.json": SummaryDocument, "v2/status.json": StatusDocument,
    "v2/components.json": ComponentsDocument, "v2/incidents.json": IncidentsDocument,
    "v2/incidents/unresolved.json": IncidentsDocument,
    "v2/scheduled-maintenances.json": MaintenancesDocument,
    "v2/scheduled-maintenances/upcoming.json": MaintenancesDocument,
    "v2/scheduled-maintenances/active.json": MaintenancesDocument,
    "uptime.json": UptimeDocument,
}


def ts(moment: dt.datetime) -> str:
    """Statuspage's timestamp shape: 2026-03-30T14:15:00.000Z (statusgen's, with the milliseconds it has)."""
    return f"{iso(moment)[:-1]}.000Z"


def stable_id(*parts: str) -> str:
    """A short opaque id derived from names, the same in every build."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:12]


class _Builder:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        url = snap.settings.site_url or ""
        self.url = url
        self.page_id = stable_id("page", url or snap.settings.site_name)
        updated = max((v.updated for v in snap.incidents), default=snap.now)
        self.page = Page(id=self.page_id, name=snap.settings.site_name, url=url.rstrip("/"), updated_at=ts(updated))
        self.epoch = ts(min([v.announced for v in snap.incidents], default=snap.now))
        # Per component, its incidents' newest update, found in one pass (asking every update of every
        # incident once per component grew with components times history).
        self.latest: dict[str, dt.datetime] = {}
        for view in snap.incidents:
            if not view.updates:
                continue
            last = max(u.at for u in view.updates)
            for component in view.components:
                if component.id not in self.latest or last > self.latest[component.id]:
                    self.latest[component.id] = last
        self.components = self._components()
        self.by_id = {c.id: c for c in self.components}

    def _component_updated(self, component_id: str) -> str:
        latest = self.latest.get(component_id)
        return ts(latest) if latest is not None else self.epoch

    def _components(self) -> list[Component | GroupComponent]:
        result: list[Component | GroupComponent] = []
        position = 0
        for group, members in self.snap.groups:
            if group is not None:
                position += 1
                worst = max((m.state for m in members), key=RANK.__getitem__)
                result.append(GroupComponent(
                    id=group.id, name=group.name, status=worst, created_at=self.epoch,
                    updated_at=max(self._component_updated(m.component.id) for m in members),
                    position=position, description=group.description, showcase=False, start_date=None,
                    group_id=None, page_id=self.page_id, group=True, only_show_if_degraded=False,
                    components=[m.component.id for m in members]))
            for member in members:
                position += 1
                component = member.component
                result.append(Component(
                    id=component.id, name=component.name, status=member.state,
                    created_at=self.epoch, updated_at=self._component_updated(component.id), position=position,
                    description=component.description, showcase=True,
                    start_date=component.start_date.isoformat() if component.start_date else None,
                    group_id=group.id if group else None, page_id=self.page_id, group=False,
                    only_show_if_degraded=False))
        return result

    def shortlink(self, view: IncidentView) -> str:
        return f"{self.url}incidents/{view.id}/"

    def _body(self, update: PostedUpdate) -> str:
        body = to_text(update.message)
        if update.status == UpdateStatus.CANCELLED:  # shown as 'completed', so the text says it was cancelled
            body = f"{self.snap.settings.maintenance.cancelled_note} {body}"
        return body

    def _updates(self, view: IncidentView) -> list[IncidentUpdate]:
        """The trail, newest first, each update with the component states it changed.

        An incident imposes its states from its first update; a maintenance from the update that
        opens its window (the first ``in_progress`` or ``verifying``, automatic or not), so its
        ``scheduled`` announcement lists the affected components as still operational.
        """
        incident = view.incident
        opening = next((u for u in view.updates if u.status in policy.UNDER_WAY), None) \
            if view.is_maintenance else view.updates[0]
        states: dict[str, ComponentState] = {}
        updates = []
        for index, update in enumerate(view.updates):
            changes: dict[str, ComponentState] = {}
            if index == 0:
                changes.update({c: ComponentState.OPERATIONAL for c in incident.meta.components})
            if update is opening:
                changes.update(incident.meta.components)
            changes.update(update.components or {})
            if update.status in policy.FINISHED:
                changes = {c.id: ComponentState.OPERATIONAL for c in view.components}
            affected = []
            for code, new in changes.items():
                old = states.get(code, ComponentState.OPERATIONAL)
                states[code] = new
                component = self.by_id.get(code)
                if component is not None and (old != new or index == 0):
                    affected.append(AffectedComponent(code=code, name=component.name, old_status=old,
                                                      new_status=new))
            status = "completed" if update.status == UpdateStatus.CANCELLED else str(update.status)
            updates.append(IncidentUpdate(
                id=f"{incident.id}-{update.key}", status=status, body=self._body(update),  # type: ignore[arg-type]
                incident_id=incident.id, created_at=ts(update.at), updated_at=ts(update.at),
                display_at=ts(update.at), affected_components=affected or None,
                deliver_notifications=True, custom_tweet=None, tweet_id=None))
        return list(reversed(updates))

    def incident(self, view: IncidentView) -> Incident | ScheduledMaintenance:
        incident = view.incident
        monitoring = next((u.at for u in view.updates if u.status == UpdateStatus.MONITORING), None)
        finished = view.finished_at
        common = dict(
            id=incident.id, name=incident.title,
            impact="maintenance" if view.is_maintenance else view.impact,
            created_at=ts(view.announced), updated_at=ts(view.updated), started_at=ts(view.start),
            monitoring_at=ts(monitoring) if monitoring else None, shortlink=self.shortlink(view),
            resolved_at=ts(finished) if finished else None, page_id=self.page_id,
            incident_updates=self._updates(view),
            components=[self.by_id[c.id] for c in view.components if c.id in self.by_id],
            reminder_intervals=None)
        if view.is_maintenance:
            return ScheduledMaintenance(
                status="completed" if view.status == "cancelled" else view.status,  # type: ignore[arg-type]
                scheduled_for=ts(incident.meta.scheduled_for), scheduled_until=ts(incident.meta.scheduled_until),  # type: ignore[arg-type]
                scheduled_remind_prior=False, scheduled_reminded_at=None, impact_override=None,
                scheduled_auto_in_progress=True, scheduled_auto_completed=True, **common)
        status = "postmortem" if finished and view.postmortem else view.status
        return Incident(status=status, **common)  # type: ignore[arg-type]


def documents(snap: Snapshot) -> dict[str, BaseModel]:
    """Every API document: path under ``api/`` -> model."""
    b = _Builder(snap)
    status = Status(indicator=snap.indicator, description=snap.description)
    incidents = [v for v in snap.incidents if not v.is_maintenance]
    maintenance = [v for v in snap.incidents if v.is_maintenance]
    recent = [b.incident(v) for v in incidents[:RECENT]]
    unresolved = [b.incident(v) for v in snap.active_incidents]
    all_maintenance = [b.incident(v) for v in maintenance[:RECENT]]
    upcoming = [b.incident(v) for v in snap.upcoming_maintenance]
    active = [b.incident(v) for v in snap.active_maintenance]
    uptime = UptimeDocument(
        page=b.page, major_weight=snap.settings.weights.major, partial_weight=snap.settings.weights.partial,
        components=[UptimeComponent(
            id=s.component.id, name=s.component.name, uptime_percent=s.uptime.percent,
            downtime_seconds=round(s.uptime.downtime_seconds, 3),
            window_start=ts(s.uptime.window.start), window_end=ts(s.uptime.window.end),
            days=[UptimeDay(date=d.date.isoformat(), downtime_seconds=round(d.downtime_seconds, 3),
                            major_outage_seconds=round(d.major_seconds, 3),
                            partial_outage_seconds=round(d.partial_seconds, 3),
                            incidents=list(d.incidents)) for d in s.uptime.data_days])
            for s in snap.components])
    return {
        "v2/summary.json": SummaryDocument(page=b.page, status=status, components=b.components, incidents=unresolved,
                                           scheduled_maintenances=active + upcoming),  # type: ignore[arg-type]
        "v2/status.json": StatusDocument(page=b.page, status=status),
        "v2/components.json": ComponentsDocument(page=b.page, components=b.components),
        "v2/incidents.json": IncidentsDocument(page=b.page, incidents=recent),  # type: ignore[arg-type]
        "v2/incidents/unresolved.json": IncidentsDocument(page=b.page, incidents=unresolved),  # type: ignore[arg-type]
        "v2/scheduled-maintenances.json": MaintenancesDocument(page=b.page, scheduled_maintenances=all_maintenance),  # type: ignore[arg-type]
        "v2/scheduled-maintenances/upcoming.json": MaintenancesDocument(page=b.page, scheduled_maintenances=upcoming),  # type: ignore[arg-type]
        "v2/scheduled-maintenances/active.json": MaintenancesDocument(page=b.page, scheduled_maintenances=active),  # type: ignore[arg-type]
        "uptime.json": uptime,
    }


def dump(document: BaseModel) -> str:
    return json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema(path: str) -> dict[str, object]:
    result = DOCUMENTS[path].model_json_schema()
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return result


def schema_file(path: str) -> str:
    """Where the schema of an API document is shipped: schemas/api/v2/summary.schema.json."""
    return f"schemas/api/{path.removesuffix('.json')}.schema.json"


if __name__ == "__main__":  # python -m generator.output.statuspage_api: rewrite the shipped schemas
    from pathlib import Path

    for name in DOCUMENTS:
        target = Path(schema_file(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema(name), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(target)
