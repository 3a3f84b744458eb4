"""The renderer's speed work (issue 15): every shortcut gives exactly what the long way gives.

- hidden pages get no MkDocs ``Page``; a Markdown page's links to them still resolve (and a link to a
  missing page still warns) exactly as when MkDocs renders every page;
- the sitemap statusgen writes over light page objects is checked against the theme's, fails closed;
- canonical addresses joined as text equal MkDocs' ``urljoin`` (property test);
- a shell filled with each slot's form made once equals the plain part-by-part join (property test);
- the theme listing that skips dotted folders equals Jinja's full listing under MkDocs' filter (property test);
- a serve rebuild reuses a filled page only when its values and its kind's shell are equal.
"""

from __future__ import annotations

import dataclasses
import string
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.output.page import Page
from generator.output.site import Site
from tests.conftest import write
from tests.test_fast_render import EPOCH, build, custom_theme, render_both, sample_site, tree
from tests.test_render_seam import describe

# --- Links from Markdown pages to hidden pages ------------------------------------------------------


def with_links(site: Site) -> tuple[Site, str]:
    """A Markdown page (rendered by MkDocs) linking to a hidden page, with an anchor, and to a missing page."""
    from generator.render.fast_adapter import plan_shells

    hidden = sorted(plan_shells(site).hidden)
    target = hidden[-1].removeprefix("incidents/")
    meta = {"title": "Links", "search": {"exclude": True}} if site.search else {"title": "Links"}
    body = f"# Links\n\n[a hidden page]({target}) and [its part]({target}#updates), [gone](nowhere-at-all.md)\n"
    return dataclasses.replace(site, pages={**site.pages, "incidents/links.md": Page(meta, body)}), target


def test_links_from_a_markdown_page_to_hidden_pages_resolve_and_a_missing_target_still_warns(tmp_path: Path) -> None:
    from generator.render import fast_adapter, mkdocs_adapter
    from generator.settings import load_settings

    root = sample_site(tmp_path / "repo")
    _, internal = describe(root)
    site, target = with_links(internal)
    assert f"incidents/{target}" in fast_adapter.plan_shells(site).hidden
    raw = load_settings(root).raw
    found = {}
    for name, adapter in (("mkdocs", mkdocs_adapter), ("fast", fast_adapter)):
        (tmp_path / f"work-{name}").mkdir()
        found[name] = adapter.render(site, root, raw, tmp_path / name, work=tmp_path / f"work-{name}", strict=False,
                                     epoch=EPOCH)
    assert found["fast"] == found["mkdocs"]
    assert any("nowhere-at-all.md" in warning for warning in found["fast"]), found["fast"]
    page = (tmp_path / "fast/incidents/links/index.html").read_text()
    slug = target.removesuffix(".md")
    assert f'href="../{slug}/"' in page and f'href="../{slug}/#updates"' in page
    assert tree(tmp_path / "fast") == tree(tmp_path / "mkdocs")


# --- The sitemap ---------------------------------------------------------------------------------------


def test_the_sitemap_lists_every_page_and_a_template_reading_more_than_addresses_stops_the_build(
        tmp_path: Path) -> None:
    from generator.render.fast_adapter import plan_shells

    root = sample_site(tmp_path / "repo")
    public, _ = describe(root)
    slow, fast = render_both(public, root, tmp_path)
    sitemap = (fast / "sitemap.xml").read_text()
    for path in plan_shells(public).hidden:
        assert f"/{path.removesuffix('.md')}/</loc>" in sitemap, path
    assert (fast / "sitemap.xml.gz").read_bytes() == (slow / "sitemap.xml.gz").read_bytes()

    write(root, "theme/sitemap.xml", "<urlset>{% for file in pages %}<url><loc>{{ file.page.canonical_url }}</loc>"
                                     "<t>{{ file.page.title }}</t></url>{% endfor %}</urlset>\n")
    custom_theme(root, '{% extends "base.html" %}')
    result = build(root, tmp_path / "site")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: rendering failed: the sitemap"), lines
    assert "nothing was published" in lines[0] and not (tmp_path / "site").exists()


