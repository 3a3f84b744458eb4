"""Writing incident files from the command line, so nobody hand-edits YAML during an outage.

``declare`` and ``schedule_maintenance`` write a whole new file. ``append_update`` *inserts*
text after the last item of the ``updates:`` list and touches nothing else, so comments,
quoting, key order and the Markdown body stay byte for byte. Every result is checked like
``statusgen validate`` (and, for an edit, parsed back and compared) before it is written,
atomically: a refused command leaves the file as it was. An edit holds a lock on the file from
reading to writing (:func:`locked`), so two at once take turns instead of losing one.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import policy
from generator.alerts.payloads import Fired, matching_components, severity_of
from generator.authoring.files import clean_text, find_incident, replace_file, write_new
from generator.authoring.new import new_id
from generator.clock import iso
from generator.content import models as m
from generator.content.loader import CONTENT_DIR
from generator.content.rules import (
    Reporter,
    check_components,
    check_incident,
    check_rendering,
    did_you_mean,
)
from generator.content.source import (
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    Located,
    SourceFile,
    read_yaml_file,
    split_front_matter,
    yaml_quote,
)
from generator.errors import ContentError, Diagnostic, StatusgenError, UsageError
from generator.settings import AlertsSettings

S = m.ComponentState
U = m.UpdateStatus
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/incident.schema.json"
#: How far ahead of the clock a typed time may be (rounding up to the next minute is fine;
#: "23:50" typed just after midnight, which means tomorrow, is not).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
#: How long an edit waits for another one on the same file to finish (seconds); an append takes well under one.
LOCK_WAIT = 30.0
COMPONENTS_REL = f"{CONTENT_DIR}/components.yml"
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .,;!?()'/%+=&_-]*$")
_NUMBERISH = re.compile(r"^[0-9][^ ]*$")
_UPDATES_KEY = re.compile(r"^updates[ \t]*:[ \t]*(#.*)?$")


def _error(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, "error", code, message)


# --- Values as YAML -----------------------------------------------------------------------


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same string, else double-quoted."""
    # A lone digit-led token (1e3, 0o17) is quoted too: YAML 1.2 tools would read a number.
    if _PLAIN.match(text) and not text.endswith(" ") and not _NUMBERISH.match(text) and yaml.safe_load(text) == text:
        return text
    return yaml_quote(text)


# --- Components ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Components:
    """The component ids of ``content/components.yml`` (in order), their names, and where they are listed."""

    names: dict[str, str]
    line: int
    #: the components themselves (their ``alerts:`` matchers pick those an alert affects)
    all: tuple[m.Component, ...] = ()

    def check(self, ids: list[str]) -> None:
        """Refuse ids that are not components, pointing at the list that names them."""
        problems = [_error(COMPONENTS_REL, self.line, 1, "unknown-component",
                           f"unknown component '{id_}' (from --component){did_you_mean(id_, set(self.names))}")
                    for id_ in ids if id_ not in self.names]
        if problems:
            raise ContentError(problems)


def load_components(root: Path) -> Components:
    path = root / COMPONENTS_REL
    if not (root / CONTENT_DIR).is_dir():
        raise UsageError(f"no '{CONTENT_DIR}/' folder in {root}: use --root to point at a site repository")
    if not path.is_file():
        raise ContentError([_error(COMPONENTS_REL, 1, 1, "missing-file",
                                   "content/components.yml is missing: it lists the components")])
    located, problems = read_yaml_file(path, COMPONENTS_REL)
    report = Reporter(COMPONENTS_REL, located)
    spec = check_components(located, report) if located is not None else None
    if spec is None:
        raise ContentError(problems + report.items)
    assert located is not None
    return Components({c.id: c.name for c in spec.components}, located.position(("components",))[0],
                      tuple(spec.components))


def parse_states(values: tuple[str, ...], default: S | None = None) -> dict[str, S]:
    """``--component id=state`` options (``id`` alone takes ``default``) as a mapping."""
    states: dict[str, S] = {}
    names = [s.value for s in S]
    for value in values:
        id_, sep, state = (part.strip() for part in value.partition("="))
        if not sep and default is None:
            raise UsageError(f"--component {value}: give the state too, like {id_ or 'payments'}=major_outage")
        if sep and state not in names:
            raise UsageError(f"--component {value}: unknown state '{state}'{did_you_mean(state, names)}; "
                             f"states: {', '.join(names)}")
        if id_ in states:
            raise UsageError(f"--component {id_} is given twice")
        if not re.fullmatch(m.SLUG_PATTERN, id_):
            raise UsageError(f"--component {value}: '{id_}' is not a component id")
        states[id_] = S(state) if sep else default  # type: ignore[assignment]
    return states


