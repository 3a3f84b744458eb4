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
