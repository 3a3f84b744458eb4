"""The small HTML pieces every public page repeats (a time, a state, an impact, a duration, a calendar link), as Python.

They were Jinja macros; a macro call costs a Jinja context and a few escapes each, and a long
history calls them tens of thousands of times per build. Each function writes exactly what its
macro wrote (tests/test_perf_describe.py renders the macro and compares, on random values),
escaping every value with ``markupsafe.escape`` just as autoescape did, and returns ``Markup``
so that templates insert it as it is.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from markupsafe import Markup, escape

from generator.clock import iso
from generator.output.labels import ICONS, IMPACT_LABELS, STATE_LABELS
from generator.output.markup import utc

#: the public templates' ``labels``: a state's value -> what people read
LABELS = {s.value: label for s, label in STATE_LABELS.items()}


def time(moment: dt.datetime, with_date: bool = True) -> Markup:
    """``<time>`` for a moment, machine-readable in ``datetime`` and in UTC for people."""
    # The offset is part of the key: equal moments at different offsets compare (and hash) equal.
    return _time(moment, moment.utcoffset(), with_date)


@lru_cache(maxsize=1 << 16)  # each moment is shown on several pages (incident, history, component, home)
def _time(moment: dt.datetime, offset: dt.timedelta | None, with_date: bool) -> Markup:
    return Markup(f'<time class="sg-t" datetime="{escape(iso(moment))}">{escape(utc(moment, with_date))}</time>')


def state(value: object) -> Markup:
    """A component state: its icon (for readers without colour vision) and its label."""
    return Markup(f'<span class="sg-state sg-state--{escape(value)}"><span class="sg-icon" aria-hidden="true">'
                  f'{escape(ICONS[value])}</span> {escape(LABELS[value])}</span>')  # type: ignore[index]


def impact(value: object) -> Markup:
    """An incident's impact as a label coloured by its class."""
    return Markup(f'<span class="sg-impact sg-impact--{escape(value)}">{escape(IMPACT_LABELS[value])}</span>')  # type: ignore[index]


def duration(text: object) -> Markup:
    return Markup(f'<span class="sg-duration">{escape(text)}</span>')


def add_to_calendar(view: object, root: str) -> Markup:
    """A link to a maintenance's own calendar file (``root`` leads to the site's root)."""
    return Markup(f'<a class="sg-ics" href="{escape(root)}maintenance/{escape(view.id)}.ics" '  # type: ignore[attr-defined]
                  'type="text/calendar" download>Add to calendar</a>')


#: the public templates' globals for these pieces
GLOBALS = {"time": time, "state": state, "impact": impact, "duration": duration, "add_to_calendar": add_to_calendar}
