"""The rules each content file must follow, turned into diagnostics.

Each ``check_*`` function takes one parsed file and returns the loaded document
(or ``None`` when it cannot be used) plus its diagnostics; cross-file rules
(ids that must exist) take the ids known so far. Nothing here raises for a
problem in content.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import policy
from generator.content import models as m
from generator.content.markdown import one_line_bound, rendered_size, size_bound, table_cells
from generator.content.rotation import shared_turns
from generator.content.sections import RawSection, Table, normalize_title, read_sections
from generator.content.source import (
    MAX_RENDERED_BYTES,
    MAX_TABLE_CELLS,
    Located,
    SourceFile,
    aliases,
    is_fence,
)
from generator.errors import Diagnostic, Severity

#: Template table columns a document may leave out.
OPTIONAL_COLUMNS = frozenset({"status"})
ACTION_STATUSES = ("open", "done")
_TIME_CELL = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(:\d{2})?(Z| ?UTC)?$")
_DATE_CELL = re.compile(r"^\d{4}-\d{2}-\d{2}$")

M = TypeVar("M", bound=BaseModel)


class Reporter:
    """Collects the diagnostics of one file."""

    def __init__(self, file: str, located: Located | None = None) -> None:
        self.file = file
        self.located = located
        self.items: list[Diagnostic] = []

    def at(self, line: int, column: int, code: str, message: str, severity: Severity = "error"
           ) -> None:
        self.items.append(Diagnostic(self.file, line, column, severity, code, message))

    def key(self, path: tuple[str | int, ...], code: str, message: str,
            severity: Severity = "error") -> None:
        line, column = self.located.position(path) if self.located else (1, 1)
        self.at(line, column, code, message, severity)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.items)


# --- Schema ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    names: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            names.update(schema.get("properties", {}))
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    walk(model.model_json_schema())
    return tuple(sorted(names))


def _describe(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


def _field(loc: tuple[str | int, ...]) -> str:
    parts = [str(p) for p in loc if p != "[key]"]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "front matter"


def apply_schema(model: type[M], located: Located, report: Reporter) -> M | None:
    """Validate data against a model; every schema error becomes a diagnostic at its key."""
    data = located.data
    if not isinstance(data, dict):
        report.key((), "not-a-mapping", f"expected fields (a YAML mapping), got {_describe(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            _schema_error(model, error, report)
        return None


def _schema_error(model: type[BaseModel], error: Any, report: Reporter) -> None:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    name = _field(loc)
    if kind == "missing":
        report.key(loc[:-1], "missing-field", f"missing required field '{name}'")
    elif kind == "unprintable":
        report.key(loc, "unprintable", f"'{name}': {error['msg']}")
    elif kind == "not_a_time":
        ctx = error["ctx"]
        report.key(loc, f"invalid-{ctx['what']}",
                   f"invalid {ctx['what']} {value!r} in '{name}'; write it like {ctx['example']}")
    elif kind == "time_range":
        report.key(loc, "time-out-of-range", f"'{name}' {error['msg']}")
    elif kind == "extra_forbidden":
        key = str(loc[-1])
        hint = difflib.get_close_matches(key, _field_names(model), n=1, cutoff=0.7)
        suffix = f"; did you mean '{hint[0]}'?" if hint else ""
        report.key(loc, "unknown-field", f"unknown field '{name}'{suffix}")
    elif kind in ("enum", "literal_error"):
        report.key(loc, "invalid-value",
                   f"invalid value {value!r} for '{name}'; allowed: {error['ctx']['expected']}")
    elif kind in ("string_too_short", "too_short"):
        report.key(loc, "empty-field", f"'{name}' must not be empty")
    elif kind == "timezone_aware":
        report.key(loc, "naive-timestamp",
                   f"timestamp {value!r} in '{name}' has no UTC offset; write it like 2026-03-30T14:15:00Z")
    elif kind.startswith("datetime"):
        report.key(loc, "invalid-timestamp",
                   f"invalid timestamp {value!r} in '{name}'; expected ISO 8601 with an offset, "
                   "like 2026-03-30T14:15:00Z")
    elif kind.startswith("date"):
        report.key(loc, "invalid-date", f"invalid date {value!r} in '{name}'; expected YYYY-MM-DD")
    elif kind == "string_pattern_mismatch":
        report.key(loc, "invalid-id", f"invalid id {value!r} in '{name}'; ids are lowercase slugs like "
                                      f"'payments-api' (letters a-z, digits, '-'; at most {m.MAX_ID_LENGTH})")
    elif kind.endswith("_type") or kind in ("model_attributes_type", "dict_type", "list_type"):
        wanted = {"string_type": "text", "dict_type": "a mapping", "model_type": "a mapping",
                  "model_attributes_type": "a mapping", "list_type": "a list"}.get(kind, kind.removesuffix("_type"))
        report.key(loc, "wrong-type", f"'{name}' must be {wanted}, not {_describe(value)}")
    else:
        report.key(loc, "invalid-value", f"'{name}': {error['msg']}")


def did_you_mean(word: str, known: list[str] | set[str]) -> str:
    hint = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{hint[0]}'?" if hint else ""


# --- components.yml --------------------------------------------------------------------


def check_components(located: Located, report: Reporter) -> m.ComponentsFile | None:
    spec = apply_schema(m.ComponentsFile, located, report)
    if spec is None:
        return None
    seen: dict[str, str] = {}
    for kind, items in (("groups", spec.groups), ("components", spec.components)):
        for index, item in enumerate(items):
            if item.id in m.RESERVED_IDS:
                report.key((kind, index, "id"), "reserved-id",
                           f"id '{item.id}' names a page or badge statusgen generates; choose another id")
            elif item.id in seen:
                report.key((kind, index, "id"), "duplicate-id",
                           f"duplicate id '{item.id}' (already used by {seen[item.id]}); group and component "
                           "ids share one namespace")
            else:
                seen[item.id] = f"a {'group' if kind == 'groups' else 'component'}"
    groups = {g.id for g in spec.groups}
    for index, component in enumerate(spec.components):
        if component.group is not None and component.group not in groups:
            report.key(("components", index, "group"), "unknown-group",
                       f"unknown group '{component.group}'{did_you_mean(component.group, groups)}")
    return spec if report.ok else None


# --- incidents -------------------------------------------------------------------------


#: A line that starts as a front matter key does: ``internal:``, ``"notes" :``, ``? commander``.
_KEY_LINE = re.compile(r"""(?:\?\s+)?(["']?)([a-z_]+)\1\s*(?::|$)""")
_CODE_FENCE = re.compile(r" {0,3}(```|~~~)")


def check_front_matter_end(doc: SourceFile, fields: tuple[str, ...], report: Reporter) -> None:
    """Refuse a body that may hold the rest of the front matter: a stray ``---`` ended it early, and what
    follows (``internal:`` notes among it) would be published.

    If a stray fence ended the front matter, the fence the author meant to close it with is still below it,
    in the body: so a body may hold no fence line (:func:`~.source.is_fence`; a rule is written ``----``).
    Two more signs catch fields written after the closing fence: a first line that is indented (a YAML
    value's continuation), and, outside code blocks, a line that starts as a front matter key does
    (``internal:``, ``notes:``, quoted or not; ``fields`` are the names).
    """
    ended = doc.body_line - 1
    lines = doc.body.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first][:1] in (" ", "\t"):
        report.at(doc.body_line + first, 1, "front-matter-ended",
                  f"the text after the front matter starts with an indented line, as a front matter value would; "
                  f"the front matter ended at line {ended}: move the line above that '---', or unindent it")
        return
    code = False
    for index, line in enumerate(lines):
        if _CODE_FENCE.match(line):
            code = not code
        if is_fence(line):
            report.at(doc.body_line + index, 1, "front-matter-ended",
                      f"a line '{line.rstrip()}' after the front matter, which ended at line {ended}: if this line "
                      "was meant to end it, remove the earlier one (what is between would be published); a rule "
                      "or a heading's underline is written '----'")
            return
        key = None if code else _KEY_LINE.match(line)
        if key and key[2] in fields and (":" in line or line.startswith("?")):
            report.at(doc.body_line + index, 1, "front-matter-ended",
                      f"'{key[2]}:' is a front matter field, but the front matter ended at line {ended}: move it "
                      f"above that '---' (a line here may not start with '{key[2]}:')")
            return


