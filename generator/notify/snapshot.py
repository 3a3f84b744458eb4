"""The public API documents of one site, read from a folder or over HTTP: what events are derived from.

A site that was never published (no folder, or ``api/v2/incidents.json`` answers 404) is
:data:`None`: a first run, which sends nothing. Anything else that cannot be read is an error,
because guessing "nothing was published" would resend the whole history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from generator.content.external import JsonProblem, get_bounded, load_json, read_bounded, utc_instant
from generator.errors import StatusgenError

#: What events are derived from, under ``api/``: the recent lists and the open ones (an old open
#: incident may have left the 50 most recent), and the components.
DOCUMENTS = ("v2/incidents.json", "v2/incidents/unresolved.json", "v2/scheduled-maintenances.json",
             "v2/scheduled-maintenances/upcoming.json", "v2/scheduled-maintenances/active.json",
             "v2/components.json", "v2/status.json")
LEDGER = "notifications.json"
#: Seconds to wait for the previous site's documents.
READ_TIMEOUT = 20.0
#: The most of one document read: far above any site's (the lists hold 50 items), far below a machine's memory.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ApiSnapshot:
    """One site's public API documents (path under ``api/`` -> parsed JSON) and its ledger, if any."""

    documents: dict[str, Any]
    ledger: dict[str, Any] | None = None
    where: str = ""

    def list_of(self, path: str, key: str) -> list[dict[str, Any]]:
        value = self.documents.get(path, {}).get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise StatusgenError(f"{self.where}api/{path}: '{key}' is not a list of objects")
        return value

    @property
    def page(self) -> dict[str, Any]:
        return dict(self.documents["v2/status.json"].get("page", {}))

    @property
    def status(self) -> dict[str, Any]:
        return dict(self.documents["v2/status.json"].get("status", {}))


def _parse(text: bytes | None, where: str) -> Any:
    if text is None or len(text) > MAX_DOCUMENT_BYTES:
        raise StatusgenError(f"{where} is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB; not a status site's document")
    try:
        value = load_json(text)
    except UnicodeDecodeError as exc:
        raise StatusgenError(f"{where} is not JSON: not UTF-8 (byte {exc.start + 1})") from None
    except JsonProblem as exc:
        raise StatusgenError(f"{where} is not JSON: {exc.message} (line {exc.line} column {exc.column})") from None
    if not isinstance(value, dict):
        raise StatusgenError(f"{where} is not a JSON object")
    return value


#: What events are read from, per document: the list's key, and the fields each entry must have as text
#: (a time where named so); an incident's updates are checked as well.
_SHAPES = {"v2/components.json": "components"} | {name: "incidents" for name in DOCUMENTS if "/incidents" in name} | \
    {name: "scheduled_maintenances" for name in DOCUMENTS if "scheduled-maintenances" in name}


def _text(entry: dict[str, Any], key: str, where: str, time: bool = False) -> None:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise StatusgenError(f"{where}.{key} is missing or not text")
    if time:
        try:
            utc_instant(value)
        except ValueError as exc:
            raise StatusgenError(f"{where}.{key} {exc}") from None


def _check(documents: dict[str, Any], where: str) -> None:
    """Every field events are derived from, present and of its type: a site's documents are read from
    outside (a URL, a folder anyone may have edited), so a wrong one is an error naming it, not a crash."""
    for name, key in _SHAPES.items():
        entries = documents.get(name, {}).get(key, [])
        place = f"{where}api/{name}: {key}"
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise StatusgenError(f"{place} is not a list of objects")
        for index, entry in enumerate(entries):
            at = f"{place}[{index}]"
            _text(entry, "id", at)
            _text(entry, "status", at)
            if key == "components":
                _text(entry, "updated_at", at, time=True)
                continue
            if entry.get("status") == "postmortem":
                _text(entry, "updated_at", at, time=True)
            updates = entry.get("incident_updates") or []
            if not isinstance(updates, list) or not all(isinstance(update, dict) for update in updates):
                raise StatusgenError(f"{at}.incident_updates is not a list of objects")
            for number, update in enumerate(updates):
                for field in ("id", "status", "created_at"):
                    _text(update, field, f"{at}.incident_updates[{number}]", time=field == "created_at")
    for name in ("v2/status.json",):
        for key in ("page", "status"):
            if not isinstance(documents.get(name, {}).get(key, {}), dict):
                raise StatusgenError(f"{where}api/{name}: {key} is not an object")


def read_folder(site: Path) -> ApiSnapshot | None:
    """A built public site (the folder holding ``api/``); None if it holds no API (never published)."""
    api = site / "api"
    if not (api / DOCUMENTS[0]).is_file():
        return None
    documents = {}
    for name in DOCUMENTS:
        path = api / name
        try:
            documents[name] = _parse(read_bounded(path, MAX_DOCUMENT_BYTES), str(path))
        except OSError as exc:
            raise StatusgenError(f"cannot read {path}: {exc.strerror}") from None
    ledger_path = api / LEDGER
    try:
        raw = read_bounded(ledger_path, MAX_DOCUMENT_BYTES) if ledger_path.is_file() else None
    except OSError as exc:
        raise StatusgenError(f"cannot read {ledger_path}: {exc.strerror}") from None
    ledger = None if raw is None else _parse(raw, str(ledger_path))
    _check(documents, f"{site}/")
    return ApiSnapshot(documents, ledger, where=f"{site}/")


def read_url(base: str, timeout: float = READ_TIMEOUT) -> ApiSnapshot | None:
    """The published site at ``base`` (its ``site_url``); None if it has no API yet (404).

    Read past caches (a query no one asked before, and ``no-cache``): a CDN's copy from before
    the last deploy would hold an older ledger, and events it lacks would be sent again.
    """
    base = base if base.endswith("/") else base + "/"
    documents: dict[str, Any] = {}
    fresh = f"?notify={time.time_ns()}"
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "statusgen-notify"}) as client:
            for index, name in enumerate((*DOCUMENTS, LEDGER)):
                url = f"{base}api/{name}"
                response, body = get_bounded(client, url + fresh, MAX_DOCUMENT_BYTES, timeout * 3,
                                             headers={"Cache-Control": "no-cache"})
                if response.status_code == 404 and (index == 0 or name == LEDGER):
                    if index == 0:
                        return None
                    continue
                if response.status_code != 200:
                    raise StatusgenError(f"cannot read the previous site: {url} answered HTTP {response.status_code}")
                documents[name] = _parse(body, url)
    except httpx.HTTPError as exc:
        raise StatusgenError(f"cannot read the previous site at {base}: {type(exc).__name__}: {exc}") from None
    ledger = documents.pop(LEDGER, None)
    _check(documents, base)
    return ApiSnapshot(documents, ledger, where=base)


def read_previous(where: str) -> ApiSnapshot | None:
    """``--previous``: an http(s) URL, or a folder (a copy of the published public site)."""
    if where.startswith(("http://", "https://")):
        return read_url(where)
    folder = Path(where).expanduser()
    if folder.exists() and not folder.is_dir():
        raise StatusgenError(f"--previous {where} is a file; give the folder of the published public site")
    return read_folder(folder) if folder.is_dir() else None
