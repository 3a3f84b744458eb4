"""What a person sees in a real browser: headless Chromium on the built public site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import build

from .browser import serve
from .scenario import EXPECTED_STATES, NOW, make_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("browser") / "repo")
    build(root, root / "site", NOW)
    return root / "site" / "public"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_page_shows_status(browser, public_site: Path, tmp_path: Path, javascript: bool, scheme: str
                                ) -> None:
    context = browser.new_context(java_script_enabled=javascript, color_scheme=scheme,
                                  viewport={"width": 1100, "height": 900})
    page = context.new_page()
    with serve(public_site) as base:
        page.goto(base)
        assert page.locator("h1.sg-banner__text").inner_text() == "Major System Outage"
        names = page.locator(".sg-component__name").all_inner_texts()
        states = [s.strip(" ✔▲◆✖⚙") for s in page.locator(".sg-component__head .sg-state").all_inner_texts()]
        assert dict(zip(names, states)) == EXPECTED_STATES
        assert page.locator(".sg-notice").first.inner_text().startswith("Payments are failing")
        assert page.locator(".sg-bar").count() == 4 * 90
        page.screenshot(path=str(tmp_path / f"home-{scheme}-{'js' if javascript else 'nojs'}.png"), full_page=True)
        page.get_by_role("link", name="Payments are failing").first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Payments are failing"
        updates = page.locator(".sg-update__head").all_inner_texts()
        assert updates[0].startswith("Identified") and updates[-1].startswith("Investigating")
        page.screenshot(path=str(tmp_path / f"incident-{scheme}.png"), full_page=True)
    context.close()


def test_home_page_on_a_phone(browser, public_site: Path, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    with serve(public_site) as base:
        page.goto(base)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, "the home page scrolls sideways on a phone"
        assert page.locator("h1.sg-banner__text").is_visible()
        page.screenshot(path=str(tmp_path / "home-phone.png"), full_page=True)
    context.close()


def test_local_time_is_added_next_to_utc(browser, public_site: Path) -> None:
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-GB")
    page = context.new_page()
    with serve(public_site) as base:
        page.goto(base)
        banner = page.locator(".sg-banner__time").inner_text()
        assert "Nov 26, 2026 12:00 UTC" in banner
        assert "17:30" in banner  # +05:30 added, UTC kept
    context.close()


# --- issue 14: as a customer sees the pages, in a non-UTC zone, at desktop and phone widths -----------

PAGES = ("", "history/", "components/api/", "components/payments/", "incidents/2026-11-26-payments-down/",
         "incidents/2026-11-26-dashboard-upgrade/", "subscribe/")
DESKTOP = {"width": 1280, "height": 900}
README_SCREENSHOT = Path(__file__).resolve().parents[1] / ".github/readme/home.png"
PHONE = {"width": 390, "height": 844}

#: Every element that draws text, with its rendered colour against the first opaque background behind it
#: (WCAG 2 relative luminance; an element's opacity is folded into its colour).
CONTRAST_JS = """() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
    if (c && c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el); const box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || box.width < 2 || box.height < 2 || el.closest("[hidden], .md-sidebar, .md-search")) continue;
    let alpha = 1; for (let n = el; n; n = n.parentElement) alpha *= Number(getComputedStyle(n).opacity);
    if (alpha < 0.1) continue;  // faded out (Material's header topics take turns)
    const bg = background(el); const fg = parse(style.color); const a = fg[3] * alpha;
    const mixed = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
    const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
    out.push({ text: el.textContent.trim().slice(0, 40), cls: el.className, ratio: (l1 + 0.05) / (l2 + 0.05) });
  }
  return out;
}"""


def watch(page):  # type: ignore[no-untyped-def]
    """Console errors and failed requests (a 404 is one) of ``page``, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_are_readable_and_load_cleanly_in_berlin(browser, public_site: Path, tmp_path: Path,
                                                       viewport: dict[str, int], scheme: str) -> None:
    """Text at least 4.5:1 from rendered colours (the local time shows only outside UTC), no console error, no
    failed request (Material fetched sitemap.xml beside each feed link), no sideways scrolling."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin",
                                  locale="en-GB", is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    problems = watch(page)
    with serve(public_site) as base:
        for path in PAGES:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if path == "":
                assert page.locator(".sg-banner .sg-local").inner_text().strip() == "(13:00 CET)"
            low = [f"{t['ratio']:.2f}:1 {t['cls']!r} {t['text']!r}" for t in page.evaluate(CONTRAST_JS)
                   if t["ratio"] < 4.5]
            assert not low, f"/{path}: text below 4.5:1: {low}"
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"/{path} scrolls sideways: {width}px"
            page.screenshot(path=str(tmp_path / f"{path.replace('/', '_') or 'home'}-{scheme}.png"), full_page=True)
            if path == "" and viewport is DESKTOP and scheme == "light" and os.environ.get("UPDATE_README_SCREENSHOT"):
                # The README's picture comes from this checked page: UPDATE_README_SCREENSHOT=1 pytest -k berlin
                page.screenshot(path=str(README_SCREENSHOT))
    context.close()
    assert not problems, problems


def test_a_day_opens_by_keyboard(browser, public_site: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Berlin")
    page = context.new_page()
    with serve(public_site) as base:
        page.goto(base)
        tip = page.locator(".sg-bar").nth(90 + 83).locator(".sg-bar__tip")  # payments, Nov 20
        assert tip.bounding_box()["width"] <= 1
        page.locator(".sg-component__name").nth(1).focus()  # Payments, then Tab into its bars
        for _ in range(84):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains(\"sg-bar--major\")")
        assert tip.bounding_box()["width"] > 200 and tip.is_visible()
        assert tip.inner_text().startswith("Nov 20, 2026")
        page.keyboard.press("Tab")  # into the day's incident link
        assert page.evaluate("document.activeElement.textContent") == "Slow payments"
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Slow payments"
    context.close()


def test_a_day_opens_on_tap(browser, public_site: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, timezone_id="Europe/Berlin")
    page = context.new_page()
    with serve(public_site) as base:
        page.goto(base)
        bar = page.locator(".sg-bar").nth(90 + 83)
        tip = bar.locator(".sg-bar__tip")
        bar.tap()
        assert tip.bounding_box()["width"] > 200
        assert "Slow payments" in tip.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        bar.get_by_role("link", name="Slow payments").tap()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Slow payments"
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_example_public_postmortem_reads_cleanly(browser, tmp_path: Path, viewport: dict[str, int],
                                                     scheme: str) -> None:
    """The example content's public postmortem page, with the same checks as the pages above."""
    import datetime as dt

    from .conftest import REPO

    build(REPO, tmp_path / "site", dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc))
    context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin",
                                  locale="en-GB", is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    problems = watch(page)
    with serve(tmp_path / "site/public") as base:
        page.goto(base + "postmortems/2026-09-17-api-rate-limit-errors/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.inner_text().strip()
        low = [f"{t['ratio']:.2f}:1 {t['cls']!r} {t['text']!r}" for t in page.evaluate(CONTRAST_JS) if t["ratio"] < 4.5]
        assert not low, low
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the postmortem scrolls sideways: {width}px"
        page.screenshot(path=str(tmp_path / f"postmortem-{scheme}.png"), full_page=True)
    context.close()
    assert not problems, problems