def check_incident(doc: SourceFile, id_: str, component_ids: set[str] | None, report: Reporter
                   ) -> m.Incident | None:
    assert doc.front is not None
    check_front_matter_end(doc, _field_names(m.IncidentMeta), report)  # every level's: 'notes:' too
    for line, column, name in aliases(doc):
        report.at(line, column, "yaml-alias", f"YAML alias '*{name}' repeats a value from elsewhere in the front "
                  "matter, which could publish an internal one; write the value out")
    meta = apply_schema(m.IncidentMeta, doc.front, report)
    if meta is None:
        return None
    maintenance = meta.type == "maintenance"
    kind = "maintenance" if maintenance else "an incident"
    if maintenance:
        for name in ("severity", "started", "detected"):
            if getattr(meta, name) is not None:
                report.key((name,), "wrong-type-field", f"'{name}' belongs to incidents; maintenance has none")
        for name in ("scheduled_for", "scheduled_until"):
            if getattr(meta, name) is None:
                report.key((), "missing-field", f"missing required field '{name}' (maintenance needs its window)")
        if meta.scheduled_for and meta.scheduled_until and meta.scheduled_until <= meta.scheduled_for:
            report.key(("scheduled_until",), "window-order", "'scheduled_until' must be after 'scheduled_for'")
    else:
        for name in ("scheduled_for", "scheduled_until"):
            if getattr(meta, name) is not None:
                report.key((name,), "wrong-type-field", f"'{name}' belongs to maintenance; set 'type: maintenance'")
        if meta.severity is None:
            report.key((), "missing-field", "missing required field 'severity' (SEV1, SEV2, SEV3 or SEV4)")
        if meta.started is None:
            report.key((), "missing-field", "missing required field 'started' (when impact began)")
        if meta.started and meta.detected and meta.detected < meta.started:
            report.key(("detected",), "detected-before-started", "'detected' is before 'started'")
        if meta.severity in policy.NEEDS_COMMANDER and not (
                meta.internal and meta.internal.commander and meta.internal.commander.strip()):
            report.key(("internal", "commander") if meta.internal else ("severity",), "no-commander",
                       f"{meta.severity} needs an incident commander: set 'internal.commander'")

    allowed_states = (m.ComponentState.UNDER_MAINTENANCE,) if maintenance else m.INCIDENT_STATES
    _check_states(meta.components, ("components",), allowed_states, component_ids, kind, report)
    statuses = m.MAINTENANCE_STATUSES if maintenance else m.INCIDENT_STATUSES
    previous: dt.datetime | None = None
    for index, update in enumerate(meta.updates):
        where = ("updates", index)
        if update.status not in statuses:
            report.key(where + ("status",), "status-of-other-type",
                       f"status '{update.status}' is not for {kind}; allowed: {', '.join(statuses)}")
        if update.status in policy.FINISHED and index != len(meta.updates) - 1:
            report.key(where + ("status",), "final-not-last",
                       f"a '{update.status}' update must be the last one; move it to the end")
        if previous is not None and update.at <= previous:
            report.key(where + ("at",), "updates-out-of-order",
                       f"update at {update.at.isoformat()} is not after the previous one ({previous.isoformat()})")
        if not maintenance and meta.started and update.at < meta.started:
            report.key(where + ("at",), "update-before-start", "update is before the incident 'started'")
        previous = update.at
        if update.components:
            _check_states(update.components, where + ("components",),
                          allowed_states + (m.ComponentState.OPERATIONAL,), component_ids, kind, report)
    if not report.ok:
        return None
    return m.Incident(id_, doc.path, meta, doc.body)