# --- New files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewUpdate:
    """One update to write: the values of an item of ``updates:``."""

    at: dt.datetime
    status: U
    message: str
    components: dict[str, S] | None = None

    def lines(self, first: str, indent: str, step: int) -> list[str]:
        """The item as YAML lines; ``first`` starts the item (``"  - "``), ``indent`` its other keys."""
        lines = [f"{first}at: {iso(self.at)}", f"{indent}status: {self.status}"]
        if self.components:
            lines.append(f"{indent}components:")
            lines += [f"{indent}{' ' * step}{id_}: {state}" for id_, state in self.components.items()]
        return lines + [f"{indent}message: {yaml_scalar(self.message)}"]

    def data(self) -> dict[str, object]:
        """The item as the project's YAML reader returns it (timestamps stay text)."""
        data: dict[str, object] = {"at": iso(self.at), "status": str(self.status)}
        if self.components:
            data["components"] = {id_: str(state) for id_, state in self.components.items()}
        return {**data, "message": self.message}


@dataclass(frozen=True)
class Declaration:
    title: str
    severity: m.Severity
    components: dict[str, S]
    at: dt.datetime
    message: str | None
    started: dt.datetime
    detected: dt.datetime | None = None
    commander: str | None = None
    tech_lead: str | None = None
    channel: str | None = None
    #: names of the alerts that fired (``internal.alerts``)
    alerts: tuple[str, ...] = ()


def not_in_future(moment: dt.datetime, option: str, now: dt.datetime) -> dt.datetime:
    """Refuse a time well after ``now``: a clock time like 23:50 typed after midnight means today, not yesterday."""
    if moment > now + FUTURE_TOLERANCE:
        raise UsageError(f"{option} {iso(moment)} is in the future (now is {iso(now)}); "
                         f"for an earlier day write the full time, like {iso(moment - dt.timedelta(days=1))}")
    return moment


def incident_text(d: Declaration, id_: str, first: NewUpdate) -> str:
    lines = ["---", SCHEMA_COMMENT, f"title: {yaml_scalar(d.title)}", "type: incident", f"severity: {d.severity}",
             "components:", *(f"  {c}: {s}" for c, s in d.components.items()), f"started: {iso(d.started)}"]
    if d.detected:
        lines.append(f"detected: {iso(d.detected)}")
    lines += ["updates:", *first.lines("  - ", "    ", 2), "internal:"]
    internal = {"commander": d.commander, "tech_lead": d.tech_lead, "channel": d.channel or f"#incident-{id_}"}
    lines += [f"  {key}: {yaml_scalar(value)}" for key, value in internal.items() if value]
    if d.alerts:
        lines += ["  alerts:", *(f"    - {yaml_scalar(name)}" for name in d.alerts)]
    return "\n".join(lines + ["---", ""])


def declare(root: Path, d: Declaration, components: Components | None = None) -> Path:
    """Write a new incident file, named after the day impact began."""
    components = components or load_components(root)
    components.check(list(d.components))
    if d.severity in policy.NEEDS_COMMANDER and not d.commander:
        raise UsageError(f"{d.severity} needs an incident commander: add --commander NAME")
    if d.detected and d.detected < d.started:
        raise UsageError(f"--detected {iso(d.detected)} is before --started {iso(d.started)}")
    if d.at < d.started:
        raise UsageError(f"--at {iso(d.at)} is before --started {iso(d.started)}")
    for state in d.components.values():
        if state not in m.INCIDENT_STATES:
            raise UsageError(f"--component state '{state}' is not for an incident; "
                             f"use one of {', '.join(m.INCIDENT_STATES)}")
    names = ", ".join(components.names[c] for c in d.components)
    first = NewUpdate(d.at, U.INVESTIGATING, d.message or f"We are investigating an issue affecting {names}.")
    id_ = new_id("incident", d.title, d.started.date())
    return _create(root, id_, incident_text(d, id_, first), components)


