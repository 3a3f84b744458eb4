"""The one Jinja environment for SVG (badges, charts): autoescape on, undefined values an error.

Badges and charts carry names and titles from content inside XML, so they are templates whose
every inserted value is escaped, never strings joined by hand. The Python beside each template
computes the geometry; the template only places numbers and text.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from generator.output.template_cache import template_cache


def _xml_text(value: object) -> Markup:
    """A value escaped as XML text that reads back as it is, in an attribute too: XML reads a tab or a line
    break in an attribute as a space (a site name may run over lines), so those are character references."""
    return Markup(str(escape(value)).replace("\t", "&#9;").replace("\n", "&#10;"))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Templates under ``templates/svg``; a line of a template starting with ``{#- #}`` joins the line above,
    so templates read one element a line while the SVG is one line, as before."""
    return jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates/svg"), autoescape=True,
                              finalize=_xml_text, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              bytecode_cache=template_cache(),
                              lstrip_blocks=True)


def render(name: str, **values: object) -> Markup:
    """SVG markup from ``templates/svg/<name>``, safe to embed in an HTML page as it is."""
    return Markup(environment().get_template(name).render(**values))