def _check_states(states: dict[str, m.ComponentState], path: tuple[str | int, ...],
                  allowed: tuple[m.ComponentState, ...], component_ids: set[str] | None, kind: str,
                  report: Reporter) -> None:
    for component, state in states.items():
        if component_ids is not None and component not in component_ids:
            report.key(path + (component,), "unknown-component",
                       f"unknown component '{component}'{did_you_mean(component, component_ids)}")
        if state not in allowed:
            report.key(path + (component,), "invalid-state",
                       f"state '{state}' is not for {kind}; allowed: {', '.join(allowed)}")


# --- sections of postmortems and runbooks ---------------------------------------------


def template_sections(doc: SourceFile) -> list[m.TemplateSection]:
    result = []
    for section in read_sections(doc.body, doc.body_line):
        columns = tuple(c for c in section.tables[0].header) if section.tables else None
        result.append(m.TemplateSection(section.title, section.optional, columns))
    return result


def check_sections(doc: SourceFile, template: list[m.TemplateSection], template_path: str, report: Reporter,
                   missing: Severity = "error") -> list[RawSection]:
    """Sections must follow the template: all required ones, in order, none empty.

    ``missing`` is the severity of what is not written yet (a missing or empty section, table or
    column): a draft postmortem gets warnings, so a half-written one never stops publishing.
    """
    sections = read_sections(doc.body, doc.body_line)
    order = {normalize_title(t.title): i for i, t in enumerate(template)}
    seen: dict[str, RawSection] = {}
    last_index, last_title = -1, ""
    for section in sections:
        key = normalize_title(section.title)
        if key in seen:
            report.at(section.line, 1, "duplicate-section",
                      f"section '## {section.title}' appears twice (first on line {seen[key].line})")
            continue
        seen[key] = section
        index = order.get(key)
        if index is None:
            continue
        if index < last_index:
            report.at(section.line, 1, "section-order",
                      f"section '## {section.title}' is out of order: it must come before '## {last_title}' "
                      f"(order of {template_path})")
        else:
            last_index, last_title = index, section.title
        if not section.has_content:
            report.at(section.line, 1, "empty-section", f"section '## {section.title}' is empty", missing)
    end_line = doc.body_line + doc.body.rstrip().count("\n")
    for index, wanted in enumerate(template):
        if wanted.optional or normalize_title(wanted.title) in seen:
            continue
        later = [s for s in sections if order.get(normalize_title(s.title), -1) > index]
        line = later[0].line if later else end_line
        report.at(line, 1, "missing-section", f"missing section '## {wanted.title}' (required by {template_path})",
                  missing)
    for wanted in template:
        section = seen.get(normalize_title(wanted.title))
        if section is not None and wanted.columns is not None:
            _check_table(section, wanted.columns, report, missing)
    return sections


