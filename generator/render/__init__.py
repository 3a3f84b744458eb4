"""The HTML renderer behind its seam: MkDocs and Material (the only code that imports them).

``render(site, ...)`` takes a :class:`~generator.output.site.Site` and writes it as HTML;
which renderer does it is decided here alone. Two adapters stand behind the seam:

- :mod:`.mkdocs_adapter` renders every page with MkDocs + Material;
- :mod:`.fast_adapter` (the one used) renders the same bytes, but has MkDocs + Material render one
  shell per kind of generated page and fills it for the other pages of that kind.
"""

from generator.render.fast_adapter import render

__all__ = ["render"]