def declare_from_alert(root: Path, fired: Fired, settings: AlertsSettings, *, title: str | None,
                       severity: m.Severity | None, states: dict[str, S], at: dt.datetime, message: str | None,
                       commander: str | None, tech_lead: str | None, channel: str | None) -> Path:
    """Write the incident an alert payload declares, through :func:`declare` (one way of writing an incident).

    Title from the first alert's summary (PagerDuty: the incident's title), impact and detection
    from when the first alert began firing, components from their ``alerts:`` label matchers
    (every alert in the payload adds the components it matches: one incident, not one per alert),
    the most severe of the alerts' mapped severities, the alert names in ``internal.alerts``, and
    PagerDuty's assignee as commander. Explicit options win over each of these.
    """
    option = f"--from-{fired.source}"
    components = load_components(root)
    first = fired.alerts[0]
    if title is None:
        summary = next((a.summary for a in fired.alerts if a.summary), None)
        if summary is None:
            raise UsageError(f"{option}: alert '{first.name}' has no summary annotation to title the incident; "
                             "add one to its rule, or give the TITLE")
        title = clean_text(_one_line(summary), f"{option}: the alert's summary", multiline=False)
    level = severity or severity_of(fired, settings)
    state = S(policy.ALERT_COMPONENT_STATE[level])
    matched = {id_: state for id_ in matching_components(fired, components.all)}
    started = not_in_future(first.starts_at, f"{option}: the alert's start", at)
    names = tuple(dict.fromkeys(clean_text(_one_line(a.name), f"{option}: an alert's name", multiline=False)
                                for a in fired.alerts))
    assignee = clean_text(_one_line(fired.assignee), f"{option}: the assignee", multiline=False) \
        if fired.assignee else None
    declaration = Declaration(title=title, severity=level, components={**matched, **states}, at=at, message=message,
                              started=started, detected=started, commander=commander or assignee,
                              tech_lead=tech_lead, channel=channel, alerts=names)
    return declare(root, declaration, components)


def _one_line(text: str) -> str:
    """Payload text on one line: a template's line breaks and tabs become spaces; other controls stay, to be refused."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def maintenance_text(title: str, components: dict[str, S], start: dt.datetime, end: dt.datetime,
                     first: NewUpdate) -> str:
    lines = ["---", SCHEMA_COMMENT, f"title: {yaml_scalar(title)}", "type: maintenance", "components:",
             *(f"  {c}: {s}" for c, s in components.items()), f"scheduled_for: {iso(start)}",
             f"scheduled_until: {iso(end)}", "updates:", *first.lines("  - ", "    ", 2), "---", ""]
    return "\n".join(lines)


def schedule_maintenance(root: Path, title: str, components: dict[str, S], start: dt.datetime, end: dt.datetime,
                         message: str | None, now: dt.datetime) -> Path:
    """Write a new maintenance file, named after the day its window starts."""
    known = load_components(root)
    known.check(list(components))
    if end <= start:
        raise UsageError(f"--until {iso(end)} must be after --from {iso(start)}")
    bad = [f"{c}={s}" for c, s in components.items() if s != S.UNDER_MAINTENANCE]
    if bad:
        raise UsageError(f"--component {bad[0]}: maintenance puts components under_maintenance; give the id alone")
    names = ", ".join(known.names[c] for c in components)
    message = message or (f"We will perform scheduled maintenance on {names} from {_clock(start)} to "
                          f"{_clock(end)} UTC.")
    id_ = new_id("maintenance", title, start.date())
    first = NewUpdate(now, U.SCHEDULED, message)
    return _create(root, id_, maintenance_text(title, components, start, end, first), known)


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _create(root: Path, id_: str, text: str, components: Components) -> Path:
    rel = f"{CONTENT_DIR}/incidents/{id_}.md"
    check_text(text, rel, id_, set(components.names))
    path = root / rel
    write_new(path, text)
    return path


def check_text(text: str, rel: str, id_: str, component_ids: set[str]) -> tuple[SourceFile, m.Incident]:
    """Validate an incident file's text exactly as ``statusgen validate`` would."""
    problems = [_error(rel, number, MAX_LINE_CHARS + 1, "line-too-long", "line is too long")
                for number, line in enumerate(text.split("\n"), start=1) if len(line) > MAX_LINE_CHARS]
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        problems.append(_error(rel, 1, 1, "file-too-large", f"file would exceed {MAX_FILE_BYTES} bytes"))
    doc, parse_problems = split_front_matter(text, rel)
    problems += parse_problems
    if problems or doc is None or doc.front is None:
        raise ContentError(problems or [_error(rel, 1, 1, "invalid", "cannot read the front matter")])
    report = Reporter(rel, doc.front)
    incident = check_incident(doc, id_, component_ids, report) if check_rendering(
        doc.front, doc.body, doc.body_line, report) else None
    if incident is None:
        raise ContentError([d for d in report.items if d.severity == "error"])
    return doc, incident


