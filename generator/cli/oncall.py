"""``statusgen oncall``: who is on call now (or at ``--at``), and the next hand-offs, in a terminal.

The same computation as the internal site's on-call page (:mod:`generator.status.oncall`), for
the moment a page has to go out and nobody wants to open a browser.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from generator import clock
from generator.errors import UsageError


@click.command()
@click.option("--at", "at_text", metavar="TIME", help="Another moment: ISO 8601, -2h, +3d or 14:32 (UTC).")
@click.option("--next", "count", type=click.IntRange(0, 50), default=2, show_default=True,
              help="Hand-offs to show per layer.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def oncall(root: Path, at_text: str | None, count: int, fmt: str) -> None:
    """Show who is on call now in each rotation of content/oncall.yml, and the next hand-offs."""
    from generator.content.loader import require_content
    from generator.status.oncall import next_handoffs, on_call_now

    now = clock.utc_now()
    at = clock.parse_time(at_text, "--at", now) if at_text else now
    content, _ = require_content(root, now.date())
    if content.oncall is None:
        raise UsageError("no content/oncall.yml: it lists the on-call rotations (see README, 'On-call')")
    views = [(rotation, on_call_now(rotation, at), next_handoffs(rotation, at, count))
             for rotation in content.oncall.rotations]
    if fmt == "json":
        click.echo(json.dumps([{
            "id": rotation.id, "name": rotation.name, "at": _iso(at), **current.people, "first": current.first,
            "next_handoffs": [{"at": _iso(s.start), "layer": s.layer_name, "person": s.person} for s in handoffs]}
            for rotation, current, handoffs in views], indent=2))
        return
    for rotation, current, handoffs in views:
        click.echo(f"{rotation.name} ({rotation.id}), {at:%Y-%m-%d %H:%M} UTC")
        for layer, person in current.people.items():
            holder = current.holders[layer]
            text = person or (f"— (off hours; {holder} holds the turn)" if holder else "— (before the first turn)")
            click.echo(f"  {layer:<10} {text}")
        click.echo(f"  a page reaches first: {current.first or 'nobody'}")
        for turn in handoffs:
            click.echo(f"  hand-off {_iso(turn.start)} {turn.layer_name} -> {turn.person}")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
