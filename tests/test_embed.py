"""The status embed other sites put in their pages: ``embed/index.html`` in an ``<iframe>`` and ``embed.js``.

Each is opened in Chromium on a product page of another origin (another 127.0.0.1 port), with the
status site served as a static host serves it; no request may leave 127.0.0.1, and markup in an
incident's title or update stays text.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

from generator.build import build

from .browser import local_only_page, serve
from .conftest import write
from .scenario import NOW, make_scenario

CORS = {"Access-Control-Allow-Origin": "*"}
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Checkout <b>down</b> & "slow"'
HOSTILE_BODY = "<script>window.pwned=2</script>Cards fail at <em>checkout</em>."
HOSTILE = f"""\
---
title: '{HOSTILE_TITLE}'
severity: SEV2
components: {{api: partial_outage}}
started: 2026-11-26T10:00:00Z
updates:
  - at: 2026-11-26T10:05:00Z
    status: investigating
    message: '{HOSTILE_BODY}'
internal: {{commander: alice}}
---
"""
#: What the embed lists, in order: unresolved incidents, newest first, then maintenance in progress.
ACTIVE = [HOSTILE_TITLE, "Payments are failing", "Dashboard upgrade"]


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_scenario(tmp_path_factory.mktemp("embed") / "repo")
    write(root, "content/incidents/2026-11-26-checkout.md", HOSTILE)
    build(root, root / "site", NOW)
    return root / "site" / "public"


def test_the_embed_page_stays_out_of_search_and_nav(public: Path) -> None:
    page = html.fromstring((public / "embed/index.html").read_bytes())
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.xpath("//script") == [] and page.xpath("//link[@rel='stylesheet']") == []  # nothing to load
    assert "embed" not in (public / "sitemap.xml").read_text()
    assert "embed/" not in (public / "index.html").read_text()
    banner = page.xpath("//a[contains(@class, 'sge-banner')]")[0]
    assert banner.text_content() == "✖Major System Outage" and banner.get("href") == "https://status.acmepay.example"
    assert [a.text_content() for a in page.xpath("//a[contains(@class, 'sge-name')]")] == ACTIVE
    assert page.xpath("//img") == []


def test_the_embed_script_is_ascii(public: Path) -> None:
    """A host page without a charset reads a script in windows-1252: the script must not depend on one."""
    assert (public / "embed.js").read_bytes().isascii()


def embedded_text(root) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a reader of the embed sees, from a Playwright frame or page."""
    return {"banner": root.locator(".sge-banner").inner_text(),
            "names": root.locator(".sge-name").all_inner_texts(),
            "meta": root.locator(".sge-meta").all_inner_texts(),
            "bodies": root.locator(".sge-body").all_inner_texts(),
            "links": [a.get_attribute("href") for a in root.locator(".sge-name").all()]}


@pytest.mark.browser
def test_iframe_embed_on_another_origin(browser, public: Path, tmp_path: Path) -> None:
    product = tmp_path / "product"
    product.mkdir()
    requests: list[str] = []
    with serve(public) as site, serve(product) as host:
        (product / "index.html").write_text(
            '<!doctype html><html lang="en"><title>Product</title><h1>Our product</h1>'
            f'<iframe src="{site}embed/" title="Service status" width="600" height="300"></iframe>')
        context, page = local_only_page(browser, host, requests)
        try:
            frame = page.frame_locator("iframe")
            seen = embedded_text(frame)
            assert seen["banner"].endswith("Major System Outage")
            assert seen["names"] == ACTIVE  # markup in a title stays text
            assert seen["meta"][0] == "Investigating · Nov 26, 2026 10:05 UTC"
            assert seen["bodies"][0] == HOSTILE_BODY  # the API's plain-text body, shown as text
            assert frame.locator("img, script").count() == 0
            assert page.frames[1].evaluate("typeof window.pwned") == "undefined"
            page.screenshot(path=str(tmp_path / "iframe.png"))
        finally:
            context.close()
    assert requests == [host, f"{site}embed/"], requests