def _check_table(section: RawSection, columns: tuple[str, ...], report: Reporter, missing: Severity) -> Table | None:
    for line in section.stray_pipes:
        report.at(line, 1, "malformed-table",
                  "malformed table: a table needs a header row, a delimiter row like '|---|---|', and rows")
    required = [c for c in columns if normalize_title(c) not in OPTIONAL_COLUMNS]
    if not section.tables:
        if not section.stray_pipes:
            report.at(section.line, 1, "missing-table",
                      f"section '## {section.title}' needs a table with columns: {' | '.join(required)}", missing)
        return None
    table = section.tables[0]
    header = [normalize_title(c) for c in table.header]
    for column in required:
        if normalize_title(column) not in header:
            report.at(table.line, 1, "missing-column",
                      f"table in '## {section.title}' has no column '{column}'", missing)
    for line, count in table.ragged:
        report.at(line, 1, "malformed-table",
                  f"malformed table: row has {count} cells, the header has {len(table.header)}")
    if not table.rows:
        report.at(table.line, 1, "empty-table", f"table in '## {section.title}' has no rows", missing)
    return table


def _column(table: Table, name: str) -> int | None:
    header = [normalize_title(c) for c in table.header]
    return header.index(name) if name in header else None


def read_timeline(section: RawSection | None, report: Reporter) -> tuple[m.TimelineRow, ...]:
    if section is None or not section.tables:
        return ()
    table = section.tables[0]
    time_col = next((i for i, c in enumerate(table.header) if normalize_title(c).startswith("time")), None)
    event_col = _column(table, "event")
    rows = []
    for line, cells in table.rows:
        if time_col is None or event_col is None or len(cells) != len(table.header):
            continue
        time = cells[time_col]
        if not _TIME_CELL.match(time):
            report.at(line, 1, "invalid-time", f"timeline time {time!r} must look like 14:32 or 2026-03-30 14:32")
        rows.append(m.TimelineRow(time, cells[event_col]))
    return tuple(rows)


