"""The command line: exit codes, output formats, ``new`` and ``schema``."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.content.loader import load_content
from generator.content.source import parse_yaml

from .conftest import INCIDENT, NOW, REPO, write

BAD = INCIDENT.replace("severity: SEV1", "severity: SEV9")
INC = "content/incidents/2026-03-30-payment-outage.md"


def run(root: Path, *args: str) -> "object":
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def test_validate_ok(site: Path) -> None:
    result = run(site, "validate", "--now", "2026-11-26T12:00:00Z")
    assert result.exit_code == 0, result.output
    assert "content is valid" in result.output


def test_validate_text_error(site: Path) -> None:
    write(site, INC, BAD)
    result = run(site, "validate")
    assert result.exit_code == 1
    assert f"{INC}:3:1: error: invalid value 'SEV9' for 'severity'" in result.output
    assert "Traceback" not in result.output


def test_validate_github_format(site: Path) -> None:
    write(site, INC, BAD)
    result = run(site, "validate", "--format", "github")
    assert result.exit_code == 1
    assert result.output.startswith(f"::error file={INC},line=3,col=1,title=statusgen invalid-value::invalid value")


def test_validate_json_format(site: Path) -> None:
    write(site, INC, BAD)
    result = run(site, "validate", "--format", "json")
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert item == {"file": INC, "line": 3, "column": 1, "severity": "error", "code": "invalid-value",
                    "message": "invalid value 'SEV9' for 'severity'; allowed: 'SEV1', 'SEV2', 'SEV3' or 'SEV4'"}


def test_warnings_fail_only_with_strict(site: Path) -> None:
    rb = site / "content/runbooks/high-database-cpu.md"
    rb.write_text(rb.read_text().replace("last_reviewed: 2026-10-01", "last_reviewed: 2025-01-01"))
    lenient = run(site, "validate", "--now", "2026-11-26T00:00:00Z", "--format", "github")
    assert lenient.exit_code == 0
    assert lenient.output.startswith("::warning file=content/runbooks/high-database-cpu.md,line=6,col=1")
    assert run(site, "validate", "--now", "2026-11-26T00:00:00Z", "--strict").exit_code == 1


def test_usage_errors_exit_2(site: Path, tmp_path: Path) -> None:
    assert run(site, "validate", "--format", "xml").exit_code == 2
    result = run(tmp_path / "nowhere", "validate")
    assert result.exit_code == 2
    assert "statusgen: error: no 'content/' folder" in result.output
    assert run(site, "validate", "--now", "yesterday").exit_code == 2


@pytest.mark.parametrize("kind", ["incident", "maintenance", "runbook"])
def test_new_leaves_only_placeholders(site: Path, kind: str) -> None:
    result = run(site, "new", kind, 'Checkout: "errors" & timeouts', "--now", "2026-11-26T10:00:00Z")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    expected = "checkout-errors-timeouts" if kind == "runbook" else "2026-11-26-checkout-errors-timeouts"
    assert path.name == f"{expected}.md"
    front = yaml.safe_load(path.read_text().split("---")[1])
    assert front["title"] == 'Checkout: "errors" & timeouts'
    _, diagnostics = load_content(site, NOW.date())
    codes = {d.code for d in diagnostics}
    assert codes <= {"empty-field", "invalid-value", "empty-section"}, diagnostics
    assert all(d.file == path.relative_to(site).as_posix() for d in diagnostics)
    assert run(site, "new", kind, 'Checkout: "errors" & timeouts', "--now", "2026-11-26T10:00:00Z").exit_code == 1


def test_new_postmortem_from_incident(site: Path) -> None:
    (site / "content/postmortems/2026-03-30-payment-outage.md").unlink()
    result = run(site, "new", "postmortem", "Payment Processing Outage", "--incident", "2026-03-30-payment-outage",
                 "--now", "2026-03-31T09:00:00Z")
    assert result.exit_code == 0, result.output
    text = (site / "content/postmortems/2026-03-30-payment-outage.md").read_text()
    assert "incident: \"2026-03-30-payment-outage\"" in text
    assert "| 14:15 | Impact began |" in text
    assert "| 14:32 | Alert fired |" in text
    assert "| 15:02 | Resolved: Rolled back payment-service to v2.3.1. |" in text
    _, diagnostics = load_content(site, NOW.date())
    assert {(d.code, d.message.split("'")[1]) for d in diagnostics} == {
        ("empty-field", "authors"), ("empty-table", "## Action Items"),
        *{("empty-section", f"## {name}") for name in ("Summary", "Impact", "Root Cause", "Contributing Factors",
                                                       "What Went Well", "What Went Poorly")}}


def test_new_postmortem_unknown_incident(site: Path) -> None:
    result = run(site, "new", "postmortem", "X", "--incident", "nope")
    assert result.exit_code == 2
    assert "no incident 'nope'" in result.output


def test_schema_matches_shipped_files_and_accepts_examples() -> None:
    runner = CliRunner()
    for kind in ("components", "incident", "postmortem", "runbook", "reference"):
        printed = json.loads(runner.invoke(cli, ["schema", kind]).stdout)
        shipped = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text())
        assert printed == shipped, f"schemas/{kind}.schema.json is stale: run 'statusgen schema {kind}'"
    # What an editor's YAML language server sees: timestamps and dates as strings.
    for kind, pattern in (("incident", "incidents/*.md"), ("postmortem", "postmortems/*.md"),
                          ("runbook", "runbooks/*.md")):
        schema = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text())
        paths = sorted((REPO / "content").glob(pattern))
        assert paths
        for path in paths:
            located, problems = parse_yaml(path.read_text().split("---\n")[1], path.name)
            assert located is not None and not problems
            jsonschema.validate(located.data, schema, format_checker=jsonschema.FormatChecker())


def test_example_files_reference_their_schema() -> None:
    for kind, folder in (("incident", "incidents"), ("postmortem", "postmortems"), ("runbook", "runbooks")):
        for path in (REPO / "content" / folder).glob("*.md"):
            assert f"$schema=../../schemas/{kind}.schema.json" in path.read_text().splitlines()[1], path


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command's own process (``main``), which ends without freeing its objects."""
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)


