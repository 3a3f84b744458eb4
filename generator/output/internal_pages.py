"""The internal site's pages: runbooks, every postmortem, action items, incidents with their
response metrics, metrics over time, and the incident-response reference.

Most are ordinary Markdown for the renderer (tables, admonitions, headings with permalinks),
but no content reaches the renderer as Markdown: every value a template inserts is made inert
text (``markup.md_text``, the environment's ``finalize``), and runbook and postmortem bodies
arrive as safe HTML with Markdown headings (``markup.to_page_markdown``), so raw HTML and
``javascript:`` links are as inert here as on the public site. Incident pages, one per incident
and so unbounded in number, are HTML like the public pages, with messages rendered by
``markup.to_html``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from itertools import groupby

import jinja2
from markupsafe import Markup, escape

from generator import policy
from generator.alerts.check import AlertIndex
from generator.content.markdown import to_html, to_text
from generator.content.models import ActionItem, Content, Incident, Postmortem, Severity
from generator.output.charts import stacked_bars
from generator.output.labels import (
    IMPACT_LABELS,
    POSTMORTEM_LABELS,
    STATE_HTML,
    STATUS_HTML,
    state_label,
    status_label,
)
from generator.output.oncall_pages import oncall_pages
from generator.output.markup import md_code, md_text, raw_block, raw_table, to_page_markdown, utc
from generator.output.page import Meta, Page
from generator.output.public_pages import environment as public_environment
from generator.output.public_pages import meta
from generator.output.template_cache import template_cache
from generator.status import timeline as tl
from generator.status.metrics import (
    Response,
    month_of,
    monthly,
    outage_minutes,
    response,
    targets,
)
from generator.status.oncall import on_call_now
from generator.status.snapshot import Snapshot

SEVERITIES = tuple(s.value for s in Severity)


#: templates that are HTML pages (``statusgen_html``); the others are Markdown pages
HTML_TEMPLATES = frozenset({"incidents.md"})


def _inert(value: object) -> object:
    """What a Markdown template inserts: HTML made by statusgen as it is, any other value as inert text."""
    return value if isinstance(value, Markup) or value is None else md_text(value)


@lru_cache(maxsize=2)
def environment(markdown: bool = True) -> jinja2.Environment:
    # auto_reload off: the templates are the package's own; a stat per page and per import buys nothing
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             bytecode_cache=template_cache(),
                             finalize=_inert if markdown else None, auto_reload=False)
    env.filters.update(public_environment().filters)
    env.filters.update(minutes=tl.format_duration, utc=utc, page_markdown=to_page_markdown, code=md_code, text=to_text,
                       state=state_label, status=status_label, impact=lambda value: IMPACT_LABELS[str(value)],
                       postmortem_status=lambda value: POSTMORTEM_LABELS[str(value)])
    if not markdown:
        # The incidents page (a row per incident): a row is one Python call, not the macros of
        # internal/_macros.md (which the Markdown pages keep, where ``finalize`` applies).
        env.globals.update(row=_incident_row)
    return env


_DASH = Markup("—")


def _when(moment: dt.datetime | None) -> Markup:
    """A moment in UTC, or a dash: ``m.when`` of internal/_macros.md, on the HTML pages made in Python."""
    return Markup(utc(moment)) if moment else _DASH  # nothing to escape in it (as in fragments.time)


def _span(delta: dt.timedelta | None) -> Markup:
    """A duration in minutes, or a dash: ``m.span`` of internal/_macros.md, on the HTML pages made in Python."""
    return _minutes(delta) if delta is not None else _DASH


def _update_item(update: Any, names: dict[str, str]) -> Markup:
    """One update on an internal incident page: status, time, the component states it sets, its message."""
    text = f"<li><strong>{STATUS_HTML[update.status]}</strong> {utc(update.at)}"
    if update.components:
        text += " · " + ", ".join(f"{escape(names.get(cid, cid))} → {STATE_HTML[state]}"
                                  for cid, state in update.components.items())
    return Markup(f"{text}{to_html(update.message)}</li>")  # (the template trimmed the line break)


def _incident_row(r: Response) -> Markup:
    """An incident's row on the incidents page: title, severity, status, start, response times, flags."""
    incident = r.incident
    flags = (f'<span title="{escape("; ".join(r.flags))}">⚠ {len(r.flags)}</span>' if r.flags else _DASH)
    return Markup(f'<tr><td class="sg-cards__title"><a href="{escape(incident.id)}/">{escape(incident.title)}</a></td>'
                  f'<td data-label="Severity">{escape(incident.meta.severity)}</td>'
                  f'<td data-label="Status">{STATUS_HTML[incident.updates[-1].status]}</td>'
                  f'<td data-label="Started">{_when(incident.meta.started)}</td>'
                  f'<td data-label="Detect">{_span(r.time_to_detect)}</td>'
                  f'<td data-label="First update">{_span(r.time_to_first_update)}</td>'
                  f'<td data-label="Resolve">{_span(r.time_to_resolve)}</td>'
                  f'<td data-label="Largest gap">{_span(r.largest_update_gap)}</td>'
                  f'<td data-label="Flags">{flags}</td></tr>')


