"""Shared fixtures: a small valid site repository written into ``tmp_path``."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from benchmarks.synthetic import copy_settings

# Compiled templates (generator.output.template_cache) go to a cache folder of this test run, not the user's,
# for every build the tests run, in this process and in the processes they start.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="statusgen-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

# In CI the property-based tests draw the same examples on every run, so a run is reproducible;
# on a laptop they explore new ones each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)

COMPONENTS = """\
groups:
  - id: platform
    name: Core Platform
components:
  - id: api
    name: Public API
    group: platform
  - id: payments
    name: Payments
    group: platform
  - id: dashboard
    name: Dashboard
"""

INCIDENT = """\
---
title: Payment processing failing
severity: SEV1
components:
  payments: major_outage
started: 2026-03-30T14:15:00Z
detected: 2026-03-30T14:32:00Z
updates:
  - at: 2026-03-30T14:35:00Z
    status: investigating
    message: Payment processing is failing for all users.
  - at: 2026-03-30T14:50:00Z
    status: identified
    components: {payments: partial_outage}
    message: A deploy introduced a regression; rollback in progress.
  - at: 2026-03-30T15:02:00Z
    status: resolved
    message: Rolled back payment-service to v2.3.1.
internal:
  commander: alice
---
Public description.
"""

MAINTENANCE = """\
---
title: Database upgrade
type: maintenance
components:
  api: under_maintenance
scheduled_for: 2026-04-02T02:00:00Z
scheduled_until: 2026-04-02T03:00:00Z
updates:
  - at: 2026-03-28T10:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
"""

POSTMORTEM = """\
---
title: Payment Processing Outage
incident: 2026-03-30-payment-outage
date: 2026-03-31
authors: [alice]
status: published
visibility: internal
---
## Summary
A deploy broke payments.

## Impact
All payments failed.

## Timeline
| Time (UTC) | Event |
|---|---|
| 14:15 | Deploy |
| 15:02 | Resolved |

## Root Cause
A null pointer.

## Contributing Factors
No canary.

## What Went Well
Fast rollback.

## What Went Poorly
Slow status page.

## Action Items
| Action | Owner | Due Date | Status |
|---|---|---|---|
| Add a test | @bob | 2026-04-06 | done |
| Canary deploys | @carol | 2027-04-15 | open |
"""

RUNBOOK = """\
---
title: High Database CPU
service: database
owner: dba-team
alerts: [DatabaseHighCPU]
last_reviewed: 2026-10-01
---
## Symptoms
- DB CPU > 80%

## Immediate Actions
1. Check the slow query log.

## Escalation
Page the DBA team.

## Root Cause Investigation
Check recent deploys.
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_site(root: Path) -> Path:
    """A minimal valid site: templates from this repo, one file of each kind."""
    shutil.copytree(REPO / "content" / "templates", root / "content" / "templates")
    write(root, "content/components.yml", COMPONENTS)
    write(root, "content/incidents/2026-03-30-payment-outage.md", INCIDENT)
    write(root, "content/incidents/2026-04-02-database-upgrade.md", MAINTENANCE)
    write(root, "content/postmortems/2026-03-30-payment-outage.md", POSTMORTEM)
    write(root, "content/runbooks/high-database-cpu.md", RUNBOOK)
    copy_settings(root)  # tests of alerts write their own rules (tests/test_alerts.py)
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site-repo")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """One headless Chromium for the whole session."""
    from .browser import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
