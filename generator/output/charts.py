"""Small SVG charts drawn at build time, so the metrics page needs no JavaScript chart library.

The geometry is computed here; ``templates/svg/stacked_bars.svg`` places it and the (escaped) text.
A chart is as wide as its column and is not scaled: horizontal positions are percentages of its width and
vertical ones CSS pixels, so its text is 12 px at every width (a scaled ``viewBox`` drew it at 5 px on a phone).
Each month is a focusable group whose total shows on hover and focus, with a ``<title>`` per bar.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from markupsafe import Markup

from generator.output.svg import render

PALETTE = ["#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#0f766e", "#7c3aed", "#64748b"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Text size in CSS pixels (the chart is not scaled).
FONT = 12
#: Left margin for the scale, as a percentage of the width.
LEFT = 11.0


class Bar(NamedTuple):
    """One series' part of a column: its top edge and height (px), colour, and the text of its tooltip."""
    y: float
    height: float
    colour: str
    name: str
    value: str


class Column(NamedTuple):
    """One label's stack of bars (x, width and centre in percent); ``minor`` ticks are left out on phones."""
    x: float
    centre: float
    label: str
    tick: str
    year: str
    minor: bool
    bars: list[Bar]
    total: str
    total_y: float
    summary: str


class Key(NamedTuple):
    """One entry of the legend: a swatch at ``x`` percent, the series' name beside it."""
    x: float
    colour: str
    name: str


class Grid(NamedTuple):
    y: float
    value: str


def stacked_bars(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str = "",
                 axis: str = "", x_axis: str = "Month", height: int = 180) -> Markup:
    """A stacked bar chart: axis titles, a scale with grid lines, a legend, and a value per bar on hover/focus."""
    top, plot_h = 2 * FONT + 8, height
    base = top + plot_h
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = _nice(max(totals, default=0))
    step = (100 - LEFT) / max(1, len(labels))
    width = step * 0.7
    columns = []
    for index, label in enumerate(labels):
        x = LEFT + index * step + (step - width) / 2
        y: float = base
        bars = []
        for colour, (name, values) in zip(PALETTE, series.items()):
            value = values[index]
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            bars.append(Bar(y, h, colour, name, _number(value)))
        tick, year = _tick(label, index, labels[index + 1] if index + 1 < len(labels) else "")
        parts = [f"{bar.name} {bar.value}{unit}" for bar in bars]
        summary = f"{label}: {', '.join(parts) if parts else 'none'}"
        columns.append(Column(x, x + width / 2, label, tick, year, index % 2 == 1 and len(labels) > 6, bars,
                              _number(totals[index]), max(FONT, y - 4), summary))
    grid = [Grid(base - plot_h * fraction, _number(peak * fraction)) for fraction in (0, 0.5, 1)]
    legend_y = base + 4 * FONT + 18
    legend = [Key(LEFT + i * (100 - LEFT) / max(1, len(series)), colour, name)
              for i, (colour, name) in enumerate(zip(PALETTE, series))]
    return render("stacked_bars.svg", title=title, unit=unit, axis=axis, height=legend_y + FONT + 6,
                  font=FONT, left=LEFT, scale_x=LEFT - 1.5, base=base, grid=grid, bar_width=width, columns=columns,
                  tick_y=base + FONT + 4, year_y=base + 2 * FONT + 6, legend=legend, legend_y=legend_y,
                  axis_y=FONT + 2, x_axis=x_axis, x_axis_y=base + 3 * FONT + 8)


def _nice(value: float) -> float:
    """The scale's top: the total rounded up to 2, 4, 6, 8 or 10 times a power of ten, so that the middle grid
    line is a round number too (2 when nothing or little was counted)."""
    if value <= 2:
        return 2.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 4, 6, 8, 10) if m * power >= value)


def _tick(label: str, index: int, following: str) -> tuple[str, str]:
    """A month label as "Mar" with its year under the first column and each January; other labels as they are."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if not match or not 1 <= int(match[2]) <= 12:
        return label, ""
    month = int(match[2])
    # the year under the first column, unless a January follows at once (two years would run together)
    first = index == 0 and not re.fullmatch(r"\d{4}-01", following)
    return MONTHS[month - 1], match[1] if month == 1 or first else ""


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