def read_action_items(section: RawSection | None, today: dt.date, report: Reporter) -> tuple[m.ActionItem, ...]:
    if section is None or not section.tables:
        return ()
    table = section.tables[0]
    action, owner, due, status = (_column(table, n) for n in ("action", "owner", "due date", "status"))
    if action is None or owner is None or due is None:
        return ()
    items = []
    for line, cells in table.rows:
        if len(cells) != len(table.header):
            continue
        if not cells[owner]:
            report.at(line, 1, "action-no-owner", f"action item {cells[action]!r} has no owner")
        due_date = None
        if not _DATE_CELL.match(cells[due]):
            report.at(line, 1, "action-bad-date",
                      f"action item {cells[action]!r} has due date {cells[due]!r}; expected YYYY-MM-DD")
        else:
            try:
                due_date = dt.date.fromisoformat(cells[due])
            except ValueError:
                report.at(line, 1, "action-bad-date",
                          f"action item {cells[action]!r} has due date {cells[due]!r}, which is not a real date")
        state = cells[status].strip().lower() if status is not None else "open"
        if status is not None and state not in ACTION_STATUSES:
            report.at(line, 1, "action-bad-status",
                      f"action item status {cells[status]!r} is not one of: {', '.join(ACTION_STATUSES)}")
        done = state == "done"
        if due_date and due_date < today and not done:
            report.at(line, 1, "action-overdue",
                      f"action item {cells[action]!r} (owner {cells[owner] or 'none'}) was due {due_date} "
                      "and is not done", severity="warning")
        items.append(m.ActionItem(cells[action], cells[owner], due_date, done, line))
    return tuple(items)


def _find(sections: list[RawSection], title: str) -> RawSection | None:
    return next((s for s in sections if normalize_title(s.title) == title), None)


def _frozen(sections: list[RawSection]) -> tuple[m.Section, ...]:
    return tuple(m.Section(s.title, s.line, s.markdown) for s in sections)


def check_postmortem(doc: SourceFile, id_: str, incident_ids: set[str], template: list[m.TemplateSection] | None,
                     template_path: str, today: dt.date, report: Reporter) -> m.Postmortem | None:
    assert doc.front is not None
    meta = apply_schema(m.PostmortemMeta, doc.front, report)
    if meta is not None and meta.visibility == "public":  # published: nothing meant for the front matter may be
        check_front_matter_end(doc, _field_names(m.PostmortemMeta), report)
    # A draft may be half-written: what it lacks is a warning until it goes to review.
    missing: Severity = "warning" if meta is not None and meta.status == m.PostmortemStatus.DRAFT else "error"
    sections = check_sections(doc, template, template_path, report, missing) if template is not None else []
    timeline = read_timeline(_find(sections, "timeline"), report)
    actions = read_action_items(_find(sections, "action items"), today, report)
    if meta is None:
        return None
    for index, incident in enumerate(meta.incident_ids):
        if incident not in incident_ids:
            path = ("incident", index) if isinstance(meta.incident, list) else ("incident",)
            report.key(path, "unknown-incident", f"unknown incident '{incident}'{did_you_mean(incident, incident_ids)}")
    if not report.ok:
        return None
    return m.Postmortem(id_, doc.path, meta, doc.body, _frozen(sections), timeline, actions)


