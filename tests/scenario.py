"""A synthetic history with hand-computed expectations (now = 2026-11-26 12:00 UTC).

- api: major 10:00-11:00 then partial 11:00-12:00 on Nov 20 (incident a), degraded 10:30-13:00 (b, overlapping)
- payments: partial 10:30-13:00 on Nov 20 (b); major since 08:00 today, still going (c)
- dashboard: maintenance 11:00-13:00 today, in progress (m)
- links: start_date 2026-11-16; partial 00:00-02:00 on Nov 18 (v)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .conftest import make_site, write

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
#: The uptime window: the 90 UTC days ending with today, Aug 29 00:00 to NOW (Nov 26 12:00): 89.5 days.
WINDOW = 89.5 * 86400

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
  - id: links
    name: Payment Links
    start_date: 2026-11-16
"""

FILES = {
    "2026-11-20-api-errors": """\
---
title: API errors
severity: SEV2
components: {api: major_outage}
started: 2026-11-20T10:00:00Z
updates:
  - at: 2026-11-20T10:05:00Z
    status: investigating
    message: API requests are failing.
  - at: 2026-11-20T11:00:00Z
    status: identified
    components: {api: partial_outage}
    message: Some requests succeed again.
  - at: 2026-11-20T12:00:00Z
    status: resolved
    message: Fixed.
internal: {commander: alice}
---
""",
    "2026-11-20-slow-payments": """\
---
title: Slow payments
severity: SEV3
components: {api: degraded_performance, payments: partial_outage}
started: 2026-11-20T10:30:00Z
updates:
  - at: 2026-11-20T10:40:00Z
    status: investigating
    message: Payments are slow.
  - at: 2026-11-20T13:00:00Z
    status: resolved
    message: Payments are fast again.
---
""",
    "2026-11-26-payments-down": """\
---
title: Payments are failing
severity: SEV1
components: {payments: major_outage}
started: 2026-11-26T08:00:00Z
detected: 2026-11-26T08:05:00Z
updates:
  - at: 2026-11-26T08:10:00Z
    status: investigating
    message: Card payments are failing.
  - at: 2026-11-26T09:00:00Z
    status: identified
    message: Our card processor is down; we are failing over.
internal: {commander: alice}
---
""",
    "2026-11-26-dashboard-upgrade": """\
---
title: Dashboard upgrade
type: maintenance
components: {dashboard: under_maintenance}
scheduled_for: 2026-11-26T11:00:00Z
scheduled_until: 2026-11-26T13:00:00Z
updates:
  - at: 2026-11-20T09:00:00Z
    status: scheduled
    message: We will upgrade the dashboard.
---
""",
    "2026-11-18-links-partial": """\
---
title: Some payment links fail to open
severity: SEV3
components: {links: partial_outage}
started: 2026-11-18T00:00:00Z
updates:
  - at: 2026-11-18T00:10:00Z
    status: investigating
    message: Some links fail.
  - at: 2026-11-18T02:00:00Z
    status: resolved
    message: Links open again.
---
""",
}

EXPECTED_STATES = {"Public API": "Operational", "Payments": "Major Outage", "Dashboard": "Under Maintenance",
                   "Payment Links": "Operational"}
EXPECTED_UPTIME = {
    "api": round((1 - (3600 + 0.3 * 3600) / WINDOW) * 100, 2),          # 1 - 4680/7732800 = 99.94
    "payments": round((1 - (4 * 3600 + 0.3 * 9000) / WINDOW) * 100, 2),  # 1 - 17100/7732800 = 99.78
    "dashboard": 100.0,
    "links": round((1 - 0.3 * 7200 / (10.5 * 86400)) * 100, 2),          # 99.76
}
EXPECTED_IMPACT = {"2026-11-20-api-errors": "critical", "2026-11-20-slow-payments": "major",
                   "2026-11-26-payments-down": "critical", "2026-11-18-links-partial": "major",
                   "2026-11-26-dashboard-upgrade": "maintenance"}


def make_scenario(root: Path) -> Path:
    make_site(root)
    write(root, "content/components.yml", COMPONENTS)
    for path in (root / "content/incidents").glob("*.md"):
        path.unlink()
    (root / "content/postmortems/2026-03-30-payment-outage.md").unlink()
    for name, text in FILES.items():
        write(root, f"content/incidents/{name}.md", text)
    return root
