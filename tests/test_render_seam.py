"""The renderer seam: ``build`` describes each site as data (generator.output.site), render/ alone knows MkDocs.

- a second renderer can be written against the description alone (a tiny one here, no MkDocs);
- the user's mkdocs.yml is read by MkDocs itself (``INHERIT``): ``!ENV``, ``!!python/name:`` and the
  user's ``INHERIT`` work, while what statusgen controls (``extra`` too) is really overridden;
- Material's markup is mended by theme overrides, and a site's own ``custom_dir`` is combined with them.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.output.site import Site
from tests.conftest import NOW, REPO, make_site, write


def describe(root: Path) -> list[Site]:
    """Both sites of the repository at ``root``, as ``build`` hands them to a renderer."""
    from generator.build import internal_site, public_site
    from generator.content.loader import require_content
    from generator.settings import load_settings
    from generator.status.snapshot import build_snapshot

    settings = load_settings(root)
    content, _ = require_content(root, NOW.date())
    snap = build_snapshot(content, settings, NOW)
    return [public_site(settings, snap), internal_site(settings, snap)]


def plain_render(site: Site, out: Path) -> None:
    """A second renderer, written against :class:`Site` only: one bare HTML file per page, assets as they are."""
    for path, page in site.pages.items():
        rel = path.removesuffix(".md")
        target = out / ("index.html" if rel == "index" else
                        f"{rel.removesuffix('/index')}/index.html" if rel.endswith("/index") else f"{rel}/index.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        body = page.body if page.meta.get("statusgen_html") else f"<pre>{html.escape(page.body)}</pre>"
        robots = '<meta name="robots" content="noindex">' if site.noindex else ""
        target.write_text(f"<!doctype html><title>{page.meta['title']}</title>{robots}{body}", encoding="utf-8")
    for path, data in site.assets.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)


def test_a_second_renderer_needs_only_the_site_description(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    public, internal = describe(root)
    assert (public.audience, internal.audience) == ("public", "internal")
    for site in (public, internal):
        out = tmp_path / site.audience
        plain_render(site, out)
        for path, page in site.pages.items():
            rel = path.removesuffix(".md").removesuffix("index").rstrip("/")
            text = (out / rel / "index.html").read_text(encoding="utf-8")
            assert f"<title>{page.meta['title']}</title>" in text, path
        assert all(item.path in site.pages for item in site.nav)
    assert "incidents/2026-03-30-payment-outage.md" in public.pages
    assert (tmp_path / "internal/robots.txt").read_bytes() == b"User-agent: *\nDisallow: /\n"
    assert "noindex" in (tmp_path / "internal/runbooks/high-database-cpu/index.html").read_text()


def test_describing_the_sites_imports_no_renderer(tmp_path: Path) -> None:
    """The description, and build itself, load without MkDocs or Material: they are behind render/."""
    root = make_site(tmp_path / "repo")
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from tests.test_render_seam import describe
        sites = describe(Path({str(root)!r}))
        assert sites[0].pages and sites[1].pages
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "material"))
        assert not loaded, loaded
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


def test_build_names_no_renderer_concept() -> None:
    source = (REPO / "generator/build.py").read_text(encoding="utf-8").lower()
    for word in ("mkdocs", "material", "not_in_nav", "markdown_extensions", "palette", "plugins", "docs_dir",
                 "hooks", "custom_dir", "front matter"):
        assert word not in source, word


# --- MkDocs reads the user's mkdocs.yml itself ------------------------------------------------


def _build(root: Path, env: dict[str, str] | None = None) -> Path:
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(root), "build", "-q", "--now", "2026-11-26T12:00:00Z"], env=env)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_env_tags_and_python_names_reach_mkdocs(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("copyright: © 2026 Acme Pay, Inc.", "copyright: !ENV [SEAM_COPYRIGHT, 'x']")
        + "  social:\n    - {icon: fontawesome/brands/github, link: 'https://github.example/acme'}\n"
        + "markdown_extensions:\n  - attr_list\n  - pymdownx.emoji:\n"
          "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
          "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n", encoding="utf-8")
    assert "copyright: !ENV" in config.read_text() and config.read_text().rstrip().endswith("to_svg")
    site = _build(root, env={"SEAM_COPYRIGHT": "© Seam Test Copyright"})
    page = (site / "public/subscribe/index.html").read_text(encoding="utf-8")
    footer = page[page.index('<footer class="md-footer">'):]
    assert "© Seam Test Copyright" in footer
    assert "github.example" not in page  # the user's extra reaches no template (analytics, consent: other hosts)


def test_what_statusgen_controls_is_overridden(tmp_path: Path) -> None:
    """Settings MkDocs would merge in are replaced where statusgen decides: lists, strings and our mappings."""
    root = make_site(tmp_path / "repo")
    write(root, "evil_hook.py", f"""\
        from pathlib import Path
        def on_config(config):
            Path({str(tmp_path / "hook-ran")!r}).write_text("ran")
        """)
    config = root / "mkdocs.yml"
    text = config.read_text().replace("theme:\n  name: material\n  font: false", "theme:\n  name: material\n"
                                      "  font: {text: Roboto}\n  features: [navigation.tabs]")
    text = text.replace("site_name: Acme Pay Status", "site_name: Acme \"Pay\" <b>Status</b> & Co")
    config.write_text(text + textwrap.dedent("""\
        docs_dir: elsewhere
        site_dir: elsewhere-site
        use_directory_urls: false
        nav: [{Evil: evil.md}]
        not_in_nav: ""
        plugins: {search: {lang: en}}
        hooks: [evil_hook.py]
        extra_css: [evil.css]
        extra_javascript: [evil.js]
        strict: true
        """), encoding="utf-8")
    site = _build(root)
    public = site / "public"
    home = (public / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "hook-ran").exists()
    assert not (public / "search").exists() and (site / "internal/search/search_index.json").is_file()
    assert (public / "history/index.html").is_file() and not (root / "elsewhere-site").exists()
    assert "evil" not in home and "fonts.googleapis.com" not in home
    assert 'href="assets/statusgen.css"' in home and 'src="assets/statusgen.js"' in home
    assert "md-tabs" in home  # the user's theme features stay on the public site
    # alternate links are escaped by the theme override (autoescape), never written raw
    assert 'title="Acme &#34;Pay&#34; &lt;b&gt;Status&lt;/b&gt; &amp; Co - Incident History (Atom)"' in home
    internal = (site / "internal/index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="custom"' in internal and "md-tabs" not in internal
    assert "status.acmepay.example" not in internal.split("</head>")[0]  # no site_url: no canonical link


def test_a_sites_own_custom_dir_is_combined_with_statusgens_overrides(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    write(root, "theme/main.html", """\
        {% extends "base.html" %}
        {% block extrahead %}<meta name="x-own" content="[{{ config.extra.statusgen }}]">{% endblock %}
        """)
    write(root, "theme/partials/copyright.html", '<div class="x-own-copyright">Own footer</div>\n')
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n"),
                      encoding="utf-8")
    site = _build(root)
    home = (site / "public/index.html").read_text(encoding="utf-8")
    head = home.split("</head>")[0]
    assert '<meta name="x-own" content="[]">' in head  # their block kept; extra.statusgen never reaches a template
    assert '<link rel="alternate" type="application/atom+xml"' in head  # and statusgen's still added
    assert "Own footer" in (site / "public/subscribe/index.html").read_text(encoding="utf-8")
    for page in ("internal/index.html", "internal/404.html"):
        head = (site / page).read_text(encoding="utf-8").split("</head>")[0]
        assert '<meta name="robots" content="noindex, nofollow">' in head and 'name="x-own"' in head, page


# --- Material's markup, mended by overrides ---------------------------------------------------


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(make_site(tmp_path_factory.mktemp("seam") / "repo"))


def test_overrides_mend_materials_markup(example_build: Path) -> None:
    pages = sorted(example_build.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'type="checkbox"[^>]*autocomplete', text), page
        if 'for="__toc"' in text:
            assert 'id="__toc"' in text, page
        if 'data-md-component="search"' in text:
            assert 'role="dialog" aria-label="Search"' in text, page
    internal_home = (example_build / "internal/index.html").read_text(encoding="utf-8")
    assert 'id="__toc"' in internal_home and 'for="__toc"' in internal_home  # kept where the checkbox is
    runbook = next((example_build / "internal/runbooks").glob("*/index.html")).read_text(encoding="utf-8")
    assert '<label class="md-nav__title">' in runbook and 'for="__toc"' not in runbook


def test_feeds_and_robots_come_from_the_theme(example_build: Path) -> None:
    head = (example_build / "public/index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert head.count('<link rel="alternate" type="application/') == 2 and 'name="robots"' not in head
    assert 'name="robots"' not in (example_build / "public/404.html").read_text(encoding="utf-8")


def test_an_error_in_the_sites_own_templates_is_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    root = make_site(tmp_path / "repo")
    write(root, "theme/main.html", '{% extends "base.html" %}{% block extrahead %}{% include "nope.html" %}'
                                   '{% endblock %}\n')
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n"),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "-q", "--now", "2026-11-26T12:00:00Z"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert result.output.splitlines() == [
        "statusgen: error: rendering failed: the theme has no template 'nope.html'"], result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("setting", [
    "  features: 5\n", "  features: [5]\n", "  icon: 5\n", "  icon: {logo: [1]}\n", "  logo: {a: 1}\n",
    "  favicon: [1]\n", "  direction: 5\n", "  language: [en]\n", "  font: {text: 5}\n",
    "  features: [navigation.footer]\n  icon: {next: nope/nope}\n",
    "  features: [navigation.footer]\n  icon: {previous: nope/nope}\n",
], ids=lambda setting: " ".join(setting.split()))
def test_validate_and_build_agree_on_theme_settings_of_any_shape(tmp_path: Path, setting: str) -> None:
    """The class: a theme setting of a shape the theme's templates do not expect fails in both commands, with one
    located line and no traceback, or in neither; a build that fails leaves nothing behind."""
    from click.testing import CliRunner

    from generator.cli import cli

    root = make_site(tmp_path / "repo")
    config = root / "mkdocs.yml"
    text = config.read_text()
    key = setting.split(":")[0] + ":"
    kept = "\n".join(line for line in text.split("\n") if not line.startswith(key))  # the setting replaces its own
    config.write_text(kept.replace("  name: material\n", "  name: material\n" + setting), encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(cli, ["--root", str(root), "validate", "--now", "2026-11-26T12:00:00Z"])
    built = runner.invoke(cli, ["--root", str(root), "build", "-q", "--now", "2026-11-26T12:00:00Z",
                                "--out", "new/folders/site"])
    for result in (validated, built):
        assert "Traceback" not in result.output and isinstance(result.exception, (SystemExit, type(None))), (
            result.output, result.exception)
    assert (validated.exit_code == 0) == (built.exit_code == 0), (validated.output, built.output)
    if built.exit_code:
        assert validated.output.splitlines()[0].startswith("mkdocs.yml:"), validated.output
        assert len(built.output.strip().splitlines()) == 1, built.output
        assert not (root / "new").exists(), "a failed build leaves the folders it made for --out"
    else:
        assert (root / "new/folders/site/public/index.html").is_file()


@pytest.mark.parametrize("key", ["site_name", "site_description", "site_author", "repo_name"])
def test_text_settings_stay_text_on_every_page(tmp_path: Path, key: str) -> None:
    """Material inserts these settings raw in places (``<meta content="...">``): markup in them must stay text."""
    from generator.build import build

    root = make_site(tmp_path / "repo")
    config = root / "mkdocs.yml"
    value = f'{key}"><script>alert(1)</script><b x="'
    lines = [line for line in config.read_text().split("\n") if not line.startswith(f"{key}:")]
    config.write_text("\n".join(lines) + f"\n{key}: '{value}'\nrepo_url: https://git.example/acme/status\n",
                      encoding="utf-8")
    build(root, root / "site", NOW)
    pages = sorted((root / "site").rglob("*.html"))
    assert pages
    escaped = html.escape(value, quote=True).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")
    seen = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and '<b x="' not in text, page
        seen = seen or escaped in text or html.escape(value, quote=False) in text
    assert seen or key == "repo_name", f"{key} appears on no page"
