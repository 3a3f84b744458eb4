"""The response process's rules, in one place (from the incident-management guide).

Severities and their targets, who must be named, what needs a postmortem, how often runbooks are
reviewed, and when an incident or maintenance is open. Content rules, metrics, chat messages and
the command line all read them from here. Keys are severity names; the ``Severity`` enum of the
model is a ``str`` enum, so either works as a key.
"""

from __future__ import annotations

import datetime as dt

MINUTE = dt.timedelta(minutes=1)

#: The first public update is due this long after detection (after the start, without a detection time).
FIRST_UPDATE_WITHIN = {"SEV1": 5 * MINUTE, "SEV2": 15 * MINUTE, "SEV3": 60 * MINUTE}
#: While open, a public update is due at least this often ("every 15–30 min for SEV1").
UPDATE_AT_LEAST_EVERY = {"SEV1": 30 * MINUTE}
#: When a chat message promises the next update.
NEXT_UPDATE_IN = {"SEV1": 15 * MINUTE, "SEV2": 30 * MINUTE, "SEV3": 60 * MINUTE, "SEV4": 60 * MINUTE}
#: After monitoring begins, watch at least this long before resolving ("monitor for 15–30 minutes").
MONITOR_AT_LEAST = 15 * MINUTE
#: Severities that need a named incident commander, and a postmortem.
NEEDS_COMMANDER = frozenset({"SEV1", "SEV2"})
NEEDS_POSTMORTEM = frozenset({"SEV1", "SEV2"})
#: A runbook not reviewed for this many days gets a warning.
RUNBOOK_REVIEW_DAYS = 180

#: An imported incident's severity from its impact (Statuspage's ``impact``; cState's severity through its state).
SEVERITY_OF_IMPACT = {"critical": "SEV1", "major": "SEV2", "minor": "SEV3", "none": "SEV4"}

#: Statuses that end an incident (resolved) or a maintenance (completed, cancelled).
FINISHED = frozenset({"resolved", "completed", "cancelled"})
#: Statuses of a maintenance under way.
UNDER_WAY = frozenset({"in_progress", "verifying"})


def is_open(status: str) -> bool:
    """Not finished: an unresolved incident, a maintenance scheduled or under way."""
    return status not in FINISHED


def is_active(status: str, maintenance: bool) -> bool:
    """Affecting customers now: an unresolved incident, a maintenance under way."""
    return status in UNDER_WAY if maintenance else is_open(status)


def update_overdue(severity: str | None, since_last_update: dt.timedelta) -> bool:
    """Whether an open incident of ``severity`` has gone too long without a public update."""
    limit = UPDATE_AT_LEAST_EVERY.get(str(severity)) if severity else None
    return limit is not None and since_last_update > limit

#: The state an incident declared from an alert gives the components the alert matched, by severity
#: (``statusgen declare --from-alertmanager``); ``--component ID=STATE`` overrides it.
ALERT_COMPONENT_STATE = {"SEV1": "major_outage", "SEV2": "partial_outage", "SEV3": "degraded_performance",
                         "SEV4": "degraded_performance"}