def check_runbook(doc: SourceFile, id_: str, template: list[m.TemplateSection] | None, template_path: str,
                  today: dt.date, report: Reporter) -> m.Runbook | None:
    assert doc.front is not None
    meta = apply_schema(m.RunbookMeta, doc.front, report)
    sections = check_sections(doc, template, template_path, report) if template is not None else []
    if meta is None:
        return None
    age = (today - meta.last_reviewed).days
    if age > policy.RUNBOOK_REVIEW_DAYS:
        report.key(("last_reviewed",), "runbook-stale",
                   f"runbook was last reviewed {age} days ago (on {meta.last_reviewed}); review it at least every "
                   f"{policy.RUNBOOK_REVIEW_DAYS} days", severity="warning")
    if not report.ok:
        return None
    return m.Runbook(id_, doc.path, meta, doc.body, _frozen(sections))


# --- What one file may render to -------------------------------------------------------


def check_rendering(located: Located | None, body: str | None, body_line: int, report: Reporter) -> bool:
    """Refuse a file whose Markdown would take too much to parse or render; False if it did.

    Every text value is measured as Markdown (messages and notes are rendered so)
    and then the body, against one budget per file: a few KB of reference links
    or of short table rows would otherwise make a page of many MB, or exhaust
    memory while parsing. Run it before anything else parses the body.
    """
    found = [] if located is None else located.texts if located.texts is not None else list(_texts(located.data, ()))
    #: each text with the path of its value, or None for the body
    texts: list[tuple[str, tuple[str | int, ...] | None]] = [(text, path) for path, text in found]
    if body:
        texts.append((body, None))

    def where(path: tuple[str | int, ...] | None, line: int) -> tuple[int, int]:
        return (body_line + line, 1) if path is None else located.position(path)  # type: ignore[union-attr]

    cells_left, bounds, tabled = MAX_TABLE_CELLS, [], texts
    if (bound := one_line_bound([text for _, text in found])) is not False:  # most files: values of one line
        bounds, tabled = [bound], texts[len(found):]  # measured at once; then the body
    for text, path in tabled:
        cells = 0
        for line, run in table_cells(text):
            cells, cells_left = cells + run, cells_left - run
            if cells_left < 0:
                report.at(*where(path, line), "table-too-large",
                          f"tables here would have more than {MAX_TABLE_CELLS} cells, the limit for one file (every "
                          "row of a table gets as many cells as its header row)")
                return False
        bounds.append(size_bound(text, cells))
    if None not in bounds and sum(b for b in bounds if b is not None) <= MAX_RENDERED_BYTES:
        return True  # the usual case, cheap: small files without reference links are not rendered here
    bytes_left = MAX_RENDERED_BYTES
    for text, path in texts:
        size, line = rendered_size(text, bytes_left)
        bytes_left -= size
        if line is not None:
            report.at(*where(path, line), "render-too-large",
                      f"the Markdown of this file would render to more than {MAX_RENDERED_BYTES} bytes of HTML, the "
                      "limit for one file (a link definition used many times?)")
            return False
    return True


def _texts(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, path + (index,))


# --- oncall.yml ----------------------------------------------------------------------------

#: The guide's rotation length: one to two weeks (a warning outside).
ROTATION_DAYS = (7, 14)


def check_oncall(located: Located, component_ids: set[str] | None, report: Reporter) -> m.OncallFile | None:
    """The on-call rules of the guide, each at its line: see README, "On-call"."""
    spec = apply_schema(m.OncallFile, located, report)
    if spec is None:
        return None
    seen: set[str] = set()
    for index, rotation in enumerate(spec.rotations):
        where: tuple[str | int, ...] = ("rotations", index)
        if rotation.id in seen:
            report.key(where + ("id",), "duplicate-id", f"duplicate rotation id '{rotation.id}'")
        seen.add(rotation.id)
        for number, component in enumerate(rotation.components):
            if component_ids is not None and component not in component_ids:
                report.key(where + ("components", number), "unknown-component",
                           f"unknown component '{component}'{did_you_mean(component, component_ids)}")
        layers = rotation.layers
        for name, layer in (("primary", layers.primary), ("secondary", layers.secondary)):
            if layer is not None:
                _check_layer(layer, where + ("layers", name), report)
        primary, secondary = layers.primary, layers.secondary
        if primary.hours == "business" and (secondary is None or secondary.hours != "always"):
            report.key(where + ("layers", "secondary", "hours") if secondary else where + ("layers", "primary", "hours"),
                       "no-24x7-secondary", "the primary is on call in business hours only: add a 'secondary' layer "
                       "with 'hours: always' so someone is on call around the clock")
        _check_escalation(rotation, where, report)
        if secondary is not None and report.ok:
            for person in shared_turns(primary, secondary):
                number = next(i for i, p in enumerate(secondary.members) if p.name.casefold() == person.casefold())
                report.key(where + ("layers", "secondary", "members", number), "primary-and-secondary",
                           f"{person} would be primary and secondary at the same time in rotation '{rotation.id}'; "
                           "change the order, the start or the length of a layer")
    return spec if report.ok else None


