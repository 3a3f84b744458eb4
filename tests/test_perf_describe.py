"""The fast paths of describing pages give exactly what the slow paths gave, on random inputs of their class.

Each fast path (Python in place of a Jinja macro, a time formatted from its fields, a front-matter
string written without a per-character scan, plain text without markdown-it) claims a class of
inputs; these tests draw from that class and compare with the slow path, kept here as the reference.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.clock import iso
from generator.content.loader import require_content
from generator.content.markdown import _is_plain, markdown_it_html, markdown_it_text, to_html, to_text
from generator.content.models import ComponentState
from generator.output import fragments
from generator.output import statuspage_api as api
from generator.output.calendar import _calendar, event_calendar, event_ics, maintenance_calendar, maintenance_event
from generator.output.labels import ICONS, IMPACT_LABELS, STATUS_LABELS
from generator.content.source import yaml_quote
from generator.output.markup import utc
from generator.output.page import _value as page_value
from generator.output.internal_pages import _span, _update_item, _when
from generator.output.internal_pages import environment as internal_environment
from generator.output.public_pages import environment
from generator.settings import load_settings
from generator.status.snapshot import Snapshot, build_snapshot
from generator.status.timeline import Span, segments, state_at
from tests.conftest import NOW, REPO

#: The macros as they were in templates/public/_macros.html before they became output/fragments.py.
MACROS = """\
{% macro time(moment, with_date=True) -%}
<time class="sg-t" datetime="{{ moment | iso }}">{{ moment | utc(with_date) }}</time>
{%- endmacro %}
{% macro state(value) -%}
<span class="sg-state sg-state--{{ value }}"><span class="sg-icon" aria-hidden="true">{{ icons[value] }}</span> {{ labels[value] }}</span>
{%- endmacro %}
{% macro impact(value) -%}
<span class="sg-impact sg-impact--{{ value }}">{{ impact_labels[value] }}</span>
{%- endmacro %}
{% macro duration(text) -%}
<span class="sg-duration">{{ text }}</span>
{%- endmacro %}
"""


def macro(name: str) -> object:
    return getattr(environment().from_string(MACROS).module, name)


offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
moments = st.datetimes(timezones=st.just(dt.timezone.utc) | offsets)
#: text that HTML escaping changes, and text it does not
texts = st.text(alphabet=st.sampled_from("<>&\"'ab 1·–\u2028") | st.characters(), max_size=30)


@given(moments, st.booleans())
def test_time_is_the_macro(moment: dt.datetime, with_date: bool) -> None:
    made = fragments.time(moment, with_date)
    assert isinstance(made, Markup)
    assert made == macro("time")(moment, with_date)


def test_equal_moments_at_other_offsets_are_not_confused() -> None:
    """The time cache is keyed by the offset too: 12:00Z and 13:00+01:00 are equal, yet shown differently."""
    at_utc = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)
    at_paris = at_utc.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert at_utc == at_paris
    assert fragments.time(at_utc) != fragments.time(at_paris)
    assert fragments.time(at_paris) == macro("time")(at_paris)


@given(st.sampled_from(sorted(ICONS)))
def test_state_is_the_macro(value: str) -> None:
    assert fragments.state(value) == macro("state")(value)


@given(st.sampled_from(sorted(IMPACT_LABELS)))
def test_impact_is_the_macro(value: str) -> None:
    assert fragments.impact(value) == macro("impact")(value)


@given(texts | st.integers())
def test_duration_is_the_macro_and_escapes(text: object) -> None:
    assert fragments.duration(text) == macro("duration")(text)
    assert "<script>" not in fragments.duration("<script>")


@given(moments, st.booleans())
def test_utc_is_strftime(moment: dt.datetime, with_date: bool) -> None:
    assert utc(moment, with_date) == moment.strftime("%b %-d, %Y %H:%M UTC" if with_date else "%H:%M UTC")
    assert iso(moment) in fragments.time(moment, with_date)


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), timezones=st.sampled_from(
    [dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(-dt.timedelta(hours=11))])))
def test_iso_is_strftime(moment: dt.datetime) -> None:
    """From the year 1000 on (and the moment's UTC year is one), as strftime writes it; every moment in UTC."""
    if moment.astimezone(dt.timezone.utc).year < 1000:
        return
    assert iso(moment) == moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


ADD_TO_CALENDAR = """\
{% macro add_to_calendar(view, root) -%}
<a class="sg-ics" href="{{ root }}maintenance/{{ view.id }}.ics" type="text/calendar" download>Add to calendar</a>
{%- endmacro %}
"""


@given(texts, texts)
def test_add_to_calendar_is_the_macro(view_id: str, root: str) -> None:
    view = type("View", (), {"id": view_id})()
    reference = getattr(environment().from_string(ADD_TO_CALENDAR).module, "add_to_calendar")
    assert fragments.add_to_calendar(view, root) == reference(view, root)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | texts)
