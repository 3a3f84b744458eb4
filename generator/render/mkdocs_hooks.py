"""MkDocs hooks for statusgen's generated pages (loaded through ``hooks:`` in the derived config).

Events used:
- ``on_config``: loads the metadata statusgen wrote for every page (``extra.statusgen_pages``).
- ``on_page_markdown``: first, the page's metadata as MkDocs read it must be exactly what statusgen
  wrote (MkDocs silently drops front matter its YAML reader rejects and would then render the page
  as raw Markdown); any difference fails the build (``frontmatter.check``). Then a page whose
  front matter says ``statusgen_html: true`` is a Markdown file whose body is only HTML. Python-Markdown would pass such HTML through unchanged, after
  parsing every tag of it (the larger part of a build of a long history), so the body is set
  aside and Python-Markdown gets an empty page.
- ``on_page_content``: the set-aside HTML becomes the page content.
- ``on_post_page``: ``statusgen_alternate`` in the front matter becomes ``<link rel="alternate">`` tags
  (feeds), and ``extra.statusgen_noindex`` a robots ``noindex`` meta tag (internal site); Material
  has no setting for either.
- ``on_post_template``: the same for static templates such as ``404.html``.
- Both also mend the spots of Material's markup that fail the Nu HTML Checker or axe-core
  (``_valid_html``).

The pages themselves stay plain Markdown + HTML that any renderer can read.
"""

from __future__ import annotations

from typing import Any

from generator.output.page import check, load_expected

_HTML: dict[str, str] = {}
_EXPECTED: dict[str, dict[str, Any]] = {}


def on_config(config: Any) -> Any:
    _EXPECTED.clear()
    _EXPECTED.update(load_expected(config["extra"].get("statusgen_pages")))
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    check(page.file.src_uri, page.meta, _EXPECTED)
    if page.meta.get("statusgen_html"):
        _HTML[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return _HTML.pop(page.file.src_uri, html)


def _noindex(config: Any) -> str:
    return '<meta name="robots" content="noindex, nofollow">' if config["extra"].get("statusgen_noindex") else ""


def _valid_html(output: str) -> str:
    """Mend the spots where Material 9's markup fails the Nu HTML Checker or axe-core.

    ``autocomplete`` is not allowed on its checkbox toggles, the table-of-contents label
    points at a ``__toc`` checkbox that Material only renders for pages in the nav, and the
    search dialog has no accessible name.
    """
    output = output.replace('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"')
    output = output.replace('type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"')
    # The search dialog has no accessible name (axe: aria-dialog-name).
    output = output.replace('<div class="md-search" data-md-component="search" role="dialog">',
                            '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">')
    if 'id="__toc"' not in output:
        output = output.replace('<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">')
    return output


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Feeds (``statusgen_alternate``) and the robots tag go into the head; Material's markup is mended."""
    from html import escape

    links = page.meta.get("statusgen_alternate") or []
    tags = _noindex(config) + "".join(
        f'<link rel="alternate" type="{escape(str(link["type"]))}" href="{escape(str(link["href"]))}" '
        f'title="{escape(str(link["title"]))}">' for link in links)
    output = _valid_html(output)
    return output.replace("</head>", tags + "</head>", 1) if tags else output


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    """Static templates (404.html) get the robots tag and the same mending."""
    if not template_name.endswith(".html"):
        return output_content
    tags = _noindex(config)
    output_content = _valid_html(output_content)
    return output_content.replace("</head>", tags + "</head>", 1) if tags else output_content
