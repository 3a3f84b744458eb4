"""Small SVG charts drawn at build time, so the metrics page needs no JavaScript chart library."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ["#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#0f766e", "#7c3aed", "#64748b"]


def stacked_bars(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str = "",
                 width: int = 640, height: int = 220) -> Markup:
    """A stacked bar chart with a legend, a <title> and a text alternative for screen readers."""
    left, bottom, top = 40, 36, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = plot_w / max(1, len(labels))
    bar = max(2.0, step * 0.7)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sg-chart" viewBox="0 0 {width} {height + 18}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="currentColor" '
             f'stroke-opacity="0.3"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10" fill="currentColor">'
             f'{_number(peak)}{escape(unit)}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10" fill="currentColor">0</text>']
    for index, label in enumerate(labels):
        x = left + index * step + (step - bar) / 2
        y = top + plot_h
        for colour, (name, values) in zip(PALETTE, series.items()):
            value = values[index]
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(name)}: {_number(value)}{escape(unit)}</title></rect>')
        if len(labels) <= 12 or index % max(1, len(labels) // 12) == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10" '
                         f'fill="currentColor">{escape(label)}</text>')
    x = left
    for colour, name in zip(PALETTE, series):
        parts.append(f'<rect x="{x}" y="{height + 4}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{height + 13}" font-size="10" fill="currentColor">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
