"""Uptime over the last 90 days and the daily bars behind it.

``uptime = 1 - (major_weight * major_seconds + partial_weight * partial_seconds) / window_seconds``
over the window ending at ``now``, clipped to the component's ``start_date``;
degraded performance and maintenance are not downtime.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.content.models import Component, ComponentState
from generator.settings import Weights
from generator.status.timeline import Span, segments, worst

S = ComponentState
DAY = dt.timedelta(days=1)


@dataclass
class Day:
    date: dt.date
    #: False before the component's start date (or after ``now``)
    has_data: bool
    major_seconds: float = 0.0
    partial_seconds: float = 0.0
    downtime_seconds: float = 0.0
    worst: ComponentState = S.OPERATIONAL
    incidents: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        """Colour class of the bar: by downtime, then by lesser impact."""
        if not self.has_data:
            return "none"
        minutes = self.downtime_seconds / 60
        if minutes > 120:
            return "critical"
        if minutes > 30:
            return "major"
        if minutes > 0:
            return "minor"
        if self.worst in (S.DEGRADED_PERFORMANCE, S.UNDER_MAINTENANCE):
            return "notice"
        return "ok"


@dataclass
class Uptime:
    #: None when the component has no data in the window
    ratio: float | None
    major_seconds: float
    partial_seconds: float
    window_seconds: float
    days: list[Day]

    @property
    def downtime_seconds(self) -> float:
        return sum(d.downtime_seconds for d in self.days)

    @property
    def percent(self) -> float | None:
        """Rounded to 2 decimals; never 100.00 (at most 99.99) when there was any downtime."""
        if self.ratio is None:
            return None
        value = round(self.ratio * 100, 2)
        if self.downtime_seconds > 0 and value >= 100.0:
            value = 99.99
        return value

    @property
    def display(self) -> str:
        return "no data" if self.percent is None else f"{self.percent:.2f}%"


def uptime(component: Component, component_spans: Sequence[Span], now: dt.datetime, days: int = 90,
           weights: Weights = Weights()) -> Uptime:
    """Uptime of one component over the ``days`` days ending at ``now`` (UTC calendar days for the bars)."""
    start = now - days * DAY
    if component.start_date is not None:
        start = max(start, dt.datetime.combine(component.start_date, dt.time(), dt.timezone.utc))
    # Only spans that touch the window matter; a long history must not make every day slower.
    component_spans = [s for s in component_spans if s.start < now and (s.end is None or s.end > start)]
    pieces = segments(component_spans, start, now) if start < now else []
    major = sum((b - a).total_seconds() for a, b, s in pieces if s == S.MAJOR_OUTAGE)
    partial = sum((b - a).total_seconds() for a, b, s in pieces if s == S.PARTIAL_OUTAGE)
    window_seconds = max(0.0, (now - start).total_seconds())
    ratio = None
    if window_seconds > 0:
        ratio = 1 - (weights.major * major + weights.partial * partial) / window_seconds
        ratio = min(1.0, max(0.0, ratio))

    bars = []
    today = now.date()
    for offset in range(days - 1, -1, -1):
        date = today - dt.timedelta(days=offset)
        day_start = dt.datetime.combine(date, dt.time(), dt.timezone.utc)
        lo, hi = max(day_start, start), min(day_start + DAY, now)
        day = Day(date, has_data=lo < hi)
        if day.has_data:
            for a, b, state in pieces:
                a, b = max(a, lo), min(b, hi)
                if a >= b:
                    continue
                seconds = (b - a).total_seconds()
                if state == S.MAJOR_OUTAGE:
                    day.major_seconds += seconds
                elif state == S.PARTIAL_OUTAGE:
                    day.partial_seconds += seconds
                day.worst = worst([day.worst, state])
            day.downtime_seconds = weights.major * day.major_seconds + weights.partial * day.partial_seconds
            day.incidents = sorted({s.incident for s in component_spans
                                    if s.start < hi and (s.end is None or s.end > lo)})
        bars.append(day)
    if ratio is not None and math.isclose(ratio, 1.0) and major == partial == 0:
        ratio = 1.0
    return Uptime(ratio, major, partial, window_seconds, bars)