def _incident_page(incident: Incident, response: Response | None, names: dict[str, str], public_url: str) -> str:
    """An incident's internal page (HTML): its facts, response metrics and flags, notes, updates and public
    description. Python, not a template: a page per incident, and rendering a template was twice the time."""
    meta, internal = incident.meta, incident.meta.internal
    lines = [f"<h1>{escape(incident.title)}</h1>",
             f'<p><a href="{escape(public_url)}incidents/{escape(incident.id)}/">Public page</a> · '
             f"<code>{escape(incident.path)}</code></p>",
             "<table>", "<thead><tr><th>Field</th><th>Value</th></tr></thead>", "<tbody>"]
    if incident.is_maintenance:
        lines += ["<tr><td>Type</td><td>Maintenance</td></tr>",
                  f"<tr><td>Window</td><td>{_when(meta.scheduled_for)} – {_when(meta.scheduled_until)}</td></tr>"]
    else:
        still_open = "" if incident.resolved_at else " (open)"
        lines += [f"<tr><td>Severity</td><td><strong>{escape(meta.severity)}</strong></td></tr>",
                  f"<tr><td>Status</td><td>{STATUS_HTML[incident.updates[-1].status]}{still_open}</td></tr>",
                  f"<tr><td>Impact</td><td>{escape(IMPACT_LABELS[str(tl.impact(incident))])}</td></tr>",
                  f"<tr><td>Started</td><td>{_when(meta.started)}</td></tr>",
                  f"<tr><td>Detected</td><td>{_when(meta.detected)}</td></tr>",
                  f"<tr><td>Resolved</td><td>{_when(incident.resolved_at)}</td></tr>"]
    states = ", ".join(f"{escape(names.get(cid, cid))} ({STATE_HTML[state]})"
                       for cid, state in meta.components.items())
    lines.append(f"<tr><td>Components</td><td>{states}</td></tr>")
    for label, value in (("Commander", internal.commander if internal else None),
                         ("Technical lead", internal.tech_lead if internal else None),
                         ("Communications lead", internal.comms_lead if internal else None),
                         ("Scribe", internal.scribe if internal else None),
                         ("Channel", internal.channel if internal else None)):
        lines.append(f"<tr><td>{label}</td><td>{escape(value) if value else _DASH}</td></tr>")
    alerts = ", ".join(f"<code>{escape(a)}</code>" for a in (internal.alerts if internal else []))
    lines += [f"<tr><td>Alerts</td><td>{alerts or _DASH}</td></tr>", "</tbody>", "</table>"]
    if response:
        postmortems = ", ".join(f'<a href="../../postmortems/{escape(p.id)}/">{escape(p.meta.title)}</a> '
                                f"({escape(POSTMORTEM_LABELS[str(p.meta.status)])})" for p in response.postmortems)
        lines += ['<h2 id="response">Response</h2>', "<table>", "<thead><tr><th>Metric</th><th>Value</th></tr></thead>",
                  "<tbody>",
                  f"<tr><td>Time to detect</td><td>{_span(response.time_to_detect)}</td></tr>",
                  f"<tr><td>Time to first public update</td><td>{_span(response.time_to_first_update)}</td></tr>",
                  f"<tr><td>Time to resolve</td><td>{_span(response.time_to_resolve)}</td></tr>",
                  f"<tr><td>Largest gap between public updates</td><td>{_span(response.largest_update_gap)}</td></tr>",
                  f"<tr><td>Postmortem</td><td>{postmortems or _DASH}</td></tr>", "</tbody>", "</table>"]
        lines += [f'<div class="admonition warning"><p class="admonition-title">{escape(flag)}</p></div>'
                  for flag in response.flags]
    if internal and internal.notes:
        lines += ['<h2 id="notes">Notes</h2>', to_html(internal.notes)]
    lines += ['<h2 id="updates">Updates</h2>', "<ul>"]
    lines += [_update_item(update, names) for update in reversed(incident.updates)]
    lines.append("</ul>")
    if incident.body.strip():
        lines += ['<h2 id="public-description">Public description</h2>', to_html(incident.body)]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1 << 14)  # four per incident, and many incidents share a time to detect or to resolve
