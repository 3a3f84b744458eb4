"""The content model: what each file may contain, as pydantic models.

The models describe the front matter of each file kind (and ``components.yml``)
and export the JSON Schema that editors use for completion. Rules that span
fields or files (order of updates, ids that must exist) live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

#: Characters no text field may hold: C0 controls but tab and newline, DEL, C1 controls (NEL among them),
#: the line and paragraph separators, the byte order mark, the noncharacters U+FFFE and U+FFFF, and lone
#: surrogates. They are invisible, break feeds (XML) or make YAML and Markdown read lines differently.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
#: The same for a one-line field (a title, a name), which holds no tab or line break either.
_UNPRINTABLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def find_unprintable(text: str, multiline: bool = True) -> int | None:
    """Index of the first character that no text field may hold, or None: the one rule for all text."""
    match = (_UNPRINTABLE if multiline else _UNPRINTABLE_LINE).search(text)
    return match.start() if match else None


SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ComponentState(StrEnum):
    """A component's state, in Statuspage's value set; the order is not severity."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


class UpdateStatus(StrEnum):
    """Statuses of both kinds; validation checks each belongs to its file's type."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


INCIDENT_STATUSES = (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED, UpdateStatus.MONITORING,
                     UpdateStatus.RESOLVED)
MAINTENANCE_STATUSES = (UpdateStatus.SCHEDULED, UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING,
                        UpdateStatus.COMPLETED, UpdateStatus.CANCELLED)
INCIDENT_STATES = (ComponentState.DEGRADED_PERFORMANCE, ComponentState.PARTIAL_OUTAGE, ComponentState.MAJOR_OUTAGE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Strict):
    id: Slug
    name: Text
    description: str | None = None


class Component(_Strict):
    id: Slug
    name: Text
    group: Slug | None = Field(None, description="Id of a group in `groups`.")
    description: str | None = None
    start_date: dt.date | None = Field(None, description="Uptime before this date counts as no data.")


class ComponentsFile(_Strict):
    """``content/components.yml``: groups and components in display order."""

    groups: list[Group] = []
    components: list[Component] = Field(min_length=1)


class Update(_Strict):
    at: AwareDatetime
    status: UpdateStatus
    message: Text = Field(description="Public Markdown.")
    components: dict[Slug, ComponentState] | None = Field(
        None, description="Component states that change from this update on.")


class Internal(_Strict):
    """Never published on the public site."""

    commander: str | None = None
    tech_lead: str | None = None
    comms_lead: str | None = None
    scribe: str | None = None
    channel: str | None = None
    notes: str | None = None


class IncidentMeta(_Strict):
    """Front matter of ``content/incidents/<id>.md``: an incident or a scheduled maintenance."""

    title: Text
    type: Literal["incident", "maintenance"] = "incident"
    severity: Severity | None = Field(None, description="Required for incidents, absent for maintenance.")
    components: dict[Slug, ComponentState] = Field(
        min_length=1, description="Affected component id -> its state at the start.")
    started: AwareDatetime | None = Field(None, description="Incidents: when impact began.")
    detected: AwareDatetime | None = Field(None, description="Incidents: when the alert fired.")
    scheduled_for: AwareDatetime | None = Field(None, description="Maintenance: window start.")
    scheduled_until: AwareDatetime | None = Field(None, description="Maintenance: window end.")
    updates: list[Update] = Field(min_length=1)
    internal: Internal | None = None


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


class PostmortemMeta(_Strict):
    """Front matter of ``content/postmortems/<id>.md``."""

    title: Text
    incident: Slug | list[Slug] = Field(description="The incident id, or a list of ids.")
    date: dt.date
    authors: list[Text] = Field(min_length=1)
    status: PostmortemStatus
    visibility: Literal["internal", "public"] = "internal"

    @property
    def incident_ids(self) -> list[str]:
        return [self.incident] if isinstance(self.incident, str) else list(self.incident)


class RunbookMeta(_Strict):
    """Front matter of ``content/runbooks/<id>.md``."""

    title: Text
    service: Text
    owner: Text
    alerts: list[Text] = []
    last_reviewed: dt.date


class SeverityLevel(_Strict):
    id: Severity
    name: Text
    definition: Text
    response_time: Text
    examples: Text


class Role(_Strict):
    name: Text
    summary: Text
    responsibilities: list[Text] = []


class Phase(_Strict):
    name: Text
    steps: list[Text] = Field(min_length=1)


class MessageTemplate(_Strict):
    name: Text
    when: Text
    text: Text


class ReferenceFile(_Strict):
    """``content/reference.yml``: the incident-response reference of the internal site."""

    severities: list[SeverityLevel] = Field(min_length=1)
    roles: list[Role] = []
    phases: list[Phase] = []
    templates: list[MessageTemplate] = []


SCHEMAS: dict[str, type[BaseModel]] = {
    "incident": IncidentMeta,
    "postmortem": PostmortemMeta,
    "runbook": RunbookMeta,
    "components": ComponentsFile,
    "reference": ReferenceFile,
}


# --- Loaded documents: the model plus where it came from -----------------------------


@dataclass(frozen=True)
class ActionItem:
    action: str
    owner: str
    due: dt.date | None
    done: bool
    line: int


@dataclass(frozen=True)
class TimelineRow:
    time: str
    event: str


@dataclass(frozen=True)
class Section:
    title: str
    line: int
    markdown: str


@dataclass(frozen=True)
class Incident:
    id: str
    path: str
    meta: IncidentMeta
    body: str

    @property
    def is_maintenance(self) -> bool:
        return self.meta.type == "maintenance"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def updates(self) -> list[Update]:
        return self.meta.updates

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When an incident was resolved (its last update, if that says so)."""
        last = self.meta.updates[-1]
        return last.at if last.status == UpdateStatus.RESOLVED else None


@dataclass(frozen=True)
class Postmortem:
    id: str
    path: str
    meta: PostmortemMeta
    body: str
    sections: tuple[Section, ...]
    timeline: tuple[TimelineRow, ...]
    action_items: tuple[ActionItem, ...]

    @property
    def is_public(self) -> bool:
        return self.meta.visibility == "public" and self.meta.status == PostmortemStatus.PUBLISHED


@dataclass(frozen=True)
class Runbook:
    id: str
    path: str
    meta: RunbookMeta
    body: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class TemplateSection:
    title: str
    optional: bool
    #: columns a table in this section must have, if the template shows a table
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class Content:
    """Everything in ``content/``, loaded and valid."""

    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]
    postmortems: tuple[Postmortem, ...]
    runbooks: tuple[Runbook, ...]
    reference: ReferenceFile | None = None
