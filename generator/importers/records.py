"""What an importer reads from a source: plain records, before they become content files.

Every problem found while reading names the item it is in (``incidents.json: incident "abc" (Title)``)
with :class:`SourceError`, so a user can find it in the source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.content import models as m
from generator.errors import StatusgenError


class SourceError(StatusgenError):
    """The source cannot be imported as it is: one line naming the item and the problem."""


class Unrepresentable(SourceError):
    """An item statusgen has no way to show faithfully (no component state at all): refused, or skipped if asked."""


@dataclass(frozen=True)
class ImportedGroup:
    id: str
    name: str
    description: str | None = None


@dataclass(frozen=True)
class ImportedComponent:
    id: str
    name: str
    group: str | None = None
    description: str | None = None
    start_date: dt.date | None = None


@dataclass(frozen=True)
class ImportedUpdate:
    at: dt.datetime
    status: m.UpdateStatus
    #: Markdown
    message: str
    components: dict[str, m.ComponentState] | None = None


@dataclass(frozen=True)
class ImportedIncident:
    """One incident or maintenance; ``item`` is how messages name it in the source."""

    item: str
    #: ``statuspage:<id>`` or ``cstate:<file>``: written into the file, so a re-import finds it
    source: str
    title: str
    maintenance: bool
    components: dict[str, m.ComponentState]
    updates: list[ImportedUpdate]
    severity: m.Severity | None = None
    started: dt.datetime | None = None
    scheduled_for: dt.datetime | None = None
    scheduled_until: dt.datetime | None = None
    #: Markdown under the front matter (the incident page's description)
    body: str = ""
    #: the file id to use when it is free: a source that already names its items as statusgen does
    preferred_id: str | None = None

    @property
    def day(self) -> dt.date:
        """The date in the file name: when impact began, or when the window opens (as ``declare`` names files)."""
        moment = self.scheduled_for if self.maintenance else self.started
        return (moment or self.updates[0].at).date()


@dataclass
class Imported:
    """Everything one source holds."""

    groups: list[ImportedGroup] = field(default_factory=list)
    components: list[ImportedComponent] = field(default_factory=list)
    incidents: list[ImportedIncident] = field(default_factory=list)
    #: items passed over on purpose, with why (printed, never silent)
    skipped: list[str] = field(default_factory=list)


def one_line(text: str, item: str, what: str) -> str:
    """A title or name: trimmed, one line, only characters content may hold (refused otherwise, not cleaned)."""
    index = m.find_unprintable(text, multiline=False)
    if index is not None:
        raise SourceError(f"{item}: {what} contains {m.describe_char(text[index])} at position {index + 1}, "
                          "which a status page cannot show")
    text = text.strip()
    if not text:
        raise SourceError(f"{item}: {what} is empty")
    return text


#: ASCII punctuation CommonMark may read as markup anywhere in a line; a backslash makes each literal.
_INLINE = re.compile(r"([\\`*_\[\]<>&!|~#])")
#: What opens a block at the start of a paragraph: a list item, a heading underline, a thematic break.
_BLOCK_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def markdown_text(text: str, item: str, what: str) -> str:
    """Plain text (a Statuspage update body) as Markdown that reads back as the same text.

    Paragraphs stay paragraphs; the lines of one paragraph are joined with a space (a line
    break inside a paragraph is a space in Markdown anyway); every character CommonMark could
    read as markup is escaped, so the JSON API's plain-text body is the text imported.
    Control characters are refused with the item's name, not removed (a status page publishes
    exactly what was reviewed); CR LF and CR line ends are line ends.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    index = m.find_unprintable(text)
    if index is not None:
        raise SourceError(f"{item}: {what} contains {m.describe_char(text[index])} at position {index + 1}, "
                          "which a status page cannot show")
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text):
        words = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if words:
            escaped = _INLINE.sub(r"\\\1", words)
            paragraphs.append(_BLOCK_START.sub(lambda match: match.group(1) + "\\" if match.group(1).isdigit()
                                               else "\\" + match.group(1), escaped))
    if not paragraphs:
        raise SourceError(f"{item}: {what} is empty")
    return "\n\n".join(paragraphs)
