"""The public site's pages as Markdown + HTML files, from a :class:`~generator.status.snapshot.Snapshot`.

Pages are rendered with Jinja (autoescape on) into plain Markdown files whose body
is HTML, so any Markdown renderer can turn them into a site. Content Markdown is
turned into HTML here (see ``markup.py``), never passed through raw. Front matter is
written from a dict by ``frontmatter.Page``, never by a template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from itertools import groupby

import jinja2
from markupsafe import escape

from generator import policy
from generator.clock import iso
from generator.content.markdown import to_html, to_text
from generator.content.models import ComponentState
from generator.output import fragments
from generator.output.labels import (
    BAR_LEGEND,
    ICONS,
    IMPACT_LABELS,
    INDICATOR_ICONS,
    STATE_LABELS,
    STATUS_LABELS,
)
from generator.output.markup import utc
from generator.output.memo import Memo
from generator.output.page import Meta, Page
from generator.output.template_cache import template_cache
from generator.status.snapshot import IncidentView, Snapshot
from generator.status.timeline import format_duration
from generator.status.uptime import Day

ASSETS = ("statusgen.css", "statusgen.js", "internal.css")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # auto_reload off: templates are the package's own, so asking the file system whether each changed
    # (a stat per page and per import) buys nothing.
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             bytecode_cache=template_cache(),
                             auto_reload=False)
    env.filters.update(
        iso=iso, utc=utc, markdown=to_html, text=to_text,
        day=lambda d: d.strftime("%b %-d, %Y"), zip=lambda a, b: list(zip(a, b, strict=True)))
    env.globals.update(icons=ICONS, labels={s.value: label for s, label in STATE_LABELS.items()}, impact_labels=IMPACT_LABELS,
                       status_labels=STATUS_LABELS, indicator_icons=INDICATOR_ICONS,
                       bar_legend_items=BAR_LEGEND, **fragments.GLOBALS)
    return env


def meta(title: str, **more: object) -> Meta:
    """Front matter of a page. Material renders a page's title as HTML (in the header and
    ``<title>``), so the title is HTML-escaped first: markup in a title stays text."""
    return {"title": str(escape(title)), **more}


def public_meta(title: str, alternate: str | None = None, hide: tuple[str, ...] = ("navigation", "toc")) -> Meta:
    """A public page: pure HTML, out of search; ``alternate`` names its feeds' subject."""
    values: Meta = meta(title, hide=list(hide), search={"exclude": True}, statusgen_html=True)
    if alternate is not None:
        values["statusgen_alternate"] = [
            {"type": "application/atom+xml", "href": "history.atom", "title": f"{alternate} - Incident History (Atom)"},
            {"type": "application/rss+xml", "href": "history.rss", "title": f"{alternate} - Incident History (RSS)"}]
    return values


def day_title(day: Day, titles: dict[str, str]) -> str:
    """The text behind one daily bar: date, downtime and the incidents of that day."""
    date = day.date.strftime("%b %-d, %Y")
    if not day.has_data:
        return f"{date}: no data"
    parts = []
    if day.major_seconds:
        parts.append(f"{format_duration(dt.timedelta(seconds=day.major_seconds))} major outage")
    if day.partial_seconds:
        parts.append(f"{format_duration(dt.timedelta(seconds=day.partial_seconds))} partial outage")
    if not parts:
        parts.append("no downtime" if day.worst == ComponentState.OPERATIONAL else STATE_LABELS[day.worst].lower())
    text = f"{date}: {', '.join(parts)}"
    if day.incidents:
        text += " · " + "; ".join(titles.get(i, i) for i in day.incidents)
    return text


def update_states(view: IncidentView) -> list[dict[str, str]]:
    """Per update (oldest first), the component states it sets. An incident's first update sets the states it
    started with (its ``components``); a maintenance's sets them when the window opens (its first In progress)."""
    start = next((i for i, u in enumerate(view.updates) if u.status == "in_progress"), None) \
        if view.is_maintenance else 0
    result = []
    for index, update in enumerate(view.updates):
        states = dict(view.incident.meta.components) if index == start else {}
        states.update(update.components or {})
        result.append({cid: str(value) for cid, value in states.items()})
    return result


