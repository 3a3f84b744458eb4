"""Every file a subscriber polls, as path -> bytes: feeds, the JSON API, the calendar, badges."""

from __future__ import annotations

from generator.output import statuspage_api as api
from generator.output.badges import component_badge, status_badge
from generator.output.calendar import maintenance_calendar
from generator.output.feeds import feeds
from generator.status.snapshot import Snapshot


def subscriber_files(snap: Snapshot) -> dict[str, bytes]:
    name = snap.settings.site_name
    files: dict[str, bytes] = {}
    files["history.rss"], files["history.atom"] = feeds(snap, snap.incidents, "history", f"{name} - Incident History")
    for status in snap.components:
        component = status.component
        path = f"components/{component.id}/history"
        files[f"{path}.rss"], files[f"{path}.atom"] = feeds(
            snap, status.incidents, path, f"{name} - {component.name} - Incident History")
    for path, document in api.documents(snap).items():
        files[f"api/{path}"] = api.dump(document).encode()
    files["maintenance.ics"] = maintenance_calendar(snap)
    files["badges/status.svg"] = status_badge(name, snap.indicator, snap.description).encode()
    for status in snap.components:
        files[f"badges/{status.component.id}.svg"] = component_badge(status.component.name, status.state).encode()
    return files
