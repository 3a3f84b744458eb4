"""A maintenance window opens and closes for subscribers too: the automatic updates, read back by real parsers.

The scenario's maintenance (``2026-11-26-dashboard-upgrade``) was announced on Nov 20 09:00 for
Nov 26 11:00-13:00, with no update of its own since. Statuspage posts ``In progress`` at
``scheduled_for`` and ``Completed`` at ``scheduled_until``; statusgen derives the same updates at
build time, so the feeds, the JSON API, the calendar and the incident page all move with them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import jsonschema
import pytest

from generator.build import build
from generator.content.loader import require_content
from generator.output import statuspage_api as api
from generator.output.public_pages import public_pages
from generator.output.subscriber_files import subscriber_files
from generator.settings import check_settings, load_settings
from generator.status.snapshot import build_snapshot

from .conftest import REPO
from .htmltext import texts
from .scenario import make_scenario

UTC = dt.timezone.utc
MNT = "2026-11-26-dashboard-upgrade"
PATH = f"content/incidents/{MNT}.md"
OPENS = dt.datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
CLOSES = dt.datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
ANNOUNCED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MINUTE = dt.timedelta(minutes=1)
DEFAULT_IN_PROGRESS = "Scheduled maintenance has begun."
DEFAULT_COMPLETED = "The scheduled maintenance window has ended."
DEFAULT_CANCELLED = "This scheduled maintenance has been cancelled."


class Published:
    """What a subscriber reads at one moment: the subscriber files and the maintenance's page, parsed."""

    def __init__(self, root: Path, now: dt.datetime) -> None:
        content, _ = require_content(root, now.date())
        snap = build_snapshot(content, load_settings(root), now)
        self.files = subscriber_files(snap)
        self.page = public_pages(snap)[f"incidents/{MNT}.md"].body

    def json(self, path: str) -> Any:
        return json.loads(self.files[f"api/{path}"])

    @property
    def maintenance(self) -> dict[str, Any]:
        [found] = [m for m in self.json("v2/scheduled-maintenances.json")["scheduled_maintenances"] if m["id"] == MNT]
        return found

    @property
    def entry(self) -> Any:
        feed = feedparser.parse(self.files["history.atom"])
        assert not feed.bozo, feed.get("bozo_exception")
        [found] = [e for e in feed.entries if e.id.endswith(f"Maintenance/{MNT}")]
        return found

    @property
    def event(self) -> Any:
        calendar = icalendar.Calendar.from_ical(self.files["maintenance.ics"])
        [found] = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(MNT)]
        return found

    def strongs(self) -> list[str]:
        """The statuses of the feed entry's updates, newest first (bots take the first as the current one)."""
        return re.findall(r"<strong>([^<]+)</strong>", self.entry.content[0].value)

    def trail(self) -> list[str]:
        """The incident page's update heads, newest first."""
        return texts(self.page, "sg-update__head")


def ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def updated(entry: Any) -> dt.datetime:
    return dt.datetime(*entry.updated_parsed[:6], tzinfo=UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_scenario(tmp_path / "repo")


def add_update(root: Path, at: str, status: str, message: str) -> None:
    """Append an update to the maintenance's front matter (which the file ends with)."""
    path = root / PATH
    text = path.read_text()
    assert text.endswith("\n---\n")
    path.write_text(text[:-4] + f"  - at: {at}\n    status: {status}\n    message: {message}\n---\n")


# --- the minute a window opens, in a real build ------------------------------------------------------------------


def test_a_build_when_the_window_opens_differs_from_one_a_minute_before(root: Path, tmp_path: Path) -> None:
    build(root, tmp_path / "before", OPENS - MINUTE)
    build(root, tmp_path / "after", OPENS)
    before, after = tmp_path / "before/public", tmp_path / "after/public"
    for name in ("history.atom", "history.rss", "maintenance.ics", "api/v2/summary.json",
                 "api/v2/scheduled-maintenances.json", "components/dashboard/history.atom"):
        assert (before / name).read_bytes() != (after / name).read_bytes(), name

    # Feeds (feedparser): the entry's updated moves to the opening, its first status is In progress.
    def entry(site: Path, name: str) -> Any:
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        return next(e for e in feed.entries if e.id.endswith(f"Maintenance/{MNT}"))

    for name in ("history.atom", "history.rss"):
        old, new = entry(before, name), entry(after, name)
        html = {n: (e.content[0].value if name.endswith("atom") else e.description) for n, e in (("old", old), ("new", new))}
        assert re.findall(r"<strong>([^<]+)</strong>", html["old"]) == ["Scheduled"]
        assert re.findall(r"<strong>([^<]+)</strong>", html["new"]) == ["In progress", "Scheduled"]
        assert DEFAULT_IN_PROGRESS in html["new"]
        if name.endswith("atom"):
            assert updated(old) == ANNOUNCED and updated(new) == OPENS
            assert old.id == new.id and old.published == new.published
    atom = feedparser.parse((after / "history.atom").read_bytes())
    assert dt.datetime(*atom.feed.updated_parsed[:6], tzinfo=UTC) == OPENS

    # The JSON API (json): the newest update is in_progress at scheduled_for, and updated_at moves.
    def maintenance(site: Path, name: str) -> dict[str, Any]:
        return next(m for m in json.loads((site / "api/v2" / name).read_text())["scheduled_maintenances"]
                    if m["id"] == MNT)

    old, new = maintenance(before, "scheduled-maintenances.json"), maintenance(after, "scheduled-maintenances.json")
    assert (old["status"], old["updated_at"]) == ("scheduled", ts(ANNOUNCED))
    assert [u["status"] for u in old["incident_updates"]] == ["scheduled"]
    assert (new["status"], new["updated_at"], new["resolved_at"]) == ("in_progress", ts(OPENS), None)
    newest = new["incident_updates"][0]
    assert [u["status"] for u in new["incident_updates"]] == ["in_progress", "scheduled"]
    assert newest["created_at"] == newest["display_at"] == ts(OPENS) and newest["body"] == DEFAULT_IN_PROGRESS
    assert newest["affected_components"] == [
        {"code": "dashboard", "name": "Dashboard", "old_status": "operational", "new_status": "under_maintenance"}]
    upcoming = json.loads((before / "api/v2/scheduled-maintenances/upcoming.json").read_text())
    active = json.loads((after / "api/v2/scheduled-maintenances/active.json").read_text())
    assert [m["id"] for m in upcoming["scheduled_maintenances"]] == [MNT]
    assert [m["id"] for m in active["scheduled_maintenances"]] == [MNT]
    dashboard = {c["id"]: c for c in json.loads((after / "api/v2/components.json").read_text())["components"]}
    assert dashboard["dashboard"]["updated_at"] == ts(OPENS)
    assert json.loads((after / "api/v2/summary.json").read_text())["page"]["updated_at"] == ts(OPENS)

    # The calendar (icalendar): one more revision, last modified when the window opened.
    def event(site: Path) -> Any:
        [found] = icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes()).walk("VEVENT")
        return found

    old, new = event(before), event(after)
    assert (old["sequence"], new["sequence"]) == (0, 1)
    assert old.decoded("last-modified") == old.decoded("dtstamp") == ANNOUNCED
    assert new.decoded("last-modified") == new.decoded("dtstamp") == OPENS
    assert str(new["status"]) == "CONFIRMED"
    assert str(new["description"]).startswith(f"In progress: {DEFAULT_IN_PROGRESS}")

    # The incident page's update trail.
    page = (after / f"incidents/{MNT}/index.html").read_text()
    assert [t.split(" ")[0] for t in texts(page, "sg-update__head")] == ["In", "Scheduled"]
    assert texts(page, "sg-update__body")[0] == DEFAULT_IN_PROGRESS


