"""``statusgen comms``: the incident guide's chat messages, filled from the seed scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.authoring.comms import handle
from generator.cli import cli
from generator.status.timeline import format_duration

from .conftest import INCIDENT, REPO, write

SEED = "content/incidents/2026-03-30-payment-outage.md"
ID = "2026-03-30-payment-outage"


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


@pytest.fixture
def seed(site: Path) -> Path:
    """The site with the guide's payment outage as the repository ships it (IC, tech lead, channel)."""
    (site / SEED).write_text((REPO / SEED).read_text(encoding="utf-8"), encoding="utf-8")
    return site


def test_declaration(seed: Path) -> None:
    result = run(seed, "comms", ID, "--kind", "declaration")
    assert result.exit_code == 0, result.output
    assert result.stdout == """\
INCIDENT DECLARED - SEV1

Summary: Payment processing failing
Impact: Payments major outage since 14:15 UTC
Status: Investigating

IC: @alice
Tech Lead: @bob
Bridge: #incident-2026-03-30-payments

Next update in 15 minutes.
"""


def test_update_is_about_the_last_open_update(seed: Path) -> None:
    result = run(seed, "comms", ID, "--kind", "update")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == ["INCIDENT UPDATE - 14:52 UTC", "", "Summary: Payment processing failing",
                         "Status: Monitoring", "Impact: Payments degraded performance since 14:52 UTC"]
    assert lines[6] == "Progress:"
    assert [line[:22] for line in lines[7:11]] == ["- 14:35 Investigating:", "- 14:42 Identified: We",
                                                   "- 14:45 Identified: Th", "- 14:52 Monitoring: Th"]
    assert lines[-1] == "Next update: 15:07 UTC"


def test_resolution(seed: Path) -> None:
    result = run(seed, "comms", ID)  # resolved: the default kind is the resolution
    assert result.exit_code == 0, result.output
    assert result.stdout == """\
INCIDENT RESOLVED - 15:02 UTC

Summary: Payment processing failing
Duration: 47 minutes (14:15 - 15:02 UTC)
Impact: Payments major outage 14:15 - 14:45 UTC, partial outage 14:45 - 14:52 UTC, degraded performance \
14:52 - 15:02 UTC

Resolution: This incident has been resolved. Rolled back payment-service to v2.3.1. Payment processing has \
been operating normally since 14:52 UTC. Failed attempts between 14:15 and 14:52 UTC were not charged. We will \
publish a summary of what happened and what we are changing.

Postmortem scheduled: 2026-03-31 (published)
"""


def test_default_kinds_and_intervals(site: Path) -> None:
    one = INCIDENT.split("  - at: 2026-03-30T14:50:00Z")[0] + "internal:\n  commander: alice\n---\n"
    write(site, SEED, one.replace("SEV1", "SEV2").replace("Payment processing failing", "Card & <b>wallet</b>"))
    declaration = run(site, "comms", ID).stdout
    assert declaration.startswith("INCIDENT DECLARED - SEV2\n\nSummary: Card & <b>wallet</b>\n")
    assert "Bridge:" not in declaration and "Tech Lead:" not in declaration
    assert declaration.endswith("IC: @alice\n\nNext update in 30 minutes.\n")
    assert run(site, "comms", ID, "--kind", "resolution").exit_code == 2
    write(site, SEED, INCIDENT.replace("  - at: 2026-03-30T15:02:00Z\n    status: resolved\n"
                                       "    message: Rolled back payment-service to v2.3.1.\n", "")
          .replace("SEV1", "SEV3"))
    update = run(site, "comms", ID).stdout
    assert update.startswith("INCIDENT UPDATE - 14:50 UTC\n") and update.endswith("Next update: 15:50 UTC\n")


def test_resolution_without_postmortem_asks_for_one(seed: Path) -> None:
    (seed / "content/postmortems/2026-03-30-payment-outage.md").unlink()
    assert run(seed, "comms", ID).stdout.endswith("\nPostmortem: to be scheduled (SEV1 incidents need one)\n")


def test_comms_refuses_maintenance_and_unknown_ids(site: Path) -> None:
    maintenance = run(site, "comms", "2026-04-02-database-upgrade")
    assert maintenance.exit_code == 2 and "is a maintenance" in maintenance.stderr
    unknown = run(site, "comms", "nope")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("statusgen: error: no incident 'nope'")


def test_wording_helpers() -> None:
    assert format_duration(dt.timedelta(minutes=47), words=True) == "47 minutes"
    assert format_duration(dt.timedelta(hours=1, minutes=1), words=True) == "1 hour 1 minute"
    assert format_duration(dt.timedelta(days=2, hours=3), words=True) == "2 days 3 hours"
    assert format_duration(dt.timedelta(seconds=30), words=True) == "less than a minute"
    # one formatter: the same duration reads the same on every site, short or in words
    assert format_duration(dt.timedelta(minutes=78)) == "1 h 18 min"
    assert format_duration(dt.timedelta(minutes=-78)) == "-1 h 18 min"
    assert (handle("alice"), handle("@bob"), handle("Carol Diaz"), handle("  ")) == (
        "@alice", "@bob", "Carol Diaz", None)
