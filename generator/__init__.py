"""statusgen: status and incident sites from Markdown files in git."""

from .errors import ContentError, Diagnostic, StatusgenError, UsageError
from .loader import load_content

__all__ = ["ContentError", "Diagnostic", "StatusgenError", "UsageError", "load_content"]
