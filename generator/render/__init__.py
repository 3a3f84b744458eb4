"""The HTML renderer behind its seam: MkDocs and Material (the only code that imports them).

``render(site, ...)`` takes a :class:`~generator.output.site.Site` and writes it as HTML;
which renderer does it is decided here alone. Two adapters stand behind the seam:

- :mod:`.mkdocs_adapter` renders every page with MkDocs + Material;
- :mod:`.fast_adapter` (the one used) renders the same bytes, but has MkDocs + Material render one
  shell per kind of generated page and fills it for the other pages of that kind.
"""

import importlib

from generator.render.fast_adapter import render

__all__ = ["preload", "render"]

#: What a render imports as MkDocs builds a site: MkDocs, the theme, the Markdown extensions and their
#: dependencies (a fifth of a second of each site's process at first).
_RENDERING = ("mkdocs.commands.build", "mkdocs.config.defaults", "mkdocs.structure.nav", "mkdocs.structure.pages",
              "mkdocs.theme", "mkdocs.localization", "mkdocs.utils.templates", "mkdocs.contrib.search.search_index",
              "material.plugins.search.plugin", "markdown.extensions.admonition", "markdown.extensions.attr_list",
              "markdown.extensions.tables", "markdown.extensions.toc", "pymdownx.highlight", "pymdownx.superfences",
              "pygments.formatters.html", "pygments.lexers.special", "pygments.styles.default", "babel.support",
              "generator.render.raw_blocks")


def preload() -> None:
    """Import now what rendering would import later: done once before a build forks a process per site,
    it is not done again in each (it changes no output; a module left out is imported when first used).

    The installed themes too: MkDocs finds them among every installed package's entry points, which each
    site's process otherwise read once more (a hundredth of a second each, with the test tools installed)."""
    for name in _RENDERING:
        importlib.import_module(name)
    importlib.import_module("mkdocs.utils").get_themes()