def settled(view: IncidentView) -> bool:
    """Neither under way (the top of the home page) nor still to come (Scheduled maintenance): history."""
    return not policy.is_active(view.status, view.is_maintenance) and view.status != "scheduled"


def bar_level(day: Day) -> str:
    """The colour of a daily bar: by downtime (red, orange, amber), else degraded (yellow) or maintenance (blue)."""
    if day.level != "notice":
        return day.level
    return "maintenance" if day.worst == ComponentState.UNDER_MAINTENANCE else "degraded"


def day_tip(day: Day, titles: dict[str, str]) -> dict[str, object]:
    """What a daily bar shows on focus, tap or hover: its date, downtime and incidents (id, title)."""
    text = day_title(day, titles)
    date, _, rest = text.partition(": ")
    summary = rest.split(" · ")[0]
    return {"level": bar_level(day), "date": date, "summary": summary[:1].upper() + summary[1:],
            "incidents": [(i, titles.get(i, i)) for i in day.incidents]}


#: Templates that read only their own values and the environment's constant globals (not ``day_title`` or
#: ``day_tip``, which read every incident's title): their pages may come from a :class:`Memo`.
MEMOIZABLE = frozenset({"public/history.md", "public/postmortem.md"})


def incident_body(view: IncidentView, names: dict[str, str], states: list[dict[str, str]], description: str) -> str:
    """An incident's or maintenance's public page (HTML): what it affects, when, its postmortem, its description
    and its updates, newest first. Python, not a template: a page per incident, and rendering a template
    was twice the time. ``states`` are :func:`update_states`, ``description`` the body as HTML."""
    status = escape(STATUS_LABELS[view.status])
    affected = ", ".join(f'<a href="../../components/{escape(c.id)}/">{escape(c.name)}</a>' for c in view.components)
    lines = ['<div class="sg-page sg-incident">',
             '<p class="sg-crumbs"><a href="../../">Current status</a> · <a href="../../history/">History</a></p>',
             f"<h1>{escape(view.title)}</h1>",
             f'<p class="sg-incident__badges">{fragments.impact(view.impact)} <span class="sg-status-label">{status}'
             "</span></p>",
             '<dl class="sg-facts">', f"<dt>Affected</dt><dd>{affected}</dd>"]
    if view.is_maintenance:
        meta = view.incident.meta
        lines.append(f"<dt>Scheduled</dt><dd>{fragments.time(meta.scheduled_for)} – "  # type: ignore[arg-type]
                     f"{fragments.time(meta.scheduled_until)}</dd>")  # type: ignore[arg-type]
        calendar = (f'<dt>Calendar</dt><dd>{fragments.add_to_calendar(view, "../../")}</dd>'
                    if view.status in ("scheduled", "in_progress", "verifying") else "")
        finished = f"<dt>{status}</dt><dd>{fragments.time(view.finished_at)}</dd>" if view.finished_at else ""
        lines.append(f"{calendar}{finished}</dl>")
    else:
        ended = f"{fragments.time(view.end)} · " if view.end else ""
        lines += [f"<dt>Started</dt><dd>{fragments.time(view.start)}</dd>",
                  f"<dt>{'Resolved' if view.end else 'Ongoing for'}</dt><dd>{ended}"
                  f"{fragments.duration(view.duration_text)}</dd>", "</dl>"]
    postmortem = view.postmortem
    link = (f'<p class="sg-postmortem-link"><a href="../../postmortems/{escape(postmortem.id)}/">Read the postmortem: '
            f"{escape(postmortem.meta.title)}</a></p>" if postmortem else "")
    about = f'<div class="sg-description">{description}</div>' if description else ""
    lines += [f"{link}{about}<h2>Updates</h2>", '<ol class="sg-updates" reversed>']
    lines += [fragments.update_item(update, changes, names)
              for update, changes in reversed(list(zip(view.updates, states, strict=True)))]
    lines += ["</ol>", "</div>"]
    return "\n".join(lines)


