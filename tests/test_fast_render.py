"""The fast renderer (issue 15 §2): shells filled for the many generated pages, the same bytes as MkDocs.

- both adapters behind the renderer seam render the same sites to identical files, every page, the
  sitemap and the search index included, with edge cases (HTML-special titles, sub-folders, first and
  last pages, pages with and without a table of contents, bodies with and without an ``<h1>``);
- a shell that cannot be filled exactly stops the build with one line, and nothing is published;
- the two sites render in parallel processes, and an error in the second process is still one line;
- pages are handed to MkDocs in memory: no Markdown tree is written.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.errors import ContentError, Diagnostic, StatusgenError
from generator.output.page import Page
from generator.output.site import Site
from tests.conftest import INCIDENT, NOW, make_site, write
from tests.test_render_seam import describe
from tests.tools import tool_missing

EPOCH = int(NOW.timestamp())
SPECIAL = "Payments <b>\"down\"</b> & 'slow' \u2014 caf\u00e9 <script>x</script>"


def incident(title: str, day: int, body: str = "Public description.") -> str:
    text = INCIDENT.replace("title: Payment processing failing", f"title: {json.dumps(title)}")
    text = text.replace("2026-03-30T", f"2026-03-{day:02d}T")
    return text.replace("Public description.", body)


def sample_site(root: Path) -> Path:
    """The test site, with more incidents: HTML-special titles and bodies, and several of each kind."""
    make_site(root)
    components = root / "content/components.yml"  # a component name with HTML-special characters: feed link titles
    components.write_text(components.read_text() + '  - id: search\n    name: "Search & \\"Reports\\" <beta>"\n')
    write(root, "content/incidents/2026-03-10-special.md", incident(SPECIAL, 10,
                                                                     "Body with <b>markup</b> & *emphasis*."))
    write(root, "content/incidents/2026-03-11-plain.md", incident("Plain & simple", 11))
    write(root, "content/incidents/2026-03-12-quotes.md", incident('Quote " and &amp; literal', 12, ""))
    return root


def extra_pages(site: Site) -> Site:
    """Edge cases the generated sites do not have: pages in sub-folders, with and without a TOC or an <h1>."""
    pages = dict(site.pages)
    shape = dict(next(page.meta for path, page in site.pages.items() if path.startswith("incidents/")
                      and path != "incidents/index.md"))
    for name, title, body in [("a", "First &amp; sub", "<h1>Sub a</h1><p>one</p>"),
                              ("b", "Second", "<h1>Sub b</h1><p>two</p>"),
                              ("c", "No heading &lt;here&gt;", "<p>no h1 at all</p>"),
                              ("d", "No heading either", "\n\n<p>leading newlines</p>\r\n<p>crlf</p>")]:
        pages[f"incidents/archive/{name}.md"] = Page({**shape, "title": title}, body)
    toc = {"title": "With a TOC", "search": {"exclude": True}} if site.search else {"title": "With a TOC"}
    pages["incidents/notes.md"] = Page(toc, "# Notes\n\n## One\n\ntext\n\n## Two\n\nmore\n")
    return dataclasses.replace(site, pages=pages)


def render_both(site: Site, root: Path, tmp: Path) -> tuple[Path, Path]:
    from generator.render import fast_adapter, mkdocs_adapter
    from generator.settings import load_settings

    raw = load_settings(root).raw
    outs = []
    for name, adapter in (("mkdocs", mkdocs_adapter), ("fast", fast_adapter)):
        work = tmp / f"{name}-{site.audience}-work"
        work.mkdir()
        out = tmp / f"{name}-{site.audience}"
        adapter.render(site, root, raw, out, work=work, strict=True, epoch=EPOCH)
        outs.append(out)
    return outs[0], outs[1]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_both_adapters_render_identical_bytes_for_every_page_sitemap_and_search_index(tmp_path: Path) -> None:
    from generator.render.fast_adapter import plan_shells

    root = sample_site(tmp_path / "repo")
    for site in describe(root):
        site = extra_pages(site)
        plan = plan_shells(site)
        # the fast path really is taken for every many-of-a-kind sort and every edge case
        folders = {path.rpartition("/")[0] for path in plan.hidden}
        expected = {"incidents", "incidents/archive"} | ({"components"} if site.audience == "public" else set())
        assert expected <= folders, (site.audience, folders)
        assert {"incidents/archive/b.md", "incidents/archive/d.md"} <= plan.hidden
        assert "incidents/notes.md" not in plan.members and "index.md" not in plan.members  # stay MkDocs pages
        special = next(path for path, page in site.pages.items() if page.meta.get("title", "").startswith("Payments &lt;b"))
        assert special in plan.members
        slow, fast = render_both(site, root, tmp_path)
        want, got = tree(slow), tree(fast)
        assert sorted(want) == sorted(got)
        differing = [name for name in want if want[name] != got[name]]
        assert not differing, differing[:5]
        assert "incidents/archive/b/index.html" in got and "sitemap.xml" in got
        assert "sgshell" not in "".join(data.decode("utf-8", "replace") for data in got.values())
        if site.search:
            assert "search/search_index.json" in got
        page = got[special.removesuffix(".md") + "/index.html"].decode()
        assert "Payments &lt;b&gt;&#34;down&#34;" in page or "Payments &lt;b&gt;" in page
        assert "<script>x</script>" not in page


def custom_theme(root: Path, main_html: str) -> None:
    write(root, "theme/main.html", textwrap.dedent(main_html))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n"))


def build(root: Path, out: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(out), "-q",
                                    "--now", "2026-11-26T12:00:00Z"])


@pytest.mark.parametrize("main_html, says", [
    # the title through a filter statusgen does not repeat: the witness would differ
    ('{% extends "base.html" %}{% block extrahead %}<meta name="t" content="{{ page.title | upper }}">'
     '{% endblock %}', "does not reproduce"),
    # the body twice: a shell must have it exactly once
    ('{% extends "base.html" %}{% block content %}{{ page.content }}<hr>{{ page.content }}{% endblock %}',
     "its body 2 times"),
    # the title in a form no filler knows (urlencoded), which would leave a marker behind
    ('{% extends "base.html" %}{% block extrahead %}<meta name="t" content="{{ page.title | urlencode }}">'
     '{% endblock %}', "in a form statusgen cannot fill"),
])
def test_a_shell_that_cannot_be_filled_exactly_stops_the_build(tmp_path: Path, main_html: str, says: str) -> None:
    root = sample_site(tmp_path / "repo")
    custom_theme(root, main_html)
    result = build(root, tmp_path / "site")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: rendering failed: ")
    assert says in lines[0] and "nothing was published" in lines[0]
    assert "Traceback" not in result.output and not (tmp_path / "site").exists()


def test_a_theme_that_varies_nothing_per_page_builds_with_shells(tmp_path: Path) -> None:
    """The fail-closed checks are not a blanket refusal of custom themes: a site's own main.html builds."""
    root = sample_site(tmp_path / "repo")
    custom_theme(root, '{% extends "base.html" %}{% block extrahead %}<meta name="x" content="{{ page.title }}">'
                       '{{ super() }}{% endblock %}')
    result = build(root, tmp_path / "site")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site/public/incidents/2026-03-11-plain/index.html").read_text()
    assert '<meta name="x" content="Plain &amp; simple">' in page


