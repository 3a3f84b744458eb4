"""RSS 2.0 and Atom 1.0 feeds of incidents and maintenance (feedgen).

One entry per incident, never per update: its id is derived from the incident id
and never changes, ``published`` is the first update and ``updated`` the latest.
The content is the update trail, newest first, in Statuspage's micro-format
(``<p><small>Mar 30, 14:50 UTC</small><br><strong>Identified</strong> - …</p>``) so
bots that read the first ``<strong>`` as the current status keep working.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from markupsafe import escape

from generator.content.markdown import to_text
from generator.output.labels import status_label
from generator.status.snapshot import IncidentView, Snapshot

MAX_ENTRIES = 50


def entry_id(host: str, view: IncidentView) -> str:
    kind = "Maintenance" if view.is_maintenance else "Incident"
    return f"tag:{host},2005:{kind}/{view.id}"


def entry_content(view: IncidentView) -> str:
    parts = []
    for update in reversed(view.updates):  # the trail: automatic maintenance updates included
        when = update.at.strftime("%b %-d, %H:%M UTC")
        label = status_label(update.status)
        parts.append(f"<p><small>{when}</small><br><strong>{label}</strong> - {escape(to_text(update.message))}</p>")
    return "".join(parts)


def feeds(snap: Snapshot, views: list[IncidentView], path: str, title: str) -> tuple[bytes, bytes]:
    """(RSS, Atom) for ``views`` (newest first), published at ``path`` under the site URL."""
    base = snap.settings.site_url
    assert base, "feeds need site_url"
    host = urlsplit(base).hostname or "localhost"
    # Newest first by when each was announced; an entry's id and place never change with updates.
    views = sorted(views, key=lambda v: (v.announced, v.id), reverse=True)[:MAX_ENTRIES]
    updated = max((v.updated for v in views), default=snap.now)

    def generator(kind: str) -> FeedGenerator:
        fg = FeedGenerator()
        fg.id(f"tag:{host},2005:{path}")
        fg.title(title)
        fg.link(href=base, rel="alternate")
        fg.link(href=f"{base}{path}.{kind}", rel="self")
        fg.description(f"Incidents and scheduled maintenance: {title}")
        fg.language("en")
        fg.updated(updated)
        fg.lastBuildDate(updated)
        fg.generator("statusgen")
        for view in views:
            entry = fg.add_entry(order="append")
            entry.id(entry_id(host, view))
            entry.guid(entry_id(host, view), permalink=False)
            entry.title(view.title)
            entry.link(href=f"{base}incidents/{view.id}/")
            entry.published(view.announced)
            entry.updated(view.updated)
            # description() also sets Atom content (without a type), so it goes first.
            entry.description(entry_content(view))
            entry.content(entry_content(view), type="html")
        return fg

    return generator("rss").rss_str(pretty=True), generator("atom").atom_str(pretty=True)
