"""Uptime over the last N UTC days and the daily bars behind it, from one :class:`Window`.

The window is N whole UTC days ending with today: it starts at midnight UTC ``N - 1`` days
before today and ends at ``now``, so the first day is full and the last (today) is partial.
N is ``extra.statusgen.uptime.days`` (90 by default). The window is cut into its UTC days,
each clipped to a component's ``start_date`` (seconds before it are "no data") and to ``now``;
those days are the bars and the days of ``api/uptime.json``, and the figure is computed from
them, so the three describe the same seconds:

``uptime = 1 - sum(day downtime) / window_seconds``, where a day's downtime is
``major_weight * major_seconds + partial_weight * partial_seconds``; degraded performance and
maintenance are not downtime. The shown figure is never 100.00% when that sum is above zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.content.models import Component, ComponentState
from generator.settings import Weights
from generator.status.timeline import Span, segments, worst

S = ComponentState
DAY = dt.timedelta(days=1)
UTC = dt.timezone.utc


def midnight(date: dt.date) -> dt.datetime:
    """The start of a UTC day."""
    return dt.datetime.combine(date, dt.time(), UTC)


@dataclass(frozen=True)
class Window:
    """The stretch of time the uptime figure, the bars and ``api/uptime.json`` all describe."""

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def last_days(cls, now: dt.datetime, days: int) -> Window:
        """The ``days`` UTC days ending with today so far: whole days, then today up to ``now``."""
        now = now.astimezone(UTC)
        return cls(midnight(now.date()) - (days - 1) * DAY, now)

    def since(self, start_date: dt.date | None) -> Window:
        """The part from ``start_date`` on (empty, at the end, if that is later): a component's own window."""
        if start_date is None:
            return self
        return Window(min(max(self.start, midnight(start_date)), self.end), self.end)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def dates(self) -> list[dt.date]:
        """The UTC days the window touches, oldest first."""
        first, last = self.start.date(), self.end.date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    def clip(self, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The part of a UTC day inside the window (empty when ``lo >= hi``)."""
        return max(midnight(date), self.start), min(midnight(date) + DAY, self.end)


@dataclass
class Day:
    date: dt.date
    #: seconds of this day inside the component's window: 0 before its start date (no data)
    seconds: float = 0.0
    major_seconds: float = 0.0
    partial_seconds: float = 0.0
    downtime_seconds: float = 0.0
    worst: ComponentState = S.OPERATIONAL
    incidents: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.seconds > 0

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
    #: the component's window: the page's window from its start date on
    window: Window
    #: every day of the page's window, oldest first; days before the start date have no data
    days: list[Day]

    @property
    def window_seconds(self) -> float:
        return self.window.seconds

    @property
    def data_days(self) -> list[Day]:
        """The days inside the component's window: what the figure and ``api/uptime.json`` count."""
        return [d for d in self.days if d.has_data]

    @property
    def major_seconds(self) -> float:
        return sum(d.major_seconds for d in self.days)

    @property
    def partial_seconds(self) -> float:
        return sum(d.partial_seconds for d in self.days)

    @property
    def downtime_seconds(self) -> float:
        """The figure's weighted downtime: exactly the sum of the days' downtime."""
        return sum(d.downtime_seconds for d in self.days)

    @property
    def ratio(self) -> float | None:
        """None when the component has no data in the window."""
        if self.window_seconds <= 0:
            return None
        return min(1.0, max(0.0, 1 - self.downtime_seconds / self.window_seconds))

    @property
    def percent(self) -> float | None:
        """Rounded to 2 decimals; never 100.00 (at most 99.99) when the days hold any downtime."""
        ratio = self.ratio
        if ratio is None:
            return None
        value = round(ratio * 100, 2)
        if self.downtime_seconds > 0 and value >= 100.0:
            value = 99.99
        return value

    @property
    def display(self) -> str:
        return "no data" if self.percent is None else f"{self.percent:.2f}%"


def uptime(component: Component, component_spans: Sequence[Span], window: Window,
           weights: Weights = Weights()) -> Uptime:
    """Uptime of one component over ``window`` (the page's), clipped to its start date."""
    own = window.since(component.start_date)
    # Only spans that touch the window matter; a long history must not make every day slower.
    component_spans = [s for s in component_spans
                       if s.start < own.end and (s.end is None or s.end > own.start)]
    pieces = segments(component_spans, own.start, own.end) if own.start < own.end else []
    days = []
    for date in window.dates():
        lo, hi = own.clip(date)
        day = Day(date, seconds=max(0.0, (hi - lo).total_seconds()))
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
        days.append(day)
    return Uptime(own, days)
