"""MkDocs hooks for statusgen's generated pages (loaded through ``hooks:`` in the derived config).

Events used:
- ``on_page_markdown``: a page whose front matter says ``statusgen_html: true`` is a Markdown
  file whose body is only HTML. Python-Markdown would pass such HTML through unchanged, after
  parsing every tag of it (the larger part of a build of a long history), so the body is set
  aside and Python-Markdown gets an empty page.
- ``on_page_content``: the set-aside HTML becomes the page content.
- ``on_post_page``: ``statusgen_alternate`` in the front matter becomes ``<link rel="alternate">`` tags
  (feeds), and ``extra.statusgen_noindex`` a robots ``noindex`` meta tag (internal site); Material
  has no setting for either.
- ``on_post_template``: the same robots tag for static templates such as ``404.html``.

The pages themselves stay plain Markdown + HTML that any renderer can read.
"""

from __future__ import annotations

from typing import Any

_HTML: dict[str, str] = {}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("statusgen_html"):
        _HTML[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return _HTML.pop(page.file.src_uri, html)



def _noindex(config: Any) -> str:
    return '<meta name="robots" content="noindex, nofollow">' if config["extra"].get("statusgen_noindex") else ""


def on_post_page(output: str, page: Any, config: Any) -> str:
    """``statusgen_alternate`` in a page's front matter becomes ``<link rel="alternate">`` in its head."""
    from html import escape

    links = page.meta.get("statusgen_alternate") or []
    tags = _noindex(config) + "".join(
        f'<link rel="alternate" type="{escape(str(link["type"]))}" href="{escape(str(link["href"]))}" '
        f'title="{escape(str(link["title"]))}">' for link in links)
    return output.replace("</head>", tags + "</head>", 1) if tags else output


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    """Static templates (404.html) get the robots tag too."""
    tags = _noindex(config)
    return output_content.replace("</head>", tags + "</head>", 1) if tags and template_name.endswith(".html") \
        else output_content