def test_an_error_in_the_second_process_is_one_line_and_nothing_is_published(tmp_path: Path) -> None:
    """The internal site (the second process) fails alone: reported as when the sites rendered in turn."""
    from generator.background import parallel

    if not parallel():
        tool_missing("one core only: the sites render in one process here (CI has two)")
    root = sample_site(tmp_path / "repo")
    custom_theme(root, '{% extends "base.html" %}{% block extrahead %}{% if config.extra.statusgen_noindex %}'
                       '{% include "partials/missing-on-purpose.html" %}{% endif %}{% endblock %}')
    result = build(root, tmp_path / "site")
    assert result.exit_code == 1, result.output
    assert result.output.strip() == ("statusgen: error: rendering failed: the theme has no template "
                                     "'partials/missing-on-purpose.html'")
    assert not (tmp_path / "site").exists() and not list(root.glob(".statusgen-build-*"))


def test_the_second_process_returns_errors_as_the_same_exceptions() -> None:
    from generator.background import Background

    diagnostic = Diagnostic("content/x.md", 3, 4, "error", "code", "a message")

    def content() -> tuple[int, list[str]]:
        raise ContentError([diagnostic])

    def plain() -> tuple[int, list[str]]:
        raise StatusgenError("plain trouble")

    def fine() -> tuple[int, list[str]]:
        return 7, ["a warning"]

    with pytest.raises(ContentError) as caught:
        Background(content, "a test job").result()
    assert caught.value.diagnostics == [diagnostic]
    with pytest.raises(StatusgenError, match="^plain trouble$"):
        Background(plain, "a test job").result()
    assert Background(fine, "a test job").result() == (7, ["a warning"])


