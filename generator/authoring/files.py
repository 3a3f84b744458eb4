"""Writing content files safely: values checked as text fields, files created or replaced atomically.

A temporary file beside the target is written and then linked or renamed into place, so a
reader never sees half a file; its name starts with the loader's TEMP_PREFIX, so one left by a
killed command is passed over rather than stopping every build.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.content import models as m
from generator.content.loader import CONTENT_DIR, TEMP_PREFIX
from generator.content.rules import Reporter, check_incident, did_you_mean
from generator.content.source import read_markdown_file
from generator.errors import ContentError, StatusgenError, UsageError


#: A one-line value (a title, a name): well within a content file's line limit, however YAML quotes it.
MAX_ONE_LINE = 1000


def clean_text(value: str, option: str, multiline: bool = True) -> str:
    """A message or name from the command line: trimmed, not empty, only characters a text field may hold.

    Checked before trimming, so the position is the one in what was typed or pasted; a one-line
    value (a title, a name) holds no tab or line break either.
    """
    index = m.find_unprintable(value, multiline)
    if index is not None:
        char = value[index]
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise UsageError(f"{option} is not valid UTF-8")
        raise UsageError(f"{option} contains {m.describe_char(char)} at position {index + 1}; {_advice(char)}")
    text = value.strip()
    if not text:
        raise UsageError(f"{option} must not be empty")
    if not multiline and len(text) > MAX_ONE_LINE:  # else the file written fails at a line never shown
        raise UsageError(f"{option} is {len(text)} characters long; a title or name has at most {MAX_ONE_LINE}")
    return text


def _advice(char: str) -> str:
    if char == "\x1b":
        return "terminal colour codes cannot be published"
    if char in "\n\t":
        return "write it on one line, with spaces"
    return "remove it: it is invisible and feeds and pages cannot carry it"


def write_new(path: Path, text: str) -> None:
    """Create ``path`` atomically; never overwrite an existing file."""
    if path.exists():
        raise StatusgenError(f"{path} already exists; choose another title or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}new-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.link(tmp, path)  # fails if path appeared meanwhile
    finally:
        os.unlink(tmp)


def replace_file(path: Path, old: bytes, new: bytes) -> None:
    """Swap in the new bytes at once (temp file + rename); refuse if the file changed meanwhile."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}edit-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        if path.read_bytes() != old:
            raise StatusgenError(f"{path} changed while the update was being written; run the command again")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def find_incident(root: Path, ref: str) -> tuple[str, Path]:
    """An incident's id and file from its id (or the path ``declare`` printed): the one lookup."""
    id_ = Path(ref).stem if ref.endswith(".md") else ref
    folder = root / CONTENT_DIR / "incidents"
    path = folder / f"{id_}.md"
    if not m.is_slug(id_) or not path.is_file():
        known = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
        raise UsageError(f"no incident '{ref}' ({CONTENT_DIR}/incidents/{id_}.md does not exist)"
                         f"{did_you_mean(id_, known)}")
    return id_, path


def read_incident(root: Path, ref: str) -> m.Incident:
    """An incident file, read and checked on its own (its components are checked by ``validate``)."""
    id_, path = find_incident(root, ref)
    rel = f"{CONTENT_DIR}/incidents/{id_}.md"
    doc, problems = read_markdown_file(path, rel)
    if doc is None or doc.front is None:
        raise ContentError(problems)
    report = Reporter(rel, doc.front)
    incident = check_incident(doc, id_, None, report)
    if incident is None:
        raise ContentError(report.items)
    return incident