def test_the_window_closing_completes_it(root: Path) -> None:
    before, after = Published(root, CLOSES - MINUTE), Published(root, CLOSES)
    assert before.maintenance["status"] == "in_progress" and before.maintenance["resolved_at"] is None
    done = after.maintenance
    assert done["status"] == "completed"
    assert done["resolved_at"] == done["updated_at"] == ts(CLOSES)
    assert [u["status"] for u in done["incident_updates"]] == ["completed", "in_progress", "scheduled"]
    assert done["incident_updates"][0]["body"] == DEFAULT_COMPLETED
    assert done["incident_updates"][0]["affected_components"] == [
        {"code": "dashboard", "name": "Dashboard", "old_status": "under_maintenance", "new_status": "operational"}]
    assert after.json("v2/scheduled-maintenances/active.json")["scheduled_maintenances"] == []
    assert after.strongs() == ["Completed", "In progress", "Scheduled"] and updated(after.entry) == CLOSES
    assert (before.event["sequence"], after.event["sequence"]) == (1, 2)
    assert after.event.decoded("dtstamp") == CLOSES and after.event.decoded("dtend") == CLOSES
    assert after.trail()[0].startswith("Completed")


def test_builds_are_byte_identical_with_the_automatic_updates(root: Path) -> None:
    assert Published(root, CLOSES).files == Published(root, CLOSES).files


# --- the file's own updates take precedence ---------------------------------------------------------------------


def test_an_explicit_in_progress_replaces_the_automatic_one(root: Path) -> None:
    add_update(root, "2026-11-26T11:04:00Z", "in_progress", "We have started the upgrade.")
    early = Published(root, dt.datetime(2026, 11, 26, 11, 2, tzinfo=UTC))  # the file's update is not out yet
    assert [u["id"] for u in early.maintenance["incident_updates"]] == [f"{MNT}-auto-in-progress", f"{MNT}-1"]
    later = Published(root, dt.datetime(2026, 11, 26, 11, 30, tzinfo=UTC))
    updates = later.maintenance["incident_updates"]
    assert [(u["id"], u["status"], u["body"]) for u in updates] == [
        (f"{MNT}-2", "in_progress", "We have started the upgrade."),
        (f"{MNT}-1", "scheduled", "We will upgrade the dashboard.")]
    assert later.maintenance["updated_at"] == "2026-11-26T11:04:00.000Z"
    assert later.strongs() == ["In progress", "Scheduled"]
    assert DEFAULT_IN_PROGRESS not in later.entry.content[0].value and DEFAULT_IN_PROGRESS not in later.page
    assert later.event["sequence"] == 1


def test_an_early_start_suppresses_the_automatic_update_and_moves_the_window(root: Path) -> None:
    add_update(root, "2026-11-26T10:30:00Z", "in_progress", "We started early.")
    seen = Published(root, dt.datetime(2026, 11, 26, 11, 30, tzinfo=UTC))
    assert [u["status"] for u in seen.maintenance["incident_updates"]] == ["in_progress", "scheduled"]
    assert seen.maintenance["started_at"] == "2026-11-26T10:30:00.000Z"
    assert seen.event.decoded("dtstart") == dt.datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


