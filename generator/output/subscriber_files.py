"""Every file a subscriber polls, as path -> bytes: feeds, the JSON API, the calendar, badges (SVG and
Shields.io endpoint JSON), and the status embed for other sites."""

from __future__ import annotations

from collections.abc import Callable

from generator.output import statuspage_api as api
from generator.output.badges import component_badge, component_endpoint, status_badge, status_endpoint
from generator.output.calendar import event_calendar, event_ics, maintenance_calendar
from generator.output.embed import embed_files
from generator.output.feeds import feeds
from generator.output.memo import Memo
from generator.status.snapshot import ComponentStatus, Snapshot


Job = Callable[[], dict[str, bytes]]


def subscriber_files(snap: Snapshot, memo: Memo | None = None) -> dict[str, bytes]:
    """``memo`` (statusgen serve) keeps feed entries from the previous build; one is made per call otherwise."""
    files: dict[str, bytes] = {}
    for job in subscriber_jobs(snap, memo):
        files.update(job())
    return files


def subscriber_jobs(snap: Snapshot, memo: Memo | None = None) -> list[Job]:
    """The files of :func:`subscriber_files` in parts that each make their own files, read only ``snap`` (and
    ``memo``) and can run in any process in any order: a build hands each to whichever of its processes is free
    first (:class:`~generator.background.Claims`). The largest first, so that the last ones are short."""
    memo = memo or Memo()
    name = snap.settings.site_name

    def calendar() -> dict[str, bytes]:
        # Each maintenance's event is written once, for maintenance.ics and for its own file; both read the view
        # and these two settings alone (calendar.py).
        files: dict[str, bytes] = {}
        events: dict[str, bytes] = {}
        for view in snap.incidents:
            if view.is_maintenance:
                inputs = (view, snap.settings.site_name, snap.settings.site_url)
                events[view.id] = memo.get(("calendar-event", view.id), inputs,
                                           lambda: event_ics(snap, view))  # noqa: B023 - called at once
                files[f"maintenance/{view.id}.ics"] = memo.get(("calendar", view.id), inputs,
                                                               lambda: event_calendar(snap, view, events[view.id]))  # noqa: B023
        files["maintenance.ics"] = maintenance_calendar(snap, events)
        return files

    def api_and_badges() -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        documents = api.documents(snap)
        for path, document in documents.items():
            files[f"api/{path}"] = api.dump(document).encode()
        files.update(embed_files(documents["v2/summary.json"].model_dump(mode="json")))
        files["badges/status.svg"] = status_badge(name, snap.indicator, snap.description).encode()
        files["badges/status.json"] = status_endpoint(name, snap.indicator, snap.description).encode()
        for status in snap.components:
            component = status.component
            files[f"badges/{component.id}.svg"] = component_badge(component.name, status.state).encode()
            files[f"badges/{component.id}.json"] = component_endpoint(component.name, status.state).encode()
        return files

    def history() -> dict[str, bytes]:
        rss, atom = feeds(snap, snap.incidents, "history", f"{name} - Incident History", memo)
        return {"history.rss": rss, "history.atom": atom}

    def component_history(status: ComponentStatus) -> Job:
        def job() -> dict[str, bytes]:
            path = f"components/{status.component.id}/history"
            rss, atom = feeds(snap, status.incidents, path, f"{name} - {status.component.name} - Incident History",
                              memo)
            return {f"{path}.rss": rss, f"{path}.atom": atom}
        return job

    return [calendar, api_and_badges, history, *(component_history(status) for status in snap.components)]
