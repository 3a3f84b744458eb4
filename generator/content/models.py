"""The content model: what each file may contain, as pydantic models.

The models describe the front matter of each file kind (and ``components.yml``)
and export the JSON Schema that editors use for completion. Rules that span
fields or files (order of updates, ids that must exist) live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from generator.content.values import (  # noqa: F401 - part of the model; here without pydantic for the CLI
    EARLIEST,
    INCIDENT_STATES,
    INCIDENT_STATUSES,
    LATEST,
    MAINTENANCE_STATUSES,
    SCHEMA_KINDS,
    ComponentState,
    Severity,
    UpdateStatus,
)

# --- The rules for single values: ids, text, times ---------------------------------------

#: The longest id: ids name files (``<id>.ics``, ``<id>.svg``) and folders, which most file systems allow
#: 255 bytes; 100 leaves room for any suffix, and an id made by ``new`` is at most 71 characters.
MAX_ID_LENGTH = 100
SLUG_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID_LENGTH - 1}}}$"
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _label_name(value: str) -> str:
    if not _LABEL_NAME.fullmatch(value) or value == "__name__":
        raise PydanticCustomError("label_name", "'{value}' is not a Prometheus label name (letters, digits and '_', "
                                  "not starting with a digit)", {"value": value[:60]})
    return value


#: A Prometheus label name, as alert label matchers and the severity label name it.
AlertLabel = Annotated[str, AfterValidator(_label_name)]
_SLUG = re.compile(SLUG_PATTERN)
#: Ids that name a page or file statusgen generates itself: ``<folder>/index`` is each folder's
#: listing page, ``badges/status.svg`` the whole-site badge beside the per-component ones.
RESERVED_IDS = frozenset({"index", "status"})


def is_slug(text: str) -> bool:
    """An id: lowercase letters, digits and '-', matched whole (a trailing newline is not an id)."""
    return _SLUG.fullmatch(text) is not None


#: Characters no text in content may hold, decoded or raw: C0 controls but tab and newline
#: (ESC from pasted terminal colours among them), DEL, the C1 controls (NEL among them), the Unicode
#: line and paragraph separators (YAML and MkDocs read them as line breaks), the byte-order mark,
#: noncharacters and lone surrogates. Feeds, XML, YAML front matter and e-mail cannot carry them faithfully.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff"
                          "\ud800-\udfff]")
#: The same for a one-line field (a title, a name), which holds no tab or line break either.
_UNPRINTABLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff"
                               "\ud800-\udfff]")


def find_unprintable(text: str, multiline: bool = True) -> int | None:
    """Index of the first character no text field may hold, or None: the one rule for all text."""
    match = (_UNPRINTABLE if multiline else _UNPRINTABLE_LINE).search(text)
    return match.start() if match else None


#: Short names of the C0 control characters, by code.
_C0_NAMES = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM "
             "SUB ESC FS GS RS US").split()


def describe_char(char: str) -> str:
    """A character as an error names it, without printing it: its code point and a name a person can look up."""
    code = ord(char)
    if char == "\n":
        return "a line break (U+000A)"
    if char == "\t":
        return "a tab (U+0009)"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        name = _C0_NAMES[code] if code < 0x20 else {0x7F: "DEL", 0x85: "NEL"}.get(code)
        return f"the control character U+{code:04X}" + (f" ({name})" if name else "")
    return f"the character U+{code:04X} ({unicodedata.name(char, 'a noncharacter')})"


def _printable(multiline: bool) -> AfterValidator:
    def check(value: str) -> str:
        index = find_unprintable(value, multiline)
        if index is not None:
            raise PydanticCustomError(
                "unprintable", "has {char} at position {position}, which a status page cannot show",
                {"char": describe_char(value[index]), "position": index + 1})
        return value
    return AfterValidator(check)


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
#: One line of text: a title, a name, a person or channel.
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _printable(multiline=False)]
#: Text that may run over lines: messages, descriptions, notes (Markdown).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _printable(multiline=True)]
OptionalLine = Annotated[str, _printable(multiline=False)]
OptionalText = Annotated[str, _printable(multiline=True)]

#: What a time outside EARLIEST .. LATEST (see generator.content.values) is told.
_OUT_OF_RANGE = f"is outside {EARLIEST:%Y-%m-%d} .. {LATEST:%Y-%m-%d} (UTC)"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_as_iso(kind: type, what: str, example: str) -> BeforeValidator:
    """Only ISO 8601 text is a time: a number (``20261124``, ``"1.5e9"``) would be read as seconds since 1970."""
    def check(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
            raise PydanticCustomError("not_a_time", "invalid {what} {value}; write it like {example}",
                                      {"what": what, "value": repr(value), "example": example})
        return value
    return BeforeValidator(check)


def _to_utc(value: dt.datetime) -> dt.datetime:
    """Every time is converted to UTC once, here, at the model boundary."""
    try:
        moment = value.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise PydanticCustomError("time_range", _OUT_OF_RANGE)
    return moment


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise PydanticCustomError("time_range", _OUT_OF_RANGE)
    return value


#: A timestamp with an offset, held in UTC.
UtcDatetime = Annotated[AwareDatetime, _written_as_iso(dt.datetime, "timestamp", "2026-03-30T14:15:00Z (ISO 8601 with an offset)"), AfterValidator(_to_utc)]
Date = Annotated[dt.date, _written_as_iso(dt.date, "date", "2026-03-30 (YYYY-MM-DD)"), AfterValidator(_date_in_range)]




class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Strict):
    id: Slug
    name: Line
    description: OptionalText | None = None


class Component(_Strict):
    id: Slug
    name: Line
    group: Slug | None = Field(None, description="Id of a group in `groups`.")
    description: OptionalText | None = None
    start_date: Date | None = Field(None, description="Uptime before this date counts as no data.")
    alerts: dict[AlertLabel, Line] = Field(
        {}, description="Alert label matchers (all must match), like {service: payments}: an alert with these "
                        "labels affects this component when `statusgen declare --from-alertmanager` reads it.")


class ComponentsFile(_Strict):
    """``content/components.yml``: groups and components in display order."""

    groups: list[Group] = []
    components: list[Component] = Field(min_length=1)


class Update(_Strict):
    at: UtcDatetime
    status: UpdateStatus
    message: Text = Field(description="Public Markdown.")
    components: dict[Slug, ComponentState] | None = Field(
        None, description="Component states that change from this update on.")


class Internal(_Strict):
    """Never published on the public site."""

    commander: OptionalLine | None = None
    tech_lead: OptionalLine | None = None
    comms_lead: OptionalLine | None = None
    scribe: OptionalLine | None = None
    channel: OptionalLine | None = None
    notes: OptionalText | None = None
    alerts: list[Line] = Field([], description="Names of the alerts that fired for this incident.")


class IncidentMeta(_Strict):
    """Front matter of ``content/incidents/<id>.md``: an incident or a scheduled maintenance."""

    title: Line
    type: Literal["incident", "maintenance"] = "incident"
    severity: Severity | None = Field(None, description="Required for incidents, absent for maintenance.")
    components: dict[Slug, ComponentState] = Field(
        min_length=1, description="Affected component id -> its state at the start.")
    started: UtcDatetime | None = Field(None, description="Incidents: when impact began.")
    detected: UtcDatetime | None = Field(None, description="Incidents: when the alert fired.")
    scheduled_for: UtcDatetime | None = Field(None, description="Maintenance: window start.")
    scheduled_until: UtcDatetime | None = Field(None, description="Maintenance: window end.")
    updates: list[Update] = Field(min_length=1)
    internal: Internal | None = None
    source: OptionalLine | None = Field(None, description=(
        "Where an imported incident came from (`statuspage:<id>`, `cstate:<file>`): a re-import finds its file by it."))


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


class PostmortemMeta(_Strict):
    """Front matter of ``content/postmortems/<id>.md``."""

    title: Line
    incident: Slug | list[Slug] = Field(description="The incident id, or a list of ids.")
    date: Date
    authors: list[Line] = Field(min_length=1)
    status: PostmortemStatus
    visibility: Literal["internal", "public"] = "internal"

    @property
    def incident_ids(self) -> list[str]:
        return [self.incident] if isinstance(self.incident, str) else list(self.incident)


class RunbookMeta(_Strict):
    """Front matter of ``content/runbooks/<id>.md``."""

    title: Line
    service: Line
    owner: Line
    alerts: list[Line] = []
    last_reviewed: Date


class SeverityLevel(_Strict):
    id: Severity
    name: Line
    definition: Text
    response_time: Line
    examples: Text


class Role(_Strict):
    name: Line
    summary: Text
    responsibilities: list[Text] = []


class Phase(_Strict):
    name: Line
    steps: list[Text] = Field(min_length=1)


class MessageTemplate(_Strict):
    name: Line
    when: Text
    text: Text


class ReferenceFile(_Strict):
    """``content/reference.yml``: the incident-response reference of the internal site."""

    severities: list[SeverityLevel] = Field(min_length=1)
    roles: list[Role] = []
    phases: list[Phase] = []
    templates: list[MessageTemplate] = []


# --- content/oncall.yml: on-call rotations, in the spirit of PagerDuty schedules ------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_NAMES = {name: index for index, name in enumerate(WEEKDAYS)} | {
    full.lower(): index for index, full in enumerate(DAY_NAMES)}
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@functools.lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    """The IANA zone names zoneinfo lists, less ``localtime``: a link some systems keep to the machine's
    own zone (/etc/localtime), which would make the same content give other hand-offs on another machine."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones()) - {"localtime"}


