"""What people read for each state, status and impact, with its icon and colour: one table for every output.

Pages, feeds, badges, chat messages and new files all name a state or status from here, so the
same thing is never called two ways.
"""

from __future__ import annotations

from markupsafe import escape

from generator.content.models import ComponentState

S = ComponentState

STATE_LABELS = {S.OPERATIONAL: "Operational", S.DEGRADED_PERFORMANCE: "Degraded Performance",
                S.PARTIAL_OUTAGE: "Partial Outage", S.MAJOR_OUTAGE: "Major Outage",
                S.UNDER_MAINTENANCE: "Under Maintenance"}
STATUS_LABELS = {"investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring",
                 "resolved": "Resolved", "postmortem": "Postmortem", "scheduled": "Scheduled",
                 "in_progress": "In progress", "verifying": "Verifying", "completed": "Completed",
                 "cancelled": "Cancelled"}
IMPACT_LABELS = {"none": "No impact", "minor": "Minor", "major": "Major", "critical": "Critical",
                 "maintenance": "Maintenance"}
POSTMORTEM_LABELS = {"draft": "Draft", "in_review": "In review", "published": "Published"}
#: The labels as HTML text, escaped once here instead of on every page that names one (the pages of a long
#: history name them tens of thousands of times); looked up by a state's or status's value.
STATE_HTML = {str(state.value): str(escape(label)) for state, label in STATE_LABELS.items()}
STATUS_HTML = {key: str(escape(label)) for key, label in STATUS_LABELS.items()}
#: Shapes as well as colours, so a state reads without colour vision.
ICONS = {"operational": "✔", "degraded_performance": "▲", "partial_outage": "◆", "major_outage": "✖",
         "under_maintenance": "⚙"}
INDICATOR_ICONS = {"none": "✔", "minor": "▲", "major": "◆", "critical": "✖", "maintenance": "⚙"}
#: Badge colours by state and by page indicator (dark enough for white text).
COLOURS = {"operational": "#1f7a3a", "degraded_performance": "#8a6100", "partial_outage": "#b43c0a",
           "major_outage": "#b91c1c", "under_maintenance": "#1d4ed8",
           "none": "#1f7a3a", "minor": "#8a6100", "major": "#b43c0a", "critical": "#b91c1c", "maintenance": "#1d4ed8"}

#: The daily bars' colours (classes ``sg-bar--<level>``, colours in statusgen.css) as the legend names them.
BAR_LEGEND = (("ok", "No downtime"), ("degraded", "Degraded performance"), ("maintenance", "Maintenance"),
              ("minor", "Downtime up to 30 min"), ("major", "Downtime up to 2 h"),
              ("critical", "Downtime over 2 h"), ("none", "No data"))


def state_label(state: ComponentState | str) -> str:
    return STATE_LABELS[ComponentState(state)]


def status_label(status: str) -> str:
    """'In progress' for ``in_progress``: an update's status as people read it."""
    return STATUS_LABELS[str(status)]
