"""The status embed for other sites: ``embed/index.html`` to put in an ``<iframe>``, and ``embed.js``.

Both show the page's status and its active incidents (unresolved incidents and maintenance in
progress), read from the same ``api/v2/summary.json`` document: the page is rendered here at build
time and needs no script; the script builds the same elements in the host page, in a shadow root,
from the published ``summary.json`` (beside itself), with text only ever set as text. Neither loads
anything from another host. Labels, icons and colours come from :mod:`generator.output.labels`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.output.labels import COLOURS, INDICATOR_ICONS, STATUS_LABELS
from generator.output.markup import utc
from generator.output.public_pages import environment

#: Maintenance that is happening now; scheduled windows are not shown in the embed.
ACTIVE_MAINTENANCE = ("in_progress", "verifying")


def _moment(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _items(summary: dict[str, Any]) -> list[dict[str, str]]:
    active = summary["incidents"] + [m for m in summary["scheduled_maintenances"] if m["status"] in ACTIVE_MAINTENANCE]
    items = []
    for incident in active:
        latest = incident["incident_updates"][0] if incident["incident_updates"] else {}
        items.append({"name": incident["name"], "url": incident["shortlink"], "impact": incident["impact"],
                      "status": STATUS_LABELS[incident["status"]],
                      "time": utc(_moment(latest.get("display_at") or incident["updated_at"])),
                      "body": latest.get("body", "")})
    return items


def embed_files(summary: dict[str, Any]) -> dict[str, bytes]:
    """``summary`` is the published ``api/v2/summary.json`` document, as JSON values."""
    env = environment()
    css = env.get_template("public/_embed.css").render(colours=COLOURS)
    page = env.get_template("public/embed.html").render(
        site_name=summary["page"]["name"], page_url=summary["page"]["url"], indicator=summary["status"]["indicator"],
        description=summary["status"]["description"], items=_items(summary), colours=COLOURS)
    script = env.get_template("public/embed.js").render(status_labels=STATUS_LABELS, indicator_icons=INDICATOR_ICONS,
                                                        css=css)
    return {"embed/index.html": f"{page}\n".encode(), "embed.js": f"{script}\n".encode()}
