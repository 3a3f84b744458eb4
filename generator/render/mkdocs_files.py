"""MkDocs hooks (``hooks:`` in the derived config) for how statusgen hands pages to MkDocs.

- ``on_files``: the pages and assets staged by :func:`~generator.render.mkdocs_adapter.stage_docs`
  become ``File.generated`` files (MkDocs 1.6), so no Markdown tree is written, read back and deleted.
- ``on_config`` (first of all plugins): every Jinja environment of the theme keeps compiled templates
  (:mod:`generator.output.template_cache`): MkDocs' own, and the three Material's search plugin makes in
  its ``on_config`` to read the theme's language templates.
- ``on_files``, ``on_nav``, ``on_env``, ``on_post_build``: the fast renderer's shells
  (:mod:`generator.render.fast_adapter`); they do nothing for a site rendered without it.
"""

from __future__ import annotations

from typing import Any

import jinja2
from mkdocs.plugins import event_priority

from generator.output.template_cache import template_cache
from generator.render import fast_adapter
from generator.render.mkdocs_adapter import generated_files


@event_priority(100)  # before Material's search plugin, whose on_config makes environments of the theme
def on_config(config: Any) -> Any:
    theme = config.theme
    make = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make()
        env.bytecode_cache = template_cache()
        return env

    theme.get_env = get_env
    return config


def on_files(files: Any, config: Any) -> Any:
    files = generated_files(files, config)
    fast_adapter.on_files(files, config)
    return files


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    fast_adapter.on_nav(nav, config, files)
    return nav


def on_env(env: Any, config: Any, files: Any) -> Any:
    fast_adapter.on_env(env, config)
    return env


def on_post_build(config: Any) -> None:
    fast_adapter.on_post_build(config)
