"""The internal site in headless Chromium: runbook index, a postmortem, and search."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import build

from .browser import serve
from .conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("internal-browser") / "site"
    build(REPO, out, dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc))
    return out / "internal"


def test_runbooks_postmortem_and_search(browser, internal_site: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    with serve(internal_site) as base:
        page.goto(f"{base}runbooks/")
        assert page.locator("h1").inner_text().rstrip("¶") == "Runbooks"
        assert page.get_by_role("link", name="Webhook Delivery Backlog").first.is_visible()
        assert "Internal" in page.locator(".md-header__title").inner_text()
        page.screenshot(path=str(tmp_path / "runbooks.png"), full_page=True)

        page.goto(f"{base}postmortems/2026-03-30-payment-outage/")
        assert page.locator("h1").inner_text().rstrip("¶") == "Payment Processing Outage"
        body = page.locator(".md-content").inner_text()
        assert "Root Cause" in body and "Action Items" in body and "SEV1" in body
        page.screenshot(path=str(tmp_path / "postmortem.png"), full_page=True)

        # "confirmed" appears in one runbook only, in its Symptoms section.
        symptoms = (REPO / "content/runbooks/webhook-delivery-backlog.md").read_text().split("## Symptoms")[1]
        assert "confirmed" in symptoms.split("## Immediate Actions")[0]
        page.locator("input.md-search__input").click()
        page.keyboard.type("confirmed")  # typed, as a person does: Material searches on key events
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=15000)
        assert any("Webhook Delivery Backlog" in text for text in results.all_inner_texts())
        page.screenshot(path=str(tmp_path / "search.png"))
    page.close()


PAGES = {"home": "", "incidents": "incidents/", "incident": "incidents/2026-03-30-payment-outage/",
         "runbook": "runbooks/high-database-cpu/", "action-items": "action-items/", "metrics": "metrics/"}

#: What a person would notice, measured in the page: horizontal overflow of the page, a table wider than its
#: column, and chart text under 11 px as drawn (computed font size times the SVG's scale on screen).
MEASURE = """() => {
  const wide = [...document.querySelectorAll('.md-content table')].filter(t => {
    const box = t.getBoundingClientRect(), column = t.closest('.md-content__inner').getBoundingClientRect();
    const scroller = t.closest('.md-typeset__scrollwrap');  // Material's wrapper: a table wider than it scrolls
    return box.right > column.right + 1 || (scroller !== null && scroller.scrollWidth > scroller.clientWidth + 1);
  }).map(t => t.querySelector('th') ? t.querySelector('th').textContent : t.outerHTML.slice(0, 60));
  const charts = [...document.querySelectorAll('svg.sg-chart')];
  const text = charts.flatMap(svg => [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).display !== 'none')
    .map(t => parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a));
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, wide,
          charts: charts.map(svg => svg.getBoundingClientRect().width / svg.closest('.md-content__inner').clientWidth), smallest: Math.min(...text),
          scheme: document.body.getAttribute('data-md-color-scheme')};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_internal_pages_fit_and_read_at_desktop_and_phone(browser, internal_site: Path, tmp_path: Path, width: int,
                                                          height: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  timezone_id="Europe/Berlin")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.on("response", lambda response: errors.append(f"{response.status}: {response.url}")
            if response.status >= 400 else None)
    with serve(internal_site) as base:
        for name, path in PAGES.items():
            page.goto(f"{base}{path}")
            measured = page.evaluate(MEASURE)
            page.screenshot(path=str(tmp_path / f"{name}-{width}-{scheme}.png"), full_page=True)
            assert measured["overflow"] <= 0, (name, measured)
            assert measured["wide"] == [], (name, measured)
            assert measured["scheme"] == ("slate" if scheme == "dark" else "default"), (name, measured)
            if name == "metrics":
                assert len(measured["charts"]) == 3 and min(measured["charts"]) > 0.95, measured  # the column's width
                assert measured["smallest"] >= 11, measured
    assert errors == []
    context.close()


def test_dark_mode_toggle_and_chart_values_on_focus(browser, internal_site: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="light")
    with serve(internal_site) as base:
        page.goto(f"{base}metrics/")
        assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
        page.locator("label[title='Switch to dark mode']").click()  # the header button, as a person clicks it
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        page.reload()  # the choice is kept, as on the public site
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        column = page.locator("svg.sg-chart g.sg-chart__col").last
        value = column.locator(".sg-chart__value")
        assert value.evaluate("t => getComputedStyle(t).visibility") == "hidden"
        column.focus()
        assert value.evaluate("t => getComputedStyle(t).visibility") == "visible"
        label = column.get_attribute("aria-label") or ""
        assert label.startswith(page.evaluate("() => document.querySelector('svg.sg-chart g:last-of-type title')"
                                              ".textContent.split(':')[0]"))
    page.close()


AXE_PAGES = ["incidents/", "incidents/2026-03-30-payment-outage/", "action-items/", "metrics/", "runbooks/high-database-cpu/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_internal_pages_pass_axe(browser, internal_site: Path, scheme: str) -> None:
    """The card tables, the folded done items, the focusable chart months and the dark scheme, checked by axe-core
    in a non-UTC zone (the pages print UTC; the zone must change nothing axe sees)."""
    from .test_quality import NODE_MODULES, need

    axe = need(NODE_MODULES / "axe-core/axe.min.js", "axe-core").read_text()
    context = browser.new_context(color_scheme=scheme, timezone_id="Europe/Berlin", viewport={"width": 390, "height": 844})
    page = context.new_page()
    found = {}
    with serve(internal_site) as base:
        for path in AXE_PAGES:
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + path)
                page.add_script_tag(content=axe)
                violations = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    ".map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])")
                if violations:
                    found[f"{path} at {width}"] = violations
    context.close()
    assert found == {}
