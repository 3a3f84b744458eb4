"""Response metrics, as pure functions, and where a response missed the targets in :mod:`generator.policy`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean as exact_mean

from generator import policy
from generator.content.models import (
    ComponentState,
    Incident,
    Postmortem,
    UpdateStatus,
)
from generator.status.timeline import Span, format_duration, segments


def targets() -> list[str]:
    """The response targets of :mod:`generator.policy`, as the flags below check them."""
    first = ", ".join(f"{format_duration(limit)} for {severity}"
                      for severity, limit in policy.FIRST_UPDATE_WITHIN.items())
    every = ", ".join(f"{severity} updates at least every {format_duration(limit)}"
                      for severity, limit in policy.UPDATE_AT_LEAST_EVERY.items())
    return [f"the first update within {first} of detection", every,
            f"a postmortem for every {' and '.join(sorted(policy.NEEDS_POSTMORTEM))}",
            f"at least {format_duration(policy.MONITOR_AT_LEAST)} of monitoring before resolving"]


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
    target = policy.FIRST_UPDATE_WITHIN.get(meta.severity)
    if target is not None and result.time_to_first_update > target:
        since = "detection" if detected else "start"
        result.flags.append(f"first public update {format_duration(result.time_to_first_update)} after {since} "
                            f"(target for {meta.severity}: {format_duration(target)})")
    gap_limit = policy.UPDATE_AT_LEAST_EVERY.get(meta.severity)
    if gap_limit is not None and result.largest_update_gap and result.largest_update_gap > gap_limit:
        result.flags.append(f"{format_duration(result.largest_update_gap)} between public updates "
                            f"({meta.severity} target: every {format_duration(gap_limit)})")
    if meta.severity in policy.NEEDS_POSTMORTEM and not result.postmortems:
        result.flags.append(f"no postmortem ({meta.severity} needs one)")
    monitoring = next((u.at for u in updates if u.status == UpdateStatus.MONITORING), None)
    if resolved and monitoring and resolved - monitoring < policy.MONITOR_AT_LEAST:
        result.flags.append(f"resolved {format_duration(resolved - monitoring)} after monitoring began "
                            f"(watch at least {format_duration(policy.MONITOR_AT_LEAST)} before resolving)")
    return result


@dataclass
class MonthRow:
    month: str
    severity: str
    count: int
    mttd: dt.timedelta | None
    mttr: dt.timedelta | None


def month_of(moment: dt.date) -> str:
    """The month a moment falls in, as the metrics name it: ``2026-03`` (the one place this is written)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def mean(values: Sequence[float]) -> float:
    """``statistics.mean``, the same value: for whole numbers (seconds, as content times are written) whose sum a
    float holds exactly, that sum over the count is rounded once, as ``statistics.mean`` rounds its exact
    fraction, without the ``Fraction`` it makes of every value. Other values go to it."""
    if values and all(value.is_integer() for value in values) and max(map(abs, values)) * len(values) < 2 ** 53:
        return sum(values) / len(values)
    return exact_mean(values)


def monthly(responses: Sequence[Response]) -> list[MonthRow]:
    """Per month (newest first) and severity: count, mean time to detect, mean time to resolve."""
    buckets: dict[tuple[str, str], list[Response]] = defaultdict(list)
    for item in responses:
        started = item.incident.meta.started
        assert started is not None
        key = (month_of(started), str(item.incident.meta.severity))
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
                key = month_of(a)
                major, partial = result[key].get(component, (0.0, 0.0))
                length = (piece_end - a).total_seconds() / 60
                if state == ComponentState.MAJOR_OUTAGE:
                    major += length
                elif state == ComponentState.PARTIAL_OUTAGE:
                    partial += length
                result[key][component] = (major, partial)
                a = piece_end
    return dict(result)