def _time_zone(value: Any) -> Any:
    """An IANA time zone name that this machine's zoneinfo lists (``Europe/Berlin``, ``UTC``).

    Looked up in the list, not by loading it: ZoneInfo() reads any name as a path under the zone
    folders, so a name thousands of characters deep recursed out of the interpreter (a traceback).
    """
    if not isinstance(value, str):
        return value
    if value not in _zone_names():
        shown = value if len(value) <= 60 else value[:60] + "…"
        raise PydanticCustomError("time_zone", "unknown time zone {value}; use an IANA name like Europe/Berlin "
                                  "or UTC", {"value": repr(shown)}) from None
    return value


def _clock(value: Any) -> Any:
    """``"HH:MM"`` as text: unquoted, YAML reads ``17:00`` as the number 1020."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError("clock", "write the time in quotes, like \"17:00\" (unquoted YAML reads it as "
                                  "a number)")
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise PydanticCustomError("clock", "invalid time {value}; write it like \"09:00\" (24-hour HH:MM)",
                                  {"value": repr(value)})
    return dt.time(int(value[:2]), int(value[3:]))


def _weekday(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in _WEEKDAY_NAMES:
        return WEEKDAYS[_WEEKDAY_NAMES[value.strip().lower()]]
    raise PydanticCustomError("weekday", "invalid day {value}; write a weekday like monday or mon",
                              {"value": repr(value)})


def _weekdays(value: Any) -> Any:
    """``mon-fri``, ``mon,wed,fri`` or a list of days: the weekdays as numbers 0 (Monday) .. 6."""
    parts = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else None
    days: set[int] = set()
    for part in parts or [None]:
        text = part.strip().lower() if isinstance(part, str) else ""
        first, _, last = text.partition("-")
        if first not in _WEEKDAY_NAMES or (last and last not in _WEEKDAY_NAMES):
            raise PydanticCustomError("weekday", "invalid days {value}; write them like mon-fri or mon,wed,fri",
                                      {"value": repr(value)})
        start, end = _WEEKDAY_NAMES[first], _WEEKDAY_NAMES[last or first]
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return tuple(sorted(days))


TimeZoneName = Annotated[str, BeforeValidator(_time_zone), Field(description="An IANA time zone, like Europe/Berlin.")]
Clock = Annotated[dt.time, BeforeValidator(_clock),
                  WithJsonSchema({"type": "string", "pattern": f"^{_CLOCK.pattern}$", "description": "\"HH:MM\""})]
Weekday = Annotated[str, BeforeValidator(_weekday), Field(description="A weekday: monday or mon.")]
Weekdays = Annotated[tuple[int, ...], BeforeValidator(_weekdays), WithJsonSchema({
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
    "description": "Days like mon-fri, mon,wed,fri or a list of days."})]


class Member(_Strict):
    name: Line
    time_zone: TimeZoneName | None = Field(None, description="Where the person lives; their business hours "
                                                             "(for the on-call burden) are in it.")


def _member(value: Any) -> Any:
    """A member is written as a name, or as ``{name, time_zone}``."""
    return {"name": value} if isinstance(value, str) else value


def _name_or_member(schema: dict[str, Any]) -> None:
    schema["items"] = {"anyOf": [{"type": "string", "minLength": 1}, schema["items"]]}


class Length(_Strict):
    """How long one turn lasts: whole days or weeks (one of the two)."""

    days: Annotated[int, Field(ge=1, le=366)] | None = None
    weeks: Annotated[int, Field(ge=1, le=52)] | None = None


class Handoff(_Strict):
    """When a turn passes to the next member: a local time (and, for turns of whole weeks, a weekday)."""

    day: Weekday | None = Field(None, description="The hand-off weekday; it must be the weekday of 'start'.")
    time: Clock = Field(description="Local time of the hand-off, \"HH:MM\".")
    time_zone: TimeZoneName


class BusinessHours(_Strict):
    days: Weekdays = Field(description="Days like mon-fri.")
    from_: Clock = Field(alias="from", description="\"09:00\"")
    to: Clock = Field(description="\"17:00\"; after 'from'.")
    time_zone: TimeZoneName

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Layer(_Strict):
    """One layer of a rotation (primary or secondary): its members take turns."""

    members: list[Annotated[Member, BeforeValidator(_member)]] = Field(
        min_length=1, description="Names in turn order, or {name, time_zone}.", json_schema_extra=_name_or_member)
    length: Length = Field(description="One turn: {weeks: 1} or {days: 7}.")
    start: Date = Field(description="The local date the first member's turn begins, at the hand-off time.")
    handoff: Handoff
    hours: Literal["always", "business"] = Field("always", description="'business': on call only in business_hours.")
    business_hours: BusinessHours | None = None

    @property
    def turn_days(self) -> int:
        return self.length.days if self.length.days is not None else 7 * (self.length.weeks or 0)


class Layers(_Strict):
    primary: Layer
    secondary: Layer | None = None


class EscalationStep(_Strict):
    notify: Literal["primary", "secondary", "manager"]
    after_minutes: Annotated[int, Field(ge=0, le=1440)] = Field(
        0, description="Minutes after the page that this step is notified if nobody acknowledged.")


class Rotation(_Strict):
    id: Slug
    name: Line
    manager: Line = Field(description="Who the escalation path ends at.")
    components: list[Slug] = Field([], description="Incidents affecting these components page this rotation; "
                                                   "none listed: every incident.")
    layers: Layers
    escalation: list[EscalationStep] = Field(min_length=1, description="primary -> secondary -> manager.")


class OncallFile(_Strict):
    """``content/oncall.yml``: the on-call rotations the internal site shows."""

    rotations: list[Rotation] = Field(min_length=1)


SCHEMAS: dict[str, type[BaseModel]] = {
    "incident": IncidentMeta,
    "postmortem": PostmortemMeta,
    "runbook": RunbookMeta,
    "components": ComponentsFile,
    "reference": ReferenceFile,
    "oncall": OncallFile,
}
assert sorted(SCHEMAS) == list(SCHEMA_KINDS), "values.SCHEMA_KINDS names the kinds of SCHEMAS"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a file kind, as ``statusgen schema`` prints it and ``schemas/`` and new sites hold it."""
    schema = SCHEMAS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://statusgen.dev/schemas/{kind}.schema.json"
    return schema


