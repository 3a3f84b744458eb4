"""A first visit stays the same size however long the history (issue 15, §1).

Material's JavaScript fetched ``sitemap.xml`` beside every ``<link rel="alternate">`` (it takes them for
language versions), and the internal site's search index came with every first visit; both grow with
the history. The feeds must stay discoverable the way autodiscovery clients look for them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import feedparser
import html5lib
import pytest

from benchmarks.first_visit import Visit, build_history, first_visit
from generator.build import build
from generator.errors import StatusgenError
from generator.render.mkdocs_adapter import mend_bundle

from .conftest import NOW, RUNBOOK, make_site

FEED_TYPES = ("application/atom+xml", "application/rss+xml")
#: Two synthetic histories: every component page's list (at most 50 incidents) is full in both.
SMALL, LARGE = 250, 500
#: What two first visits of the same page may differ by (the text of the titles and dates shown)
SLACK = 4096

# --- Autodiscovery, as clients do it ----------------------------------------------------------------


def _head_links(html: bytes) -> list[dict[str, str]]:
    """The ``<link>`` elements of the document head, as an HTML5 parser (html5lib) builds the tree."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    head = document.find("head")
    return [dict(link.attrib) for link in head.iter("link")] if head is not None else []


def rss_board_feeds(html: bytes, url: str) -> list[tuple[str, str]]:
    """RSS Board autodiscovery: a head ``<link>`` whose ``rel`` is "alternate" (that value, no other) and whose
    ``type`` names a feed; ``href`` resolved against the page."""
    return [(link["type"], urljoin(url, link["href"])) for link in _head_links(html)
            if link.get("rel", "").strip().lower() == "alternate" and link.get("type") in FEED_TYPES]


def atom_draft_feeds(html: bytes, url: str) -> list[tuple[str, str]]:
    """Atom autodiscovery (draft-ietf-atompub-autodiscovery) and the HTML standard: ``rel`` is a list of
    space-separated keywords, one of them "alternate" (any case)."""
    return [(link["type"], urljoin(url, link["href"])) for link in _head_links(html)
            if "alternate" in link.get("rel", "").lower().split() and link.get("type") in FEED_TYPES]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("visit") / "repo")
    build(root, root / "site", NOW)
    return root / "site" / "public"


@pytest.mark.parametrize("client", [rss_board_feeds, atom_draft_feeds])
@pytest.mark.parametrize("page", ["", "components/api/"])
def test_autodiscovery_clients_find_both_feeds(example: Path, client, page: str) -> None:  # type: ignore[no-untyped-def]
    url = f"https://status.example/{page}"
    feeds = client((example / page / "index.html").read_bytes(), url)
    assert [kind for kind, _ in feeds] == list(FEED_TYPES)
    for kind, href in feeds:
        assert href.startswith(url)
        parsed = feedparser.parse((example / href.removeprefix("https://status.example/")).read_bytes())
        assert not parsed.bozo and parsed.version == ("atom10" if "atom" in kind else "rss20")


def test_the_published_bundle_takes_only_language_links_for_language_versions(example: Path) -> None:
    """The installed bundle fetches a sitemap beside every link[rel=alternate]; the published one only beside
    links with hreflang (language versions), so the feed links make it fetch nothing. Nothing else changes."""
    published = next((example / "assets/javascripts").glob("bundle.*.min.js"))
    from mkdocs.utils import get_theme_dir

    installed = Path(get_theme_dir("material")) / "assets/javascripts" / published.name
    assert installed.read_text(encoding="utf-8").replace(
        '"link[rel=alternate]"', '"link[rel=alternate][hreflang]"') == published.read_text(encoding="utf-8")


