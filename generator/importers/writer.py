"""Imported records -> content files: named, written as YAML, validated together, then written at once.

File names: an item already in the site (a file whose ``source`` is the item's, or, for a statusgen
site's own API, the file its id names) keeps its file, so a re-import maps every item to the same
file. A new item takes the id its source gives when that is already a statusgen id (a date-led
slug, as statusgen's own API publishes), else
``<date>-<slug of the title>`` (as ``declare`` names files), with ``-<source id>`` added when that
name is taken. The same source and the same site give the same names and the same bytes.

Nothing is written until everything is: the files are prepared in memory, copied with the rest
of ``content/`` into a temporary folder and loaded there exactly as ``statusgen validate`` loads a
site; then each file is written beside its target and renamed into place. A file that exists and
differs is only replaced with ``force``; one that holds the same bytes is left untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.authoring.incident_files import SCHEMA_COMMENT, yaml_scalar
from generator.authoring.new import slugify
from generator.clock import iso
from generator.content import models as m
from generator.content.loader import CONTENT_DIR, TEMP_PREFIX, load_content
from generator.content.source import read_markdown_file, yaml_quote
from generator.errors import StatusgenError
from generator.importers.records import Imported, ImportedIncident, SourceError

COMPONENTS_REL = f"{CONTENT_DIR}/components.yml"
INCIDENTS_REL = f"{CONTENT_DIR}/incidents"
#: An id statusgen itself would have given an incident: a date, then a slug.
_DATED_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*")
#: Written as the commander of an imported SEV1/SEV2 (the rules require one; the source does not say who).
UNRECORDED_COMMANDER = "not recorded (imported)"


def _time(moment: dt.datetime) -> str:
    """UTC, ``2026-03-30T14:15:00Z``; milliseconds kept when the source has them (two updates may share a second)."""
    moment = moment.astimezone(dt.timezone.utc)
    text = iso(moment)
    return f"{text[:-1]}.{moment.microsecond // 1000:03d}Z" if moment.microsecond else text


def components_text(imported: Imported) -> str:
    lines = ["# yaml-language-server: $schema=../schemas/components.schema.json"]
    if imported.groups:
        lines.append("groups:")
        for group in imported.groups:
            lines += [f"  - id: {yaml_scalar(group.id)}", f"    name: {yaml_scalar(group.name)}"]
            if group.description:
                lines.append(f"    description: {yaml_quote(group.description)}")
        lines.append("")
    lines.append("components:")
    for component in imported.components:
        lines += [f"  - id: {yaml_scalar(component.id)}", f"    name: {yaml_scalar(component.name)}"]
        if component.group:
            lines.append(f"    group: {yaml_scalar(component.group)}")
        if component.description:
            lines.append(f"    description: {yaml_quote(component.description)}")
        if component.start_date:
            lines.append(f"    start_date: {component.start_date.isoformat()}")
    return "\n".join(lines) + "\n"


def _states(states: dict[str, m.ComponentState], indent: str) -> list[str]:
    return [f"{indent}{yaml_scalar(component)}: {state}" for component, state in states.items()]


def incident_text(incident: ImportedIncident) -> str:
    lines = ["---", SCHEMA_COMMENT, f"title: {yaml_scalar(incident.title)}",
             f"type: {'maintenance' if incident.maintenance else 'incident'}"]
    if incident.severity:
        lines.append(f"severity: {incident.severity}")
    lines += ["components:", *_states(incident.components, "  ")]
    for name in ("started", "scheduled_for", "scheduled_until"):
        moment = getattr(incident, name)
        if moment is not None:
            lines.append(f"{name}: {_time(moment)}")
    lines.append("updates:")
    for update in incident.updates:
        lines += [f"  - at: {_time(update.at)}", f"    status: {update.status}"]
        if update.components:
            lines += ["    components:", *_states(update.components, "      ")]
        lines.append(f"    message: {yaml_scalar(update.message)}")
    lines.append(f"source: {yaml_scalar(incident.source)}")
    if incident.severity in ("SEV1", "SEV2"):
        lines += ["internal:", f"  commander: {yaml_scalar(UNRECORDED_COMMANDER)}"]
    lines.append("---")
    body = incident.body.strip()
    return "\n".join(lines) + "\n" + (body + "\n" if body else "")


def _existing_sources(root: Path) -> dict[str, str]:
    """``source`` -> incident id, for the incident files already in the site."""
    found: dict[str, str] = {}
    folder = root / INCIDENTS_REL
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.name.startswith(TEMP_PREFIX):
            continue
        doc, _ = read_markdown_file(path, f"{INCIDENTS_REL}/{path.name}")
        data = doc.front.data if doc is not None and doc.front is not None else None
        if isinstance(data, dict) and isinstance(data.get("source"), str):
            found.setdefault(data["source"], path.stem)
    return found


def _name_files(root: Path, incidents: list[ImportedIncident]) -> dict[str, ImportedIncident]:
    """Each item's file id (see the module docstring): deterministic for the same source and site."""
    existing = _existing_sources(root)
    on_disk_exact = {p.stem for p in (root / INCIDENTS_REL).glob("*.md")} if (root / INCIDENTS_REL).is_dir() else set()
    on_disk = {stem.casefold() for stem in on_disk_exact}
    taken = {id_.casefold() for id_ in existing.values()} | on_disk
    named: dict[str, ImportedIncident] = {}
    sources: set[str] = set()
    for incident in incidents:
        if incident.source in sources:
            raise SourceError(f"{incident.item}: appears twice in the source")
        sources.add(incident.source)
        if incident.source in existing:
            named[existing[incident.source]] = incident
        elif incident.preferred_id and _DATED_ID.fullmatch(incident.preferred_id) and \
                incident.preferred_id in on_disk_exact and incident.preferred_id not in existing.values():
            named[incident.preferred_id] = incident  # the site's own file (its API's id is the file's id)
    used = {id_.casefold() for id_ in named}
    placed = {id(incident) for incident in named.values()}
    for incident in incidents:
        if id(incident) in placed:
            continue
        candidates = []
        if incident.preferred_id and _DATED_ID.fullmatch(incident.preferred_id):
            candidates.append(incident.preferred_id)
        slug = slugify(incident.title) or "incident"
        base = f"{incident.day.isoformat()}-{slug}"
        with_source = f"{base}-{slugify(incident.source.partition(':')[2])}"[:m.MAX_ID_LENGTH].rstrip("-")
        candidates += [base, with_source]
        id_ = next((c for c in candidates  # is_slug: an id of the site's own rule (a long source id makes a long one)
                    if m.is_slug(c) and c.casefold() not in taken | used and c not in m.RESERVED_IDS), None)
        if id_ is None:
            raise SourceError(f"{incident.item}: no free file name (tried {', '.join(candidates)})")
        used.add(id_.casefold())
        named[id_] = incident
    return dict(sorted(named.items()))


