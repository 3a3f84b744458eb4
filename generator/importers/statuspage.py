"""Reading a Statuspage page's public ``api/v2/`` documents: ``components.json``, ``incidents.json``,
``scheduled-maintenances.json``, from a folder or over HTTP.

How items map (the README says it too):

- groups (components with ``group: true``) and components keep their ids, names, descriptions and
  order (``position``), so consumers keyed by component id keep working;
- ``impact`` -> severity by :data:`generator.policy.SEVERITY_OF_IMPACT`;
- every update (oldest first) keeps its time (``display_at``, else ``created_at``), status and body;
  the component states of the first update are the incident's starting states, later updates keep
  the states they change; a maintenance puts every component it names ``under_maintenance``;
- a ``postmortem`` update (published after the incident was resolved) becomes the incident page's
  description under a "Postmortem" heading; statusgen keeps postmortems in their own files;
- updates statusgen derives itself (a maintenance's *In progress* at ``scheduled_for`` and
  *Completed* at ``scheduled_until`` with this site's wording) are not written, they are derived
  again; a ``completed`` update that opens with this site's cancellation note is ``cancelled``.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from generator import policy
from generator.content import models as m
from generator.content.external import JsonProblem, get_bounded, load_json, read_bounded, utc_instant
from generator.importers.records import (
    Imported,
    ImportedComponent,
    ImportedGroup,
    ImportedIncident,
    ImportedUpdate,
    SourceError,
    Unrepresentable,
    markdown_text,
    one_line,
)
from generator.settings import MaintenanceSettings

DOCUMENTS = ("components.json", "incidents.json", "scheduled-maintenances.json")
#: A document larger than this is not a status page's (Statuspage returns at most 50 items).
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
U = m.UpdateStatus

IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved", "postmortem"]
MaintenanceStatus = Literal["scheduled", "in_progress", "verifying", "completed", "cancelled"]


#: A time with an offset, in UTC, within the content model's range (a year-1 time would overflow later).
def _instant(value: Any) -> dt.datetime:
    try:
        return utc_instant(value)
    except ValueError as exc:
        raise PydanticCustomError("time", "{problem}", {"problem": str(exc)}) from None


AwareDatetime = Annotated[dt.datetime, BeforeValidator(_instant)]

class _In(BaseModel):
    """Statuspage's fields that statusgen reads; others are passed over."""

    model_config = ConfigDict(extra="ignore")


class SpComponent(_In):
    id: str
    name: str
    position: int | None = None
    description: str | None = None
    group: bool = False
    group_id: str | None = None
    start_date: dt.date | None = None


class SpAffected(_In):
    code: str
    name: str | None = None
    old_status: m.ComponentState | None = None
    new_status: m.ComponentState


class SpUpdate(_In):
    status: Literal[IncidentStatus, MaintenanceStatus]  # type: ignore[valid-type]
    body: str
    created_at: AwareDatetime
    display_at: AwareDatetime | None = None
    affected_components: list[SpAffected] | None = None

    @property
    def at(self) -> dt.datetime:
        return (self.display_at or self.created_at).astimezone(dt.timezone.utc)


class SpIncident(_In):
    id: str
    name: str
    status: Literal[IncidentStatus, MaintenanceStatus]  # type: ignore[valid-type]
    impact: Literal["none", "minor", "major", "critical", "maintenance"]
    created_at: AwareDatetime
    started_at: AwareDatetime | None = None
    scheduled_for: AwareDatetime | None = None
    scheduled_until: AwareDatetime | None = None
    incident_updates: list[SpUpdate] = Field(min_length=1)
    components: list[SpComponent] | None = None


class ComponentsDoc(_In):
    components: list[SpComponent]


class IncidentsDoc(_In):
    incidents: list[SpIncident]


class MaintenancesDoc(_In):
    scheduled_maintenances: list[SpIncident]


