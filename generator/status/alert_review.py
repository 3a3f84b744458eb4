"""The alert review: which alerts fired most, which never led to an incident, which incidents no alert caught.

The source is the alert names incidents record in ``internal.alerts``. statusgen keeps no history
of every firing, so "noise" is what it can know: alerts defined (in runbooks' ``alerts:`` lists and
in any further names the caller knows, such as Prometheus rule files) that no incident in the
window names. An incident without ``internal.alerts`` counts as detected by a report (a user, a
colleague) rather than by monitoring: the guide's "detect before users do".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from generator.content.models import Content, Incident
from generator.status.oncall import WINDOWS, paged_at


@dataclass
class AlertRow:
    name: str
    #: window (days) -> incidents the alert fired for
    counts: dict[int, int]
    last: dt.datetime
    incidents: list[Incident] = field(default_factory=list)
    runbooks: list[str] = field(default_factory=list)


@dataclass
class AlertReview:
    windows: tuple[int, ...]
    #: alerts that fired in the longest window, most frequent first
    fired: list[AlertRow]
    #: known alerts that no incident in the longest window names
    quiet: list[tuple[str, list[str]]]
    #: incidents in the longest window detected without an alert, newest first
    reported: list[Incident]
    #: window (days) -> (incidents, of which detected by an alert)
    detection: dict[int, tuple[int, int]]


def alerts_of(incident: Incident) -> list[str]:
    return list(incident.meta.internal.alerts) if incident.meta.internal else []


def alert_review(content: Content, now: dt.datetime, known: Iterable[str] = (),
                 windows: Sequence[int] = WINDOWS) -> AlertReview:
    """The review as of ``now`` over each window (days); ``known`` adds alert names beyond the runbooks'."""
    windows = tuple(sorted(windows))
    longest = now - dt.timedelta(days=windows[-1])
    runbooks: dict[str, list[str]] = {}
    for runbook in sorted(content.runbooks, key=lambda r: r.id):
        for name in runbook.meta.alerts:
            runbooks.setdefault(name, []).append(runbook.id)
    incidents = sorted((i for i in content.incidents if not i.is_maintenance and longest < paged_at(i) <= now),
                       key=lambda i: (paged_at(i), i.id), reverse=True)
    rows: dict[str, AlertRow] = {}
    detection = {days: [0, 0] for days in windows}
    for incident in incidents:
        at = paged_at(incident)
        names = list(dict.fromkeys(alerts_of(incident)))
        for days in windows:
            if at > now - dt.timedelta(days=days):
                detection[days][0] += 1
                detection[days][1] += bool(names)
        for name in names:
            row = rows.setdefault(name, AlertRow(name, {d: 0 for d in windows}, at, [], runbooks.get(name, [])))
            row.incidents.append(incident)
            row.last = max(row.last, at)
            for days in windows:
                row.counts[days] += at > now - dt.timedelta(days=days)
    fired = sorted(rows.values(), key=lambda r: tuple(-r.counts[d] for d in windows) + (r.name.casefold(),))
    quiet = sorted(((name, runbooks.get(name, [])) for name in set(runbooks) | set(known) if name not in rows),
                   key=lambda nr: nr[0].casefold())
    reported = [i for i in incidents if not alerts_of(i)]
    return AlertReview(windows, fired, quiet, reported, {d: (a, b) for d, (a, b) in detection.items()})