def test_the_second_process_dies_with_its_parent(tmp_path: Path) -> None:
    """A killed build leaves no process writing behind it (Linux's PR_SET_PDEATHSIG, asked for in the child)."""
    import os
    import subprocess
    import sys
    import time

    if not sys.platform.startswith("linux"):
        pytest.skip("a child is told to die with its parent on Linux only")
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import os, sys, time
        from generator.background import Background

        def job():
            print(os.getpid(), flush=True)
            time.sleep(120)

        Background(job, "a test job")
        time.sleep(120)
    """))
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}) as parent:
        try:
            child = int(parent.stdout.readline())  # type: ignore[union-attr]
        finally:
            parent.kill()
    status = Path(f"/proc/{child}/status")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if "\nState:\tZ" in status.read_text():  # killed; not yet reaped by whoever adopted it
                break
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.05)
    else:
        os.kill(child, 9)
        pytest.fail("the second process outlived its parent")

def test_no_markdown_tree_is_written(tmp_path: Path) -> None:
    """Pages reach MkDocs in memory: the docs folders stay empty."""
    from generator.render import render
    from generator.settings import load_settings

    root = sample_site(tmp_path / "repo")
    public, _ = describe(root)
    work = tmp_path / "work"
    work.mkdir()
    render(public, root, load_settings(root).raw, tmp_path / "out", work=work, strict=True, epoch=EPOCH)
    assert (tmp_path / "out/incidents/2026-03-11-plain/index.html").is_file()
    assert list((work / "public-docs").iterdir()) == []


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_processes_of_a_build_make_what_one_process_makes(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Incidents read by two processes, the sites and the feeds made by two: every file as one process makes it."""
    import generator.build
    import generator.content.loader
    from benchmarks.synthetic import write_site
    from generator.background import parallel

    if not parallel():
        tool_missing("one core only: a build runs in one process here (CI has two)")
    root = write_site(tmp_path / "repo", generator.content.loader.PARALLEL_FILES + 10, NOW)
    generator.build.build(root, tmp_path / "three", NOW)
    monkeypatch.setattr(generator.build, "parallel", lambda: False)
    monkeypatch.setattr(generator.content.loader, "parallel", lambda: False)
    generator.build.build(root, tmp_path / "one", NOW)
    three, one = _tree(tmp_path / "three"), _tree(tmp_path / "one")
    assert sorted(three) == sorted(one) and "public/history.atom" in one
    assert [name for name in one if three[name] != one[name]] == []