def public_pages(snap: Snapshot, memo: Memo | None = None) -> dict[str, Page]:
    """Every public page: path under the docs folder -> Markdown text.

    ``memo`` (statusgen serve) keeps pages from the previous build: a page of a :data:`MEMOIZABLE`
    template is described again only when its values differ from that build's.
    """
    titles = {v.id: v.title for v in snap.incidents}

    def describe(template: str, page_meta: Meta, source: str, values: dict[str, object]) -> Page:
        body = environment().get_template(template).render(
            day_title=lambda day: day_title(day, titles), day_tip=lambda day: day_tip(day, titles), **values)
        return Page(page_meta, body, source)

    def kept(name: object, inputs: object, make: Callable[[], Page]) -> Page:
        """``make()``, or the page the memo keeps for ``name`` while ``inputs`` are equal (statusgen serve)."""
        return make() if memo is None else memo.get(name, inputs, make)

    def render(template: str, page_meta: Meta, source: str = "mkdocs.yml", **values: object) -> Page:
        if template not in MEMOIZABLE:
            return describe(template, page_meta, source, values)
        return kept(("public", template, source, page_meta.get("title")), (page_meta, values),
                    lambda: describe(template, page_meta, source, values))

    names = {s.component.id: s.component.name for s in snap.components}
    site_name = snap.settings.site_name
    pages: dict[str, Page] = {
        "index.md": render("public/index.md", public_meta(site_name, site_name, ("navigation", "toc", "footer")),
                           snap=snap, site_name=site_name,
                           recent=[(date, [v for v in items if settled(v)]) for date, items in snap.recent_days()]),
        "subscribe/index.md": render("public/subscribe.md", public_meta("Subscribe to updates"), site_name=site_name,
                                     url=snap.settings.site_url, components=snap.components,
                                     weights=snap.settings.weights, uptime_days=snap.settings.uptime_days,
                                     description=snap.description)}
    for view in snap.incidents:
        page_meta = public_meta(view.title)
        values = (view, names, update_states(view), to_html(view.incident.body) if view.incident.body.strip() else "")

        def make(values: tuple[IncidentView, dict[str, str], list[dict[str, str]], str] = values,
                 page_meta: Meta = page_meta) -> Page:
            return Page(page_meta, incident_body(*values), values[0].incident.path)

        pages[f"incidents/{view.id}.md"] = kept(("public", "incident", view.id), (page_meta, values), make)
    for status in snap.components:
        name = status.component.name
        pages[f"components/{status.component.id}.md"] = render(
            "public/component.md", public_meta(name, name), "content/components.yml", status=status,
            incidents=status.incidents[:50])
    size = snap.settings.history_page_size
    past = [v for v in snap.incidents if settled(v)]
    chunks = [past[i:i + size] for i in range(0, len(past), size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        months = [(month, list(items)) for month, items in
                  groupby(chunk, key=lambda v: v.start.strftime("%B %Y"))]
        path = "history/index.md" if number == 1 else f"history/{number}.md"
        title = "Incident history" if number == 1 else f"Incident history, page {number}"
        pages[path] = render("public/history.md", public_meta(title), months=months, page=number, pages=len(chunks),
                             root="../" if number == 1 else "../../")
    seen: set[str] = set()
    for view in snap.incidents:
        postmortem = view.postmortem
        if postmortem is None or postmortem.id in seen:
            continue
        seen.add(postmortem.id)
        views = [v for v in snap.incidents if v.postmortem is postmortem]
        pages[f"postmortems/{postmortem.id}.md"] = render("public/postmortem.md", public_meta(postmortem.meta.title),
                                                          postmortem.path, postmortem=postmortem, views=views)
    return pages


def asset(name: str) -> str:
    return (files("generator") / "assets" / name).read_text(encoding="utf-8")
