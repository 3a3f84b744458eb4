"""On-call (content/oncall.yml) and the alert review: validation, rotation arithmetic, pages and calendars."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from urllib.parse import urlsplit
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from generator.build import build
from generator.cli import cli
from generator.content.loader import load_content
from generator.content.models import Layer, OncallFile
from generator.content.rotation import handoff, holder, shared_turns, turn_at
from generator.content.source import parse_yaml
from generator.output.oncall_pages import oncall_files
from generator.settings import load_settings
from generator.status.alert_review import alert_review
from generator.status.oncall import burden, next_handoffs, on_call_now, pages
from generator.status.snapshot import build_snapshot

from .browser import serve
from .conftest import INCIDENT, NOW, REPO, make_site, write
from .test_consumers import node
from .test_internal import visible_text

UTC = dt.timezone.utc

ONCALL = """\
rotations:
  - id: payments
    name: Payments CANARY-ROTATION-1a2b
    manager: CANARY-MANAGER-3c4d
    components: [payments]
    layers:
      primary:
        members: [ana, ben, {name: chen, time_zone: America/New_York}]
        length: {weeks: 1}
        start: 2026-01-05
        handoff: {day: monday, time: "09:00", time_zone: Europe/Berlin}
        hours: business
        business_hours: {days: mon-fri, from: "09:00", to: "17:00", time_zone: Europe/Berlin}
      secondary:
        members: [dev, CANARY-PERSON-5e6f]
        length: {weeks: 1}
        start: 2026-01-05
        handoff: {day: monday, time: "09:00", time_zone: Europe/Berlin}
    escalation:
      - {notify: primary}
      - {notify: secondary, after_minutes: 10}
      - {notify: manager, after_minutes: 30}
"""

#: Saturday 2026-11-21 04:10 Berlin: the business-hours primary is off, the secondary is paged, off hours.
WEEKEND = """\
---
title: Card payments declined
severity: SEV2
components:
  payments: partial_outage
started: 2026-11-21T03:00:00Z
detected: 2026-11-21T03:10:00Z
updates:
  - at: 2026-11-21T03:15:00Z
    status: investigating
    message: Some card payments are declined.
  - at: 2026-11-21T04:00:00Z
    status: resolved
    message: Fixed.
internal:
  commander: alice
  alerts: [CanaryPaymentsErrorRate9a8b, CardDeclinesHigh]
---
"""

#: A dashboard incident no alert caught: it pages no rotation (the one rotation covers payments).
REPORTED = """\
---
title: Dashboard charts empty
severity: SEV4
components:
  dashboard: degraded_performance
started: 2026-11-25T10:00:00Z
updates:
  - at: 2026-11-25T10:30:00Z
    status: resolved
    message: Fixed.
