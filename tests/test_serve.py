"""``statusgen serve``: a live preview that rebuilds when content changes, reloads the browser, shows
build errors over the last good page and answers missing pages with the site's own 404 page.

Each test runs serve in a subprocess on 127.0.0.1 at a free port; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .scenario import make_scenario
from .tools import stop

REPO = Path(__file__).resolve().parents[1]
INCIDENT = "content/incidents/2026-11-20-slow-payments.md"
PAGE = "incidents/2026-11-20-slow-payments/"
SCRIPT = re.compile(r'<script src="/__statusgen/live\.js" data-build="([^"]*)"></script>')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode()
    except OSError:
        return None


def wait_for(predicate, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@dataclass
class Preview:
    root: Path
    base: str
    temp: Path  # serve's TMPDIR: its build lands below it
    process: subprocess.Popen[str]

    def built_pages(self) -> list[Path]:
        return sorted(self.temp.glob("statusgen-serve-*/site/*/**/*.html"))


@contextlib.contextmanager
def running(tmp_path: Path, root: Path | None = None, ready: str = "Slow payments", audience: str = "public",
            extra: tuple[str, ...] = ()) -> Iterator[Preview]:
    """serve on a scenario (or ``root``), once ``ready`` is on the incident page; stopped with SIGTERM."""
    root = root or make_scenario(tmp_path / "repo")
    temp = tmp_path / "temp"
    temp.mkdir()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root), "serve", "--port", str(port),
                                "--audience", audience, *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)})
    preview = Preview(root, f"http://127.0.0.1:{port}/", temp, process)
    try:
        def up() -> bool:  # the page is there, and serve has counted its build (a moment after swapping it in)
            page = fetch(preview.base + PAGE) or ""
            return ready in page and bool((found := SCRIPT.search(page)) and found[1])
        assert wait_for(up), "the preview did not come up"
        yield preview
    finally:
        stop(process)


class Events:
    """The preview's event stream, read on a thread; ``next`` waits (bounded) for an event by name."""

    def __init__(self, base: str) -> None:
        self.queue: queue.Queue[tuple[str, dict]] = queue.Queue()  # type: ignore[type-arg]
        address = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        connection.request("GET", "/__statusgen/events", headers={"Accept": "text/event-stream"})
        self.socket = connection.sock  # to end a read blocked on the thread at once
        self.response = connection.getresponse()
        assert self.response.status == 200 and self.response.headers["Content-Type"] == "text/event-stream"
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[len("event: "):]
                elif line.startswith("data: "):
                    data += line[len("data: "):]
                elif not line and data:
                    self.queue.put((name, json.loads(data)))
                    name, data = "message", ""
        except OSError:
            pass  # ended by close()
        finally:
            self.response.close()

    def next(self, name: str, seconds: float = 60) -> dict:  # type: ignore[type-arg]
        deadline = time.monotonic() + seconds
        seen = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                event, data = self.queue.get(timeout=left)
            except queue.Empty:
                break
            if event == name:
                return data
            seen.append((event, data))
        raise AssertionError(f"no {name!r} event within {seconds} s; saw {seen}")

    def close(self) -> None:
        """End the stream: the blocked read sees its end, and the thread closes the response."""
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self.reader.join(timeout=10)
        assert not self.reader.is_alive()


def edit(path: Path, *replacements: str) -> None:
    """Replace old with new text, pair by pair, in one write (so one rebuild)."""
    text = path.read_text()
    for old, new in zip(replacements[::2], replacements[1::2]):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)


def test_serve_rebuilds_on_change(tmp_path: Path) -> None:
    with running(tmp_path) as preview:
        url = preview.base + PAGE
        events = Events(preview.base)
        events.next("status")
        path = preview.root / INCIDENT
        edit(path, "title: Slow payments", "title: Payments were slow")
        assert wait_for(lambda: "Payments were slow" in (fetch(url) or "")), "no rebuild after a change"
        events.next("reload")
        edit(path, "severity: SEV3", "severity: SEV9")
        events.next("errors")
        assert "Payments were slow" in (fetch(url) or ""), "a broken change must keep the last good build"
        preview.process.terminate()  # with a browser's event stream still open
        output, _ = preview.process.communicate(timeout=30)
        events.close()
        assert not list(preview.temp.iterdir()), "SIGTERM removes the temporary folder"
    assert "Serving the public site on http://127.0.0.1:" in output
    assert "error: invalid value 'SEV9'" in output and "still serving the last good build" in output


