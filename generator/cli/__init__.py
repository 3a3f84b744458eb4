"""The ``statusgen`` command line (click).

User errors (:class:`~generator.errors.StatusgenError`) end as one clear line
and an exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Literal, NoReturn

import click

from generator import clock
from generator.content.values import SCHEMA_KINDS
from generator.errors import Diagnostic, StatusgenError

# A command imports what it needs when it runs: none pays for what only another command uses.


class StatusgenGroup(click.Group):
    """The command group; user errors are caught here, once, as click catches its own. A usage error
    click finds (an unknown option, ``--root`` naming a file) is one line too, as statusgen's own are."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StatusgenError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:
            _usage_error(exc, ctx)


def _usage_error(exc: click.UsageError, ctx: click.Context | None = None) -> NoReturn:
    """``statusgen: error: <click's message> (try 'statusgen build --help')``, exit 2; help asked for by giving
    no command is shown as click shows it. ``ctx``: the group's, for an error click raised without one."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        raise exc
    where = exc.ctx or ctx
    hint = f" (try '{where.command_path} --help')" if where is not None else ""
    click.echo(f"statusgen: error: {' '.join(exc.format_message().split())}{hint}", err=True)
    sys.exit(exc.exit_code)


@click.group(cls=StatusgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="The site repository (holds mkdocs.yml and content/).")
@click.version_option(package_name="statusgen")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Status and incident sites from Markdown files in git."""
    ctx.obj = root


now_option = click.option("--now", "now_text", metavar="TIMESTAMP",
                          help="The time to validate or build for (default: SOURCE_DATE_EPOCH, else the clock).")


def print_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([d.to_json() for d in diagnostics], indent=2))
    elif fmt == "github":
        for diagnostic in diagnostics:
            click.echo(diagnostic.format_github())
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format_text(), err=diagnostic.severity == "error")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@now_option
@click.pass_obj
def validate(root: Path, fmt: str, strict: bool, now_text: str | None) -> None:
    """Check every content file against its template and the rules."""
    from generator.alerts.check import check_alerts
    from generator.build import render_problems
    from generator.content.loader import load_content
    from generator.settings import check_settings

    now = clock.build_time(now_text)
    # mkdocs.yml too: the pre-commit hook runs validate when it changes, and build refuses what this reports.
    settings, diagnostics = check_settings(root)
    content, found = load_content(root, now.date())
    diagnostics += found
    if settings is not None:  # the Prometheus rule files mkdocs.yml names, with the runbooks
        diagnostics += check_alerts(root, settings, content.runbooks if content else None)[1]
        diagnostics += render_problems(root, settings)  # what only rendering finds, which a build would refuse
    print_diagnostics(diagnostics, fmt)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if fmt == "text":
        summary = f"{errors} error(s), {warnings} warning(s)" if diagnostics else "content is valid"
        click.echo(summary, err=bool(errors))
    if errors or (strict and warnings):
        sys.exit(1)


@cli.command()
@click.argument("kind", type=click.Choice(["incident", "maintenance", "postmortem", "runbook"]))
@click.argument("title")
@click.option("--incident", "incident_id", metavar="ID", help="For a postmortem: the incident it is about.")
@now_option
@click.pass_obj
def new(root: Path, kind: str, title: str, incident_id: str | None, now_text: str | None) -> None:
    """Write a new content file from its template."""
    from generator.authoring.new import create

    path = create(root, kind, title, clock.build_time(now_text), incident_id)
    click.echo(str(path))
    click.echo("Fill in the empty fields; 'statusgen validate' lists what is left.", err=True)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Where to write site/public/ and site/internal/: a folder of its own, replaced whole "
                   "(a relative path is taken from --root).")