# --- Appending an update ------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    """A file's text with \\n line ends, and how to write it back as it was (BOM, CRLF)."""

    raw: bytes
    text: str
    bom: bool
    newline: str

    @classmethod
    def decode(cls, raw: bytes, rel: str) -> Encoded:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ContentError.at(rel, 1, 1, "not-utf8", "file is not valid UTF-8; run 'statusgen validate'") from None
        crlf = text.count("\r\n")
        if "\r" in text.replace("\r\n", "") or (crlf and crlf != text.count("\n")):
            raise ContentError.at(rel, 1, 1, "mixed-line-endings",
                                  "file mixes line endings; make them all LF or all CRLF before appending an update")
        return cls(raw, text.replace("\r\n", "\n"), raw.startswith(codecs.BOM_UTF8), "\r\n" if crlf else "\n")

    def encode(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.replace("\n", self.newline).encode("utf-8")


@contextlib.contextmanager
def locked(path: Path, rel: str) -> Iterator[None]:
    """Hold an exclusive lock on an incident file for a whole read-modify-write.

    Two ``update`` commands at once must not both read the old text and each write it back with
    only their own update. The lock is ``flock`` on the incident file itself: no lock file can be
    left behind in ``content/`` (the kernel drops the lock when a process dies, even by kill -9).
    Edits replace the file by renaming a new one over it, so a lock won on a file that was replaced
    while waiting is dropped and taken again on the current one. Waits at most ``LOCK_WAIT`` seconds.
    """
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise UsageError(f"{rel} was removed while waiting to update it") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StatusgenError(f"{rel} is being changed by another statusgen command; "
                                             "run this one again when it has finished") from None
                    time.sleep(0.02)
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is not None and os.path.samestat(os.fstat(fd), current):
                yield
                return
        finally:
            os.close(fd)  # releases the lock


def append_update(root: Path, ref: str, update: NewUpdate) -> tuple[Path, m.Incident]:
    """Append ``update`` to an incident or maintenance file, or refuse and leave it untouched."""
    components = load_components(root)
    id_, path = find_incident(root, ref)
    rel = f"{CONTENT_DIR}/incidents/{id_}.md"
    with locked(path, rel):
        return _append_locked(path, rel, id_, components, update)


def _append_locked(path: Path, rel: str, id_: str, components: Components,
                   update: NewUpdate) -> tuple[Path, m.Incident]:
    encoded = Encoded.decode(path.read_bytes(), rel)
    doc, incident = check_text(encoded.text, rel, id_, set(components.names))
    assert doc.front is not None
    components.check(list(update.components or {}))
    refuse_transition(incident, doc.front, update, rel)
    text, start, count = insert_update(encoded.text, doc, update, rel)
    try:
        new_doc, new_incident = check_text(text, rel, id_, set(components.names))
    except ContentError as exc:
        raise ContentError([_shift(d, start, count) for d in exc.diagnostics]) from None
    _same_apart_from(doc, new_doc, update, rel, start)
    replace_file(path, encoded.raw, encoded.encode(text))
    return path, new_incident


def refuse_transition(incident: m.Incident, front: Located, update: NewUpdate, rel: str) -> None:
    """Refuse an update that cannot follow the file's last one, pointing at what is in the way."""
    meta = incident.meta
    kind = "maintenance" if incident.is_maintenance else "an incident"
    statuses = m.MAINTENANCE_STATUSES if incident.is_maintenance else m.INCIDENT_STATUSES
    states = ((S.UNDER_MAINTENANCE,) if incident.is_maintenance else m.INCIDENT_STATES) + (S.OPERATIONAL,)
    last, where = meta.updates[-1], ("updates", len(meta.updates) - 1)
    problems: list[Diagnostic] = []

    def at(path: tuple[str | int, ...], code: str, message: str) -> None:
        problems.append(_error(rel, *front.position(path), code, message))

    if last.status in (U.RESOLVED, U.COMPLETED, U.CANCELLED):
        what = "this incident" if last.status == U.RESOLVED else "this maintenance"
        at(where + ("status",), "already-closed",
           f"{what} is {last.status} (at {iso(last.at)}) and takes no more updates; "
           "if the problem is back, declare a new incident")
        raise ContentError(problems)  # the other checks would only add noise
    if update.status not in statuses:
        at(("type",), "status-of-other-type",
           f"status '{update.status}' is not for {kind}; allowed: {', '.join(statuses)}")
    for component, state in (update.components or {}).items():
        if state not in states:
            at(("type",), "invalid-state",
               f"state '{state}' (--component {component}) is not for {kind}; allowed: {', '.join(states)}")
    if update.at <= last.at:
        at(where + ("at",), "updates-out-of-order",
           f"the new update's time {iso(update.at)} is not after the last update ({iso(last.at)}); "
           "use a later --at")
    if problems:
        raise ContentError(problems)


def insert_update(text: str, doc: SourceFile, update: NewUpdate, rel: str) -> tuple[str, int, int]:
    """The text with ``update`` inserted after the last item of ``updates:``; also where, and how many lines."""
    assert doc.front is not None
    lines = text.split("\n")
    index, first, indent = _insertion_point(lines, doc.front, doc.body_line - 2, rel)
    new_lines = update.lines(first, indent, _mapping_step(doc.front))
    return "\n".join(lines[:index] + new_lines + lines[index:]), index, len(new_lines)


def _cannot(rel: str, line: int, why: str) -> ContentError:
    return ContentError([_error(rel, line, 1, "cannot-edit",
                                f"cannot append an update safely: {why}; add the update by hand")])


def _insertion_point(lines: list[str], front: Located, closing: int, rel: str) -> tuple[int, str, str]:
    """Where the new item goes (a 0-based line index) and the text that starts its lines."""
    key_line, key_column = front.positions[("updates",)]
    if not _UPDATES_KEY.match(lines[key_line - 1][key_column - 1:]):
        raise _cannot(rel, key_line, "'updates' is not written as a block list ('updates:' then '- at: …' lines)")
    count = len(front.data["updates"])
    item_line, item_column = front.positions[("updates", count - 1)]
    dash, first, indent = _dash(lines, item_line - 1, item_column - 1)
    if dash is None or first is None:
        raise _cannot(rel, item_line, "the last update does not start with '- ' in a block list")
    keys = list(front.data)
    following = keys.index("updates") + 1
    end = front.positions[(keys[following],)][0] - 1 if following < len(keys) else closing
    index = end - 1
    # Blank lines and comments not indented under the last item belong to what follows it.
    while index >= item_line and (not lines[index].strip() or (
            lines[index].lstrip().startswith("#") and len(lines[index]) - len(lines[index].lstrip()) <= dash)):
        index -= 1
    return index + 1, first, indent


def _dash(lines: list[str], line: int, column: int) -> tuple[int | None, str | None, str]:
    """The column of the last item's '-', the text that starts a new item, and its keys' indentation."""
    if match := re.fullmatch(r"( *)-( +)", lines[line][:column]):
        return len(match[1]), lines[line][:column], " " * column
    previous = line - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if not lines[line][:column].strip() and previous >= 0 and (match := re.fullmatch(r"( *)-[ \t]*", lines[previous])):
        dash = len(match[1])
        return dash, " " * dash + "- ", " " * (dash + 2)
    return None, None, ""


def _mapping_step(front: Located) -> int:
    """The file's nesting indentation, read from its top-level ``components:`` mapping (2 if unclear)."""
    components = front.data.get("components") or {}
    if not components:
        return 2
    key_line, key_column = front.positions[("components",)]
    line, column = front.positions[("components", next(iter(components)))]
    return column - key_column if line > key_line and column > key_column else 2


def _same_apart_from(old: SourceFile, new: SourceFile, update: NewUpdate, rel: str, start: int) -> None:
    """Parse the edited text back: it must hold the old data plus the new update, and the same body."""
    assert old.front is not None and new.front is not None
    expected = dict(old.front.data)
    expected["updates"] = [*expected["updates"], update.data()]
    if new.front.data != expected or new.body != old.body:
        raise _cannot(rel, start + 1, "the inserted lines would not read back as one more update "
                                      "(unusual layout after the last update)")


def _shift(diagnostic: Diagnostic, start: int, count: int) -> Diagnostic:
    """Report a problem of the edited text at its line in the file as it is."""
    line = diagnostic.line
    if line > start + count:
        line -= count
    elif line > start:
        line = start + 1
    return Diagnostic(diagnostic.file, line, diagnostic.column, diagnostic.severity, diagnostic.code,
                      diagnostic.message)


