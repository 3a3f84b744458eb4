"""``statusgen import``: bring incident history from another status page into ``content/``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import clock
from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.importers.records import Imported

force_option = click.option("--force", is_flag=True,
                            help="Replace files that differ from what the import writes (listed otherwise).")


@click.group("import")
def group() -> None:
    """Import components, incidents and maintenance from another status page."""


def _write(root: Path, imported: Imported, force: bool) -> None:
    from generator.importers.writer import write_all

    outcome = write_all(root, imported, force, clock.build_time(None).date())
    for rel in outcome.written:
        click.echo(rel)
    for note in imported.skipped:
        click.echo(f"statusgen: skipped {note}", err=True)
    kinds = sum(i.maintenance for i in imported.incidents)
    click.echo(f"imported {len(imported.components)} component(s), {len(imported.incidents) - kinds} incident(s), "
               f"{kinds} maintenance: {len(outcome.written)} file(s) written, {len(outcome.unchanged)} unchanged",
               err=True)


def _site(root: Path) -> None:
    from generator.content.loader import CONTENT_DIR

    if not (root / CONTENT_DIR).is_dir():
        raise UsageError(f"no '{CONTENT_DIR}/' folder in {root}: import into a site repository "
                         "('statusgen init DIR' makes one) or use --root")


@group.command("statuspage")
@click.argument("source")
@force_option
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=10.0, show_default=True,
              help="Seconds to wait for each HTTP answer.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries after a 5xx/429 answer or a network error, with backoff.")
@click.option("--skip-unstated", is_flag=True,
              help="Skip (and list) incidents that set no component state, instead of stopping.")
@click.pass_obj
def statuspage(root: Path, source: str, force: bool, timeout: float, retries: int, skip_unstated: bool) -> None:
    """Import a Statuspage page: SOURCE is a folder or address (https://status.example.com/) with api/v2/."""
    from generator.importers import statuspage as reader
    from generator.settings import load_settings

    _site(root)
    settings = load_settings(root)
    _write(root, reader.read(source, settings.maintenance, timeout, retries, skip_unstated), force)


@group.command("cstate")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@force_option
@click.pass_obj
def cstate(root: Path, directory: Path, force: bool) -> None:
    """Import a cState site: DIRECTORY holds its config.yml and content/issues/*.md."""
    from generator.importers import cstate as reader
    from generator.settings import load_settings

    _site(root)
    load_settings(root)
    _write(root, reader.read(directory), force)
