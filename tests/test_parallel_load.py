"""Reading a long history's incidents in two processes gives what reading them in one gives: the same
incidents in the same order, the same problems at the same places, for any mix of good and broken files."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import write_site
from generator import background
from generator.background import parallel
from generator.content import loader
from tests.conftest import NOW
from tests.tools import tool_missing

#: Ways an author breaks an incident file, each found by a different rule (or none: the file stays good).
BREAKS = {
    "good": lambda text: text,
    "yaml": lambda text: text.replace("severity:", "severity: [", 1),
    "unclosed-quote": lambda text: text.replace('channel: "#incident"', 'channel: "#incident', 1),
    "unknown-component": lambda text: text.replace("components:\n", "components:\n  nope: major_outage\n", 1),
    "no-front-matter": lambda text: text.split("---\n", 2)[-1],
    "control-character": lambda text: text.replace("title: ", "title: \x1b[31m", 1),
    "bad-time": lambda text: text.replace("started: 20", "started: 19", 1),
    "empty": lambda text: "",
}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not parallel():
        tool_missing("one core only: incidents are read in one process here (CI has two)")
    return write_site(tmp_path_factory.mktemp("history") / "site", 24, NOW)


def loaded(root: Path, in_parallel: bool, monkeypatch: pytest.MonkeyPatch, chunk: int = 16,
           delay: float = 0.0, per_pipe: int = 4096) -> tuple[object, list[object]]:
    """``load_content``, in two processes or one; each claims ``chunk`` files at a time (more when ``per_pipe``
    chunks would not hold them all), and this one first waits ``delay`` seconds (its ``meanwhile``), so that
    the other claims more, or all, of them."""
    started: list[str] = []
    called: list[int] = []

    class Counted(loader.Background):  # type: ignore[misc,type-arg]
        def __init__(self, job: object, what: str) -> None:
            started.append(what)
            super().__init__(job, what)  # type: ignore[arg-type]

    def meanwhile() -> None:
        called.append(os.getpid())
        time.sleep(delay)

    with monkeypatch.context() as patch:
        patch.setattr(loader, "PARALLEL_FILES", 2 if in_parallel else 10**9)
        patch.setattr(loader, "CHUNK_FILES", chunk)
        patch.setattr(loader.Claims, "MOST", per_pipe)
        patch.setattr(loader, "Background", Counted)
        found = loader.load_content(root, NOW.date(), meanwhile=meanwhile)
    assert started == (["reading incidents"] if in_parallel else [])
    assert called == ([os.getpid()] if in_parallel else [])  # once, in this process, only beside a second one
    return found


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(breaks=st.lists(st.sampled_from(sorted(BREAKS)), min_size=24, max_size=24),
       chunk=st.integers(min_value=1, max_value=30), delay=st.sampled_from([0.0, 0.01, 0.3]),
       per_pipe=st.sampled_from([1, 2, 5, 4096]))
def test_two_processes_read_what_one_reads(history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            breaks: list[str], chunk: int, delay: float, per_pipe: int) -> None:
    """Whoever claims which files (the second process all of them after a long ``meanwhile``), the same result."""
    root = tmp_path / f"site-{abs(hash(tuple(breaks)))}"
    shutil.copytree(history, root)
    files = sorted((root / "content" / "incidents").glob("*.md"))
    for path, how in zip(files, breaks, strict=False):
        path.write_text(BREAKS[how](path.read_text(encoding="utf-8")), encoding="utf-8")
    serial = loaded(root, False, monkeypatch)
    assert loaded(root, True, monkeypatch, chunk, delay, per_pipe) == serial
    content, diagnostics = serial
    assert (content is None) == any(d.severity == "error" for d in diagnostics)  # type: ignore[attr-defined]


def test_a_bug_in_the_second_process_is_raised_with_its_traceback(history: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader.read_markdown_file
    parent = os.getpid()

    def failing(path: Path, rel: str, **options: object) -> object:
        if os.getpid() != parent and path.parent.name == "incidents":
            raise KeyError("a bug")
        return real(path, rel, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "read_markdown_file", failing)
    # this process waits (its meanwhile) while the second one claims the files and fails on its first
    with pytest.raises(RuntimeError, match=r"(?s)^reading incidents failed: Traceback.*KeyError: 'a bug'"):
        loaded(history, True, monkeypatch, chunk=1, delay=0.5)


def test_a_short_history_is_read_in_one_process(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_second_process(*args: object) -> None:
        raise AssertionError("a second process for a short history")

    monkeypatch.setattr(loader, "Background", no_second_process)
    content, _ = loader.load_content(history, dt.date(2026, 11, 26))
    assert content is not None and len(content.incidents) == 24


def test_a_pipe_too_small_for_the_chunks_means_one_process_reads(history: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system gives the pipe of chunk numbers less room than they need, no second process waits on
    it: this one reads every file, as with a short history."""
    serial = loaded(history, False, monkeypatch)
    monkeypatch.setattr(background, "_fill", lambda pipe, data: False)

    def no_second_process(*args: object) -> None:
        raise AssertionError("a second process without its chunks")

    monkeypatch.setattr(loader, "Background", no_second_process)
    monkeypatch.setattr(loader, "PARALLEL_FILES", 2)
    assert loader.load_content(history, NOW.date()) == serial