def test_served_pages_carry_the_reload_script_and_the_built_site_does_not(tmp_path: Path) -> None:
    with running(tmp_path) as preview:
        for path in ["", PAGE, "history/", "404.html"]:
            page = fetch(preview.base + path) or ""
            assert len(SCRIPT.findall(page)) == 1, path
            assert SCRIPT.search(page).end() == page.rindex("</body>"), "the script goes last in the body"  # type: ignore[union-attr]
        with urllib.request.urlopen(preview.base + "__statusgen/live.js", timeout=5) as response:  # noqa: S310
            assert response.headers["Content-Type"].startswith("text/javascript")
            assert "EventSource" in response.read().decode()
        # What is not a page is sent as built.
        feed = fetch(preview.base + "history.atom") or fetch(preview.base + "feed.atom") or ""
        api = fetch(preview.base + "api/v2/summary.json") or ""
        assert api.startswith("{") and "__statusgen" not in api + feed
        pages = preview.built_pages()
        assert len(pages) > 10, "serve builds the served site into its temporary folder"
        assert all(p.relative_to(preview.temp).parts[2] == "public" for p in pages), "and only the served one"
        assert not [p for p in pages if b"__statusgen" in p.read_bytes()], "the script must never reach the built site"


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_missing_page_gets_the_sites_own_404_page(tmp_path: Path, audience: str) -> None:
    with running(tmp_path, audience=audience) as preview:
        for path in ["no-such-page/", "incidents/nothing-here/", "missing.png"]:
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(preview.base + path, timeout=5)  # noqa: S310
            assert caught.value.code == 404
            body = caught.value.read().decode()
            built = next(p for p in preview.built_pages() if p.relative_to(p.parents[1]).as_posix() == f"{audience}/404.html")
            assert SCRIPT.sub("", body) == built.read_text(), "the body is the site's 404.html (and the script)"
            assert "404" in body


def test_a_breaking_edit_shows_its_errors_and_the_fix_reloads(tmp_path: Path) -> None:
    with running(tmp_path) as preview:
        url = preview.base + PAGE
        events = Events(preview.base)
        first = events.next("status")
        assert first["errors"] == [] and SCRIPT.search(fetch(url) or "")[1] == first["build"]  # type: ignore[index]
        path = preview.root / INCIDENT
        edit(path, "severity: SEV3", "severity: SEV9")
        broken = events.next("errors")
        assert broken["build"] == first["build"], "the last good build is still the one served"
        assert [line for line in broken["errors"] if re.fullmatch(
            rf"{re.escape(INCIDENT)}:\d+:\d+: error: invalid value 'SEV9' .*", line)], broken
        page = fetch(url) or ""
        assert "Slow payments" in page and SCRIPT.search(page)[1] == first["build"]  # type: ignore[index]
        # A tab opened now learns of the errors at once.
        late = Events(preview.base)
        assert late.next("status") == broken
        late.close()

        edit(path, "severity: SEV9", "severity: SEV3", "title: Slow payments", "title: Payments were slow")
        fixed = events.next("reload")
        assert fixed["errors"] == [] and fixed["build"] not in ("", first["build"])
        page = fetch(url) or ""
        assert "Payments were slow" in page and SCRIPT.search(page)[1] == fixed["build"]  # type: ignore[index]
        events.close()


def test_before_the_first_good_build_every_page_shows_the_errors(tmp_path: Path) -> None:
    root = make_scenario(tmp_path / "repo")
    path = root / INCIDENT
    edit(path, "severity: SEV3", "severity: SEV9")
    temp = tmp_path / "temp"
    temp.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(root), "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)})
    try:
        def failed() -> bool:
            try:
                urllib.request.urlopen(base + PAGE, timeout=5)  # noqa: S310
            except urllib.error.HTTPError as error:
                return error.code == 503
            except OSError:
                return False
            return False
        assert wait_for(failed), "the preview did not come up"
        events = Events(base)
        state = events.next("status")
        if not state["errors"]:  # connected while the first build still ran
            state = events.next("errors")
        assert state["build"] == "" and any(line.startswith(f"{INCIDENT}:") for line in state["errors"])
        edit(path, "severity: SEV9", "severity: SEV3")
        assert events.next("reload")["errors"] == []
        assert "Slow payments" in (fetch(base + PAGE) or "")
        events.close()
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.browser
def test_the_browser_shows_the_errors_over_the_last_good_page_and_reloads_after_the_fix(browser, tmp_path: Path
                                                                                        ) -> None:
    with running(tmp_path) as preview:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        loads: list[str] = []
        page.on("load", lambda: loads.append(page.url))
        page.goto(preview.base + PAGE)
        assert page.locator("h1").inner_text() == "Slow payments"
        path = preview.root / INCIDENT
        # The message quotes what the author wrote: the overlay shows it as text, never as markup.
        edit(path, "severity: SEV3", "severity: <b>SEV9</b>")
        overlay = page.locator("#statusgen-errors")
        overlay.wait_for(state="visible", timeout=60_000)
        text = overlay.inner_text()
        assert re.search(rf"{re.escape(INCIDENT)}:\d+:\d+: error: invalid value '<b>SEV9</b>'", text), text
        assert overlay.locator("b").count() == 0
        assert page.locator("h1").inner_text() == "Slow payments", "the last good page stays under the errors"
        assert len(loads) == 1
        page.screenshot(path=str(tmp_path / "serve-errors.png"))

        page.evaluate("window.beforeTheFix = true")
        edit(path, "severity: <b>SEV9</b>", "severity: SEV3", "title: Slow payments", "title: Payments were slow")
        page.locator("h1", has_text="Payments were slow").wait_for(timeout=60_000)
        page.wait_for_load_state("load")
        assert page.evaluate("window.beforeTheFix") is None, "a new page, not the old one changed in place"
        assert len(loads) == 2, "the page reloaded once"
        assert overlay.count() == 0
        context.close()
    assert problems == []