def test_a_bundle_without_the_known_selector_stops_the_build(tmp_path: Path) -> None:
    """Fail closed: a Material whose bundle statusgen does not know would fetch the sitemap on every visit."""
    theme = tmp_path / "theme"
    (theme / "assets/javascripts").mkdir(parents=True)
    (theme / "assets/javascripts/bundle.0123abcd.min.js").write_text('M("link[rel=alternate i]")', encoding="utf-8")
    with pytest.raises(StatusgenError, match=r"bundle\.0123abcd\.min\.js has 0 .* not 1"):
        mend_bundle(theme, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- Chromium: two histories, the same first visit --------------------------------------------------


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Two synthetic histories (with a runbook, so the internal search has something to find), built."""
    sites = {}
    for size in (SMALL, LARGE):
        work = tmp_path_factory.mktemp(f"history-{size}")
        sites[size] = build_history(work, size, extra={"content/runbooks/high-database-cpu.md": RUNBOOK})
    return sites


def _same_visit(small: Visit, large: Visit) -> None:
    assert small.paths == large.paths
    for visit in (small, large):
        assert not visit.elsewhere
        assert all(item.status == 200 for item in visit.sent), visit.sent
        assert not [item for item in visit.sent if item.path.endswith("sitemap.xml")]
    assert abs(small.total - large.total) <= SLACK, (small.total, large.total)


@pytest.mark.browser
@pytest.mark.parametrize("page", ["", "components/api/"])
def test_a_first_public_visit_is_flat_in_the_history(browser, histories: dict[int, Path], page: str) -> None:  # type: ignore[no-untyped-def]
    assert len(list((histories[SMALL] / "public/incidents").iterdir())) > SMALL * 0.9  # the histories are built
    small = first_visit(browser, histories[SMALL] / "public", page)
    large = first_visit(browser, histories[LARGE] / "public", page)
    _same_visit(small, large)
    assert large.total <= 400 * 1024


@pytest.mark.browser
def test_a_first_internal_visit_is_flat_and_search_loads_on_first_use(browser, histories: dict[int, Path]  # type: ignore[no-untyped-def]
                                                                      ) -> None:
    small = first_visit(browser, histories[SMALL] / "internal")
    large = first_visit(browser, histories[LARGE] / "internal")
    _same_visit(small, large)
    assert not [item for item in large.sent if "search_index" in item.path]
    assert any("/workers/search." in item.path for item in large.sent)  # the search worker itself is there
    assert large.total <= 600 * 1024


@pytest.mark.browser
def test_search_works_once_used(browser, histories: dict[int, Path]) -> None:  # type: ignore[no-untyped-def]
    """Typing in the search box loads the index and shows a result; a ?h= link still highlights its words."""
    from benchmarks.first_visit import counting_server

    with counting_server(histories[LARGE] / "internal") as (base, log):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        try:
            page.goto(base)
            page.wait_for_load_state("networkidle")
            assert not [item for item in log if "search_index" in item.path]
            page.locator("input.md-search__input").click()
            page.keyboard.type("slow query")  # typed at once: the query waits for the index, then runs
            result = page.locator(".md-search-result__item").first
            result.wait_for(timeout=10_000)
            assert "High Database CPU" in result.inner_text()
            assert [(item.path, item.status) for item in log if "search_index" in item.path] == [
                ("/search/search_index.json", 200)]

            page.goto(f"{base}runbooks/high-database-cpu/?h=slow")
            page.locator("mark[data-md-highlight]").first.wait_for(timeout=10_000)
            assert page.locator("mark[data-md-highlight]").first.inner_text().lower() == "slow"
        finally:
            page.close()


def test_generated_listings_stay_out_of_the_search_index(histories: dict[int, Path]) -> None:
    """The index holds runbooks and hand-written pages, not a row per incident: it grows with knowledge, not
    with the history."""
    import json

    sizes = {}
    for size, site in histories.items():
        index = json.loads((site / "internal/search/search_index.json").read_text(encoding="utf-8"))
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert not locations & {"incidents/", "action-items/", "metrics/"}
        assert not [loc for loc in locations if loc.startswith("incidents/")]
        assert "runbooks/high-database-cpu/" in locations
        sizes[size] = len(json.dumps(index))
    assert abs(sizes[SMALL] - sizes[LARGE]) <= SLACK, sizes

