"""What a person sees in a real browser: headless Chromium on the built public site."""

from __future__ import annotations

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