@pytest.mark.browser
def test_script_embed_on_another_origin(browser, public: Path, tmp_path: Path) -> None:
    product = tmp_path / "product"
    product.mkdir()
    requests: list[str] = []
    with serve(public, CORS) as site, serve(product) as host:
        (product / "index.html").write_text(  # an async script in the head, before the elements it fills
            f'<!doctype html><html lang="en"><title>Product</title><script src="{site}embed.js" async></script>'
            '<h1>Our product</h1><div id="top" data-statusgen-embed></div><p>Text between.</p>'
            '<div id="side" data-statusgen-embed></div>')
        (product / "inline.html").write_text(
            '<!doctype html><html lang="en"><title>Product</title><p>Before.'
            f'<script src="{site}embed.js"></script><p>After.')
        context, page = local_only_page(browser, host, requests)
        try:
            page.locator("#top .sge-banner").wait_for(timeout=10000)
            top = embedded_text(page.locator("#top"))
            assert top == embedded_text(page.locator("#side"))
            # The script shows what the iframe page shows, read from the same summary.json:
            iframe = page.context.new_page()
            iframe.goto(f"{site}embed/")
            assert top == embedded_text(iframe)
            assert top["names"] == ACTIVE
            assert top["links"][1] == "https://status.acmepay.example/incidents/2026-11-26-payments-down/"
            assert page.locator("#top img, #top script, #side img").count() == 0
            assert page.evaluate("typeof window.pwned") == "undefined"
            page.screenshot(path=str(tmp_path / "script.png"))
            # Without marked elements the embed appears where the script stands.
            page.goto(f"{host}inline.html")
            page.locator("[data-statusgen-embed] .sge-banner").wait_for(timeout=10000)
            assert page.evaluate("document.querySelector('[data-statusgen-embed]').nextElementSibling.tagName") == "SCRIPT"
        finally:
            context.close()
    assert f"{site}api/v2/summary.json" in requests
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests), requests
    assert {url for url in requests if url.startswith(site)} == {
        f"{site}embed.js", f"{site}api/v2/summary.json", f"{site}embed/"}


@pytest.mark.browser
def test_script_embed_fails_closed_without_cors(browser, public: Path, tmp_path: Path) -> None:
    """A host that does not allow other origins: the embed says it cannot tell, never a stale or made-up status."""
    product = tmp_path / "product"
    product.mkdir()
    requests: list[str] = []
    with serve(public) as site, serve(product) as host:
        (product / "index.html").write_text(
            f'<!doctype html><html lang="en"><title>Product</title><p>Status: <script src="{site}embed.js"></script>')
        context, page = local_only_page(browser, host, requests)
        try:
            banner = page.locator(".sge-banner")
            banner.wait_for(timeout=10000)
            assert banner.inner_text() == "Status unavailable: see the status page"
            assert banner.get_attribute("href") == site
            assert page.locator(".sge-name").count() == 0
        finally:
            context.close()


def subscribe_text(public: Path) -> str:
    page = html.fromstring((public / "subscribe/index.html").read_bytes())
    return " ".join(page.xpath("//div[contains(@class, 'sg-subscribe-page')]")[0].text_content().split())


def test_the_subscribe_page_shows_how_to_embed(public: Path) -> None:
    text = subscribe_text(public)
    assert '<iframe src="https://status.acmepay.example/embed/"' in text
    assert '<script src="https://status.acmepay.example/embed.js" async></script>' in text
    assert '<statuspage-widget src="https://status.acmepay.example/"></statuspage-widget>' in text
    assert "Access-Control-Allow-Origin: *" in text and "GitHub Pages sends it" in text
    assert "works only while this site is published at the root of its host, as it is now" in text
    assert "https://img.shields.io/endpoint?url=https://status.acmepay.example/badges/status.json" in text
    page = html.fromstring((public / "subscribe/index.html").read_bytes())
    assert "../badges/payments.json" in page.xpath("//a/@href")  # links work on any host, in `serve` too
    assert "https://status.acmepay.example/badges/payments.svg" in text  # what to paste elsewhere stays absolute
    # The page itself loads nothing from Shields or any other host:
    assert not [src for src in page.xpath("//img/@src | //script/@src | //iframe/@src")
                if not src.startswith(("https://status.acmepay.example/", "../", "assets/", "./"))
                and "://" in src]


def test_the_subscribe_page_warns_when_the_widget_cannot_read_the_site(tmp_path: Path) -> None:
    """Atlassian's widget reads /api/v2/summary.json at the host's root, whatever the path in its src."""
    root = make_scenario(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://status.acmepay.example/",
                                                 "site_url: https://acme.github.io/status/"))
    build(root, root / "site", NOW)
    text = subscribe_text(root / "site" / "public")
    assert "cannot read this site, which is published under /status/: use the frame or the script instead" in text