---
"""


def oncall_site(root: Path, oncall: str = ONCALL) -> Path:
    site = make_site(root)
    write(site, "content/oncall.yml", oncall)
    write(site, "content/incidents/2026-03-30-payment-outage.md",
          INCIDENT.replace("  commander: alice\n", "  commander: alice\n  alerts: [CanaryPaymentsErrorRate9a8b]\n"))
    write(site, "content/incidents/2026-11-21-card-declines.md", WEEKEND)
    write(site, "content/incidents/2026-11-25-dashboard-charts.md", REPORTED)
    return site


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def layer(**changes: object) -> Layer:
    data: dict[str, object] = {"members": ["a", "b", "c"], "length": {"weeks": 1}, "start": "2026-01-05",
                               "handoff": {"time": "09:00", "time_zone": "Europe/Berlin"}}
    data.update(changes)
    return Layer.model_validate(data)


# --- Validation, at path:line:col --------------------------------------------------------------


def errors_of(site: Path) -> tuple[int, list[str]]:
    result = run(site, "validate", "--now", "2026-11-26T12:00:00Z")
    return result.exit_code, [line for line in result.output.splitlines() if line.startswith("content/oncall.yml:")]


@pytest.mark.parametrize("old, new, expected", [
    ('time_zone: Europe/Berlin}\n        hours', 'time_zone: Europe/Berln}\n        hours',
     r"content/oncall.yml:11:47: error: .*unknown time zone 'Europe/Berln'"),
    ('time: "09:00", time_zone: Europe/Berlin}\n        hours', 'time: 17:00, time_zone: Europe/Berlin}\n        hours',
     r'content/oncall.yml:11:32: error: .*write the time in quotes, like "17:00"'),
    ('time: "09:00", time_zone: Europe/Berlin}\n        hours', 'time: "9am", time_zone: Europe/Berlin}\n        hours',
     r"content/oncall.yml:11:32: error: .*invalid time '9am'"),
    ("from: \"09:00\", to: \"17:00\"", "from: \"17:00\", to: \"09:00\"",
     r"content/oncall.yml:13:56: error: business hours end \(09:00\) must be after they begin \(17:00\)"),
    ("      - {notify: manager, after_minutes: 30}\n", "",
     r"content/oncall.yml:21:10: error: the escalation path must end at the manager \(CANARY-MANAGER-3c4d\)"),
    ("        start: 2026-01-05\n        handoff: {day: monday, time: \"09:00\", time_zone: Europe/Berlin}\n"
     "        hours: business", "        start: 2026-01-06\n        handoff: {day: monday, time: \"09:00\", "
     "time_zone: Europe/Berlin}\n        hours: business",
     r"content/oncall.yml:10:9: error: start 2026-01-06 is a Tuesday, but hand-offs are on Monday"),
    ("members: [dev, CANARY-PERSON-5e6f]", "members: [dev, ana]",  # week 1: ana is primary and secondary
     r"content/oncall.yml:15:24: error: ana would be primary and secondary at the same time in rotation 'payments'"),
    ("components: [payments]", "components: [paymets]",
     r"content/oncall.yml:5:18: error: unknown component 'paymets'; did you mean 'payments'\?"),
])
def test_validate_reports_each_rule_at_its_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    site = oncall_site(tmp_path / "repo")
    text = ONCALL.replace(old, new, 1)
    assert text != ONCALL
    write(site, "content/oncall.yml", text)
    code, lines = errors_of(site)
    assert code == 1
    assert any(re.match(expected, line) for line in lines), lines
    # build agrees: the same file stops the build, with the same line, and publishes nothing
    result = run(site, "build", "--out", str(tmp_path / "out"), "--now", "2026-11-26T12:00:00Z", "-q")
    assert result.exit_code == 1
    assert any(re.match(expected, line) for line in result.output.splitlines()), result.output
    assert not (tmp_path / "out" / "internal").exists()


def test_primary_in_business_hours_needs_a_24_7_secondary(tmp_path: Path) -> None:
    site = oncall_site(tmp_path / "repo")
    write(site, "content/oncall.yml", ONCALL.replace("        start: 2026-01-05\n        handoff: {day: monday, "
                                                     "time: \"09:00\", time_zone: Europe/Berlin}\n    escalation",
                                                     "        start: 2026-01-05\n        handoff: {day: monday, "
                                                     "time: \"09:00\", time_zone: Europe/Berlin}\n        hours: business"
                                                     "\n        business_hours: {days: mon-fri, from: \"09:00\", "
                                                     "to: \"17:00\", time_zone: Europe/Berlin}\n    escalation"))
    code, lines = errors_of(site)
    assert code == 1
    assert any(re.match(r"content/oncall.yml:19:9: error: the primary is on call in business hours only: add a "
                        r"'secondary' layer with 'hours: always'", line) for line in lines), lines


def test_the_overlap_check_covers_the_whole_cycle_of_both_layers(tmp_path: Path) -> None:
    """Week 0 is fine (chen primary in week 2, secondary in weeks 0-1), but the cycles meet in week 5."""
    site = oncall_site(tmp_path / "repo")
    write(site, "content/oncall.yml", ONCALL.replace("members: [dev, CANARY-PERSON-5e6f]\n        length: {weeks: 1}",
                                                     "members: [chen, dev]\n        length: {weeks: 2}"))
    code, lines = errors_of(site)
    assert code == 1 and any("chen would be primary and secondary at the same time" in line for line in lines), lines
    write(site, "content/oncall.yml", ONCALL.replace("members: [dev, CANARY-PERSON-5e6f]\n        length: {weeks: 1}",
                                                     "members: [dev, eve]\n        length: {weeks: 2}"))
    assert errors_of(site) == (0, [])


def test_rotation_length_outside_one_to_two_weeks_is_a_warning(tmp_path: Path) -> None:
    site = oncall_site(tmp_path / "repo")
    write(site, "content/oncall.yml", ONCALL.replace("members: [dev, CANARY-PERSON-5e6f]\n        length: {weeks: 1}",
                                                     "members: [dev, CANARY-PERSON-5e6f]\n        length: {weeks: 3}"))
    code, lines = errors_of(site)
    assert code == 0
    assert lines == ["content/oncall.yml:16:9: warning: turns of 21 days: rotations of one to two weeks are easiest "
                     "to sustain"]


def test_example_oncall_file_is_valid_and_matches_its_schema() -> None:
    content, diagnostics = load_content(REPO, NOW.date())
    assert content is not None and content.oncall is not None, diagnostics
    assert [r.id for r in content.oncall.rotations] == ["payments", "platform"]
    printed = json.loads(CliRunner().invoke(cli, ["schema", "oncall"]).stdout)
    shipped = json.loads((REPO / "schemas/oncall.schema.json").read_text())
    assert printed == shipped, "schemas/oncall.schema.json is stale: run 'statusgen schema oncall'"
    located, problems = parse_yaml((REPO / "content/oncall.yml").read_text(), "oncall.yml")
    assert located is not None and not problems
    jsonschema.validate(located.data, shipped, format_checker=jsonschema.FormatChecker())
    assert (REPO / "content/oncall.yml").read_text().startswith(
        "# yaml-language-server: $schema=../schemas/oncall.schema.json\n")


# --- Rotation arithmetic ------------------------------------------------------------------------


def test_handoffs_stay_at_local_time_across_daylight_saving() -> None:
    berlin = layer(handoff={"day": "monday", "time": "09:00", "time_zone": "Europe/Berlin"})
    # Summer time begins on Sunday 2026-03-29: 09:00 is 08:00 UTC before and 07:00 UTC after.
    assert handoff(berlin, 11) == dt.datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert handoff(berlin, 12) == dt.datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert handoff(berlin, 12) - handoff(berlin, 11) == dt.timedelta(hours=167)
    # ... and ends on 2026-10-25: that turn is an hour longer.
    assert handoff(berlin, 42) - handoff(berlin, 41) == dt.timedelta(hours=169)
    assert holder(berlin, dt.datetime(2026, 3, 30, 6, 59, tzinfo=UTC)).name == "c"  # turn 11: 11 % 3
    assert holder(berlin, dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)).name == "a"  # turn 12, at the hand-off
    assert holder(berlin, dt.datetime(2026, 1, 5, 7, 59, tzinfo=UTC)) is None  # before the first turn


def test_a_business_hours_primary_hands_pages_to_the_secondary_off_hours() -> None:
    spec = OncallFile.model_validate(parse_yaml(ONCALL, "oncall.yml")[0].data)  # type: ignore[union-attr]
    rotation = spec.rotations[0]
    now = on_call_now(rotation, NOW)  # Thursday 13:00 in Berlin, turn 46
    assert now.people == {"primary": "ben", "secondary": "dev", "manager": "CANARY-MANAGER-3c4d"}
    assert now.first == "ben"
    night = on_call_now(rotation, dt.datetime(2026, 11, 26, 22, tzinfo=UTC))
    assert night.people["primary"] is None and night.holders["primary"] == "ben"
    assert night.first == "dev"
    upcoming = next_handoffs(rotation, NOW, 2)
    assert [(s.start, s.layer_name, s.person) for s in upcoming] == [
        (dt.datetime(2026, 11, 30, 8, tzinfo=UTC), "primary", "chen"),
        (dt.datetime(2026, 11, 30, 8, tzinfo=UTC), "secondary", "CANARY-PERSON-5e6f"),
        (dt.datetime(2026, 12, 7, 8, tzinfo=UTC), "primary", "ana"),
        (dt.datetime(2026, 12, 7, 8, tzinfo=UTC), "secondary", "dev")]


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns"]


@st.composite
def layers(draw: st.DrawFn, time_zone: str | None = None) -> Layer:
    members = [f"p{i}" for i in range(draw(st.integers(1, 5)))]
    days = draw(st.integers(1, 21))
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
    # hours outside 01:00-03:59, where daylight-saving changes put local times that do not exist or occur twice
    clock = f"{draw(st.sampled_from([0, 4, 8, 9, 12, 17, 23])):02d}:{draw(st.sampled_from([0, 15, 30])):02d}"
    zone_name = time_zone or draw(st.sampled_from(ZONES))
    return layer(members=members, length={"days": days}, start=start.isoformat(),
                 handoff={"time": clock, "time_zone": zone_name})


moments = st.datetimes(dt.datetime(2019, 1, 1), dt.datetime(2032, 1, 1), timezones=st.just(UTC))


@settings(max_examples=200, deadline=None)
@given(layers(), moments)
def test_exactly_one_turn_holds_every_instant(item: Layer, moment: dt.datetime) -> None:
    turn = turn_at(item, moment)
    if moment < handoff(item, 0):
        assert turn is None and holder(item, moment) is None
        return
    assert turn is not None and handoff(item, turn) <= moment < handoff(item, turn + 1)
    assert holder(item, moment) == item.members[turn % len(item.members)]


@settings(max_examples=200, deadline=None)
@given(layers(), st.integers(0, 400))
def test_handoffs_are_at_the_configured_local_time_and_the_schedule_repeats(item: Layer, turn: int) -> None:
    zone = ZoneInfo(item.handoff.time_zone)
    local = handoff(item, turn).astimezone(zone)
    assert local.time().replace(tzinfo=None) == item.handoff.time
    assert local.date() == item.start + dt.timedelta(days=turn * item.turn_days)
    # period: members x length, in local days; the same person holds the same turn of the next cycle
    cycle = len(item.members)
    later = handoff(item, turn + cycle).astimezone(zone)
    assert later.date() - local.date() == dt.timedelta(days=cycle * item.turn_days)
    assert holder(item, handoff(item, turn + cycle)) == holder(item, handoff(item, turn))


@settings(max_examples=150, deadline=None)
@given(layers("UTC"), layers("UTC"), st.permutations([f"p{i}" for i in range(5)]))
def test_the_overlap_check_agrees_with_walking_the_whole_cycle(primary: Layer, secondary: Layer,
                                                               order: list[str]) -> None:
    secondary = secondary.model_copy(update={"members": [secondary.members[0].model_copy(update={"name": name})
                                                         for name in order[:len(secondary.members)]]})
    cycle = math.lcm(len(primary.members) * primary.turn_days, len(secondary.members) * secondary.turn_days)
    begin = max(handoff(primary, 0), handoff(secondary, 0))
    walked = set()
    turn_p, turn_s = turn_at(primary, begin), turn_at(secondary, begin)
    assert turn_p is not None and turn_s is not None
    while min(handoff(primary, turn_p), handoff(secondary, turn_s)) < begin + dt.timedelta(days=cycle + 1):
        a, b = primary.members[turn_p % len(primary.members)], secondary.members[turn_s % len(secondary.members)]
        if a.name == b.name:
            walked.add(a.name)
        end_p, end_s = handoff(primary, turn_p + 1), handoff(secondary, turn_s + 1)
        turn_p += end_p <= end_s  # the turn that ends first passes (both, when they end together)
        turn_s += end_s <= end_p
    assert set(shared_turns(primary, secondary)) == walked


@settings(max_examples=200, deadline=None)
@given(moments)
def test_someone_is_on_call_at_every_instant_and_business_hours_hold(moment: dt.datetime) -> None:
    """The guide's point of a 24/7 secondary: with a business-hours primary, a page still reaches someone."""
    rotation = OncallFile.model_validate(parse_yaml(ONCALL, "oncall.yml")[0].data).rotations[0]  # type: ignore[union-attr]
    if moment < dt.datetime(2026, 1, 5, 8, tzinfo=UTC):
        return  # before the first turn
    now = on_call_now(rotation, moment)
    local = moment.astimezone(ZoneInfo("Europe/Berlin"))
    in_hours = local.weekday() < 5 and 9 <= local.hour < 17
    assert (now.people["primary"] is not None) == in_hours
    assert now.people["secondary"] is not None
    assert now.first == (now.people["primary"] if in_hours else now.people["secondary"])


