"""Badges and charts: well-formed SVG, read back by lxml, whose text is exactly the text content gave.

Names come from the whole of Unicode; what content validation refuses (``find_unprintable``, via the real
models) is left out, and everything else must come through as text, markup characters included.
"""

from __future__ import annotations

import jinja2
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from pydantic import TypeAdapter, ValidationError

from generator.content.models import Component, ComponentState, Line, Text, find_unprintable
from generator.output.badges import badge, component_badge, status_badge
from generator.output.charts import MONTHS, stacked_bars
from generator.output.labels import COLOURS, STATE_LABELS
from generator.output.svg import environment, render

SVG = "{http://www.w3.org/2000/svg}"
#: Any code point, surrogates included, with the characters markup gives meaning to drawn often.
ANY_CHAR = st.one_of(st.characters(exclude_categories=()), st.sampled_from("<>&\"' ;#/=]\t\n"))
ANY_TEXT = st.text(ANY_CHAR, min_size=1, max_size=30)
#: The characters content keeps in a one-line field (a name, a title) and in one over lines (a site name),
#: by content's own rule, so few examples are thrown away.
LINE = st.text(ANY_CHAR.filter(lambda c: find_unprintable(c, multiline=False) is None), min_size=1, max_size=30)
LINES = st.text(ANY_CHAR.filter(lambda c: find_unprintable(c) is None), min_size=1, max_size=30)


def accepted(raw: str, kind: object = Line) -> str:
    """The text content keeps of ``raw`` (stripped), or the example is dropped when content refuses it."""
    try:
        return str(TypeAdapter(kind).validate_python(raw))
    except ValidationError:
        assume(False)
        raise


def parse(svg: str) -> etree._Element:
    """The SVG as an XML parser reads it: a syntax error fails the test."""
    return etree.fromstring(svg.encode(), etree.XMLParser(resolve_entities=False, no_network=True))


def texts(root: etree._Element, tag: str) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(SVG + tag)]


PINNED = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="sg-chart" width="100%" height="216" role="group" aria-label="T&lt;" font-size="12">'
    '<title>T&lt;</title>'
    '<line x1="11.0%" y1="132.0" x2="100%" y2="132.0" stroke="currentColor" stroke-opacity="0.4"/>'
    '<text x="9.5%" y="136.0" text-anchor="end" font-size="12" fill="currentColor">0</text>'
    '<line x1="11.0%" y1="82.0" x2="100%" y2="82.0" stroke="currentColor" stroke-opacity="0.15"/>'
    '<text x="9.5%" y="86.0" text-anchor="end" font-size="12" fill="currentColor">10</text>'
    '<line x1="11.0%" y1="32.0" x2="100%" y2="32.0" stroke="currentColor" stroke-opacity="0.15"/>'
    '<text x="9.5%" y="36.0" text-anchor="end" font-size="12" fill="currentColor">20</text>'
    '<g class="sg-chart__col" tabindex="0" role="img" aria-label="2026-01: x 1 min">'
    '<title>2026-01: x 1 min</title>'
    '<rect x="17.68%" y="127.0" width="31.15%" height="5.0" fill="#b91c1c">'
    '<title>2026-01 · x: 1 min</title></rect>'
    '<text class="sg-chart__value" x="33.25%" y="123.0" text-anchor="middle" font-size="12" fill="currentColor">1 min</text>'
    '<text class="sg-chart__tick" x="33.25%" y="148" text-anchor="middle" font-size="12" fill="currentColor">Jan</text>'
    '<text x="33.25%" y="162" text-anchor="middle" font-size="12" fill="currentColor">2026</text></g>'
    '<g class="sg-chart__col" tabindex="0" role="img" aria-label="a&amp;b: x 2.5 min, y&#34; 12 min">'
    '<title>a&amp;b: x 2.5 min, y&#34; 12 min</title>'
    '<rect x="62.17%" y="119.5" width="31.15%" height="12.5" fill="#b91c1c">'
    '<title>a&amp;b · x: 2.5 min</title></rect>'
    '<rect x="62.17%" y="59.5" width="31.15%" height="60.0" fill="#ea580c">'
    '<title>a&amp;b · y&#34;: 12 min</title></rect>'
    '<text class="sg-chart__value" x="77.75%" y="55.5" text-anchor="middle" font-size="12" fill="currentColor">14 min</text>'
    '<text class="sg-chart__tick" x="77.75%" y="148" text-anchor="middle" font-size="12" fill="currentColor">a&amp;b</text>'
    '</g>'
    '<text class="sg-chart__axis" x="55.50%" y="176" text-anchor="middle" font-size="12" fill="currentColor">Month</text>'
    '<rect x="11.00%" y="198" width="12" height="12" fill="#b91c1c"/>'
    '<text x="11.00%" dx="16" y="209" font-size="12" fill="currentColor">x</text>'
    '<rect x="55.50%" y="198" width="12" height="12" fill="#ea580c"/>'
    '<text x="55.50%" dx="16" y="209" font-size="12" fill="currentColor">y&#34;</text></svg>'
)


@settings(max_examples=300, deadline=None)
@given(raw=ANY_TEXT, state=st.sampled_from(list(ComponentState)))
@example(raw=" <b onload='x()'>Pay &amp; \"go\"</b> \U0001f4b3\U0001fffe ", state=ComponentState.MAJOR_OUTAGE)
def test_any_component_name_content_accepts_is_the_badge_text(raw: str, state: ComponentState) -> None:
    try:
        name = Component(id="payments", name=raw).name  # the model content validation builds
    except ValidationError:
        assume(False)
    root = parse(component_badge(name, state))
    label = f"{name}: {STATE_LABELS[state]}"
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.get("aria-label") == label
    assert texts(root, "title") == [label]
    assert texts(root, "text") == [name, STATE_LABELS[state]]
    assert {element.tag for element in root.iter()} == {SVG + tag for tag in ("svg", "title", "rect", "g", "text")}