def _minutes(delta: dt.timedelta) -> Markup:
    return escape(tl.format_duration(delta))


@dataclass
class ActionSummary:
    items: list[tuple[Postmortem, ActionItem]] = field(default_factory=list)

    @property
    def open(self) -> list[tuple[Postmortem, ActionItem]]:
        return [(p, a) for p, a in self.items if not a.done]

    @property
    def done(self) -> list[tuple[Postmortem, ActionItem]]:
        return [(p, a) for p, a in self.items if a.done]

    def overdue(self, today: dt.date) -> list[tuple[Postmortem, ActionItem]]:
        return sorted(((p, a) for p, a in self.open if a.due and a.due < today), key=lambda pa: (pa[1].due, pa[0].id))


def internal_pages(snap: Snapshot, public_url: str, runbook_url_pattern: str,
                   alerts: AlertIndex | None = None) -> dict[str, Page]:
    now = snap.now
    today = now.date()
    # Everything as of ``now`` (no later update, resolve or postmortem): the snapshot's own cut, as on the public site.
    content = snap.content

    def render(name: str, page_meta: Meta | str, source: str = "mkdocs.yml", **values: object) -> Page:
        env = environment(markdown=name not in HTML_TEMPLATES)
        body = env.get_template(f"internal/{name}").render(now=now, public_url=public_url, **values)
        return Page(meta(page_meta) if isinstance(page_meta, str) else page_meta, body, source)

    incidents = sorted(content.incidents, key=lambda i: (tl.window(i)[0], i.id), reverse=True)
    real = [i for i in incidents if not i.is_maintenance]
    responses = [response(i, content.postmortems, now) for i in real]
    by_incident = {r.incident.id: r for r in responses}
    names = {c.id: c.name for c in content.components}
    stale = [r for r in content.runbooks if (today - r.meta.last_reviewed).days > policy.RUNBOOK_REVIEW_DAYS]
    actions = ActionSummary([(p, a) for p in content.postmortems for a in p.action_items])
    overdue = actions.overdue(today)
    company = snap.settings.site_name.removesuffix(" Status")

    pages = {
        "index.md": render("index.md", "Overview", site_name=internal_name(snap), company=company, snap=snap,
                           open=[r for r in responses if r.time_to_resolve is None],
                           open_actions=actions.open, overdue_actions=overdue,
                           flagged=sum(1 for r in responses if r.flags), stale=stale,
                           review_days=policy.RUNBOOK_REVIEW_DAYS,
                           oncall=[on_call_now(r, now) for r in content.oncall.rotations] if content.oncall else []),
        # The table is wide: the page gives it the whole width (no side navigation or contents). Like the other
        # generated listings (action items, metrics) it stays out of the search index, which a reader downloads
        # whole on first use of search: a row per incident would make it grow with the history.
        "incidents/index.md": render("incidents.md", meta("Incidents", statusgen_html=True, hide=["navigation", "toc"],
                                                          search={"exclude": True}),
                                     responses=responses, targets=targets(),
                                     maintenance=[v for v in snap.incidents if v.is_maintenance]),
    }
    for incident in incidents:
        pages[f"incidents/{incident.id}.md"] = Page(
            meta(incident.title, statusgen_html=True, search={"exclude": True}),
            _incident_page(incident, by_incident.get(incident.id), names, public_url), incident.path)

    services = sorted(content.runbooks, key=lambda r: (r.meta.service.casefold(), r.meta.title.casefold()))
    by_alert = sorted(((a, r) for r in content.runbooks for a in r.meta.alerts), key=lambda ar: ar[0].casefold())
    pages["runbooks/index.md"] = render(
        "runbooks.md", "Runbooks", by_service=[(s, list(rs)) for s, rs in groupby(services, key=lambda r: r.meta.service)],
        by_alert=by_alert, stale_ids={r.id for r in stale}, url_pattern=runbook_url_pattern)
    for runbook in content.runbooks:
        age = (today - runbook.meta.last_reviewed).days
        pages[f"runbooks/{runbook.id}.md"] = render("runbook.md", runbook.meta.title, runbook.path, runbook=runbook, stale=runbook in stale, age=age,
                                                    review_days=policy.RUNBOOK_REVIEW_DAYS,
                                                    linked_alerts=alerts.by_runbook.get(runbook.id, ()) if alerts else ())

    titles = {i.id: i.title for i in content.incidents}
    severities = {p.id: ", ".join(str(by_incident[i].incident.meta.severity) for i in p.meta.incident_ids
                                  if i in by_incident) or "—" for p in content.postmortems}
    postmortems = sorted(content.postmortems, key=lambda p: (p.meta.date, p.id), reverse=True)
    pages["postmortems/index.md"] = render("postmortems.md", "Postmortems", postmortems=postmortems, titles=titles,
                                           severities=severities)
    for postmortem in postmortems:
        pages[f"postmortems/{postmortem.id}.md"] = render(
            "postmortem.md", postmortem.meta.title, postmortem.path, postmortem=postmortem,
            responses=[by_incident[i] for i in postmortem.meta.incident_ids if i in by_incident])

    # Open items lead, by owner, overdue first and then by due date; done ones are folded away below.
    by_owner = defaultdict(list)
    for p, a in actions.open:
        by_owner[a.owner or "(no owner)"].append((p, a))
    for rows in by_owner.values():
        rows.sort(key=lambda pa: (pa[1].due is None, pa[1].due or today, pa[0].id))
    pages["action-items/index.md"] = render(
        "action-items.md", meta("Action items", search={"exclude": True}), items=actions.items, open=actions.open,
        overdue=overdue, done=actions.done,
        postmortem_count=len(content.postmortems),
        by_owner=sorted(by_owner.items(), key=lambda kv: (-sum(1 for _, a in kv[1] if a.due and a.due < today),
                                                         kv[0].casefold())),
        is_overdue=lambda a: bool(a.due and a.due < today))

    pages["metrics/index.md"] = _metrics_page(render, responses, content, now)
    if content.reference is not None:
        pages["reference/index.md"] = render("reference.md", "Reference", "content/reference.yml", reference=content.reference)
    pages.update(oncall_pages(snap, render, alerts.names if alerts else ()))  # on-call and alert review: oncall_pages.py
    return pages


