"""Reading a cState site (a Hugo status page): ``config.yml`` and ``content/issues/*.md``.

How items map (the README says it too):

- ``params.categories`` become groups and ``params.systems`` components (ids are slugs of their
  names; a system's ``category`` is its group); order is kept;
- an issue's ``severity`` is a state (``down`` -> major_outage, ``disrupted`` -> partial_outage,
  ``notice`` -> degraded_performance) for every system in ``affected`` (matched by name, case
  ignored); its severity follows from that state's impact like a Statuspage impact does;
- ``date`` is the first update (``investigating``; its message is the issue's body, with cState's
  ``{{< track "TIME" >}}`` shortcodes written as the time), ``resolved: true`` adds a ``resolved``
  update at ``resolvedWhen``; times without an offset are UTC (Hugo's default);
- ``informational: true`` issues are notices with no impact: statusgen has no such kind, so they are
  skipped and listed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from generator import policy
from generator.authoring.new import slugify
from generator.content import models as m
from generator.content.external import read_bounded, utc_instant
from generator.content.source import MAX_FILE_BYTES, MAX_YAML_NODES, split_front_matter
from generator.importers.records import (
    Imported,
    ImportedComponent,
    ImportedGroup,
    ImportedIncident,
    ImportedUpdate,
    SourceError,
    one_line,
)
from generator.status.timeline import IMPACT_OF_STATE

S = m.ComponentState
#: cState's severities as component states.
STATE_OF_SEVERITY = {"down": S.MAJOR_OUTAGE, "disrupted": S.PARTIAL_OUTAGE, "notice": S.DEGRADED_PERFORMANCE}
RESOLVED_MESSAGE = "This incident has been resolved."
_TRACK = re.compile(r"\{\{<\s*track\s+\"([^\"]*)\"\s*>\}\}")
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)


def _load_yaml(text: str, item: str) -> Any:
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SourceError(f"{item}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    _bounded(data, item)
    return data


def _bounded(data: Any, item: str) -> None:
    """Refuse YAML whose aliases expand past the content files' limit (``MAX_YAML_NODES``): PyYAML shares
    an aliased value, so a few lines of nested aliases load at once, and then reading them never ends."""
    stack, count = [data], 0
    while stack:
        value = stack.pop()
        count += 1
        if count > MAX_YAML_NODES:
            raise SourceError(f"{item}: YAML has more than {MAX_YAML_NODES} values (aliases expanded); refusing to "
                              "read it")
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _read(path: Path, item: str) -> str:
    """A regular file's text, within the content files' size limit (a folder or a pipe named ``*.md``
    was a traceback or a read that never returned)."""
    if not path.is_file():
        raise SourceError(f"{item}: not a regular file")
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise SourceError(f"{item}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(f"{item}: larger than {MAX_FILE_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{item}: not UTF-8 (byte {exc.start + 1})") from None


def _time(value: Any, item: str, field: str) -> dt.datetime:
    """A cState time: a YAML timestamp or text like ``2018-04-25 04:13:00``; no offset means UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SourceError(f"{item}: {field} {value!r} is not a time like 2018-04-25 04:13:00") from None
    else:
        raise SourceError(f"{item}: {field} is missing or not a time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        return utc_instant(moment.isoformat())
    except ValueError as exc:
        raise SourceError(f"{item}: {field} {exc}") from None


def _config(directory: Path) -> tuple[list[ImportedGroup], list[ImportedComponent]]:
    path = next((directory / name for name in ("config.yml", "config.yaml", "hugo.yml", "hugo.yaml")
                 if (directory / name).is_file()), None)
    if path is None:
        raise SourceError(f"{directory}: no config.yml (a cState site lists its systems there)")
    item = path.name
    config = _load_yaml(_read(path, item), item)
    params = config.get("params") if isinstance(config, dict) else None
    if not isinstance(params, dict) or not isinstance(params.get("systems"), list) or not params["systems"]:
        raise SourceError(f"{item}: params.systems lists no system")
    groups: list[ImportedGroup] = []
    for index, category in enumerate(params.get("categories") or [], start=1):
        where = f"{item}: category {index}"
        if not isinstance(category, dict) or not isinstance(category.get("name"), str):
            raise SourceError(f"{where}: has no name")
        name = one_line(category["name"], where, "name")
        groups.append(ImportedGroup(_id(name, where), name, _text(category.get("description"), where)))
    group_ids = {g.name.casefold(): g.id for g in groups}
    components = []
    for index, system in enumerate(params["systems"], start=1):
        where = f"{item}: system {index}"
        system = {"name": system} if isinstance(system, str) else system  # older cState: names alone
        if not isinstance(system, dict) or not isinstance(system.get("name"), str):
            raise SourceError(f"{where}: has no name")
        name = one_line(system["name"], where, "name")
        category = system.get("category")
        group = None
        if category is not None:
            group = group_ids.get(str(category).casefold())
            if group is None:
                raise SourceError(f'{where} ({name}): category {category!r} is not in params.categories')
        components.append(ImportedComponent(_id(name, where), name, group, _text(system.get("description"), where)))
    for ids in ([g.id for g in groups], [c.id for c in components]):
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate:
            raise SourceError(f"{item}: two names make the same id {duplicate!r}")
    return groups, components


def _id(name: str, where: str) -> str:
    id_ = slugify(name)
    if not id_ or id_ in m.RESERVED_IDS:
        raise SourceError(f"{where}: the name {name!r} makes no usable id")
    return id_


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    index = m.find_unprintable(text)
    if index is not None:
        raise SourceError(f"{where}: description contains {m.describe_char(text[index])} at position {index + 1}")
    return text or None


def _issue(path: Path, by_name: dict[str, str]) -> ImportedIncident | str:
    """One issue as a record, or why it is skipped."""
    item = f"content/issues/{path.name}"
    text = _read(path, item).replace("\r\n", "\n")
    doc, problems = split_front_matter(text, item, parse=False)
    if doc is None:
        raise SourceError(f"{item}: no front matter" + (f" ({problems[0].message})" if problems else ""))
    front = _load_yaml("\n".join(text.split("\n")[1:doc.body_line - 2]), item)
    if not isinstance(front, dict):
        raise SourceError(f"{item}: the front matter is not a mapping")
    title = one_line(str(front.get("title") or ""), item, "title")
    item = f'{item} ({title})'
    if front.get("informational") is True:
        return f"{item}: informational (a notice with no impact; statusgen has no such kind)"
    severity = front.get("severity")
    if severity not in STATE_OF_SEVERITY:
        raise SourceError(f"{item}: unknown severity {severity!r} (expected down, disrupted or notice)")
    state = STATE_OF_SEVERITY[severity]
    affected = front.get("affected")
    if not isinstance(affected, list) or not affected:
        raise SourceError(f"{item}: affected names no system")
    components = {}
    for name in affected:
        id_ = by_name.get(str(name).strip().casefold())
        if id_ is None:
            raise SourceError(f"{item}: affected system {name!r} is not in config.yml's params.systems")
        components[id_] = state
    start = _time(front.get("date"), item, "date")
    body = _TRACK.sub(lambda match: f"({match.group(1)} UTC)" if match.group(1) else "", doc.body)
    leftover = _SHORTCODE.search(body)
    if leftover:
        raise SourceError(f"{item}: the Hugo shortcode {leftover.group(0)!r} has no statusgen equivalent")
    index = m.find_unprintable(body)
    if index is not None:
        raise SourceError(f"{item}: the body contains {m.describe_char(body[index])} at position {index + 1}")
    updates = [ImportedUpdate(start, m.UpdateStatus.INVESTIGATING, body.strip() or title)]
    if front.get("resolved") is True:
        end = _time(front.get("resolvedWhen"), item, "resolvedWhen")
        if end <= start:
            raise SourceError(f"{item}: resolvedWhen {end:%Y-%m-%d %H:%M:%S} is not after "
                              f"date {start:%Y-%m-%d %H:%M:%S}")
        updates.append(ImportedUpdate(end, m.UpdateStatus.RESOLVED, RESOLVED_MESSAGE))
    return ImportedIncident(
        item=item, source=f"cstate:{path.name}", title=title, maintenance=False, components=components,
        updates=updates, severity=m.Severity(policy.SEVERITY_OF_IMPACT[IMPACT_OF_STATE[state]]), started=start)


def read(directory: Path) -> Imported:
    """A cState site's systems, categories and issues, as records; any problem names its file."""
    groups, components = _config(directory)
    by_name = {c.name.casefold(): c.id for c in components} | {c.id: c.id for c in components}
    result = Imported(groups=groups, components=components)
    folder = directory / "content" / "issues"
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder (a cState site keeps its issues there)")
    for path in sorted(folder.glob("*.md")):
        if path.name.startswith("_"):
            continue  # _index.md: Hugo's section page, not an issue
        issue = _issue(path, by_name)
        if isinstance(issue, str):
            result.skipped.append(issue)
        else:
            result.incidents.append(issue)
    return result
