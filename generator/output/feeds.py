"""RSS 2.0 and Atom 1.0 feeds of incidents and maintenance (feedgen).

One entry per incident, never per update: its id is derived from the incident id
and never changes, ``published`` is the first update and ``updated`` the latest.
The content is HTML in Statuspage's micro-format, from the autoescaped template
``templates/feeds/entry.html``: a maintenance first states its window,
``<p><strong>THIS IS A SCHEDULED EVENT Jun <var data-var='date'>20</var>, <var data-var='time'>02:00</var>
- <var data-var='time'>04:00</var> UTC</strong></p>``, then comes the update trail, newest first, each
``<p><small>Mar <var data-var='date'>30</var>, <var data-var='time'>14:50</var> UTC</small><br>
<strong>Identified</strong> - …</p>``, so parsers written for Statuspage feeds read our timestamps, and
bots that take the first ``<strong>`` after a ``<small>`` as the current status keep working.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import urlsplit

import jinja2
from feedgen.feed import FeedGenerator
from lxml import etree

from generator.content.markdown import to_text
from generator.output.labels import status_label
from generator.output.memo import Memo
from generator.output.template_cache import template_cache
from generator.status.snapshot import IncidentView, Snapshot

MAX_ENTRIES = 50


class _HtmlLink:
    """An Atom entry's link to its incident page, ``rel="alternate" type="text/html"``, as feedgen entry extension.

    feedgen 1.0.0 writes an entry's links without ``rel`` and ``type`` (it reads them back from the
    element it has just made), so this sets them on the link it wrote to ``href``."""

    href = ""

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        [link] = [link for link in entry.iterfind("link") if link.get("href") == self.href]  # feedgen's own names
        link.set("rel", "alternate")
        link.set("type", "text/html")
        return entry


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates/feeds"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              bytecode_cache=template_cache())


def entry_id(host: str, view: IncidentView) -> str:
    kind = "Maintenance" if view.is_maintenance else "Incident"
    return f"tag:{host},2005:{kind}/{view.id}"


def stamp(at: dt.datetime) -> dict[str, str]:
    """A time as Statuspage's feeds write it, in UTC: month ``Jun``, date ``5`` (not padded), time ``02:00``."""
    return {"month": at.strftime("%b"), "date": str(at.day), "time": at.strftime("%H:%M")}


def window(view: IncidentView) -> dict[str, object] | None:
    """The scheduled window of a maintenance (as announced, like Statuspage's line), or None."""
    meta = view.incident.meta
    if not view.is_maintenance or meta.scheduled_for is None or meta.scheduled_until is None:
        return None
    start, end = meta.scheduled_for, meta.scheduled_until
    return {"start": stamp(start), "end": stamp(end), "same_day": start.date() == end.date()}


def entry_content(view: IncidentView) -> str:
    updates = [{"at": stamp(update.at), "label": status_label(update.status),
                "lines": to_text(update.message).split("\n")}
               for update in reversed(view.updates)]  # the trail: automatic maintenance updates included
    return environment().get_template("entry.html").render(window=window(view), updates=updates)


def feeds(snap: Snapshot, views: list[IncidentView], path: str, title: str,
          memo: Memo | None = None) -> tuple[bytes, bytes]:
    """(RSS, Atom) for ``views`` (newest first), published at ``path`` under the site URL; ``memo`` keeps
    each entry's content, which is the same in every feed that lists it."""
    memo = memo or Memo()
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
        # RFC 4287 §4.1.1: a feed without an author needs one in every entry; the site speaks for all of them.
        # (RSS has no author without an e-mail address, so feedgen writes none there.)
        fg.author(name=snap.settings.site_name)
        # feedgen makes the last link RSS's <channel><link>: the site, not the feed (which is atom:link self).
        fg.link(href=f"{base}{path}.{kind}", rel="self")
        fg.link(href=base, rel="alternate", type="text/html")
        fg.description(f"Incidents and scheduled maintenance: {title}")
        fg.language("en")
        fg.updated(updated)
        fg.lastBuildDate(updated)
        fg.generator("statusgen")
        for view in views:
            content = memo.get(("feed-entry", view.id), view, lambda: entry_content(view))
            entry = fg.add_entry(order="append")
            entry.id(entry_id(host, view))
            entry.guid(entry_id(host, view), permalink=False)
            entry.title(view.title)
            entry.link(href=f"{base}incidents/{view.id}/", rel="alternate", type="text/html")
            entry.register_extension("html_link", _HtmlLink, atom=True, rss=False)
            entry.html_link.href = f"{base}incidents/{view.id}/"
            entry.published(view.announced)
            entry.updated(view.updated)
            # description() also sets Atom content (without a type), so it goes first.
            entry.description(content)
            entry.content(content, type="html")
        return fg

    return generator("rss").rss_str(pretty=True), generator("atom").atom_str(pretty=True)