def internal_name(snap: Snapshot) -> str:
    return snap.settings.internal_name or f"{snap.settings.site_name.removesuffix(' Status')} Internal"


def _metrics_page(render, responses: list[Response], content: Content, now: dt.datetime) -> Page:  # type: ignore[no-untyped-def]
    rows = monthly(responses)
    months = _last_months(now, 12)
    counts = {s: [0.0] * len(months) for s in SEVERITIES}
    for row in rows:
        if row.month in months:
            counts[row.severity][months.index(row.month)] = row.count
    resolve_minutes: dict[str, list[float]] = defaultdict(list)
    for item in responses:
        if item.time_to_resolve is not None and item.incident.meta.started is not None:
            resolve_minutes[month_of(item.incident.meta.started)].append(
                item.time_to_resolve.total_seconds() / 60)
    mttr = {"MTTR": [sum(resolve_minutes[m]) / len(resolve_minutes[m]) if resolve_minutes[m] else 0.0
                     for m in months]}
    outages = outage_minutes(tl.all_spans([i for i in content.incidents if not i.is_maintenance]), now)
    names = {c.id: c.name for c in content.components}
    outage_rows = [(month, names.get(cid, cid), major, partial)
                   for month in sorted(outages, reverse=True)
                   for cid, (major, partial) in sorted(outages[month].items(), key=lambda kv: names.get(kv[0], kv[0]))]
    major = [sum(v[0] for v in outages.get(m, {}).values()) for m in months]
    partial = [sum(v[1] for v in outages.get(m, {}).values()) for m in months]
    return render(
        "metrics.md", meta("Metrics", search={"exclude": True}),
        month_table=raw_table(["Month", "Severity", "Incidents", "MTTD", "MTTR"],
                              ((r.month, r.severity, r.count, _span(r.mttd), _span(r.mttr)) for r in rows)),
        outage_table=raw_table(["Month", "Component", "Major outage (min)", "Partial outage (min)"],
                               ((month, name, "%.0f" % major, "%.0f" % partial)
                                for month, name, major, partial in outage_rows)),
        count_chart=_figure(stacked_bars("Incidents per month by severity", months, counts, axis="Incidents"),
                            "Incidents per month, by severity"),
        mttr_chart=_figure(stacked_bars("Mean time to resolve per month (minutes, all severities)", months, mttr,
                                        unit=" min", axis="Minutes"),
                           "Mean time to resolve per month (minutes), all severities"),
        outage_chart=_figure(stacked_bars("Outage minutes per month", months,
                                          {"major outage": major, "partial outage": partial}, unit=" min",
                                          axis="Minutes"),
                             "Major and partial outage minutes per month, all components"))


def _figure(chart: Markup, caption: str) -> Markup:
    """A chart and its caption, set aside whole for the renderer (``raw_block``): no Markdown in it."""
    return raw_block(Markup('<figure class="sg-figure">\n{}\n<figcaption>{}</figcaption>\n</figure>').format(chart,
                                                                                                              caption))


def _last_months(now: dt.datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    result = []
    for _ in range(count):
        result.append(month_of(dt.date(year, month, 1)))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(result))
