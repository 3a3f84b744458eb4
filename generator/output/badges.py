"""SVG status badges: ``<name> | <state>``, coloured by state, with text for screen readers."""

from __future__ import annotations

from markupsafe import escape

from generator.content.models import ComponentState
from generator.output.labels import COLOURS, STATE_LABELS


def _width(text: str) -> int:
    """Approximate width of text in 11px Verdana-like type, as shields.io-style badges do."""
    return int(sum(4.5 if ch in "iljtf.,:;|!' " else 8.5 if ch.isupper() or ch in "mw" else 6.8 for ch in text)) + 10


def badge(label: str, value: str, colour: str) -> str:
    left, right = _width(label), _width(value)
    total = left + right
    text = f"{label}: {value}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{escape(text)}"><title>{escape(text)}</title>'
        f'<rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" '
        f'aria-hidden="true"><text x="{left / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{escape(value)}</text></g></svg>\n')


def component_badge(name: str, state: ComponentState) -> str:
    return badge(name, STATE_LABELS[state], COLOURS[state.value])


def status_badge(site_name: str, indicator: str, description: str) -> str:
    return badge(site_name, description, COLOURS[indicator])
