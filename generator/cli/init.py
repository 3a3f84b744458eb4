"""``statusgen init DIR``: a new site repository, asked for its name and address (or ``--yes``)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from generator import clock
from generator.authoring import DEFAULT_URL
from generator.errors import UsageError


def _prompt(text: str, default: str, check) -> str:  # type: ignore[no-untyped-def]
    """Ask until the answer passes ``check``; a wrong answer is said in one line and asked again."""
    def value(answer: str) -> str:
        try:
            return check(answer)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
    return click.prompt(text, default=default, value_proc=value)


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--name", help="The site's name (site_name), shown in the header and the feeds.")
@click.option("--url", help=f"The address the public site is published at (site_url) [default: {DEFAULT_URL}].")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: what is not given takes its default.")
def init(folder: Path, name: str | None, url: str | None, yes: bool) -> None:
    """Write a new status site repository into DIR (new or empty), pinned to this statusgen."""
    from generator.authoring.init import check_folder, check_name, check_url, create_site, default_name

    folder = folder.expanduser()
    check_folder(folder)  # before any question: a refused folder wastes no answers
    if name is None:
        name = default_name(folder.resolve()) if yes else _prompt("Site name", default_name(folder.resolve()),
                                                                  check_name)
    if url is None:
        url = DEFAULT_URL if yes else _prompt("Public address (site_url)", DEFAULT_URL, check_url)
    written = create_site(folder, name, url, clock.build_time(None).date())
    click.echo(f"Wrote a status site in {folder} ({len(written)} files). Next:")
    enter = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    click.echo(f"  {enter}python3 -m venv .venv && .venv/bin/pip install -r requirements.txt")
    click.echo("  .venv/bin/statusgen build    # then: .venv/bin/statusgen serve")
