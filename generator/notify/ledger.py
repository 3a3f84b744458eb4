"""The ledger ``api/notifications.json``: what was delivered, so nothing is delivered twice.

Published with the site. A run reads the ledger of the published site (``--previous``) and the
one already in the site folder (a second run over the same build), unites them, and records each
delivery as soon as it succeeded, so a rerun, a retry or a run that waited for this one sends
nothing again. A failed delivery is recorded as *pending*, with the event itself, so the next
run (whose previous site already shows it) tries again, for ``notify.retry_hours``.

    {"version": 1,
     "delivered": {"<event id>": {"<channel>": "<when>"}},
     "skipped":   {"<event id>": {"at": "<when>", "reason": "superseded by <id>" | "backfilled" | …}},
     "pending":   {"<event id>": {"since": "<when>", "channels": ["<channel>"], "event": {…}}}}

Only public data is in it: event ids and the public API objects of pending events.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.clock import iso
from generator.errors import StatusgenError
from generator.notify.events import Event, parse_ts

VERSION = 1
#: Records older than this are dropped: an event that old is in both sites and is never new again.
KEEP = dt.timedelta(days=90)


ts = iso  # the ledger's times, as everywhere


@dataclass
class Ledger:
    delivered: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: dict[str, dict[str, str]] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any, where: str) -> Ledger:
        if data is None:
            return cls()
        try:
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version') if isinstance(data, dict) else None!r}")
            ledger = cls({str(k): {str(c): str(t) for c, t in v.items()} for k, v in data["delivered"].items()},
                         {str(k): {"at": str(v["at"]), "reason": str(v["reason"])} for k, v in data["skipped"].items()},
                         {str(k): {"since": str(v["since"]), "channels": [str(c) for c in v["channels"]],
                                   "event": Event.from_json(v["event"]).to_json()} for k, v in data["pending"].items()})
            for event_id, record in ledger.pending.items():  # what later runs compute with: checked here, once
                parse_ts(record["since"])
                parse_ts(record["event"]["at"])
                if record["event"]["id"] != event_id or not isinstance(data["pending"][event_id]["channels"], list):
                    raise ValueError(f"pending {event_id[:60]!r} is not a pending delivery of that event")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StatusgenError(f"{where}: not a statusgen notification ledger ({exc})") from None
        return ledger

    def done(self, event_id: str, channel: str) -> bool:
        return event_id in self.skipped or channel in self.delivered.get(event_id, {})

    def merge(self, other: Ledger) -> None:
        """Unite with another run's ledger: a delivery recorded by either counts."""
        for event_id, channels in other.delivered.items():
            mine = self.delivered.setdefault(event_id, {})
            for channel, when in channels.items():
                mine[channel] = min(mine.get(channel, when), when)
        for event_id, record in other.skipped.items():
            self.skipped.setdefault(event_id, record)
        for event_id, record in other.pending.items():
            mine_pending = self.pending.get(event_id)
            if mine_pending is None:
                self.pending[event_id] = record
            else:
                mine_pending["since"] = min(mine_pending["since"], record["since"])
                mine_pending["channels"] = sorted(set(mine_pending["channels"]) | set(record["channels"]))
        self._settle()

    def _settle(self) -> None:
        """A pending delivery that some run has since made is no longer pending."""
        for event_id in list(self.pending):
            left = [c for c in self.pending[event_id]["channels"] if not self.done(event_id, c)]
            if left:
                self.pending[event_id]["channels"] = sorted(left)
            else:
                del self.pending[event_id]

    def record_delivery(self, event: Event, channel: str, now: dt.datetime) -> None:
        self.delivered.setdefault(event.id, {})[channel] = ts(now)
        self._settle()

    def record_skip(self, event: Event, reason: str, now: dt.datetime) -> None:
        self.skipped[event.id] = {"at": ts(now), "reason": reason}
        self.pending.pop(event.id, None)

    def record_failure(self, event: Event, channel: str, now: dt.datetime) -> None:
        record = self.pending.setdefault(event.id, {"since": ts(now), "channels": [], "event": event.to_json()})
        record["channels"] = sorted(set(record["channels"]) | {channel})

    def give_up(self, now: dt.datetime, hours: int) -> list[Event]:
        """Pending events first tried longer ago than ``hours``: dropped, and returned to be reported."""
        stale = [event_id for event_id, record in self.pending.items()
                 if now - parse_ts(record["since"]) > dt.timedelta(hours=hours)]
        return [Event.from_json(self.pending.pop(event_id)["event"]) for event_id in stale]

    def pending_events(self) -> list[Event]:
        return [Event.from_json(record["event"]) for record in self.pending.values()]

    def prune(self, now: dt.datetime) -> None:
        cutoff = ts(now - KEEP)
        self.delivered = {k: v for k, v in self.delivered.items() if max(v.values(), default=cutoff) >= cutoff}
        self.skipped = {k: v for k, v in self.skipped.items() if v["at"] >= cutoff}

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION,
                "delivered": {k: dict(sorted(v.items())) for k, v in sorted(self.delivered.items())},
                "skipped": dict(sorted(self.skipped.items())),
                "pending": dict(sorted(self.pending.items()))}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def write_ledger(path: Path, ledger: Ledger) -> None:
    """Replace the ledger at once (temp file + rename): a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".notifications-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(ledger.dumps())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
