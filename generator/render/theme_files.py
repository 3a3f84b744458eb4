"""The theme's static files, listed without walking the folders MkDocs skips anyway.

Each build MkDocs lists every file of the theme (``Files.add_files_from_theme`` through Jinja's
``list_templates``) and keeps those its filter accepts. Material's templates hold some 14,000 icons
under ``.icons/``, and the filter refuses every name with a part that starts with a dot: walking
and filtering them cost a tenth of a public site's rendering. Here the listing skips folders whose
name starts with a dot, which gives the same list *only* for such a filter; a filter that accepts a
dotted name (another MkDocs) gets Jinja's full listing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from typing import Any

import jinja2

#: Names a filter must refuse before the dotted folders may be skipped (a dotted folder at the top, below).
_DOTTED = (".icons/x.svg", "assets/.cache/x.js", ".x", "a/.x")


def list_templates(env: jinja2.Environment, extensions: Collection[str] | None = None,
                   filter_func: Callable[[str], bool] | None = None) -> list[str]:
    """As ``jinja2.Environment.list_templates``, but without the dotted folders when the filter refuses them."""
    loader = env.loader
    if (type(loader) is not jinja2.FileSystemLoader or extensions is not None or filter_func is None
            or any(filter_func(name) for name in _DOTTED)):
        return jinja2.Environment.list_templates(env, extensions, filter_func)
    return [name for name in undotted(loader.searchpath, loader.followlinks) if filter_func(name)]


def undotted(searchpath: list[str], followlinks: bool) -> list[str]:
    """``FileSystemLoader.list_templates`` (same names, same order) less everything below a dotted folder."""
    found = set()
    for root in searchpath:
        for folder, subfolders, names in os.walk(root, followlinks=followlinks):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in names:
                template = os.path.join(folder, name)[len(root):].strip(os.path.sep).replace(os.path.sep, "/")
                if template[:2] == "./":
                    template = template[2:]
                found.add(template)
    return sorted(found)


def install(config: Any) -> None:
    """Make the environments of ``config``'s theme list their files as :func:`list_templates` does."""
    theme = config["theme"]
    make = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make()
        env.list_templates = lambda extensions=None, filter_func=None: list_templates(env, extensions, filter_func)
        return env

    theme.get_env = get_env
