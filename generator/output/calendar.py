"""``maintenance.ics``: scheduled maintenance as an iCalendar feed (RFC 5545, ``icalendar``).

Each maintenance is one event whose revisions follow its update trail (automatic updates
included): ``SEQUENCE`` counts the revisions after the announcement, ``LAST-MODIFIED`` and
``DTSTAMP`` (the same thing in a calendar without ``METHOD``) are the newest one, so a calendar
client sees the event change when the window opens, closes, or ends early. The event spans the
window as it really ran (an early start or end moves it); a cancelled one keeps its planned window
with ``STATUS:CANCELLED``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar, Event

from generator.content.markdown import to_text
from generator.output.labels import status_label
from generator.status.snapshot import IncidentView, Snapshot


def _calendar(snap: Snapshot, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//statusgen//{snap.settings.site_name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def maintenance_event(snap: Snapshot, view: IncidentView) -> Event:
    """One maintenance as one event: the same event (``UID``) in the feed and in its own file."""
    base = snap.settings.site_url or ""
    host = urlsplit(base).hostname or "localhost"
    meta = view.incident.meta
    event = Event()
    event.add("uid", f"{view.id}@{host}")
    assert view.end is not None
    ran = view.end > view.start and view.status != "cancelled"
    event.add("dtstamp", view.updated)
    event.add("last-modified", view.updated)
    event.add("dtstart", view.start if ran else meta.scheduled_for)
    event.add("dtend", view.end if ran else meta.scheduled_until)
    event.add("summary", view.title)
    event.add("url", f"{base}incidents/{view.id}/")
    affected = ", ".join(c.name for c in view.components)
    text = to_text(view.latest.message)
    if len(view.updates) > 1:  # the newest update first, then what was announced
        text = f"{status_label(view.latest.status)}: {text}\n\n{to_text(view.updates[0].message)}"
    event.add("description", f"{text}\n\nAffects: {affected}\n{base}incidents/{view.id}/")
    event.add("status", "CANCELLED" if view.status == "cancelled" else "CONFIRMED")
    event.add("sequence", len(view.updates) - 1)
    return event


def event_ics(snap: Snapshot, view: IncidentView) -> bytes:
    """One maintenance's ``VEVENT`` lines, as its calendar and ``maintenance.ics`` both hold them."""
    return maintenance_event(snap, view).to_ical()


_END = b"END:VCALENDAR\r\n"


def _with_events(calendar: Calendar, events: list[bytes]) -> bytes:
    """``calendar`` (no events yet) with ``events`` (``event_ics``) inside: what ``add_component`` + ``to_ical``
    write, as icalendar writes a calendar's events after its properties. Each event is folded and written
    once per build, not once per file that holds it (tests compare with icalendar's own)."""
    head = calendar.to_ical()
    if not head.endswith(_END) or calendar.subcomponents:
        raise ValueError("a calendar with events of its own")
    return head[:-len(_END)] + b"".join(events) + _END


def maintenance_calendar(snap: Snapshot, events: dict[str, bytes] | None = None) -> bytes:
    """Every maintenance, by start; ``events`` (id -> ``event_ics``) are used as made, the others made here."""
    events = events or {}
    views = sorted((v for v in snap.incidents if v.is_maintenance), key=lambda v: (v.start, v.id))
    return _with_events(_calendar(snap, f"{snap.settings.site_name}: scheduled maintenance"),
                        [events[v.id] if v.id in events else event_ics(snap, v) for v in views])


def event_calendar(snap: Snapshot, view: IncidentView, event: bytes | None = None) -> bytes:
    """``maintenance/<id>.ics``: one maintenance, for "Add to calendar" (a file a calendar app imports once)."""
    return _with_events(_calendar(snap, f"{snap.settings.site_name}: {view.title}"),
                        [event if event is not None else event_ics(snap, view)])
