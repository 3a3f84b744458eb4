"""The internal site's on-call page, its alert review page, and an ``.ics`` per rotation.

Nothing here reaches the public site: :func:`generator.build.internal_site` alone adds these
pages and files. The calendars are deterministic: events for :data:`HORIZON` from the build
time, each with a UID made of the rotation, the layer and the turn number, so a calendar client
that subscribes sees a turn keep its identity from build to build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from markupsafe import Markup

from generator.content.models import DAY_NAMES, WEEKDAYS, Layer, Rotation
from generator.content.rotation import zone
from generator.output.markup import raw_table, utc
from generator.output.page import Page
from generator.output.public_pages import meta
from generator.status.alert_review import alert_review
from generator.status.oncall import (
    NEXT_HANDOFFS,
    WINDOWS,
    burden,
    layers,
    next_handoffs,
    on_call_now,
    shifts_between,
)
from generator.status.snapshot import Snapshot

#: How far ahead each rotation's calendar reaches from the build time.
HORIZON = dt.timedelta(weeks=12)
ONCALL_PAGE = "oncall/index.md"
ALERTS_PAGE = "alert-review/index.md"

Render = Callable[..., Page]


def local(moment: dt.datetime, time_zone: str) -> str:
    """A moment in a time zone, for people: 'Mon Nov 30, 09:00 CET'."""
    return moment.astimezone(zone(time_zone)).strftime("%a %b %-d, %H:%M %Z")


def hours_text(layer: Layer) -> str:
    """When a layer is on call, in words."""
    hours = layer.business_hours
    if layer.hours != "business" or hours is None:
        return "24/7"
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = list(hours.days)
    runs = days == list(range(days[0], days[-1] + 1)) and len(days) > 1
    day_text = f"{names[days[0]]}–{names[days[-1]]}" if runs else ", ".join(names[d] for d in days)
    return f"{day_text} {hours.from_:%H:%M}–{hours.to:%H:%M} {hours.time_zone}"


def turn_text(layer: Layer) -> str:
    days = layer.turn_days
    return f"{days // 7} week{'s' if days > 7 else ''}" if days % 7 == 0 else f"{days} day{'s' if days > 1 else ''}"


def oncall_pages(snap: Snapshot, render: Render, known_alerts: Iterable[str] = ()) -> dict[str, Page]:
    """The on-call page (when ``content/oncall.yml`` exists) and the alert review page."""
    content, now = snap.content, snap.now
    pages: dict[str, Page] = {}
    if content.oncall is not None:
        rotations = content.oncall.rotations
        pages[ONCALL_PAGE] = render(
            "oncall.md", "On-call", "content/oncall.yml", rotations=rotations,
            current=[on_call_now(r, now) for r in rotations],
            handoffs={r.id: next_handoffs(r, now) for r in rotations}, next_count=NEXT_HANDOFFS,
            layers=layers, burden=burden(content, now), windows=WINDOWS, local=local, hours_text=hours_text,
            turn_text=turn_text, horizon_weeks=HORIZON.days // 7, day_names=dict(zip(WEEKDAYS, DAY_NAMES)))
    # A row per alert and per incident of the last year: a generated listing that grows with the history,
    # kept out of the search index (which a reader downloads whole) like the incidents and metrics pages.
    review = alert_review(content, now, known_alerts)
    # the longest table (an incident of the year a row) as HTML set aside, not Markdown to parse
    reported = raw_table(["Incident", "Severity", "Started"],
                         ((Markup('<a href="../incidents/{}/">{}</a>').format(i.id, i.title), i.meta.severity,
                           utc(i.meta.started)) for i in review.reported))
    pages[ALERTS_PAGE] = render("alert-review.md", meta("Alert review", search={"exclude": True}),
                                review=review, windows=WINDOWS, reported=reported)
    return pages


def rotation_calendar(snap: Snapshot, rotation: Rotation) -> bytes:
    """``oncall/<id>.ics``: every turn of the rotation's layers that overlaps the next :data:`HORIZON`."""
    host = urlsplit(snap.settings.internal_url or "").hostname or "internal.statusgen.invalid"
    calendar = Calendar()
    calendar.add("prodid", f"-//statusgen//{snap.settings.site_name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"On-call: {rotation.name}")
    turns = sorted(shifts_between(rotation, snap.now, snap.now + HORIZON), key=lambda s: (s.start, s.layer_name))
    for turn in turns:
        event = Event()
        event.add("uid", f"oncall-{rotation.id}-{turn.layer_name}-{turn.turn}@{host}")
        event.add("dtstamp", snap.now)
        event.add("dtstart", turn.start)
        event.add("dtend", turn.end)
        event.add("summary", f"{turn.person}: {turn.layer_name} on call ({rotation.name})")
        event.add("description", f"{turn.layer_name.capitalize()} on call for {rotation.name}, "
                                 f"{hours_text(turn.layer)}; hand-off {local(turn.start, turn.layer.handoff.time_zone)}."
                                 f" Escalation: {' → '.join(step.notify for step in rotation.escalation)}"
                                 f" ({rotation.manager}).")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def oncall_files(snap: Snapshot) -> dict[str, bytes]:
    """The calendar files beside the on-call page."""
    if snap.content.oncall is None:
        return {}
    return {f"oncall/{r.id}.ics": rotation_calendar(snap, r) for r in snap.content.oncall.rotations}