def test_front_matter_strings_are_yaml_quote(value: str) -> None:
    """Printable ASCII skips yaml_quote's scan; every string still comes out as yaml_quote writes it."""
    assert page_value(value) == yaml_quote(value)
    assert page_value([value, {"k": value}]) == f"[{yaml_quote(value)}, {{k: {yaml_quote(value)}}}]"


#: The update loop's body as it was in the template of the public incident page (now public_pages.incident_body),
#: and the entry macro of _macros.html.
UPDATE_AND_ENTRY = """\
{% macro update_item(update, changes, component_names) -%}
<li class="sg-update{% if update.automatic %} sg-update--automatic{% endif %}">
<p class="sg-update__head"><strong>{{ status_labels[update.status] }}</strong> {{ time(update.at) }}</p>
<div class="sg-update__body">{{ update.message | markdown }}</div>
{% if changes %}<p class="sg-update__changes"><span class="sg-sr">Components: </span>{% for cid, value in changes.items() %}{{ component_names.get(cid, cid) }}: {{ state(value) }}{% if not loop.last %} · {% endif %}{% endfor %}</p>{% endif %}
</li>
{%- endmacro %}
{% macro entry(view, root) -%}
<li class="sg-entry">
<p class="sg-entry__title"><a href="{{ root }}incidents/{{ view.id }}/">{{ view.title }}</a> {{ impact(view.impact) }}</p>
<p class="sg-entry__meta">{% if view.is_maintenance %}{{ status_labels[view.status] }} · {{ time(view.start) }} – {{ time(view.end) }}{% else %}{{ status_labels[view.status] }} · {{ time(view.start) }} · {{ duration(view.duration_text) }}{% if not view.end %} so far{% endif %}{% endif %} · {% for c in view.components %}{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %}</p>
</li>
{%- endmacro %}
"""

statuses = st.sampled_from(sorted(STATUS_LABELS))
#: Markdown-ish messages: markup, raw HTML and entities that to_html must escape
messages = st.text(alphabet=st.sampled_from("<>&\"'*_`#[]()!-\n ab") | st.characters(), max_size=40)


@given(st.booleans(), statuses, moments, messages,
       st.dictionaries(texts, st.sampled_from(sorted(ICONS)), max_size=3), st.dictionaries(texts, texts, max_size=3))
def test_update_item_is_the_loop_body(automatic: bool, status: str, at: dt.datetime, message: str,
                                      changes: dict[str, str], names: dict[str, str]) -> None:
    names = {**names, **{cid: f"<b>{cid}</b>" for cid in list(changes)[:1]}}  # some known, some not
    update = SimpleNamespace(automatic=automatic, status=status, at=at, message=message)
    reference = getattr(environment().from_string(UPDATE_AND_ENTRY).module, "update_item")
    assert fragments.update_item(update, changes, names) == reference(update, changes, names)


@given(texts, texts, st.sampled_from(sorted(IMPACT_LABELS)), st.booleans(), statuses, moments,
       st.none() | moments, texts, st.lists(texts, max_size=3), texts)
def test_entry_is_the_macro(view_id: str, title: str, impact: str, is_maintenance: bool, status: str,
                            start: dt.datetime, end: dt.datetime | None, duration_text: str, names: list[str],
                            root: str) -> None:
    if is_maintenance and end is None:
        end = start  # a maintenance always has its window's end
    view = SimpleNamespace(id=view_id, title=title, impact=impact, is_maintenance=is_maintenance, status=status,
                           start=start, end=end, duration_text=duration_text,
                           components=[SimpleNamespace(name=n) for n in names])
    reference = getattr(environment().from_string(UPDATE_AND_ENTRY).module, "entry")
    assert fragments.entry(view, root) == reference(view, root)


