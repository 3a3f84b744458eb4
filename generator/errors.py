"""Problems a user can cause, and how they are reported.

Every problem in content is a :class:`Diagnostic` (file, line, column, severity,
code, message). Code that finds problems collects them; code that must stop on a
problem raises an exception of the one user-error family::

    StatusgenError              any problem the user can fix; never shown as a traceback
    ├── ContentError            one or more diagnostics in content files
    └── UsageError              a bad command-line value or a missing file (exit 2)

The CLI turns these into ``path:line:col: error: message`` lines and an exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one file; lines and columns count from 1."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __post_init__(self) -> None:
        # A message quotes what the author wrote; a control character in it must not reach a
        # terminal or a CI log as itself (colours, cursor moves, a fake line of output).
        for name in ("file", "message"):
            object.__setattr__(self, name, visible(getattr(self, name)))

    def format_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def format_github(self) -> str:
        """A GitHub workflow command; escaped so that no file name or message can end it or start another."""
        kind = "error" if self.severity == "error" else "warning"
        properties = {"file": self.file, "line": self.line, "col": self.column, "title": f"statusgen {self.code}"}
        listed = ",".join(f"{key}={_github_property(str(value))}" for key, value in properties.items())
        return f"::{kind} {listed}::{_github_data(self.message)}"

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def visible(text: str) -> str:
    """``text`` with every control or invisible line-breaking character written as an escape (``\\x1b``)."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


def _github_data(text: str) -> str:
    """Escape a workflow command's message as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """Escape a workflow command's property value: ``:`` and ``,`` also end one."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


class StatusgenError(Exception):
    """Base of every problem a user can cause and fix; knows how to show itself, like click's exceptions."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What the user reads: one line."""
        return [f"statusgen: error: {visible(str(self))}"]


class ContentError(StatusgenError):
    """Files have errors at known places; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        first = self.diagnostics[0].format_text() if self.diagnostics else "invalid content"
        super().__init__(first)

    def lines(self) -> list[str]:
        return [d.format_text() for d in self.diagnostics]

    @classmethod
    def at(cls, file: str, line: int, column: int, code: str, message: str) -> ContentError:
        """One error at one place."""
        return cls([Diagnostic(file, line, column, "error", code, message)])


class UsageError(StatusgenError):
    """A command-line value that cannot be used (exit 2, like click's usage errors)."""

    exit_code = 2