def _check_layer(layer: m.Layer, where: tuple[str | int, ...], report: Reporter) -> None:
    if (layer.length.days is None) == (layer.length.weeks is None):
        report.key(where + ("length",), "rotation-length", "set the turn length as either 'days' or 'weeks'")
        return
    days = layer.turn_days
    if not ROTATION_DAYS[0] <= days <= ROTATION_DAYS[1]:
        report.key(where + ("length",), "rotation-length",
                   f"turns of {days} days: rotations of one to two weeks are easiest to sustain", severity="warning")
    if layer.handoff.day is not None:
        weekday = m.WEEKDAYS[layer.start.weekday()]
        names = dict(zip(m.WEEKDAYS, m.DAY_NAMES))
        if days % 7:
            report.key(where + ("handoff", "day"), "handoff-day",
                       f"a hand-off weekday needs turns of whole weeks, not {days} days; remove 'day'")
        elif weekday != layer.handoff.day:
            report.key(where + ("start",), "handoff-day",
                       f"start {layer.start} is a {names[weekday]}, but hand-offs are on {names[layer.handoff.day]}: "
                       "the first turn begins on 'start'")
    names: dict[str, int] = {}
    for index, person in enumerate(layer.members):
        if person.name.casefold() in names:
            report.key(where + ("members", index), "duplicate-member",
                       f"{person.name} is listed twice in this layer (first as member {names[person.name.casefold()] + 1})")
        names.setdefault(person.name.casefold(), index)
    if layer.hours == "business" and layer.business_hours is None:
        report.key(where + ("hours",), "no-business-hours", "'hours: business' needs 'business_hours' "
                   "(like {days: mon-fri, from: \"09:00\", to: \"17:00\", time_zone: Europe/Berlin})")
    if layer.hours == "always" and layer.business_hours is not None:
        report.key(where + ("business_hours",), "business-hours-unused",
                   "'business_hours' applies only with 'hours: business'")
    hours = layer.business_hours
    if hours is not None and hours.to <= hours.from_:
        report.key(where + ("business_hours", "to"), "business-hours-order",
                   f"business hours end ({hours.to:%H:%M}) must be after they begin ({hours.from_:%H:%M})")


def _check_escalation(rotation: m.Rotation, where: tuple[str | int, ...], report: Reporter) -> None:
    steps = rotation.escalation
    seen: set[str] = set()
    previous = -1
    for index, step in enumerate(steps):
        at = where + ("escalation", index)
        if step.notify == "secondary" and rotation.layers.secondary is None:
            report.key(at + ("notify",), "unknown-layer", "the rotation has no 'secondary' layer to escalate to")
        if step.notify in seen:
            report.key(at + ("notify",), "escalation-repeat", f"'{step.notify}' is already a step of the escalation")
        seen.add(step.notify)
        if step.after_minutes <= previous:
            report.key(at + ("after_minutes",) if "after_minutes" in step.model_fields_set else at, "escalation-order",
                       f"this step must come later than the one before: set 'after_minutes' above {previous}")
        previous = step.after_minutes
    if steps[-1].notify != "manager":
        report.key(where + ("escalation", len(steps) - 1, "notify"), "escalation-no-manager",
                   f"the escalation path must end at the manager ({rotation.manager}); add a last step "
                   "'- {notify: manager, after_minutes: …}'")
