"""``statusgen notify``: tell subscribers what the site just built says that the published one did not."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import clock


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="The built sites (as given to build; a relative path is taken from --root): events are read "
                   "from OUT/public/api/v2, and the ledger is written to OUT/public/api/notifications.json.")
@click.option("--previous", metavar="PATH_OR_URL",
              help="The site published before: a folder or an http(s) URL (default: site_url).")
@click.option("--dry-run", is_flag=True, help="Print the messages; send nothing and write no ledger.")
@click.option("--strict", is_flag=True, help="Exit 1 if any delivery failed (default: failures never fail the run).")
@click.option("--now", "now_text", metavar="TIMESTAMP",
              help="The time recorded in the ledger (default: SOURCE_DATE_EPOCH, else the clock).")
@click.pass_obj
def notify(root: Path, out: Path, previous: str | None, dry_run: bool, strict: bool, now_text: str | None) -> None:
    """Deliver new incident, maintenance and component events to the configured channels, once each."""
    from generator.notify.run import run
    from generator.settings import load_settings

    now = clock.build_time(now_text)
    out = out.expanduser()
    out = out if out.is_absolute() else root / out
    summary = run(load_settings(root), out, previous, now, dry_run=dry_run, echo=click.echo)
    if strict and summary.failed:
        sys.exit(1)