def test_a_window_completed_early_shows_its_real_end_everywhere(root: Path) -> None:
    add_update(root, "2026-11-26T12:20:00Z", "completed", "Done ahead of time.")
    seen = Published(root, dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # after the planned end too
    done = seen.maintenance
    assert done["status"] == "completed"
    assert done["resolved_at"] == done["updated_at"] == "2026-11-26T12:20:00.000Z"
    assert done["scheduled_until"] == ts(CLOSES)  # the plan stays what was announced
    assert [(u["status"], u["created_at"]) for u in done["incident_updates"]] == [
        ("completed", "2026-11-26T12:20:00.000Z"), ("in_progress", ts(OPENS)), ("scheduled", ts(ANNOUNCED))]
    assert seen.strongs() == ["Completed", "In progress", "Scheduled"]
    assert DEFAULT_COMPLETED not in seen.entry.content[0].value
    end = dt.datetime(2026, 11, 26, 12, 20, tzinfo=UTC)
    assert seen.event.decoded("dtend") == end and seen.event.decoded("last-modified") == end
    assert seen.event["sequence"] == 2
    assert "CompletedNov 26, 2026 12:20 UTC" in texts(seen.page, "sg-facts")[0]  # <dt>Completed</dt><dd>…
    dashboard = next(c for c in seen.json("uptime.json")["components"] if c["id"] == "dashboard")
    assert dashboard["downtime_seconds"] == 0  # maintenance never counts as downtime


# --- cancelled: Statuspage's statuses only in the API -----------------------------------------------------------


def test_a_cancelled_maintenance_is_completed_in_the_api(root: Path) -> None:
    add_update(root, "2026-11-25T16:00:00Z", "cancelled", "We postponed the upgrade.")
    seen = Published(root, dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    cancelled = seen.maintenance
    assert cancelled["status"] == "completed"
    assert cancelled["resolved_at"] == cancelled["updated_at"] == "2026-11-25T16:00:00.000Z"
    [newest, first] = cancelled["incident_updates"]  # no automatic update: the window never opened
    assert newest["status"] == "completed" and first["status"] == "scheduled"
    assert newest["body"] == f"{DEFAULT_CANCELLED} We postponed the upgrade."
    for path in ("v2/scheduled-maintenances.json", "v2/summary.json"):
        jsonschema.validate(seen.json(path), json.loads((REPO / api.schema_file(path)).read_text()))
    assert "cancelled" not in json.dumps(seen.json("v2/scheduled-maintenances.json")).replace(DEFAULT_CANCELLED, "")
    # Our own pages and the calendar may say so.
    assert seen.strongs() == ["Cancelled", "Scheduled"]
    assert seen.trail()[0].startswith("Cancelled")
    assert str(seen.event["status"]) == "CANCELLED"
    assert seen.event.decoded("dtstart") == OPENS and seen.event.decoded("dtend") == CLOSES


def test_a_maintenance_cancelled_while_under_way(root: Path) -> None:
    add_update(root, "2026-11-26T11:40:00Z", "cancelled", "We rolled back and will try again.")
    seen = Published(root, dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    cancelled = seen.maintenance
    assert (cancelled["status"], cancelled["resolved_at"]) == ("completed", "2026-11-26T11:40:00.000Z")
    assert [u["status"] for u in cancelled["incident_updates"]] == ["completed", "in_progress", "scheduled"]
    assert cancelled["incident_updates"][0]["body"].startswith(DEFAULT_CANCELLED)
    components = {c["id"]: c["status"] for c in seen.json("v2/components.json")["components"]}
    assert components["dashboard"] == "operational"


# --- the wording comes from mkdocs.yml --------------------------------------------------------------------------


WORDING = """\
    maintenance:
      in_progress_message: The dashboard upgrade is under way.
      completed_message: The dashboard upgrade window is over.
      cancelled_note: "Cancelled:"
"""


def set_statusgen(root: Path, text: str) -> int:
    """Put ``text`` first under ``extra.statusgen`` in mkdocs.yml; the line it starts on."""
    config = root / "mkdocs.yml"
    before, key, after = config.read_text().partition("extra:\n  statusgen:\n")
    assert key
    config.write_text(before + key + text + after)
    return (before + key).count("\n") + 1


def test_the_wording_comes_from_mkdocs_yml(root: Path) -> None:
    set_statusgen(root, WORDING)
    opened = Published(root, OPENS)
    assert opened.maintenance["incident_updates"][0]["body"] == "The dashboard upgrade is under way."
    assert "The dashboard upgrade is under way." in opened.entry.content[0].value
    assert "The dashboard upgrade is under way." in opened.page
    closed = Published(root, CLOSES)
    assert closed.maintenance["incident_updates"][0]["body"] == "The dashboard upgrade window is over."
    add_update(root, "2026-11-26T12:00:00Z", "cancelled", "Postponed.")
    assert Published(root, CLOSES).maintenance["incident_updates"][0]["body"] == "Cancelled: Postponed."


@pytest.mark.parametrize(("setting", "message"), [
    ("maintenance: {in_progress_mesage: Started.}", "in_progress_mesage"),
    ("maintenance: {completed_message: ''}", "must not be empty"),
    ("maintenance: {in_progress_message: 5}", "must be text"),
])
def test_bad_wording_is_a_located_error(root: Path, setting: str, message: str) -> None:
    line = set_statusgen(root, f"    {setting}\n")
    settings, diagnostics = check_settings(root)
    assert settings is None
    [error] = diagnostics
    assert (error.file, error.line, error.severity) == ("mkdocs.yml", line, "error")
    assert message in error.message


# --- the JSON API, key for key ----------------------------------------------------------------------------------


def test_the_api_carries_statuspage_keys(root: Path) -> None:
    seen = Published(root, dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    summary = seen.json("v2/summary.json")
    for component in summary["components"]:
        assert ("components" in component) == component["group"], component
    assert {c["id"]: c["components"] for c in summary["components"] if c["group"]} == {
        "platform": ["api", "payments"]}
    incidents = seen.json("v2/incidents.json")["incidents"]
    maintenances = seen.json("v2/scheduled-maintenances.json")["scheduled_maintenances"]
    for item in incidents + maintenances:
        assert item["reminder_intervals"] is None
        for component in item["components"]:
            assert "components" not in component
        for update in item["incident_updates"]:
            assert (update["deliver_notifications"], update["custom_tweet"], update["tweet_id"]) == (True, None, None)
    for item in incidents:
        assert not {"scheduled_remind_prior", "scheduled_auto_in_progress"} & set(item)
    for item in maintenances:
        assert {k: item[k] for k in ("scheduled_remind_prior", "scheduled_reminded_at", "impact_override",
                                     "scheduled_auto_in_progress", "scheduled_auto_completed")} == {
            "scheduled_remind_prior": False, "scheduled_reminded_at": None, "impact_override": None,
            "scheduled_auto_in_progress": True, "scheduled_auto_completed": True}
    for item in incidents + maintenances:
        if item["resolved_at"]:
            assert item["resolved_at"] <= item["updated_at"], item["id"]


def test_the_shipped_schemas_hold_the_new_keys(root: Path) -> None:
    seen = Published(root, dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    schema = json.loads((REPO / api.schema_file("v2/summary.json")).read_text())
    summary = seen.json("v2/summary.json")
    jsonschema.validate(summary, schema)

    def refused(change: Any) -> bool:
        document = json.loads(json.dumps(summary))
        change(document)
        try:
            jsonschema.validate(document, schema)
        except jsonschema.ValidationError:
            return True
        return False

    component = next(i for i, c in enumerate(summary["components"]) if not c["group"])
    group = next(i for i, c in enumerate(summary["components"]) if c["group"])
    assert refused(lambda d: d["components"][component].update(components=None))
    assert refused(lambda d: d["components"][group].pop("components"))
    assert refused(lambda d: d["incidents"][0]["incident_updates"][0].pop("deliver_notifications"))
    assert refused(lambda d: d["incidents"][0].pop("reminder_intervals"))
    assert refused(lambda d: d["scheduled_maintenances"][0].pop("scheduled_auto_completed"))
    assert refused(lambda d: d["scheduled_maintenances"][0].update(status="cancelled"))
    assert not refused(lambda d: d["incidents"][0].update(reminder_intervals="[3, 6, 12, 24]"))
