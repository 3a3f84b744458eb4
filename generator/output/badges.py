"""Status badges: ``<name> | <state>``, coloured by state, as SVG (with text for screen readers) and as
Shields.io endpoint JSON (``https://img.shields.io/endpoint?url=...`` draws it in any Shields style).

The widths are computed here; ``templates/svg/badge.svg`` places them and the (escaped) text.
"""

from __future__ import annotations

import json

from generator.content.models import ComponentState
from generator.output.labels import COLOURS, STATE_LABELS
from generator.output.svg import render


def _width(text: str) -> int:
    """Approximate width of text in 11px Verdana-like type, as shields.io-style badges do."""
    return int(sum(4.5 if ch in "iljtf.,:;|!' " else 8.5 if ch.isupper() or ch in "mw" else 6.8 for ch in text)) + 10


def badge(label: str, value: str, colour: str) -> str:
    """A badge file's text (ending in a newline): grey ``label``, then ``value`` on ``colour``."""
    left, right = _width(label), _width(value)
    svg = render("badge.svg", label=label, value=value, colour=colour, width=left + right, left=left, right=right,
                 label_x=left / 2, value_x=left + right / 2)
    return f"{svg}\n"


def component_badge(name: str, state: ComponentState) -> str:
    return badge(name, STATE_LABELS[state], COLOURS[state.value])


def status_badge(site_name: str, indicator: str, description: str) -> str:
    return badge(site_name, description, COLOURS[indicator])


def endpoint(label: str, message: str, colour: str) -> str:
    """A Shields.io endpoint badge (``schemaVersion`` 1): the same label, message and colour as the SVG badge."""
    document = {"schemaVersion": 1, "label": label, "message": message, "color": colour}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def component_endpoint(name: str, state: ComponentState) -> str:
    return endpoint(name, STATE_LABELS[state], COLOURS[state.value])


def status_endpoint(site_name: str, indicator: str, description: str) -> str:
    return endpoint(site_name, description, COLOURS[indicator])
