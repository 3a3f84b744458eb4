"""Every file a subscriber polls, as path -> bytes: feeds, the JSON API, the calendar, badges (SVG and
Shields.io endpoint JSON), and the status embed for other sites."""

from __future__ import annotations

from generator.output import statuspage_api as api
from generator.output.badges import component_badge, component_endpoint, status_badge, status_endpoint
from generator.output.calendar import event_calendar, event_ics, maintenance_calendar
from generator.output.embed import embed_files
from generator.output.feeds import feeds
from generator.output.memo import Memo
from generator.status.snapshot import Snapshot


def subscriber_files(snap: Snapshot, memo: Memo | None = None) -> dict[str, bytes]:
    """``memo`` (statusgen serve) keeps feed entries from the previous build; one is made per call otherwise."""
    memo = memo or Memo()
    name = snap.settings.site_name
    files: dict[str, bytes] = {}
    files["history.rss"], files["history.atom"] = feeds(snap, snap.incidents, "history", f"{name} - Incident History", memo)
    for status in snap.components:
        component = status.component
        path = f"components/{component.id}/history"
        files[f"{path}.rss"], files[f"{path}.atom"] = feeds(
            snap, status.incidents, path, f"{name} - {component.name} - Incident History", memo)
    documents = api.documents(snap)
    for path, document in documents.items():
        files[f"api/{path}"] = api.dump(document).encode()
    files.update(embed_files(documents["v2/summary.json"].model_dump(mode="json")))
    # Each maintenance's event is written once, for maintenance.ics and for its own file; both read the view
    # and these two settings alone (calendar.py).
    events: dict[str, bytes] = {}
    for view in snap.incidents:
        if view.is_maintenance:
            inputs = (view, snap.settings.site_name, snap.settings.site_url)
            events[view.id] = memo.get(("calendar-event", view.id), inputs,
                                       lambda: event_ics(snap, view))  # noqa: B023 - called at once
            files[f"maintenance/{view.id}.ics"] = memo.get(("calendar", view.id), inputs,
                                                           lambda: event_calendar(snap, view, events[view.id]))  # noqa: B023
    files["maintenance.ics"] = maintenance_calendar(snap, events)
    files["badges/status.svg"] = status_badge(name, snap.indicator, snap.description).encode()
    files["badges/status.json"] = status_endpoint(name, snap.indicator, snap.description).encode()
    for status in snap.components:
        component = status.component
        files[f"badges/{component.id}.svg"] = component_badge(component.name, status.state).encode()
        files[f"badges/{component.id}.json"] = component_endpoint(component.name, status.state).encode()
    return files