# --- Burden and alert review ----------------------------------------------------------------------


def loaded(site: Path):  # type: ignore[no-untyped-def]
    content, diagnostics = load_content(site, NOW.date())
    assert content is not None, diagnostics
    return build_snapshot(content, load_settings(site), NOW)


def test_burden_counts_pages_per_person_and_those_off_hours(tmp_path: Path) -> None:
    snap = loaded(oncall_site(tmp_path / "repo"))
    paged = [(p.incident.id, p.person, p.layer_name, p.off_hours) for p in pages(snap.content, NOW)]
    assert paged == [
        # Monday 16:32 in Berlin (summer time): ana's business hours as primary (turn 12)
        ("2026-03-30-payment-outage", "ana", "primary", False),
        # Saturday 04:10 in Berlin: the primary is off, the secondary of turn 45 is paged
        ("2026-11-21-card-declines", "CANARY-PERSON-5e6f", "secondary", True),
    ]
    rows = {b.person: b for b in burden(snap.content, NOW)}
    assert set(rows) == {"ana", "ben", "chen", "dev", "CANARY-PERSON-5e6f"}
    weekend = rows["CANARY-PERSON-5e6f"]
    assert (weekend.incidents, weekend.alerts, weekend.off_hours) == (
        {30: 1, 90: 1, 365: 1}, {30: 2, 90: 2, 365: 2}, {30: 1, 90: 1, 365: 1})
    assert (rows["ana"].incidents, rows["ana"].alerts) == ({30: 0, 90: 0, 365: 1}, {30: 0, 90: 0, 365: 1})
    assert rows["ben"].incidents == {30: 0, 90: 0, 365: 0}
    # as of a moment before the weekend incident, it counts for nobody
    before = burden(snap.content, dt.datetime(2026, 11, 21, 3, 0, tzinfo=UTC))
    assert next(b for b in before if b.person == "CANARY-PERSON-5e6f").incidents == {30: 0, 90: 0, 365: 0}