def test_the_chunk_numbers_fit_a_small_pipe() -> None:
    """The most chunk numbers a read asks for fit the smallest pipe that Linux or macOS gives by default."""
    read, written = os.pipe()
    try:
        fcntl.fcntl(written, 1031, 16384)  # F_SETPIPE_SZ: 16 KB, a macOS pipe's first size (Linux gives 64 KB)
        assert background._fill(written, b"\0" * 4 * background.Claims.MOST)
        assert not background._fill(written, b"\0")  # full now: refused at once, not waited on
    finally:
        os.close(read)
        os.close(written)


def test_a_chunk_that_never_comes_back_fails_the_reading(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: should the second process end without sending a chunk it read, no history is published
    with those files left out."""
    from multiprocessing.connection import Connection

    parent, real = os.getpid(), Connection.send
    dropped: list[bool] = []

    def send(self: Connection, message: object) -> None:
        if os.getpid() != parent and not dropped:  # the second process's first chunk is lost
            dropped.append(True)
            return
        real(self, message)

    monkeypatch.setattr(Connection, "send", send)
    with pytest.raises(RuntimeError, match=r"^reading incidents failed: \d+ of 24 chunks came back$"):
        loaded(history, True, monkeypatch, chunk=1, delay=0.5)  # the other process claims every chunk meanwhile


@pytest.mark.parametrize("in_parallel", [False, True])
def test_refused_settings_are_reported_before_the_content(history: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, in_parallel: bool) -> None:
    """A long history's build loads the settings while a second process reads incidents, a short one's after
    reading: either way, settings and content both refused, the settings' error is the one reported (as when
    they were loaded first), and content refused alone is reported as such."""
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.setattr(loader, "PARALLEL_FILES", 2 if in_parallel else 10**9)
    root = tmp_path / "site"
    shutil.copytree(history, root)
    incident = sorted((root / "content" / "incidents").glob("*.md"))[5]
    incident.write_text(BREAKS["bad-time"](incident.read_text(encoding="utf-8")), encoding="utf-8")
    command = ["--root", str(root), "build", "-q", "--now", "2026-11-26T12:00:00Z", "--out", str(tmp_path / "out")]
    content_only = CliRunner().invoke(cli, command)
    assert content_only.exit_code == 1 and content_only.output.startswith(f"content/incidents/{incident.name}:")
    config = root / "mkdocs.yml"
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not line.startswith("site_url:")) + "\n")
    both = CliRunner().invoke(cli, command)
    assert both.exit_code == 1 and both.output.startswith("mkdocs.yml:1:1: error: site_url is not set"), both.output
    assert not (tmp_path / "out").exists()


def test_a_long_history_is_read_before_the_settings_are_imported(history: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings' module and models, the alert rules and the snapshot are not imported before the second
    process starts reading (a sixth of the serial start, for modules it does not use): this process imports
    them while it reads. Run in a fresh interpreter, where nothing has imported them yet."""
    import subprocess
    import sys

    code = (f"import sys\nfrom pathlib import Path\nimport generator.build\nfrom generator.content import loader\n"
            f"loader.PARALLEL_FILES = 2\nseen = []\nreal = loader._incidents\n"
            f"def spy(*args, **kwargs):\n"
            f"    seen.append(sorted(name for name in ('generator.settings', 'generator.alerts.check', "
            f"'generator.status.snapshot') if name in sys.modules))\n"
            f"    return real(*args, **kwargs)\n"
            f"loader._incidents = spy\n"
            f"generator.build.build(Path({str(history)!r}), Path({str(tmp_path / 'out')!r}), "
            f"generator.build.dt.datetime(2026, 11, 26, 12, tzinfo=generator.build.dt.timezone.utc))\n"
            f"assert seen == [[]], seen\nprint('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.split() == ["ok"], done.stderr
    assert (tmp_path / "out" / "public" / "index.html").is_file()


def test_more_jobs_than_a_pipe_holds_are_done_by_one_process() -> None:
    """More numbers than :attr:`Claims.MOST` (a site of thousands of components has as many feed parts): no
    claims, so the caller does every job itself; up to it, every number is taken once, in order."""
    assert background.Claims.of(background.Claims.MOST + 1) is None
    claims = background.Claims.of(background.Claims.MOST)
    assert claims is not None
    try:
        assert list(claims) == list(range(background.Claims.MOST)) and list(claims) == []
    finally:
        claims.close()


def test_a_folder_with_neither_settings_nor_content_is_reported_for_its_settings(tmp_path: Path) -> None:
    """The settings are loaded after the content is read, or beside it: a folder with neither ``mkdocs.yml`` nor
    ``content/`` is still reported for its missing settings, as a build reported it before, not for its content."""
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "build", "-q", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and result.output.startswith("mkdocs.yml:1:1: error: no mkdocs.yml"), result.output
    assert not (tmp_path / "out").exists()


def test_claimed_results_come_back_in_order_or_the_build_stops() -> None:
    """The results of claimed jobs, whichever process made them, in the jobs' order; one missing (a process that
    ended early) stops the build rather than publish without it."""
    assert background.in_order({2: "c", 0: "a", 1: "b"}, 3, "making x", "parts") == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match=r"^making x failed: 2 of 3 parts came back$"):
        background.in_order({0: "a", 2: "c"}, 3, "making x", "parts")
