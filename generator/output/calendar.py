"""``maintenance.ics``: scheduled maintenance as an iCalendar feed (RFC 5545, ``icalendar``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar, Event

from generator.content.markdown import to_text
from generator.status.snapshot import Snapshot


def maintenance_calendar(snap: Snapshot) -> bytes:
    base = snap.settings.site_url or ""
    host = urlsplit(base).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", f"-//statusgen//{snap.settings.site_name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{snap.settings.site_name}: scheduled maintenance")
    for view in sorted((v for v in snap.incidents if v.is_maintenance), key=lambda v: (v.start, v.id)):
        meta = view.incident.meta
        event = Event()
        event.add("uid", f"{view.id}@{host}")
        event.add("dtstamp", view.announced)
        event.add("last-modified", view.updated)
        event.add("dtstart", meta.scheduled_for)
        event.add("dtend", meta.scheduled_until)
        event.add("summary", view.title)
        event.add("url", f"{base}incidents/{view.id}/")
        affected = ", ".join(c.name for c in view.components)
        event.add("description", f"{to_text(view.latest.message)}\n\nAffects: {affected}\n{base}incidents/{view.id}/")
        event.add("status", "CANCELLED" if view.status == "cancelled" else "CONFIRMED")
        event.add("sequence", len(view.incident.updates) - 1)
        calendar.add_component(event)
    return calendar.to_ical()