# --- Incremental rebuilds (issue 15 §3) -------------------------------------------------------------------

NOW_TEXT = "2026-11-26T12:00:00Z"


def site_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def full_build(root: Path, out: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "-q", "--out", str(out),
                           "--now", NOW_TEXT], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_after_each_edit_the_served_site_is_what_a_full_build_makes(tmp_path: Path, audience: str) -> None:
    """Incremental rebuilds never diverge: every file of the served site equals a full build's, byte for byte,
    after edits that keep a file's size (the read cache must notice them too)."""
    ready = "Slow payments" if audience == "public" else "Overview"
    with running(tmp_path, ready="" if audience == "internal" else ready, audience=audience,
                 extra=("--now", NOW_TEXT)) as preview:
        events = Events(preview.base)
        events.next("status")
        path = preview.root / INCIDENT
        for old, new in [("title: Slow payments", "title: Payments were slow"),
                         ("title: Payments were slow", "title: Payments were SLOW")]:  # the same size
            edit(path, old, new)
            events.next("reload")
            served = next(preview.temp.glob(f"statusgen-serve-*/site/{audience}"))
            expected = full_build(preview.root, tmp_path / "full") / audience
            assert site_files(served) == site_files(expected)
            page = (fetch(preview.base + PAGE) or "")
            assert new.removeprefix("title: ") in page
            assert SCRIPT.sub("", page).encode() == (expected / PAGE / "index.html").read_bytes()
        events.close()


def test_a_cross_file_rule_broken_by_a_deletion_is_reported_as_validate_reports_it(tmp_path: Path) -> None:
    """Files read once are cached, but every rule runs on every rebuild: deleting the incident a postmortem
    names shows exactly the errors ``statusgen validate`` gives, and restoring it builds again."""
    from .conftest import POSTMORTEM

    root = make_scenario(tmp_path / "repo")
    postmortem = root / "content/postmortems/2026-11-20-slow-payments.md"
    postmortem.write_text(POSTMORTEM.replace("2026-03-30-payment-outage", "2026-11-20-slow-payments")
                          .replace("date: 2026-03-31", "date: 2026-11-21"))
    with running(tmp_path, root, extra=("--now", NOW_TEXT)) as preview:
        events = Events(preview.base)
        events.next("status")
        incident = root / INCIDENT
        text = incident.read_text()
        incident.unlink()
        errors = events.next("errors")["errors"]
        validate = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "validate", "--now",
                                   NOW_TEXT], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert validate.returncode == 1
        expected = [line for line in validate.stderr.splitlines() + validate.stdout.splitlines() if ": error: " in line]
        assert expected and errors == expected
        assert any("2026-11-20-slow-payments" in line and "postmortems/" in line for line in errors)
        incident.write_text(text)
        assert events.next("reload")["errors"] == []
        events.close()


def site_folders(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_dir()}


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_files_replaced_in_place_match_a_full_build_after_every_kind_of_change(tmp_path: Path, audience: str) -> None:
    """A rebuild replaces only the served files that changed: after a new postmortem, its edit, an edit of
    components.yml, deleting files, and a broken edit then its fix, the served folder holds exactly the files
    (and folders) of a full build, byte for byte."""
    from .conftest import POSTMORTEM

    ready = "Slow payments" if audience == "public" else ""
    with running(tmp_path, ready=ready, audience=audience, extra=("--now", NOW_TEXT)) as preview:
        events = Events(preview.base)
        events.next("status")
        root = preview.root
        postmortem = root / "content/postmortems/2026-11-20-slow-payments.md"
        incident = root / "content/incidents/2026-11-20-api-errors.md"

        def check(step: str) -> None:
            served = next(preview.temp.glob(f"statusgen-serve-*/site/{audience}"))
            expected = full_build(root, tmp_path / "full") / audience
            assert site_files(served) == site_files(expected), step
            assert site_folders(served) == site_folders(expected), step

        def changed(step: str, change: Any) -> None:
            change()
            assert events.next("reload")["errors"] == [], step
            check(step)

        postmortem.parent.mkdir(exist_ok=True)
        changed("a new postmortem", lambda: postmortem.write_text(
            POSTMORTEM.replace("2026-03-30-payment-outage", "2026-11-20-slow-payments")
            .replace("date: 2026-03-31", "date: 2026-11-21")))
        changed("the postmortem edited", lambda: edit(postmortem, "title: Payment Processing Outage",
                                                      "title: Slow Payment Processing"))
        changed("components.yml edited", lambda: edit(root / "content/components.yml", "name: Payments",
                                                      "name: Payment Service"))
        changed("an incident deleted", incident.unlink)
        changed("the postmortem deleted", postmortem.unlink)
        path = root / INCIDENT
        edit(path, "severity: SEV3", "severity: SEV9")
        assert events.next("errors")["errors"], "the broken edit is reported"
        changed("the broken edit fixed", lambda: edit(path, "severity: SEV9", "severity: SEV4"))
        events.close()
