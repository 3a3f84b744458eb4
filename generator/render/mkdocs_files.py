"""MkDocs hook (``hooks:`` in the derived config) that hands MkDocs statusgen's pages from memory.

``on_files``: the pages and assets staged by :func:`~generator.render.mkdocs_adapter.stage_docs`
become ``File.generated`` files (MkDocs 1.6), so no Markdown tree is written, read back and deleted.
"""

from __future__ import annotations

from typing import Any

from generator.render.mkdocs_adapter import generated_files


def on_files(files: Any, config: Any) -> Any:
    return generated_files(files, config)
