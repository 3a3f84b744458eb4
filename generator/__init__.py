"""statusgen: status and incident sites from Markdown files in git."""

from typing import Any

from generator.errors import ContentError, Diagnostic, StatusgenError, UsageError

__all__ = ["ContentError", "Diagnostic", "StatusgenError", "UsageError", "load_content"]


def __getattr__(name: str) -> Any:
    """``load_content`` when first asked for: importing any part of the package must not load the content model."""
    if name == "load_content":
        from generator.content.loader import load_content

        return load_content
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