# --- Loaded documents: the model plus where it came from -----------------------------


@dataclass(frozen=True)
class ActionItem:
    action: str
    owner: str
    due: dt.date | None
    done: bool
    line: int


@dataclass(frozen=True)
class TimelineRow:
    time: str
    event: str


@dataclass(frozen=True)
class Section:
    title: str
    line: int
    markdown: str


@dataclass(frozen=True)
class Incident:
    id: str
    path: str
    meta: IncidentMeta
    body: str

    @property
    def is_maintenance(self) -> bool:
        return self.meta.type == "maintenance"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def updates(self) -> list[Update]:
        return self.meta.updates

    @property
    def affected(self) -> list[str]:
        """Every component the incident touched, in the order first named (its start, then its updates)."""
        ids = list(self.meta.components)
        for update in self.meta.updates:
            ids += [c for c in (update.components or {}) if c not in ids]
        return ids

    @property
    def resolved_at(self) -> dt.datetime | None:
        """When an incident was resolved (its last update, if that says so)."""
        last = self.meta.updates[-1]
        return last.at if last.status == UpdateStatus.RESOLVED else None


@dataclass(frozen=True)
class Postmortem:
    id: str
    path: str
    meta: PostmortemMeta
    body: str
    sections: tuple[Section, ...]
    timeline: tuple[TimelineRow, ...]
    action_items: tuple[ActionItem, ...]

    @property
    def is_public(self) -> bool:
        return self.meta.visibility == "public" and self.meta.status == PostmortemStatus.PUBLISHED


@dataclass(frozen=True)
class Runbook:
    id: str
    path: str
    meta: RunbookMeta
    body: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class TemplateSection:
    title: str
    optional: bool
    #: columns a table in this section must have, if the template shows a table
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class Content:
    """Everything in ``content/``, loaded and valid."""

    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]
    postmortems: tuple[Postmortem, ...]
    runbooks: tuple[Runbook, ...]
    reference: ReferenceFile | None = None
    oncall: OncallFile | None = None
