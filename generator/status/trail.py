"""An incident's public update trail at ``now``: the file's updates, plus a maintenance's automatic ones.

Statuspage posts an update of its own when a maintenance window opens (``In progress`` at
``scheduled_for``) and when it closes (``Completed`` at ``scheduled_until``). statusgen derives the
same updates here, at build time, and never writes them into the file. Every public output (the
pages, the feeds, the JSON API, the calendar) reads the trail from here, so they agree.

What the file says takes precedence over what would be automatic:

- no automatic ``In progress`` once the file has an ``in_progress`` update (early or late), or a
  ``verifying``, ``completed`` or ``cancelled`` update at or before ``scheduled_for`` (the work
  was already under way, or over, when the window opened);
- no automatic ``Completed`` once the file has a ``completed`` or ``cancelled`` update: a window
  completed early (or late) ends when the file says it did.

Only updates public at ``now`` count (those later are not written yet), so an automatic update
shown by one build is replaced by the file's own once that is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.content.models import ComponentState, Incident, UpdateStatus
from generator.settings import MaintenanceSettings

U = UpdateStatus
#: Keys of the automatic updates; the file's updates are keyed by their number in the file (1, 2, …).
AUTO_IN_PROGRESS = "auto-in-progress"
AUTO_COMPLETED = "auto-completed"


@dataclass(frozen=True)
class PostedUpdate:
    """One update as subscribers see it: from the file, or posted automatically at a window's edge."""

    at: dt.datetime
    status: UpdateStatus
    #: Markdown
    message: str
    components: dict[str, ComponentState] | None
    #: stable within the incident: the update's number in the file, or ``auto-in-progress`` / ``auto-completed``
    key: str

    @property
    def automatic(self) -> bool:
        return self.key in (AUTO_IN_PROGRESS, AUTO_COMPLETED)


def trail(incident: Incident, now: dt.datetime, wording: MaintenanceSettings) -> list[PostedUpdate]:
    """The updates public at ``now``, oldest first (``incident`` is already cut to ``now``, see ``timeline.as_of``)."""
    posted = [PostedUpdate(u.at, u.status, u.message, u.components, str(number))
              for number, u in enumerate(incident.updates, start=1) if u.at <= now]
    if not incident.is_maintenance:
        return posted
    meta = incident.meta
    assert meta.scheduled_for is not None and meta.scheduled_until is not None
    statuses = {u.status for u in posted}
    automatic = []
    started = U.IN_PROGRESS in statuses or any(
        u.status in (U.VERIFYING, U.COMPLETED, U.CANCELLED) and u.at <= meta.scheduled_for for u in posted)
    if now >= meta.scheduled_for and not started:
        automatic.append(PostedUpdate(meta.scheduled_for, U.IN_PROGRESS, wording.in_progress_message, None,
                                      AUTO_IN_PROGRESS))
    if now >= meta.scheduled_until and not statuses & {U.COMPLETED, U.CANCELLED}:
        automatic.append(PostedUpdate(meta.scheduled_until, U.COMPLETED, wording.completed_message, None,
                                      AUTO_COMPLETED))
    # An automatic update goes after a file's update of the same minute: the file said it first.
    return sorted(posted + automatic, key=lambda u: (u.at, u.automatic))


def finished_at(updates: list[PostedUpdate]) -> dt.datetime | None:
    """When the trail says it ended (resolved, completed or cancelled), or None while it is open."""
    return next((u.at for u in updates if u.status in (U.RESOLVED, U.COMPLETED, U.CANCELLED)), None)
