"""The HTML renderer behind its seam: MkDocs and Material (the only code that imports them).

``render(site, ...)`` takes a :class:`~generator.output.site.Site` and writes it as HTML;
which renderer does it is decided here alone.
"""

from generator.render.mkdocs_adapter import render

__all__ = ["render"]