@given(st.none() | moments, st.none() | st.timedeltas())
def test_internal_when_and_span_are_the_macros(moment: dt.datetime | None, delta: dt.timedelta | None) -> None:
    """The internal HTML pages' when() and span() write what internal/_macros.md writes there."""
    env = internal_environment(markdown=False)
    macros = env.get_template("internal/_macros.md").module
    assert _when(moment) == getattr(macros, "when")(moment)
    assert _span(delta) == getattr(macros, "span")(delta)
    assert "row" not in internal_environment(markdown=True).globals  # Markdown pages keep the macros (finalize)


def segments_by_state_at(component_spans: list[Span], start: dt.datetime, end: dt.datetime
                         ) -> list[tuple[dt.datetime, dt.datetime, ComponentState]]:
    """timeline.segments as it was: the state at each cut asked of every span (quadratic)."""
    cuts = {start, end}
    for span in component_spans:
        for moment in (span.start, span.end):
            if moment is not None and start < moment < end:
                cuts.add(moment)
    points = sorted(cuts)
    result: list[tuple[dt.datetime, dt.datetime, ComponentState]] = []
    for left, right in zip(points, points[1:]):
        state = state_at(component_spans, left)
        if result and result[-1][1] == left and result[-1][2] == state:
            result[-1] = (result[-1][0], right, state)
        elif state != ComponentState.OPERATIONAL:
            result.append((left, right, state))
    return result


BASE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
minutes = st.integers(min_value=0, max_value=60).map(lambda m: BASE + dt.timedelta(minutes=m))  # few: many ties
spans = st.builds(lambda state, start, end: Span("i", "api", state, start, end),
                  st.sampled_from(list(ComponentState)), minutes, st.none() | minutes)  # some end before they start


@given(st.lists(spans, max_size=12), minutes, minutes)
def test_segments_sweep_is_state_at_per_cut(component_spans: list[Span], start: dt.datetime, end: dt.datetime) -> None:
    assert segments(component_spans, start, end) == segments_by_state_at(component_spans, start, end)


@pytest.fixture(scope="module")
def example() -> Snapshot:
    """The example site's snapshot (its content has incidents, maintenance in every state, and groups)."""
    content, _ = require_content(REPO, NOW.date(), None)
    return build_snapshot(content, load_settings(REPO), NOW)


def test_calendars_are_icalendars_own(example: Snapshot) -> None:
    """Events written once and placed in each calendar give the bytes icalendar writes for the whole calendar."""
    views = sorted((v for v in example.incidents if v.is_maintenance), key=lambda v: (v.start, v.id))
    assert len(views) >= 2
    whole = _calendar(example, f"{example.settings.site_name}: scheduled maintenance")
    for view in views:
        whole.add_component(maintenance_event(example, view))
    assert maintenance_calendar(example) == whole.to_ical()
    assert maintenance_calendar(example, {v.id: event_ics(example, v) for v in views}) == whole.to_ical()
    for view in views:
        own = _calendar(example, f"{example.settings.site_name}: {view.title}")
        own.add_component(maintenance_event(example, view))
        assert event_calendar(example, view) == own.to_ical()
        assert event_calendar(example, view, event_ics(example, view)) == own.to_ical()


def test_api_component_updated_is_its_incidents_newest_update(example: Snapshot) -> None:
    """Each component's updated_at: the newest update of any incident that lists it (else the page's epoch)."""
    documents = api.documents(example)
    listed = documents["v2/components.json"].model_dump(mode="json")["components"]
    seen = 0
    for component in listed:
        if component["group"]:
            continue
        times = [u.at for v in example.incidents for u in v.updates if any(c.id == component["id"] for c in v.components)]
        if times:
            seen += 1
            assert component["updated_at"] == api.ts(max(times))
    assert seen >= 2


