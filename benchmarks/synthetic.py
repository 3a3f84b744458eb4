"""Synthetic site repositories for the benchmarks: many realistic, valid files."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMPONENTS = ["api", "payments", "checkout", "dashboard", "webhooks", "notifications"]
STATES = ["degraded_performance", "partial_outage", "major_outage"]

COMPONENTS_YML = "groups:\n  - id: platform\n    name: Core Platform\n  - id: experience\n    name: Customer Experience\n" \
    "components:\n" + "".join(
        f"  - id: {c}\n    name: {c.title()}\n    group: {'platform' if i < 3 else 'experience'}\n"
        for i, c in enumerate(COMPONENTS))


def _ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def incident(rng: random.Random, index: int, start: dt.datetime) -> tuple[str, str]:
    severity = rng.choice(["SEV1", "SEV2", "SEV3", "SEV3", "SEV4", "SEV4"])
    affected = rng.sample(COMPONENTS, rng.choice([1, 1, 2]))
    state = rng.choice(STATES)
    lines = ["---", f"title: Elevated errors on {' and '.join(affected)} ({index})", f"severity: {severity}",
             "components:"] + [f"  {c}: {state}" for c in affected]
    lines += [f"started: {_ts(start)}", f"detected: {_ts(start + dt.timedelta(minutes=rng.randint(1, 20)))}",
              "updates:"]
    at = start + dt.timedelta(minutes=rng.randint(21, 30))
    for status in ("investigating", "identified", "monitoring", "resolved"):
        lines += [f"  - at: {_ts(at)}", f"    status: {status}",
                  f"    message: We are {status} the issue affecting {', '.join(affected)}; next update soon."]
        at += dt.timedelta(minutes=rng.randint(5, 90))
    lines += ["internal:", "  commander: alice", "  channel: \"#incident\"", "---",
              "Customers may have seen errors. We apologise for the inconvenience.", ""]
    return f"{start:%Y-%m-%d}-incident-{index:05d}", "\n".join(lines)


def maintenance(index: int, start: dt.datetime) -> tuple[str, str]:
    lines = ["---", f"title: Scheduled database maintenance ({index})", "type: maintenance", "components:",
             "  api: under_maintenance", f"scheduled_for: {_ts(start)}",
             f"scheduled_until: {_ts(start + dt.timedelta(hours=2))}", "updates:",
             f"  - at: {_ts(start - dt.timedelta(days=3))}", "    status: scheduled",
             "    message: We will upgrade the primary database.", f"  - at: {_ts(start)}", "    status: in_progress",
             "    message: Maintenance has begun.", f"  - at: {_ts(start + dt.timedelta(hours=2))}",
             "    status: completed", "    message: Maintenance is complete.", "---", ""]
    return f"{start:%Y-%m-%d}-maintenance-{index:05d}", "\n".join(lines)


def copy_settings(root: Path) -> None:
    """The example's mkdocs.yml without its alert rules (``alerts.rules`` names content/alerts/ and the example's
    runbooks, which a generated site does not have: a glob that matches nothing is an error)."""
    if (REPO / "mkdocs.yml").exists():
        settings = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(re.sub(r"(?m)^    alerts:\n(?:      .*\n)*", "", settings), encoding="utf-8")


def write_site(root: Path, incidents: int, end: dt.datetime, seed: int = 7) -> Path:
    """A site repository with ``incidents`` incidents (1 in 20 a maintenance) ending before ``end``."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "incidents").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "templates", root / "content" / "templates")
    copy_settings(root)
    (root / "content" / "components.yml").write_text(COMPONENTS_YML)
    # Spread the history over about one incident every two days, newest just before `end`.
    for index in range(incidents):
        start = (end - dt.timedelta(hours=12 + 47 * index)).replace(second=0, microsecond=0)
        name, text = maintenance(index, start) if index % 20 == 19 else incident(rng, index, start)
        (root / "content" / "incidents" / f"{name}.md").write_text(text)
    return root
