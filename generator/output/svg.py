"""The one Jinja environment for SVG (badges, charts): autoescape on, undefined values an error.

Badges and charts carry names and titles from content inside XML, so they are templates whose
every inserted value is escaped, never strings joined by hand. The Python beside each template
computes the geometry; the template only places numbers and text.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Templates under ``templates/svg``; a line of a template starting with ``{#- #}`` joins the line above,
    so templates read one element a line while the SVG is one line, as before."""
    return jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates/svg"),
                              autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(name: str, **values: object) -> Markup:
    """SVG markup from ``templates/svg/<name>``, safe to embed in an HTML page as it is."""
    return Markup(environment().get_template(name).render(**values))
