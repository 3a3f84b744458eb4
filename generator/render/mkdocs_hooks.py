"""MkDocs hooks for statusgen's generated pages (loaded through ``hooks:`` in the derived config).

Events used:
- ``on_config``: loads the metadata statusgen wrote for every page (``extra.statusgen_pages``), and
  keeps only statusgen's own keys in ``extra``: the user's ``extra`` (``extra.statusgen`` above all),
  merged in from their ``mkdocs.yml`` through ``INHERIT``, reaches no template. The site name (and the
  other text settings, :data:`TEXT_SETTINGS`) becomes escaped ``Markup``: Material inserts
  ``config.site_name`` raw in some places (``<title>``, the header, ``aria-label``) and with ``| e`` in others, and escaped Markup reads as text in both
  (``| e`` leaves Markup as it is), so ``site_name: 'A "<b>"'`` shows as typed and nothing is live.
  The theme's files are listed without walking its dotted folders (:mod:`.theme_files`).
- ``on_page_markdown``: first, the page's metadata as MkDocs read it must be exactly what statusgen
  wrote (MkDocs silently drops front matter its YAML reader rejects and would then render the page
  as raw Markdown); any difference fails the build (``page.check``). Then a page whose
  front matter says ``statusgen_html: true`` is a Markdown file whose body is only HTML. Python-Markdown would pass such HTML through unchanged, after
  parsing every tag of it (the larger part of a build of a long history), so the body is set
  aside and Python-Markdown gets an empty page.
- ``on_page_content``: the set-aside HTML becomes the page content.

The robots tag, alternate links and the mended spots of Material's markup come from the theme
overrides (``overrides/``), not from editing the HTML here.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from generator.output.page import check
from generator.render import theme_files
from generator.render.mkdocs_adapter import OWN_EXTRA, load_expected

#: The settings that are text, not HTML, which Material inserts raw in places (the site name, the description and
#: author in ``<meta>`` attributes, the repository name in the header). ``copyright`` stays HTML, as MkDocs documents.
TEXT_SETTINGS = ("site_name", "site_description", "site_author", "repo_name")

_HTML: dict[str, str] = {}
_EXPECTED: dict[str, dict[str, Any]] = {}


def on_config(config: Any) -> Any:
    extra = config["extra"]
    for key in [key for key in extra if key not in OWN_EXTRA]:
        del extra[key]
    _EXPECTED.clear()
    _EXPECTED.update(load_expected(config["extra"].get("statusgen_pages")))
    for key in TEXT_SETTINGS:
        if isinstance(config[key], str):
            config[key] = Markup.escape(config[key])
    theme_files.install(config)
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    check(page.file.src_uri, page.meta, _EXPECTED)
    if page.meta.get("statusgen_html"):
        _HTML[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return _HTML.pop(page.file.src_uri, html)
