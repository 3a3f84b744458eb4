"""Response metrics and the targets of the response process, as pure functions.

Targets (from the incident-management guide):
- first public update within 5 min of detection for SEV1, 15 min for SEV2, 1 h for SEV3;
- SEV1 updates at least every 30 minutes;
- SEV1 and SEV2 need a postmortem;
- after monitoring begins, watch 15-30 minutes before resolving.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean

from generator.content.models import ComponentState, Incident, Postmortem, Severity, UpdateStatus
from generator.status.timeline import Span, segments

FIRST_UPDATE_TARGET = {Severity.SEV1: dt.timedelta(minutes=5), Severity.SEV2: dt.timedelta(minutes=15),
                       Severity.SEV3: dt.timedelta(hours=1)}
SEV1_UPDATE_CADENCE = dt.timedelta(minutes=30)
MONITOR_AT_LEAST = dt.timedelta(minutes=15)


@dataclass
class Response:
    """How the response to one incident went, at ``now``."""

    incident: Incident
    time_to_detect: dt.timedelta | None
    time_to_first_update: dt.timedelta
    time_to_resolve: dt.timedelta | None
    largest_update_gap: dt.timedelta | None
    postmortems: list[Postmortem]
    flags: list[str] = field(default_factory=list)


def response(incident: Incident, postmortems: Sequence[Postmortem], now: dt.datetime) -> Response:
    meta = incident.meta
    assert meta.started is not None and meta.severity is not None
    updates = meta.updates
    detected = meta.detected
    reference = detected or meta.started
    resolved = incident.resolved_at
    times = [u.at for u in updates] + ([] if resolved else [now])
    gaps = [b - a for a, b in zip(times, times[1:])]
    result = Response(
        incident=incident,
        time_to_detect=detected - meta.started if detected else None,
        time_to_first_update=updates[0].at - reference,
        time_to_resolve=resolved - meta.started if resolved else None,
        largest_update_gap=max(gaps) if gaps else None,
        postmortems=[p for p in postmortems if incident.id in p.meta.incident_ids])
    target = FIRST_UPDATE_TARGET.get(meta.severity)
    if target is not None and result.time_to_first_update > target:
        since = "detection" if detected else "start"
        result.flags.append(f"first public update {minutes(result.time_to_first_update)} after {since} "
                            f"(target for {meta.severity}: {minutes(target)})")
    if meta.severity == Severity.SEV1 and result.largest_update_gap and result.largest_update_gap > SEV1_UPDATE_CADENCE:
        result.flags.append(f"{minutes(result.largest_update_gap)} between public updates "
                            f"(SEV1 target: every {minutes(SEV1_UPDATE_CADENCE)})")
    if meta.severity in (Severity.SEV1, Severity.SEV2) and not result.postmortems:
        result.flags.append(f"no postmortem ({meta.severity} needs one)")
    monitoring = next((u.at for u in updates if u.status == UpdateStatus.MONITORING), None)
    if resolved and monitoring and resolved - monitoring < MONITOR_AT_LEAST:
        result.flags.append(f"resolved {minutes(resolved - monitoring)} after monitoring began "
                            "(watch 15-30 min before resolving)")
    return result


def minutes(delta: dt.timedelta) -> str:
    total = round(delta.total_seconds() / 60)
    if abs(total) < 120:
        return f"{total} min"
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@dataclass
class MonthRow:
    month: str
    severity: str
    count: int
    mttd: dt.timedelta | None
    mttr: dt.timedelta | None


def monthly(responses: Sequence[Response]) -> list[MonthRow]:
    """Per month (newest first) and severity: count, mean time to detect, mean time to resolve."""
    buckets: dict[tuple[str, str], list[Response]] = defaultdict(list)
    for item in responses:
        started = item.incident.meta.started
        assert started is not None
        key = (started.astimezone(dt.timezone.utc).strftime("%Y-%m"), str(item.incident.meta.severity))
        buckets[key].append(item)
    rows = []
    for (month, severity), items in sorted(buckets.items(), key=lambda kv: (kv[0][0], -int(kv[0][1][3])),
                                           reverse=True):
        ttd = [i.time_to_detect.total_seconds() for i in items if i.time_to_detect is not None]
        ttr = [i.time_to_resolve.total_seconds() for i in items if i.time_to_resolve is not None]
        rows.append(MonthRow(month, severity, len(items),
                             dt.timedelta(seconds=mean(ttd)) if ttd else None,
                             dt.timedelta(seconds=mean(ttr)) if ttr else None))
    return rows


def outage_minutes(spans: dict[str, list[Span]], now: dt.datetime) -> dict[str, dict[str, tuple[float, float]]]:
    """Per month and component: (major outage minutes, partial outage minutes), worst state per moment."""
    result: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for component, component_spans in spans.items():
        if not component_spans:
            continue
        start = min(s.start for s in component_spans)
        for a, b, state in segments(component_spans, start, now):
            while a < b:  # cut at month boundaries
                month_end = (a.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=32)
                             ).replace(day=1)
                piece_end = min(b, month_end)
                key = a.strftime("%Y-%m")
                major, partial = result[key].get(component, (0.0, 0.0))
                length = (piece_end - a).total_seconds() / 60
                if state == ComponentState.MAJOR_OUTAGE:
                    major += length
                elif state == ComponentState.PARTIAL_OUTAGE:
                    partial += length
                result[key][component] = (major, partial)
                a = piece_end
    return dict(result)