@settings(max_examples=200, deadline=None)
@given(raw=LINES, indicator=st.sampled_from(["none", "minor", "major", "critical", "maintenance"]))
@example(raw="Acme\nPay\tStatus", indicator="none")
def test_any_site_name_content_accepts_is_the_status_badge_text(raw: str, indicator: str) -> None:
    """A site name may run over lines (``Text``): a line break or tab in it is still one in the label."""
    name = accepted(raw, Text)
    root = parse(status_badge(name, indicator, "All Systems Operational"))
    assert root.get("aria-label") == f"{name}: All Systems Operational"
    assert texts(root, "title") == [f"{name}: All Systems Operational"]
    assert texts(root, "text") == [name, "All Systems Operational"]
    assert root.find(f"{SVG}rect[2]").get("fill") == COLOURS[indicator]


@settings(max_examples=150, deadline=None)
@given(title=LINE, labels=st.lists(LINE, min_size=1, max_size=14),
       names=st.lists(LINE, min_size=1, max_size=3, unique=True), unit=LINE, data=st.data())
def test_any_chart_text_is_the_chart_text(title: str, labels: list[str], names: list[str], unit: str,
                                          data: st.DataObject) -> None:
    title, unit = accepted(title), accepted(unit)
    labels = [accepted(label) for label in labels]
    names = [accepted(name) for name in names]
    assume(len(set(names)) == len(names))
    values = st.lists(st.floats(0, 1e6), min_size=len(labels), max_size=len(labels))
    series = {name: data.draw(values) for name in names}
    root = parse(str(stacked_bars(title, labels, series, unit=unit)))
    assert root.get("aria-label") == title
    assert texts(root, "title")[0] == title
    shown = texts(root, "text")
    # the scale from 0, then per month its total, tick and year, the x-axis title, then the legend
    assert shown[0] == "0" and shown[-len(names):] == names and shown[-len(names) - 1] == "Month"
    columns = root.findall(SVG + "g")
    assert len(columns) == len(labels)
    drawn = [(label, name) for index, label in enumerate(labels) for name, values in series.items()
             if values[index] > 0]
    tips = ["".join(rect.find(SVG + "title").itertext()) for rect in root.iter(SVG + "rect")
            if rect.find(SVG + "title") is not None]
    assert len(tips) == len(drawn)
    assert all(tip.startswith(f"{label} · {name}: ") and tip.endswith(unit) for tip, (label, name) in zip(tips, drawn))
    for column, label in zip(columns, labels):
        assert column.get("tabindex") == "0" and column.get("role") == "img"
        assert column.get("aria-label").startswith(f"{label}: ") and texts(column, "title")[0] == column.get("aria-label")
        tick = next(t for t in column.iter(SVG + "text") if "sg-chart__tick" in (t.get("class") or ""))
        assert "".join(tick.itertext()) in (label, *MONTHS)


def test_chart_text_is_never_scaled_below_eleven_pixels() -> None:
    """No viewBox: the chart is as wide as its column and its text stays at its size in CSS pixels; axis
    titles name both axes; each month is focusable and says its values."""
    root = parse(str(stacked_bars("Incidents", ["2026-01", "2026-02"], {"SEV1": [1.0, 2.0]}, axis="Incidents")))
    assert root.get("viewBox") is None and root.get("width") == "100%"
    sizes = [float(t.get("font-size") or root.get("font-size")) for t in root.iter(SVG + "text")]
    assert sizes and min(sizes) >= 11
    shown = texts(root, "text")
    assert shown[0] == "Incidents" and "Month" in shown and ["Jan", "2026"] == shown[shown.index("Jan"):][:2]
    assert [g.get("aria-label") for g in root.iter(SVG + "g")] == ["2026-01: SEV1 1", "2026-02: SEV1 2"]


def test_the_chart_is_the_chart_as_drawn() -> None:
    """One chart pinned byte for byte, so moving geometry between Python and template cannot shift a bar."""
    svg = str(stacked_bars("T<", ["2026-01", "a&b"], {"x": [1.0, 2.5], "y\"": [0.0, 12.0]}, unit=" min", height=100))
    assert svg == PINNED


def test_a_badge_is_one_line_ending_in_a_newline() -> None:
    text = badge("Payments", "Major Outage", "#b91c1c")
    assert text.endswith("</svg>\n") and text.count("\n") == 1


def test_a_value_a_template_names_but_is_not_given_fails_the_build() -> None:
    """StrictUndefined: a renamed value is an error, never an empty attribute in a published badge."""
    with pytest.raises(jinja2.UndefinedError):
        render("badge.svg", label="Payments", value="Major Outage", colour="#b91c1c", width=1, left=1, right=1,
               label_x=0.5)


def test_every_svg_template_escapes() -> None:
    env = environment()
    names = env.list_templates()
    assert names and all(name.endswith(".svg") for name in names)
    assert all(env.autoescape(name) if callable(env.autoescape) else env.autoescape for name in names)
    assert env.undefined is jinja2.StrictUndefined


def test_month_ticks_name_each_year_once() -> None:
    """"Dec" then "Jan 2026": a year under the first column only when no January follows at once, so two
    years never run together; the scale's middle line is a whole number."""
    root = parse(str(stacked_bars("Incidents", ["2025-12", "2026-01", "2026-02"], {"SEV1": [0.0, 3.0, 5.0]})))
    shown = texts(root, "text")
    assert "2025" not in shown and shown.count("2026") == 1
    assert shown[:3] == ["0", "3", "6"]
