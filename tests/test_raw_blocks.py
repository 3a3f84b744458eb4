"""HTML set aside in a Markdown page (generator.render.raw_blocks): the internal metrics tables read as the
Markdown tables they replace, the markers cannot come from content, and a broken block stops the build."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import StatusgenError
from generator.output.internal_pages import environment
from generator.output.markup import md_text, raw_table
from generator.output.site import RAW_END, RAW_START
from generator.render.mkdocs_adapter import _INTERNAL_MARKDOWN


def to_html(page: str) -> str:
    """``page`` as the internal site's Markdown pages are converted (MkDocs' list of names and configs)."""
    names = [next(iter(item)) if isinstance(item, dict) else item for item in _INTERNAL_MARKDOWN]
    configs = {name: config for item in _INTERNAL_MARKDOWN if isinstance(item, dict) for name, config in item.items()}
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(page)


class Shape(HTMLParser):
    """Elements and their text, as a browser reads them (character references decoded, whitespace between
    elements ignored)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(("start", tag + repr(sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.items.append(("text", data))


def shape(html: str) -> list[tuple[str, str]]:
    parser = Shape()
    parser.feed(html)
    parser.close()
    return parser.items


cells = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda text: text.strip() and " ".join(text.split()) == text)


@settings(max_examples=150, deadline=None)
@given(headers=st.lists(cells, min_size=1, max_size=4),
       rows=st.lists(st.lists(cells, min_size=4, max_size=4), min_size=1, max_size=6))
def test_a_raw_table_reads_as_the_markdown_table_it_replaces(headers: list[str], rows: list[list[str]]) -> None:
    rows = [row[: len(headers)] for row in rows]
    written = "\n".join(["| " + " | ".join(md_text(h) for h in headers) + " |", "|" + "---|" * len(headers)]
                        + ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows])
    page = "# Title\n\nBefore.\n{}\n## After\n\nText.\n"
    assert shape(to_html(page.format(raw_table(headers, rows)))) == shape(to_html(page.format("\n" + written + "\n")))


def test_the_metrics_tables_are_html_set_aside_and_the_headings_stay_markdown() -> None:
    table = raw_table(["Month", "Component"], [("2026-11", "A <b>|</b> & B")])
    html = to_html(f"# Metrics\n{table}\n## Outage minutes per component\n")
    assert "<td>A &lt;b&gt;|&lt;/b&gt; &amp; B</td>" in html
    assert '<h2 id="outage-minutes-per-component">' in html and RAW_START not in html


@pytest.mark.parametrize("value", [RAW_START, f"{RAW_START}\n<script>alert(1)</script>\n{RAW_END}",
                                   f"x\n{RAW_START}\n<b>y</b>", RAW_END])
def test_no_value_of_a_markdown_page_makes_a_marker(value: str) -> None:
    """Content reaches a Markdown page as inert text (``finalize``): its ``<`` is a character reference."""
    page = environment(markdown=True).from_string("# Page\n\n{{ value }}\n\n| A |\n|---|\n| {{ value }} |\n")
    written = page.render(value=value)
    assert RAW_START not in written and RAW_END not in written
    html = to_html(written)
    assert "<script>" not in html and "<b>" not in html
    shown = [text for kind, text in shape(html) if kind == "text"]
    assert shown.count(" ".join(value.split())) == 2, "the value shows as typed, in the paragraph and the cell"


def test_a_start_marker_without_its_end_stops_the_build() -> None:
    with pytest.raises(StatusgenError, match="without"):
        to_html(f"# Page\n\n{RAW_START}\n<table></table>\n")