#: texts of the plain class and near it: letters (some not ASCII), digits, the punctuation it allows,
#: and some it does not (list and heading markers, emphasis, code, links, HTML, entities, escapes, line breaks)
plainish = st.text(alphabet=st.sampled_from("aZéßЖ中1 9,.;:?'%/()") | st.sampled_from("-*_#>`[]<&\\!|~=+\"\n\t\u00a0"),
                   max_size=40)


#: pieces that Markdown reads together: markers after a digit or at a line start, emphasis around a word
pieces = st.lists(st.sampled_from(["a", "Word", "é", "1", "12", "2026", ".", ")", " ", "  ", ",", ":", "?", "'",
                                   "%", "/", "(", "*", "_", "-", "#", ">", "`", "[", "]", "<", "&", "!", "=", "|",
                                   "~", "\\", "\n", "\t", "\"", "http://x.io"]), max_size=12).map("".join)


plain_run = st.text(alphabet=st.sampled_from("aZéßЖ中19 ,.;:?'%/()"), max_size=12)
#: one character or marker the plain class leaves out
intruders = st.sampled_from(["*", "_", "-", "+", "#", ">", "`", "[", "]", "<", "&", "!", "=", "|", "~", "\\", "\n",
                             "\t", "\"", "\u00a0", "1.", "1)", "  \n", "\r", "\x00", "\u2028", "&amp;", "<b>"])
#: a plain text with one or two intruders: the class's border, where a too-wide fast path would show
near_plain = st.tuples(st.sampled_from(["", "a", "W", "1. ", "2) ", "12. ", " ", "    "]), plain_run, intruders, plain_run,
                       intruders | st.just(""), plain_run, st.sampled_from(["", " ", "\t", "\n", "  ", "."])).map("".join)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("aZéßЖ中19 ,.;:?'%/()"), max_size=60) | plainish | pieces
       | st.text(max_size=30))
def test_plain_text_fast_path_is_markdown_it(text: str) -> None:
    assert to_html(text) == markdown_it_html(text)
    assert to_text(text) == markdown_it_text(text)


@settings(max_examples=300)
@given(near_plain)
def test_plain_text_fast_path_is_markdown_it_at_the_border(text: str) -> None:
    assert to_html(text) == markdown_it_html(text)
    assert to_text(text) == markdown_it_text(text)


@given(st.text(alphabet=st.sampled_from("aZéßЖ中19 ,.;:?'%/()"), min_size=1, max_size=60))
def test_plain_class_is_often_taken(text: str) -> None:
    """The fast path is taken for what it claims (so the test above compares it, not just the slow path twice)."""
    if text[0].isalpha() and not text.endswith(" "):
        assert _is_plain(text)
    for numbered in ("1. ", "- ", "# ", "> ", "*", "_", "`", "[a]", "<b>", "&amp;", "a\\", "a  \nb", "a|b"):
        assert not _is_plain(f"{text}{numbered}") or numbered.isalpha()


def test_messages_of_the_synthetic_history_are_plain() -> None:
    assert _is_plain("We are investigating the issue affecting Public API, Payments; next update soon.")


#: The update loop's body as it was in the template of the internal incident page (now internal_pages._incident_page).
INTERNAL_UPDATE = """\
{% macro update_item(update, names) -%}
<li><strong>{{ update.status | status }}</strong> {{ update.at | utc }}{% if update.components %} · {% for cid, state in update.components.items() %}{{ names.get(cid, cid) }} → {{ state | state }}{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}
{{ update.message | markdown }}</li>
{%- endmacro %}
"""


@given(statuses, moments, messages, st.none() | st.dictionaries(texts, st.sampled_from(list(ComponentState)), max_size=3),
       st.dictionaries(texts, texts, max_size=3))
def test_internal_update_item_is_the_loop_body(status: str, at: dt.datetime, message: str,
                                               components: dict[str, ComponentState] | None,
                                               names: dict[str, str]) -> None:
    names = {**names, **{cid: f"<i>{cid}</i>" for cid in list(components or {})[:1]}}
    update = SimpleNamespace(status=status, at=at, message=message, components=components)
    env = internal_environment(markdown=False)
    reference = getattr(env.from_string(INTERNAL_UPDATE).module, "update_item")
    assert _update_item(update, names) == reference(update, names)