#: URL bases: schemes, ports, dot segments, empty segments, parameters, queries and fragments
_SEGMENT = st.sampled_from(["", ".", "..", "a", "docs", "b c", "%41", "x;y", "é"])
_BASES = st.builds(
    lambda scheme, host, segments, slash, tail: f"{scheme}{host}/{'/'.join(segments)}{slash}{tail}",
    st.sampled_from(["https://", "http://", "ftp://", "mailto:", "", "//"]),
    st.sampled_from(["status.example.com", "h:8080", "user@h", ""]),
    st.lists(_SEGMENT, max_size=4), st.sampled_from(["", "/"]),
    st.sampled_from(["", "?q=1", "#f", ";p", "?a#b"]))
_NAMES = st.text(alphabet=string.ascii_letters + string.digits + "-_.~ %é;?#", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(base=_BASES, parts=st.lists(_NAMES, min_size=1, max_size=3))
def test_canonical_addresses_joined_as_text_equal_mkdocs_pages(base: str, parts: list[str]) -> None:
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page as MkDocsPage

    from generator.render.fast_adapter import sitemap_pages

    files = [File("/".join(parts) + ".md", "/docs", "/site", True), File("index.md", "/docs", "/site", True),
             File(f"{parts[0]}/index.md", "/docs", "/site", True)]
    urls = [file.url for file in files] + ["a/b/", "x-y_z~/"]
    want = [(page.canonical_url, page.abs_url) for page in
            [MkDocsPage(None, file, {"site_url": base}) for file in files]]
    for url in urls[len(files):]:
        extra = File("x.md", "/docs", "/site", True)
        extra.url = url
        page = MkDocsPage(None, extra, {"site_url": base})
        want.append((page.canonical_url, page.abs_url))
    got = [(page.canonical_url, page.abs_url) for page in sitemap_pages(urls, base, "2026-11-26")]
    assert got == want


# --- Filling a shell -----------------------------------------------------------------------------------


def reference_fill(parts: list[Any], values: dict[str, str]) -> bytes:
    """The plain fill: every part in turn, every slot's form applied where it stands."""
    return "".join(part if isinstance(part, str) else part[1](values[part[0]]) for part in parts).encode(
        "utf-8", errors="xmlcharrefreplace")


#: page values: markup, entities, line ends, non-ASCII, and lone surrogates (a pair split across two values too)
_TEXT = st.lists(st.sampled_from(list("ab <>&\"'\r\n—é\U0001f600")
                                 + ["\ud800", "\udc00", "\ud83d", "\ude00", "<b>", "&amp;", "\n\n"]),
                 max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=_TEXT, body=_TEXT, alternates=st.lists(st.tuples(_TEXT, _TEXT), max_size=2),
       layout=st.lists(st.tuples(_TEXT, st.integers(0, 5), st.integers(0, 2)), max_size=10), tail=_TEXT)
def test_a_shell_filled_once_per_form_equals_the_plain_fill(title: str, body: str, alternates: list[tuple[str, str]],
                                                            layout: list[tuple[str, int, int]], tail: str) -> None:
    from generator.render.fast_adapter import FORMS, Kind, Shell, _body, fill

    names = ["title", "body", "url"] + [f"alt{i}x{key}" for i in range(len(alternates)) for key in ("href", "title")]
    parts: list[Any] = []
    for literal, name, form in layout:
        parts += [literal, (names[name % len(names)], FORMS[form][1])]
    parts.append(tail)
    meta: dict[str, Any] = {"title": title}
    if alternates:
        meta["statusgen_alternate"] = [{"href": href, "title": text} for href, text in alternates]
    page = Page(meta, body)
    kind = Kind("incidents", "incidents/p.md", page, "", parts=parts, shell=Shell.of(parts))
    values = {"title": title, "body": _body(page), "url": "incidents/x/"}
    values.update({f"alt{i}x{key}": link[key] for i, link in enumerate(meta.get("statusgen_alternate", []))
                   for key in link})
    assert fill(kind, page, "incidents/x/") == reference_fill(parts, values)


# --- The theme's files ---------------------------------------------------------------------------------


def mkdocs_theme_filter(tmp: Path) -> tuple[Any, Any]:
    """MkDocs' own filter for theme files, as it hands it to ``list_templates``, and the loaded config."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    (tmp / "docs").mkdir(exist_ok=True)
    (tmp / "mkdocs.yml").write_text("site_name: t\ntheme: {name: material}\n")
    config = load_config(str(tmp / "mkdocs.yml"))
    env = config.theme.get_env()
    seen: list[Any] = []

    def recording(extensions: Any = None, filter_func: Any = None) -> list[str]:
        seen.append(filter_func)
        return jinja2.Environment.list_templates(env, extensions, filter_func)

    env.list_templates = recording
    Files([]).add_files_from_theme(env, config)
    assert len(seen) == 1 and seen[0] is not None
    return seen[0], config


_PATHS = st.lists(st.lists(st.sampled_from([".icons", ".x", "a", "b", ".", "..a", "c.d", "readme.md", "e.html",
                                            "f.css", ".hidden.js", "g"]), min_size=1, max_size=4).map("/".join),
                  max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=_PATHS)
def test_the_theme_listing_without_dotted_folders_equals_jinjas_under_mkdocs_filter(tmp_path: Path,
                                                                                   paths: list[str]) -> None:
    from generator.render.theme_files import list_templates

    keep, _ = mkdocs_theme_filter(tmp_path)
    with tempfile.TemporaryDirectory() as folder:
        searchpath = []
        for i in range(2):
            top = Path(folder, f"dir{i}")
            top.mkdir()
            searchpath.append(str(top))
            for path in paths[i::2]:
                target = top / path
                if any(parent.is_file() for parent in [target, *target.parents] if parent != top):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.is_dir():
                    target.write_text("x")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(searchpath))
        assert list_templates(env, filter_func=keep) == jinja2.Environment.list_templates(env, filter_func=keep)
        # a filter that takes dotted names gets the full listing, dotted folders included
        assert list_templates(env, filter_func=bool) == jinja2.Environment.list_templates(env, filter_func=bool)


def test_materials_theme_lists_the_same_files_and_skips_its_icons(tmp_path: Path) -> None:
    from generator.render.theme_files import list_templates, undotted

    keep, config = mkdocs_theme_filter(tmp_path)
    env = config.theme.get_env()
    full = jinja2.Environment.list_templates(env)
    assert any(name.startswith(".icons/") for name in full)  # what the shortcut skips is really there
    assert not any(name.startswith(".icons/") for name in undotted(env.loader.searchpath, False))
    assert list_templates(env, filter_func=keep) == [name for name in full if keep(name)]


# --- Serve: filled pages reused only when their values and shell are equal -------------------------------


def test_a_rebuild_reuses_a_filled_page_only_when_its_values_and_shell_are_equal(tmp_path: Path) -> None:
    from generator.render import fast_adapter
    from generator.settings import load_settings

    root = sample_site(tmp_path / "repo")
    public, _ = describe(root)
    raw = load_settings(root).raw

    def render(site: Site, run: str, **extra: Any) -> dict[str, bytes]:
        kept: dict[str, bytes] = {}
        work = tmp_path / f"work-{run}"
        work.mkdir()
        fast_adapter.render(site, root, {**raw, **extra}, tmp_path / run, work=work, strict=True, epoch=EPOCH,
                            kept=kept)
        return kept

    first = render(public, "one")
    assert first and all(path.endswith("/index.html") for path in first)
    second = render(public, "two")
    assert second == first
    assert all(second[path] is first[path] for path in first), "an unchanged page was filled again"

    plan = fast_adapter.plan_shells(public)
    changed = sorted(plan.hidden)[-1]
    page = public.pages[changed]
    edited = dataclasses.replace(public, pages={**public.pages, changed: Page({**page.meta, "title": "Edited title"},
                                                                             page.body, page.source)})
    third = render(edited, "three")
    dest = changed.removesuffix(".md") + "/index.html"
    assert third[dest] != first[dest] and b"Edited title" in third[dest]
    assert all(third[path] is first[path] for path in first if path != dest)

    # another shell (the site's name is in every page): nothing is reused, and every page is as a cold build's
    renamed = dataclasses.replace(edited, name="Another name")
    fourth = render(renamed, "four")
    assert not any(fourth[path] is third[path] for path in third)
    fast_adapter._FILLED.clear()
    cold = render(renamed, "five")
    assert fourth == cold
    assert b"Another name" in fourth[dest]