# --- Reading the documents ----------------------------------------------------------------


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_documents(source: str, timeout: float, retries: int) -> dict[str, bytes]:
    """The three documents' bytes; all of them or an error (nothing is written before all are read)."""
    if _is_url(source):
        return _fetch(source, timeout, retries)
    folder = Path(source).expanduser()
    if (folder / "api" / "v2" / DOCUMENTS[0]).is_file():
        folder = folder / "api" / "v2"
    result = {}
    for name in DOCUMENTS:
        path = folder / name
        if not path.is_file():
            raise SourceError(f"{path}: no such file (SOURCE must hold a Statuspage page's api/v2/ documents: "
                              f"{', '.join(DOCUMENTS)})")
        try:
            raw = read_bounded(path, MAX_DOCUMENT_BYTES)
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise SourceError(f"{path}: larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
        result[name] = raw
    return result


def _fetch(source: str, timeout: float, retries: int) -> dict[str, bytes]:
    """GET each document with httpx: a timeout per request, retries with backoff on 5xx, 429 and network errors."""
    import httpx  # only an import over HTTP needs it

    base = source if source.endswith("/") else source + "/"
    if not base.endswith("api/v2/"):
        base += "api/v2/"
    result = {}
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True,
                      headers={"Accept": "application/json", "User-Agent": "statusgen-import"}) as client:
        for name in DOCUMENTS:
            url = base + name
            problem = ""
            for attempt in range(retries + 1):
                if attempt:
                    time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
                try:
                    response, body = get_bounded(client, url, MAX_DOCUMENT_BYTES, timeout * 3)
                except httpx.TimeoutException:
                    problem = f"no answer within {timeout:g} s"
                    continue
                except httpx.HTTPError as exc:
                    problem = f"cannot connect ({type(exc).__name__})"
                    continue
                if response.status_code >= 500 or response.status_code == 429:
                    problem = f"HTTP {response.status_code}"
                    continue
                if response.status_code != 200:
                    raise SourceError(f"{url}: HTTP {response.status_code} (is this a Statuspage page's address?)")
                if body is None:
                    raise SourceError(f"{url}: larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
                result[name] = body
                break
            else:
                raise SourceError(f"{url}: {problem} after {retries + 1} attempt(s); nothing was written")
    return result


def _parse(name: str, raw: bytes, model: type[_In]) -> Any:
    try:
        data = load_json(raw)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: not UTF-8 (byte {exc.start + 1})") from None
    except JsonProblem as exc:
        raise SourceError(f"{name}: not valid JSON (truncated?): {exc.message} at line {exc.line} column {exc.column}"
                          ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SourceError(_explain(name, data, exc.errors()[0])) from None


_KINDS = {"components": "component", "incidents": "incident", "scheduled_maintenances": "maintenance"}


def _label(kind: str, data: Any) -> str:
    if isinstance(data, dict):
        ident, title = data.get("id"), data.get("name")
        if isinstance(ident, str):
            return f'{kind} "{ident}"' + (f" ({title})" if isinstance(title, str) else "")
    return kind


def _explain(name: str, data: Any, error: Any) -> str:
    """A pydantic error as one line naming the item: ``incidents.json: incident "abc" (Title): …``."""
    loc = list(error["loc"])
    where = name
    if len(loc) >= 2 and loc[0] in _KINDS and isinstance(loc[1], int) and isinstance(data, dict):
        where += ": " + _label(_KINDS[loc[0]], data[loc[0]][loc[1]])
        loc = loc[2:]
    elif loc and loc[0] in _KINDS:
        loc = loc[:1]
    if loc[:1] == ["incident_updates"] and len(loc) >= 2:
        loc = [f"update {loc[1] + 1} (newest first)"] + loc[2:]
    field = " ".join(str(part) for part in loc) or "document"
    kind = error["type"]
    if kind == "missing":
        return f"{where}: {field} is missing"
    if kind in ("literal_error", "enum"):
        inside = " ".join(str(part) for part in loc[:-1])
        return (f"{where}: {inside + ': ' if inside else ''}unknown {loc[-1]} {error['input']!r} "
                f"(expected {error['ctx']['expected']})")
    if kind == "too_short" and field == "incident_updates":
        return f"{where}: has no updates"
    return f"{where}: {field}: {error['msg']}"


# --- Statuspage items -> records --------------------------------------------------------------


def _components(doc: ComponentsDoc) -> tuple[list[ImportedGroup], list[ImportedComponent]]:
    def by_position(members: list[SpComponent]) -> list[SpComponent]:
        order = {id(c): index for index, c in enumerate(members)}
        return sorted(members, key=lambda c: (c.position is None, c.position or 0, order[id(c)]))

    # Positions count within a level: the top level (groups and ungrouped components), then each group's members.
    items = []
    for top in by_position([c for c in doc.components if c.group_id is None]):
        items.append(top)
        if top.group:
            items += by_position([c for c in doc.components if c.group_id == top.id])
    groups = {c.id for c in items if c.group}
    items += [c for c in doc.components if c.group_id is not None and c.group_id not in groups]  # refused below
    for component in items:
        item = f"components.json: {_label('component', component.model_dump())}"
        if not m.is_slug(component.id) or component.id in m.RESERVED_IDS:
            raise SourceError(f"{item}: id {component.id!r} cannot be a statusgen id "
                              "(lowercase letters, digits and '-'; not 'index' or 'status')")
        if component.group_id is not None and component.group_id not in groups:
            raise SourceError(f"{item}: group_id {component.group_id!r} is not a group in components.json")
    imported_groups = [ImportedGroup(c.id, one_line(c.name, f"components.json: group \"{c.id}\"", "name"),
                                     _description(c)) for c in items if c.group]
    imported = [ImportedComponent(c.id, one_line(c.name, f"components.json: component \"{c.id}\"", "name"),
                                  c.group_id, _description(c), c.start_date) for c in items if not c.group]
    if not imported:
        raise SourceError("components.json: lists no component (statusgen needs at least one)")
    return imported_groups, imported


def _description(component: SpComponent) -> str | None:
    text = (component.description or "").replace("\r\n", "\n").strip()
    index = m.find_unprintable(text)
    if index is not None:
        raise SourceError(f"components.json: component \"{component.id}\": description contains "
                          f"{m.describe_char(text[index])} at position {index + 1}, which a status page cannot show")
    return text or None


class _Reader:
    def __init__(self, component_ids: set[str], wording: MaintenanceSettings) -> None:
        self.component_ids = component_ids
        self.wording = wording

    def _known(self, code: str, item: str, where: str) -> str:
        if code not in self.component_ids:
            raise SourceError(f"{item}: {where} names component {code!r}, which components.json does not list")
        return code

    def incident(self, sp: SpIncident, item: str, maintenance: bool) -> ImportedIncident:
        title = one_line(sp.name, item, "name")
        updates = sorted(sp.incident_updates, key=lambda u: u.at)
        postmortems = [u for u in updates if u.status == "postmortem"]
        updates = [u for u in updates if u.status != "postmortem"]
        if not updates:
            raise SourceError(f"{item}: has no updates but its postmortem")
        body = ""
        for update in postmortems:
            body += (f"## Postmortem\n\n*Published {update.at:%Y-%m-%d %H:%M} UTC*\n\n"
                     f"{markdown_text(update.body, item, 'the postmortem body')}\n\n")
        if maintenance:
            return self._maintenance(sp, item, title, updates, body)
        if sp.impact == "maintenance":
            raise SourceError(f"{item}: impact 'maintenance' on an incident (expected none, minor, major or critical)")
        written: list[ImportedUpdate] = []
        start: dict[str, m.ComponentState] = {}
        for index, update in enumerate(updates):
            where = f"update at {update.at:%Y-%m-%dT%H:%M:%SZ}"
            status = self._status(update.status, m.INCIDENT_STATUSES, item, where)
            states = {self._known(a.code, item, where): a.new_status for a in update.affected_components or []}
            if index == 0:
                start = {code: state for code, state in states.items() if state != m.ComponentState.OPERATIONAL}
                states = {}
            elif status in policy.FINISHED:
                states = {}  # a resolved incident sets every component operational
            written.append(ImportedUpdate(update.at, status, markdown_text(update.body, item, f"{where}: body"),
                                          states or None))
        if not start:
            raise Unrepresentable(f"{item}: its first update sets no component state (affected_components); "
                                  "statusgen needs the states an incident starts with (--skip-unstated skips it)")
        started = min((sp.started_at or sp.created_at).astimezone(dt.timezone.utc), written[0].at)
        return ImportedIncident(item=item, source=f"statuspage:{sp.id}", title=title, maintenance=False,
                                components=start, updates=written,
                                severity=m.Severity(policy.SEVERITY_OF_IMPACT[sp.impact]), started=started,
                                body=body, preferred_id=sp.id)

    def _maintenance(self, sp: SpIncident, item: str, title: str, updates: list[SpUpdate], body: str
                     ) -> ImportedIncident:
        if sp.scheduled_for is None or sp.scheduled_until is None:
            raise SourceError(f"{item}: a maintenance needs scheduled_for and scheduled_until")
        start, end = sp.scheduled_for.astimezone(dt.timezone.utc), sp.scheduled_until.astimezone(dt.timezone.utc)
        named = [self._known(c.id, item, "components") for c in sp.components or []]
        for update in updates:
            named += [self._known(a.code, item, f"update at {update.at:%Y-%m-%dT%H:%M:%SZ}")
                      for a in update.affected_components or []]
        if not named:
            raise Unrepresentable(f"{item}: names no component; statusgen needs the components a maintenance "
                                  "affects (--skip-unstated skips it)")
        written = []
        for update in updates:
            where = f"update at {update.at:%Y-%m-%dT%H:%M:%SZ}"
            status = self._status(update.status, m.MAINTENANCE_STATUSES, item, where)
            text = update.body.strip()
            if (status, update.at, text) in ((U.IN_PROGRESS, start, self.wording.in_progress_message),
                                             (U.COMPLETED, end, self.wording.completed_message)):
                continue  # statusgen derives this update itself, with the same time and words
            note = self.wording.cancelled_note + " "
            if status == U.COMPLETED and text.startswith(note):
                status, text = U.CANCELLED, text[len(note):]
            written.append(ImportedUpdate(update.at, status, markdown_text(text, item, f"{where}: body")))
        if not written:
            raise SourceError(f"{item}: has no updates of its own (only the automatic ones)")
        return ImportedIncident(item=item, source=f"statuspage:{sp.id}", title=title, maintenance=True,
                                components=dict.fromkeys(named, m.ComponentState.UNDER_MAINTENANCE),
                                updates=written, scheduled_for=start, scheduled_until=end, body=body,
                                preferred_id=sp.id)

    @staticmethod
    def _status(status: str, allowed: tuple[m.UpdateStatus, ...], item: str, where: str) -> m.UpdateStatus:
        if status not in allowed:
            raise SourceError(f"{item}: {where}: status {status!r} does not belong to this kind of item "
                              f"(expected {', '.join(allowed)})")
        return m.UpdateStatus(status)


def read(source: str, wording: MaintenanceSettings, timeout: float = 10.0, retries: int = 3,
         skip_unstated: bool = False) -> Imported:
    """Everything a Statuspage page's public API holds, as records; any problem names its item.

    With ``skip_unstated``, an item that sets no component state (Statuspage allows an incident with no
    components) is listed as skipped instead of stopping the import: statusgen does not invent a state.
    """
    raw = read_documents(source, timeout, retries)
    components_doc: ComponentsDoc = _parse("components.json", raw["components.json"], ComponentsDoc)
    incidents_doc: IncidentsDoc = _parse("incidents.json", raw["incidents.json"], IncidentsDoc)
    maintenance_doc: MaintenancesDoc = _parse("scheduled-maintenances.json", raw["scheduled-maintenances.json"],
                                              MaintenancesDoc)
    groups, components = _components(components_doc)
    reader = _Reader({c.id for c in components}, wording)
    result = Imported(groups=groups, components=components)
    maintenance_ids = {sp.id for sp in maintenance_doc.scheduled_maintenances}
    items = [(f"incidents.json: {_label('incident', sp.model_dump())}", sp, sp.scheduled_for is not None)
             for sp in incidents_doc.incidents if sp.id not in maintenance_ids]  # in both: once, as maintenance
    items += [(f"scheduled-maintenances.json: {_label('maintenance', sp.model_dump())}", sp, True)
              for sp in maintenance_doc.scheduled_maintenances]
    for item, sp, maintenance in items:
        try:
            result.incidents.append(reader.incident(sp, item, maintenance))
        except Unrepresentable as exc:
            if not skip_unstated:
                raise
            result.skipped.append(str(exc).removesuffix(" (--skip-unstated skips it)"))
    return result