def test_alert_review_ranks_alerts_and_finds_user_reports(tmp_path: Path) -> None:
    snap = loaded(oncall_site(tmp_path / "repo"))
    review = alert_review(snap.content, NOW, known=["RuleOnlyAlert"])
    assert [(r.name, r.counts, r.runbooks) for r in review.fired] == [
        ("CanaryPaymentsErrorRate9a8b", {30: 1, 90: 1, 365: 2}, []),
        ("CardDeclinesHigh", {30: 1, 90: 1, 365: 1}, []),
    ]
    assert review.fired[0].last == dt.datetime(2026, 11, 21, 3, 10, tzinfo=UTC)
    assert review.quiet == [("DatabaseHighCPU", ["high-database-cpu"]), ("RuleOnlyAlert", [])]
    assert [i.id for i in review.reported] == ["2026-11-25-dashboard-charts"]
    assert review.detection == {30: (2, 1), 90: (2, 1), 365: (3, 2)}


# --- The built sites ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = oncall_site(tmp_path_factory.mktemp("oncall") / "repo")
    build(site, site / "site", NOW, strict=True)
    return site


def test_internal_on_call_page(built: Path) -> None:
    text = visible_text(built / "site/internal/oncall/index.html", article=True)
    assert "Payments CANARY-ROTATION-1a2b ben dev CANARY-MANAGER-3c4d ben" in text  # on call now, first paged
    assert "Nov 30, 2026 08:00 UTC Mon Nov 30, 09:00 CET primary ben chen" in text
    assert "primary ana, ben, chen (America/New_York) 1 week Monday 09:00 Europe/Berlin Mon–Fri 09:00–17:00 Europe/Berlin" in text
    assert "CANARY-PERSON-5e6f payments 1 / 1 / 1 2 / 2 / 2 1 / 1 / 1" in text  # burden over 30, 90, 365 days
    overview = visible_text(built / "site/internal/index.html")
    assert "On-call" in overview and "Alert review" in overview  # navigation
    assert "All Systems Operational. On call: Payments CANARY-ROTATION-1a2b: ben (" in overview
    review = visible_text(built / "site/internal/alert-review/index.html", article=True)
    assert "CanaryPaymentsErrorRate9a8b 1 / 1 / 2 Nov 21, 2026 03:10 UTC none ⚠" in review
    assert "Dashboard charts empty SEV4" in review
    assert "DatabaseHighCPU high-database-cpu" in review
    # a row per incident of the year: kept out of the search index; the on-call page is found by search
    index = json.loads((built / "site/internal/search/search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "oncall/" in locations and "alert-review/" not in locations


def test_a_calendar_per_rotation(built: Path) -> None:
    data = (built / "site/internal/oncall/payments.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    events = [e for e in calendar.walk("VEVENT")]
    # every turn of both layers overlapping the 12 weeks from Nov 26: turns 46 (Nov 23) .. 58 (Feb 15)
    assert len(events) == 2 * 13
    first = {str(e["UID"]): e for e in events}
    # UIDs: rotation, layer and turn number, at the internal site's host
    host = urlsplit(load_settings(built).internal_url or "").hostname or "internal.statusgen.invalid"
    turn = first[f"oncall-payments-primary-47@{host}"]
    assert turn.decoded("DTSTART") == dt.datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert turn.decoded("DTEND") == dt.datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert str(turn["SUMMARY"]).startswith("chen: primary on call")
    # A week later the same turns keep their UIDs and times; the build is byte-identical for the same time.
    snap = loaded(built)
    assert oncall_files(snap)["oncall/payments.ics"] == data
    later = build_snapshot(snap.content, snap.settings, NOW + dt.timedelta(days=7))
    again = {str(e["UID"]): e for e in Calendar.from_ical(oncall_files(later)["oncall/payments.ics"]).walk("VEVENT")}
    shared = set(first) & set(again)
    assert f"oncall-payments-primary-47@{host}" in shared and len(shared) == 2 * 12
    assert all(first[uid].decoded("DTSTART") == again[uid].decoded("DTSTART") for uid in shared)


def test_ical_js_reads_the_rotation_calendar(built: Path) -> None:
    """Mozilla's parser (npm ical.js, as a calendar client would) reads the file the internal site serves."""
    with serve(built / "site/internal") as base:
        calendar = node("ical.mjs", base + "oncall/payments.ics", package="ical.js")
    assert calendar["prodid"].startswith("-//statusgen//")
    events = {event["uid"].partition("@")[0]: event for event in calendar["events"]}
    assert len(events) == 26
    turn = events["oncall-payments-secondary-47"]
    assert (turn["start"], turn["end"]) == ("2026-11-30T08:00:00.000Z", "2026-12-07T08:00:00.000Z")
    assert turn["summary"] == "CANARY-PERSON-5e6f: secondary on call (Payments CANARY-ROTATION-1a2b)"
    assert "Escalation: primary → secondary → manager (CANARY-MANAGER-3c4d)" in turn["description"]


def test_nothing_of_on_call_reaches_the_public_site(built: Path) -> None:
    public = b"\n".join(p.read_bytes() for p in sorted((built / "site/public").rglob("*")) if p.is_file())
    internal = b"\n".join(p.read_bytes() for p in sorted((built / "site/internal").rglob("*")) if p.is_file())
    for canary in (b"CANARY-ROTATION-1a2b", b"CANARY-MANAGER-3c4d", b"CANARY-PERSON-5e6f",
                   b"CanaryPaymentsErrorRate9a8b"):
        assert canary in internal
        assert canary.lower() not in public.lower(), canary
    assert not list((built / "site/public").rglob("oncall*")) and not list((built / "site/public").rglob("alert-review"))


def test_oncall_command_shows_who_is_on_call(tmp_path: Path) -> None:
    site = oncall_site(tmp_path / "repo")
    night = run(site, "oncall", "--at", "2026-11-26T22:00:00Z", "--next", "1", "--format", "json")
    assert night.exit_code == 0, night.output
    assert json.loads(night.stdout) == [{
        "id": "payments", "name": "Payments CANARY-ROTATION-1a2b", "at": "2026-11-26T22:00:00Z", "primary": None,
        "secondary": "dev", "manager": "CANARY-MANAGER-3c4d", "first": "dev",
        "next_handoffs": [{"at": "2026-11-30T08:00:00Z", "layer": "primary", "person": "chen"},
                          {"at": "2026-11-30T08:00:00Z", "layer": "secondary", "person": "CANARY-PERSON-5e6f"}]}]
    text = run(site, "oncall", "--at", "2026-11-26T22:00:00Z").stdout
    assert "  primary    — (off hours; ben holds the turn)\n  secondary  dev\n" in text
    assert "a page reaches first: dev" in text
    (site / "content/oncall.yml").unlink()
    missing = CliRunner().invoke(cli, ["--root", str(site), "oncall"])
    assert missing.exit_code == 2
    assert missing.stderr == "statusgen: error: no content/oncall.yml: it lists the on-call rotations (see README, " \
                             "'On-call')\n"
