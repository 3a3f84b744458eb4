"""statusgen: status and incident sites from Markdown files in git."""

from generator.content.loader import load_content
from generator.errors import ContentError, Diagnostic, StatusgenError, UsageError

__all__ = ["ContentError", "Diagnostic", "StatusgenError", "UsageError", "load_content"]