def test_the_process_exits_with_the_commands_code_and_all_its_output(site: Path) -> None:
    """``main`` ends the process at once: the exit code and every line written still reach the caller."""
    version = _process("--version")
    assert version.returncode == 0 and version.stdout.startswith("statusgen, version ")
    usage = _process("--root", str(site), "validate", "--bogus")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    schemas = _process("schema")
    assert schemas.returncode == 0 and len(json.loads(schemas.stdout)) >= 4  # 26 KB, all of it
    write(site, INC, BAD)
    failed = _process("--root", str(site), "validate", "--format", "json")
    assert failed.returncode == 1 and json.loads(failed.stdout)[0]["code"] == "invalid-value"
    built = _process("--root", str(site), "build", "--out", str(site / "out"))
    assert built.returncode == 1 and built.stderr.splitlines()[-1].startswith(f"{INC}:3:1: error:")
    assert "Traceback" not in built.stderr and not (site / "out").exists()


def test_a_reader_that_goes_away_ends_the_process_quietly() -> None:
    """``statusgen schema | head -c 1``: the output the reader never took is one failed exit, no traceback."""
    read, written = os.pipe()
    fcntl.fcntl(written, 1031, 4096)  # F_SETPIPE_SZ: a pipe smaller than the 26 KB of schemas
    # Buffered output, as a shell gives it (PYTHONUNBUFFERED makes Python drop what a partial write left).
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with subprocess.Popen([sys.executable, "-m", "generator.cli", "schema"], stdout=written, stderr=subprocess.PIPE,
                          env={**environ, "PYTHONPATH": str(REPO)}) as process:
        os.close(written)
        with os.fdopen(read, "rb") as reader:
            assert reader.read(1) == b"{"
        assert process.stderr is not None
        errors = process.stderr.read().decode()
    assert process.returncode == 1 and "Traceback" not in errors and "Exception ignored" not in errors


@pytest.mark.parametrize("args", [
    ["--root", "{file}", "validate"], ["build", "--port", "3"], ["nosuch"], ["validate", "--format", "xml"],
    ["build", "--now"], ["import", "statuspage", "--zzz"], ["oncall", "--zzz"], ["new", "incident"],
    ["serve", "--port", "x"], ["schema", "nosuch"], ["--zzz"],
], ids=lambda args: " ".join(args))
def test_every_usage_error_is_one_line(tmp_path: Path, args: list[str]) -> None:
    """The class: whatever click refuses on the command line ends as one ``statusgen: error:`` line, exit 2."""
    (tmp_path / "afile").write_text("x\n")
    result = CliRunner().invoke(cli, [arg.format(file=tmp_path / "afile") for arg in args])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: ") and "--help" in lines[0], result.output


def test_no_command_shows_the_help() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.output.startswith("Usage: ") and "Commands:" in result.output
