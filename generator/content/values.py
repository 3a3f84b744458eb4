"""The values of the model that the command line offers before anything is read: no pydantic here.

``statusgen --help`` and every command's options (``--severity``, ``--status``, ``schema KIND``) need
these, and importing the pydantic models costs a fifth of a second; :mod:`generator.content.models`
re-exports all of them, so the model is still where they are read from.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

#: The times statusgen accepts, in content and from options (UTC, inclusive): later arithmetic (windows
#: of days, feeds, calendars, and the 32-bit gzip mtime MkDocs writes from SOURCE_DATE_EPOCH) cannot overflow.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)

#: The file kinds that have a JSON Schema (``statusgen schema KIND``), sorted: the keys of ``models.SCHEMAS``.
SCHEMA_KINDS = ("components", "incident", "oncall", "postmortem", "reference", "runbook")


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