@dataclass(frozen=True)
class Outcome:
    written: list[str]
    unchanged: list[str]


def plan(root: Path, imported: Imported) -> tuple[dict[str, str], dict[str, str]]:
    """Every file the import would write (path under the root -> text), and which item each file holds."""
    files = {COMPONENTS_REL: components_text(imported)}
    items = {COMPONENTS_REL: "components"}
    for id_, incident in _name_files(root, imported.incidents).items():
        rel = f"{INCIDENTS_REL}/{id_}.md"
        files[rel] = incident_text(incident)
        items[rel] = incident.item
    return files, items


def _check(root: Path, files: dict[str, str], items: dict[str, str], today: dt.date) -> None:
    """Load the site as it would be after the import, exactly as ``validate`` does; refuse on any error."""
    with tempfile.TemporaryDirectory(prefix="statusgen-import-") as scratch:
        trial = Path(scratch)
        shutil.copytree(root / CONTENT_DIR, trial / CONTENT_DIR, symlinks=True)
        for rel, text in files.items():
            target = trial / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        _, diagnostics = load_content(trial, today)
    errors = sorted(d for d in diagnostics if d.severity == "error")
    if errors:
        first = errors[0]
        more = f" ({len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        where = items.get(first.file)
        if where is None:
            raise StatusgenError(f"the site would not validate after the import: {first.format_text()}{more}")
        raise SourceError(f"{where}: would not validate: {first.message} "
                          f"(at {first.file}:{first.line}:{first.column} of the file it would write){more}")


def write_all(root: Path, imported: Imported, force: bool, today: dt.date) -> Outcome:
    """Write every file of the import, or none (see the module docstring)."""
    files, items = plan(root, imported)
    changed = {rel: text for rel, text in files.items()
               if not ((root / rel).is_file() and (root / rel).read_bytes() == text.encode("utf-8"))}
    unchanged = sorted(set(files) - set(changed))
    conflicts = sorted(rel for rel in changed if (root / rel).exists())
    if conflicts and not force:
        shown = ", ".join(conflicts[:3]) + (f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else "")
        raise StatusgenError(f"the import would replace {len(conflicts)} file(s) that differ: {shown}; "
                             "pass --force to replace them (nothing was written)")
    _check(root, files, items, today)
    staged: list[tuple[str, Path]] = []
    try:
        for rel in sorted(changed):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_PREFIX}import-", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(changed[rel])
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return Outcome(sorted(changed), unchanged)