def test_an_error_making_the_feeds_is_one_line_and_nothing_is_published(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A part of the feeds fails, in whichever process took it: one line, as when one process made them all."""
    import generator.output.subscriber_files

    def failing(*args: object) -> list[object]:
        def job() -> dict[str, bytes]:
            raise StatusgenError("the feeds could not be made")
        return [job, job, job]

    monkeypatch.setattr(generator.output.subscriber_files, "subscriber_jobs", failing)  # the fork inherits it
    root = sample_site(tmp_path / "repo")
    result = build(root, tmp_path / "site")
    assert result.exit_code == 1, result.output
    assert result.output.strip() == "statusgen: error: the feeds could not be made"
    assert not (tmp_path / "site").exists() and not list(tmp_path.glob(".statusgen-*"))


def test_the_internal_sites_process_makes_the_feeds_the_public_one_has_not_taken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds' parts go to whichever process is free first. Here the public site's process is slow (a pause
    before describing its site), so the internal one's takes every part: the same files, which this process
    writes, as when it made them all itself."""
    import os
    import time

    import generator.build
    import generator.output.subscriber_files
    from generator.background import parallel

    if not parallel():
        tool_missing("one core only: the feeds are made in the public site's process here (CI has two)")
    root = sample_site(tmp_path / "repo")
    generator.build.build(root, tmp_path / "alone", NOW, sites=("public",))
    real_jobs, real_public = generator.output.subscriber_files.subscriber_jobs, generator.build.public_site
    makers, parts = tmp_path / "makers", []

    def recorded(*args: object) -> list[object]:
        def record(job: Any) -> Any:
            def made() -> dict[str, bytes]:
                with makers.open("a") as log:
                    log.write(f"{os.getpid()}\n")
                return job()  # type: ignore[no-any-return]
            return made
        jobs = [record(job) for job in real_jobs(*args)]  # type: ignore[arg-type]
        parts.append(len(jobs))
        return jobs

    def slow_public(*args: object, **kwargs: object) -> object:
        time.sleep(3)  # the internal site's process renders its site, then takes every part meanwhile
        return real_public(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.output.subscriber_files, "subscriber_jobs", recorded)
    monkeypatch.setattr(generator.build, "public_site", slow_public)
    generator.build.build(root, tmp_path / "both", NOW)
    pids = makers.read_text().split()
    assert len(pids) == parts[0] > 3 and str(os.getpid()) not in pids  # each part made once, all by the other
    alone, both = _tree(tmp_path / "alone" / "public"), _tree(tmp_path / "both" / "public")
    assert "history.atom" in alone and "api/v2/summary.json" in alone and "maintenance.ics" in alone
    assert [name for name in alone if both.get(name) != alone[name]] == []


def test_feeds_of_more_parts_than_can_be_claimed_are_made_by_the_public_sites_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the parts cannot be claimed (more than a pipe holds), the public site's process makes them all,
    and the internal site's process none: the same files."""
    import generator.build
    from generator import background
    from generator.background import parallel

    if not parallel():
        tool_missing("one core only: the feeds are made in the public site's process here (CI has two)")
    root = sample_site(tmp_path / "repo")
    generator.build.build(root, tmp_path / "claimed", NOW)
    monkeypatch.setattr(background.Claims, "MOST", 2)  # the sample site has more parts than that
    generator.build.build(root, tmp_path / "unclaimed", NOW)
    claimed, unclaimed = _tree(tmp_path / "claimed"), _tree(tmp_path / "unclaimed")
    assert sorted(claimed) == sorted(unclaimed) and "public/maintenance.ics" in claimed
    assert [name for name in claimed if claimed[name] != unclaimed[name]] == []


_PATH_PART = st.text(st.sampled_from("abcXYZ019_-. %#?é/"), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(folders=st.lists(_PATH_PART, min_size=1, max_size=3), name=st.one_of(_PATH_PART, st.sampled_from(
    ["index", "README", "a.b", "x y", "100%", "caf\u00e9"])))
def test_a_hidden_page_is_given_the_address_mkdocs_derives(folders: list[str], name: str) -> None:
    """The output path and address the fast renderer sets on a hidden page's file are MkDocs' own, or it
    leaves the page to MkDocs."""
    from mkdocs.structure.files import File

    from generator.render.fast_adapter import _address

    path = "/".join(folders + [f"{name}.md"])
    address = _address(path)
    if address is None:
        return
    file = File(path, src_dir=None, dest_dir="/site", use_directory_urls=True)
    assert address == (file.dest_uri, file.url), path
