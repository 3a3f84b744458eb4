"""The HTML pieces the public pages repeat most (a time, a state, an impact, a duration, a calendar link,
an update, a list entry), as Python.

They were Jinja macros; a macro call costs a Jinja context and a few escapes each, and a long
history calls them tens of thousands of times per build; an update and a list entry are made of them. Each function writes exactly what its
macro wrote (tests/test_perf_describe.py renders the macro and compares, on random values),
escaping every value with ``markupsafe.escape`` just as autoescape did, and returns ``Markup``
so that templates insert it as it is.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from generator.clock import iso
from generator.content.markdown import to_html
from generator.output.labels import ICONS, IMPACT_LABELS, STATE_LABELS, STATUS_HTML
from generator.output.markup import utc

#: the public templates' ``labels``: a state's value -> what people read
LABELS = {s.value: label for s, label in STATE_LABELS.items()}


def time(moment: dt.datetime, with_date: bool = True) -> Markup:
    """``<time>`` for a moment, machine-readable in ``datetime`` and in UTC for people."""
    # The offset is part of the key: equal moments at different offsets compare (and hash) equal.
    return _time(moment, moment.utcoffset(), with_date)


@lru_cache(maxsize=1 << 16)  # each moment is shown on several pages (incident, history, component, home)
def _time(moment: dt.datetime, offset: dt.timedelta | None, with_date: bool) -> Markup:
    # Both texts are digits, ASCII letters, spaces and ",:-": nothing to escape (tests/test_perf_describe.py).
    return Markup(f'<time class="sg-t" datetime="{iso(moment)}">{utc(moment, with_date)}</time>')


@lru_cache(maxsize=None, typed=True)  # a few states, named on every page
def state(value: object) -> Markup:
    """A component state: its icon (for readers without colour vision) and its label."""
    return Markup(f'<span class="sg-state sg-state--{escape(value)}"><span class="sg-icon" aria-hidden="true">'
                  f'{escape(ICONS[value])}</span> {escape(LABELS[value])}</span>')  # type: ignore[index]


@lru_cache(maxsize=None, typed=True)  # a few impacts, named on every page
def impact(value: object) -> Markup:
    """An incident's impact as a label coloured by its class."""
    return Markup(f'<span class="sg-impact sg-impact--{escape(value)}">{escape(IMPACT_LABELS[value])}</span>')  # type: ignore[index]


@lru_cache(maxsize=1 << 12, typed=True)  # many incidents last as long as others
def duration(text: object) -> Markup:
    return Markup(f'<span class="sg-duration">{escape(text)}</span>')


def add_to_calendar(view: object, root: str) -> Markup:
    """A link to a maintenance's own calendar file (``root`` leads to the site's root)."""
    return Markup(f'<a class="sg-ics" href="{escape(root)}maintenance/{escape(view.id)}.ics" '  # type: ignore[attr-defined]
                  'type="text/calendar" download>Add to calendar</a>')


def update_item(update: Any, changes: dict[str, str], names: dict[str, str]) -> Markup:
    """One update of an incident page: its status, time and message, and the component states it sets."""
    parts = ['<li class="sg-update', " sg-update--automatic" if update.automatic else "",
             '">\n<p class="sg-update__head"><strong>', STATUS_HTML[update.status], "</strong> ",
             time(update.at), '</p>\n<div class="sg-update__body">', to_html(update.message), "</div>\n"]
    if changes:
        parts += ['<p class="sg-update__changes"><span class="sg-sr">Components: </span>',
                  " · ".join(f"{escape(names.get(cid, cid))}: {state(value)}" for cid, value in changes.items()),
                  "</p>"]
    parts.append("</li>")
    return Markup("".join(parts))


def entry(view: Any, root: str) -> Markup:
    """An incident or maintenance in a list (home page, history, component page): title, impact, when, where."""
    label = STATUS_HTML[view.status]
    if view.is_maintenance:
        when = f"{label} · {time(view.start)} – {time(view.end)}"
    else:
        when = f"{label} · {time(view.start)} · {duration(view.duration_text)}{'' if view.end else ' so far'}"
    where = ", ".join([escape(c.name) for c in view.components])
    return Markup(f'<li class="sg-entry">\n<p class="sg-entry__title"><a href="{escape(root)}incidents/{escape(view.id)}/">'
                  f'{escape(view.title)}</a> {impact(view.impact)}</p>\n<p class="sg-entry__meta">{when} · {where}</p>\n</li>')


#: the public templates' globals for these pieces
GLOBALS = {"time": time, "state": state, "impact": impact, "duration": duration, "add_to_calendar": add_to_calendar,
           "update_item": update_item, "entry": entry}
