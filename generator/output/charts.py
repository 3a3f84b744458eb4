"""Small SVG charts drawn at build time, so the metrics page needs no JavaScript chart library.

The geometry is computed here; ``templates/svg/stacked_bars.svg`` places it and the (escaped) text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from markupsafe import Markup

from generator.output.svg import render

PALETTE = ["#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#0f766e", "#7c3aed", "#64748b"]


class Bar(NamedTuple):
    """One series' part of a column: its top edge, height, colour, and the text of its tooltip."""
    y: float
    height: float
    colour: str
    name: str
    value: str


class Column(NamedTuple):
    """One label's stack of bars; ``tick`` says whether the label is written under it."""
    x: float
    centre: float
    label: str
    tick: bool
    bars: list[Bar]


class Key(NamedTuple):
    """One entry of the legend: a swatch at ``x`` and the series' name at ``text_x``."""
    x: int
    text_x: int
    colour: str
    name: str


def stacked_bars(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str = "",
                 width: int = 640, height: int = 220) -> Markup:
    """A stacked bar chart with a legend, a <title> and a text alternative for screen readers."""
    left, bottom, top = 40, 36, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = plot_w / max(1, len(labels))
    bar = max(2.0, step * 0.7)
    columns = []
    for index, label in enumerate(labels):
        x = left + index * step + (step - bar) / 2
        y: float = top + plot_h
        bars = []
        for colour, (name, values) in zip(PALETTE, series.items()):
            value = values[index]
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            bars.append(Bar(y, h, colour, name, _number(value)))
        tick = len(labels) <= 12 or index % max(1, len(labels) // 12) == 0
        columns.append(Column(x, x + bar / 2, label, tick, bars))
    legend = []
    x_key = left
    for colour, name in zip(PALETTE, series):
        legend.append(Key(x_key, x_key + 14, colour, name))
        x_key += 24 + 7 * len(name)
    return render("stacked_bars.svg", title=title, unit=unit, width=width, height=height + 18,
                  left=left, right=width - 8, base=top + plot_h, scale_x=left - 4, peak_y=top + 4,
                  peak=_number(peak), bar_width=bar, columns=columns, tick_y=top + plot_h + 14,
                  legend=legend, legend_y=height + 4, legend_text_y=height + 13)


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