@now_option
@click.option("--strict", is_flag=True, help="Rendering warnings (broken links, missing pages) are errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.pass_obj
def build(root: Path, out: Path, now_text: str | None, strict: bool, quiet: bool) -> None:
    """Validate the content and build the sites into --out."""
    from generator.build import LastHeap, Progress
    from generator.build import build as run_build

    now = clock.build_time(now_text)
    out = out.expanduser()  # `--out=~/x` reaches us unexpanded; the build then checks the folder it names
    out = out if out.is_absolute() else root / out
    result = run_build(root, out, now, strict=strict, progress=Progress(quiet), heap=LastHeap() if _ending else None)
    # Date-dependent content warnings are shown but never fail a build: an old action
    # item must not block publishing an incident update.
    for diagnostic in result.warnings:
        click.echo(diagnostic.format_text(), err=True)
    for message in result.render_warnings:
        click.echo(f"statusgen: warning: {message}", err=True)


@cli.command()
@click.option("--audience", type=click.Choice(["public", "internal"]), default="public", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--now", "now_text", metavar="TIMESTAMP",
              help="Preview the site as of this time (default: the clock at each rebuild).")
@click.pass_obj
def serve(root: Path, audience: Literal["public", "internal"], port: int, now_text: str | None) -> None:
    """Preview a site on http://127.0.0.1:PORT/, rebuilding when content changes."""
    from generator.serve import serve as run_serve

    run_serve(root, audience, port, clock.parse_time(now_text, option="--now") if now_text else None)


@cli.command()
@click.argument("kind", type=click.Choice(SCHEMA_KINDS), required=False)
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a file kind (all kinds, without KIND)."""
    if kind:
        document: dict[str, Any] = schema_of(kind)
    else:
        document = {name: schema_of(name) for name in SCHEMA_KINDS}
    click.echo(json.dumps(document, indent=2, sort_keys=True))


def schema_of(kind: str) -> dict[str, Any]:
    from generator.content.models import json_schema

    return json_schema(kind)


# Running an incident: declare, update, resolve, maintenance, list, comms.
from generator.cli.incidents import register  # noqa: E402 - registers on `cli`, defined above

register(cli)

# Commands in modules of their own, which import nothing from here (no cycle).
from generator.cli.importing import group as import_group  # noqa: E402 - statusgen import statuspage|cstate
from generator.cli.init import init as init_command  # noqa: E402 - statusgen init DIR
from generator.cli.notify import notify as notify_command  # noqa: E402 - statusgen notify
from generator.cli.oncall import oncall as oncall_command  # noqa: E402 - statusgen oncall

for command in (init_command, import_group, notify_command, oncall_command):
    cli.add_command(command)


#: The process ends when the command returns (:func:`main`): what it made need not be handed back to the
#: garbage collector (:class:`~generator.build.LastHeap`).
_ending = False


def run(*, ending: bool = False) -> int:
    """The command line's exit code, as click's standalone mode ends it (user errors included).

    ``ending``: the process ends right after (:func:`main`)."""
    global _ending
    _ending = ending
    # lxml (feedgen reads and writes feeds with it) imports rnc2rng whenever it is installed, for RelaxNG
    # compact syntax, which statusgen never reads: a fifth of a second and ssl with it, in every build where
    # the test tools are installed. The command line's own process keeps lxml from finding it.
    sys.modules.setdefault("rnc2rng", None)  # type: ignore[arg-type]
    try:
        cli(prog_name="statusgen")
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    return 0


def main() -> None:
    """``statusgen``: :func:`run`, then end the process at once.

    By the time a command returns, every file it wrote is closed, its temporary folders are removed and its
    second process has ended (each in a ``with`` or ``finally``). What an ordinary exit would do next is free
    every object the command made, one by one: 0.2 s after a build of 2,000 incidents, more on a longer history.
    So the output is flushed and the process ends, as mypy's command line does. A thread the command left
    running (none does today) gets the ordinary exit, which waits for it.
    """
    code = run(ending=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`statusgen ... | head`), a closed stream
            code = code or 1
    if threading.active_count() == 1:
        os._exit(code)
    sys.exit(code)
