"""``statusgen notify`` with real parts: two real builds of the scenario site, a real HTTP receiver and a
real SMTP server (aiosmtpd) on 127.0.0.1, the real CLI, and what arrives parsed back and checked.

The published site is built at 07:00 and the new one at 12:00 on the scenario's day, with a public
postmortem added in between. What changed (and so what subscribers hear):

- the payments incident was declared (08:10) and identified (09:00): one message, 'Identified'
  (the declaration is superseded within the same run);
- the dashboard maintenance started (the automatic 'In progress' update at 11:00);
- the API errors incident's postmortem was published;
- components payments (major outage) and dashboard (under maintenance) changed: webhooks only.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.notify.channels import webhook
from generator.settings import check_settings

from .conftest import POSTMORTEM, REPO, write
from .scenario import make_scenario
from .tools import need_tool

SCHEMAS = Path(__file__).parent / "schemas"
BEFORE, NOW = "2026-11-26T07:00:00Z", "2026-11-26T12:00:00Z"
SECRET = "s3cret-for-tests"
#: in internal fields, an internal postmortem and a runbook: never in anything sent or published
CANARIES = ("CANARY-NOTIFY-NOTES-71c2", "CANARY-NOTIFY-PM-83d4", "CANARY-NOTIFY-RUNBOOK-95e6",
            "CANARY-NOTIFY-COMMANDER-a7f8")

PAYMENTS = "incident:2026-11-26-payments-down:update:2026-11-26-payments-down"
EXPECTED = {  # event id -> what the chat message's heading says
    f"{PAYMENTS}-2": "Identified: Payments are failing",
    "maintenance:2026-11-26-dashboard-upgrade:update:2026-11-26-dashboard-upgrade-auto-in-progress":
        "In progress: Dashboard upgrade",
    "postmortem:2026-11-20-api-errors:published": "Postmortem: API errors",
}
COMPONENT_EVENTS = {"component:payments:major_outage@2026-11-26T09:00:00.000Z",
                    "component:dashboard:under_maintenance@2026-11-26T11:00:00.000Z"}


# --- the two sites -------------------------------------------------------------------------

def statusgen(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env, catch_exceptions=False)


@dataclass(frozen=True)
class Sites:
    repo: Path
    previous: Path  # the published public site (folder)
    current: Path   # the build's --out (holds public/)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    base = tmp_path_factory.mktemp("notify")
    repo = make_scenario(base / "repo")
    incident = repo / "content/incidents/2026-11-26-payments-down.md"
    incident.write_text(incident.read_text().replace(
        "internal: {commander: alice}", f"internal: {{commander: {CANARIES[3]}, notes: {CANARIES[0]}}}"))
    write(repo, "content/postmortems/2026-11-20-slow-payments.md", POSTMORTEM.replace(
        "incident: 2026-03-30-payment-outage", "incident: 2026-11-20-slow-payments").replace(
        "date: 2026-03-31", "date: 2026-11-21").replace("A null pointer.", f"A null pointer. {CANARIES[1]}"))
    runbook = repo / "content/runbooks/high-database-cpu.md"
    runbook.write_text(runbook.read_text().replace("Page the DBA team.", f"Page the DBA team. {CANARIES[2]}"))
    result = statusgen(repo, "build", "--out", str(base / "before"), "--now", BEFORE, "-q")
    assert result.exit_code == 0, result.output
    # published between the two builds: a public postmortem of the API errors incident
    write(repo, "content/postmortems/2026-11-20-api-errors.md", POSTMORTEM.replace(
        "incident: 2026-03-30-payment-outage", "incident: 2026-11-20-api-errors").replace(
        "visibility: internal", "visibility: public").replace("date: 2026-03-31", "date: 2026-11-25"))
    result = statusgen(repo, "build", "--out", str(base / "now"), "--now", NOW, "-q")
    assert result.exit_code == 0, result.output
    return Sites(repo, base / "before" / "public", base / "now")


def configure(root: Path, sites: Sites, notify: dict[str, Any]) -> Path:
    """A site root whose mkdocs.yml (the scenario's) has this ``extra.statusgen.notify``."""
    root.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((sites.repo / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "x"))
    config.setdefault("extra", {}).setdefault("statusgen", {})["notify"] = notify
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


def fresh_out(sites: Sites, tmp_path: Path) -> Path:
    """A copy of the new build, so that each test starts without a ledger."""
    out = tmp_path / "site"
    shutil.copytree(sites.current, out, symlinks=True)
    return out


def ledger(out: Path) -> dict[str, Any]:
    """The ledger notify wrote, checked against the schema shipped for it."""
    data = json.loads((out / "public" / "api" / "notifications.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((REPO / "schemas/api/notifications.schema.json").read_text()))
    return data


# --- a real HTTP receiver and a real SMTP server ---------------------------------------------

@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1: POSTs are recorded and answered as ``plan[path]`` says, in turn
    (a status code, or 'hang': no answer until the test ends); GETs serve ``files`` (a folder)."""

    plan: dict[str, list[int | str]] = field(default_factory=dict)
    files: Path | None = None
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def posts(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                receiver.gets.append(self.path)
                path = self.path.partition("?")[0]  # as a static host does
                target = (receiver.files / path.lstrip("/")) if receiver.files else None
                if target is None or not target.is_file():
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = target.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(Request(self.path, dict(self.headers.items()), body))
                steps = receiver.plan.get(self.path, [])
                answer = steps.pop(0) if steps else 200
                if answer == "hang":
                    receiver.released.wait(30)
                    return
                time.sleep(receiver.delay)
                self.send_response(int(answer))
                if answer == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def http_channels(receiver: Receiver, **extra: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """All four HTTP channels at the receiver, and the environment that holds their URLs and secret."""
    config = {"channels": [{"type": "slack", "url_env": "T_SLACK"}, {"type": "teams", "url_env": "T_TEAMS"},
                           {"type": "discord", "url_env": "T_DISCORD"},
                           {"type": "webhook", "url_env": "T_HOOK", "secret_env": "T_SECRET"}],
              "timeout": 2, "attempts": 3, "backoff": 0.05, **extra}
    env = {"T_SLACK": receiver.url("/slack"), "T_TEAMS": receiver.url("/teams"),
           "T_DISCORD": receiver.url("/discord"), "T_HOOK": receiver.url("/hook"), "T_SECRET": SECRET}
    return config, env


def notify(root: Path, out: Path, previous: Path | str, env: dict[str, str], *args: str) -> Result:
    return statusgen(root, "notify", "--out", str(out), "--previous", str(previous), "--now", NOW, *args, env=env)


# --- settings ------------------------------------------------------------------------------

def test_a_url_or_secret_written_in_mkdocs_yml_is_an_error_at_its_line(tmp_path: Path, sites: Sites) -> None:
    root = configure(tmp_path / "root", sites, {"channels": [
        {"type": "slack", "url": "https://hooks.slack.com/services/T0/B0/XXXX"},
        {"type": "webhook", "url_env": "https://example.com/hook", "secret_env": "HOOK_SECRET"}]})
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    url_line = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("url: https://hooks"))
    env_line = next(i for i, line in enumerate(lines, 1) if "url_env: https://example.com" in line)
    (root / "content").mkdir()
    result = statusgen(root, "validate")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert any(line.startswith(f"mkdocs.yml:{url_line}:") and "url_env" in line for line in errors), errors
    assert any(line.startswith(f"mkdocs.yml:{env_line}:") and "environment variable" in line for line in errors)
    assert "XXXX" not in result.output  # the secret itself is not echoed back
    # and notify refuses the same settings, with the same lines
    out = notify(root, tmp_path / "site", sites.previous, {})
    assert out.exit_code == 1 and f"mkdocs.yml:{url_line}:" in out.output


def test_channel_settings_are_checked(tmp_path: Path, sites: Sites) -> None:
    def problems(notify: dict[str, Any]) -> list[str]:
        root = configure(tmp_path / str(len(list(tmp_path.iterdir()))), sites, notify)
        return [d.message for d in check_settings(root)[1]]

    mail = {"type": "email", "host": "smtp.example.com", "from": "status@example.com", "to": ["a@example.com"]}
    assert problems({"channels": [mail]}) == []
    assert any("unencrypted" in p for p in problems({"channels": [{**mail, "security": "none", "username": "u",
                                                                   "password_env": "P"}]}))
    assert any("password" in p for p in problems({"channels": [{**mail, "password": "hunter2"}]}))
    assert any("not a mail address" in p for p in problems({"channels": [{**mail, "to": ["nobody"]}]}))
    assert any("two channels are called 'slack'" in p for p in problems({"channels": [
        {"type": "slack", "url_env": "A"}, {"type": "slack", "url_env": "B"}]}))
    assert any("'bogus'" in p for p in problems({"channels": [{"type": "bogus", "url_env": "A"}]}))


# --- events, delivered once -----------------------------------------------------------------

def test_first_run_sends_nothing_and_starts_the_ledger(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, tmp_path / "never-published", env)
    assert result.exit_code == 0, result.output
    assert receiver.requests == []
    assert ledger(out) == {"version": 1, "delivered": {}, "skipped": {}, "pending": {}}
    # over HTTP, a site with no API yet (404) is a first run too
    receiver.files = tmp_path / "empty"
    result = notify(root, fresh_out(sites, tmp_path / "2"), receiver.url("/"), env)
    assert result.exit_code == 0 and "nothing sent" in result.output and receiver.requests == []


def test_each_channel_gets_what_its_service_documents(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, env)
    assert result.exit_code == 0, result.output

    schemas = {path: json.loads((SCHEMAS / name).read_text(encoding="utf-8")) for path, name in (
        ("/slack", "slack-incoming-webhook.schema.json"), ("/teams", "teams-workflow-message.schema.json"),
        ("/discord", "discord-execute-webhook.schema.json"), ("/hook", "statuspage-webhook.schema.json"))}
    for path, schema in schemas.items():
        for request in receiver.posts(path):
            jsonschema.validate(request.json, schema, format_checker=jsonschema.FormatChecker())
            assert request.headers["Content-Type"] == "application/json"
    for path in ("/slack", "/teams", "/discord"):
        assert len(receiver.posts(path)) == len(EXPECTED), (path, result.output)

    headings = [r.json["blocks"][0]["text"]["text"] for r in receiver.posts("/slack")]
    assert sorted(headings) == sorted(EXPECTED.values())
    assert [r.json["attachments"][0]["content"]["body"][1]["text"] for r in receiver.posts("/teams")] == headings
    assert [r.json["embeds"][0]["title"] for r in receiver.posts("/discord")] == headings
    for request in receiver.posts("/discord"):  # the embed limit the schema cannot express
        embed = request.json["embeds"][0]
        total = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"]) + sum(
            len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        assert total <= 6000 and request.json["allowed_mentions"] == {"parse": []}

    identified = next(r.json for r in receiver.posts("/slack") if "Identified" in r.json["text"])
    flat = json.dumps(identified)
    assert "Our card processor is down; we are failing over." in flat and "Payments" in flat \
        and "Major Outage" in flat and "https://status.acmepay.example/incidents/2026-11-26-payments-down/" in flat

    # webhooks: Statuspage's shape, incident events and component changes, each once
    hooks = receiver.posts("/hook")
    assert sorted(r.headers["X-Statusgen-Event"] for r in hooks) == sorted(set(EXPECTED) | COMPONENT_EVENTS)
    change = next(r.json for r in hooks if r.headers["X-Statusgen-Event"].startswith("component:payments"))
    assert change["component_update"]["old_status"] == "operational"
    assert change["component_update"]["new_status"] == "major_outage" and change["component"]["name"] == "Payments"
    incident = next(r.json for r in hooks if r.headers["X-Statusgen-Event"] == f"{PAYMENTS}-2")["incident"]
    assert incident["status"] == "identified" and incident["incident_updates"][0]["status"] == "identified"
    assert change["page"]["status_indicator"] == "critical"

    record = ledger(out)
    assert record["pending"] == {}
    assert set(record["delivered"]) == set(EXPECTED) | COMPONENT_EVENTS
    assert set(record["delivered"][f"{PAYMENTS}-2"]) == {"slack", "teams", "discord", "webhook"}
    assert record["skipped"] == {f"{PAYMENTS}-1": {"at": NOW, "reason": f"superseded by {PAYMENTS}-2"}}


def test_webhook_signatures_verify(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    config["channels"] = config["channels"][3:]
    root = configure(tmp_path / "root", sites, config)
    started = int(time.time())
    assert notify(root, fresh_out(sites, tmp_path), sites.previous, env).exit_code == 0
    hooks = receiver.posts("/hook")
    assert len(hooks) == len(EXPECTED) + len(COMPONENT_EVENTS)
    for request in hooks:
        stamp, signature = request.headers["X-Statusgen-Timestamp"], request.headers["X-Statusgen-Signature"]
        assert started - 5 <= int(stamp) <= time.time() + 5
        assert signature.startswith("sha256=")
        assert webhook.verify(SECRET, stamp, request.body, signature)
        assert not webhook.verify("another secret", stamp, request.body, signature)
        assert not webhook.verify(SECRET, stamp, request.body.replace(b"}", b" }", 1), signature)
        assert not webhook.verify(SECRET, str(int(stamp) + 1), request.body, signature)
    # what the README tells receivers to compute, spelled out without statusgen's code
    import hashlib
    import hmac
    request = hooks[0]
    expected = hmac.new(SECRET.encode(), request.headers["X-Statusgen-Timestamp"].encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["X-Statusgen-Signature"] == f"sha256={expected}"


def test_a_rerun_after_success_sends_nothing(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    assert notify(root, out, sites.previous, env).exit_code == 0
    sent = len(receiver.requests)
    assert sent == 3 * len(EXPECTED) + len(EXPECTED) + len(COMPONENT_EVENTS)
    first = ledger(out)
    # the same run again (a retried workflow step) …
    again = notify(root, out, sites.previous, env)
    assert again.exit_code == 0 and "notify: 0 sent, 0 failed" in again.output
    # … and the next run, whose previous site is the one just published with its ledger
    published = tmp_path / "published"
    shutil.copytree(out / "public", published)
    later = notify(root, fresh_out(sites, tmp_path / "next"), published, env)
    assert later.exit_code == 0 and "notify: 0 sent" in later.output
    assert len(receiver.requests) == sent
    assert ledger(out) == first


def test_500_then_200_gets_one_message(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    config["channels"] = config["channels"][:1]
    receiver.plan["/slack"] = [500, 429]
    receiver.files = sites.previous  # the published site, read over HTTP as in CI
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, receiver.url("/"), env)
    assert result.exit_code == 0, result.output
    slack = receiver.posts("/slack")
    # the first event took three attempts (500, 429, 200) with the same body; each event arrived once
    assert len(slack) == len(EXPECTED) + 2
    assert slack[0].body == slack[1].body == slack[2].body
    headings = [r.json["text"] for r in slack[2:]]
    assert len(headings) == len(set(headings)) == len(EXPECTED)
    assert "(HTTP 200, 3 attempts)" in result.output
    # the published documents and ledger were read past any cache (a query no cache has seen)
    assert {g.partition("?")[0] for g in receiver.gets} >= {"/api/v2/incidents.json", "/api/notifications.json"}
    assert all("?notify=" in g for g in receiver.gets)
    assert set(ledger(out)["delivered"]) == set(EXPECTED)


def test_a_hanging_receiver_times_out_and_is_retried_next_run(tmp_path: Path, sites: Sites,
                                                              receiver: Receiver) -> None:
    config, env = http_channels(receiver, attempts=2)
    config["channels"] = [{**config["channels"][0], "timeout": 0.3}, config["channels"][3]]
    receiver.plan["/slack"] = ["hang"] * 100
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, env)
    assert result.exit_code == 0, result.output  # failures never block publishing
    assert "failed" in result.output and "no answer within 0.3s (2 attempts)" in result.output
    record = ledger(out)
    assert set(record["pending"]) == set(EXPECTED)
    assert all(p["channels"] == ["slack"] for p in record["pending"].values())
    assert len(receiver.posts("/hook")) == len(EXPECTED) + len(COMPONENT_EVENTS)  # the other channel got them
    assert SECRET not in result.output and receiver.url("/slack") not in result.output

    # --strict: the same failure fails the command
    strict = notify(root, fresh_out(sites, tmp_path / "strict"), sites.previous, env, "--strict")
    assert strict.exit_code == 1

    # the next run: its previous site is this one (with the ledger); the receiver answers now
    published = tmp_path / "published"
    shutil.copytree(out / "public", published)
    receiver.plan["/slack"] = []
    hooks = len(receiver.posts("/hook"))
    retried = notify(root, fresh_out(sites, tmp_path / "next"), published, env)
    assert retried.exit_code == 0, retried.output
    delivered = [r.json["text"] for r in receiver.posts("/slack")[-len(EXPECTED):]]
    assert sorted(t.split(" - ", 1)[1] for t in delivered) == sorted(EXPECTED.values())
    assert len(receiver.posts("/hook")) == hooks  # nothing twice to the channel that had them


def test_two_overlapping_runs_send_each_event_once(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    """Guarantee: runs over one site folder take turns (the folder's lock) and the later one reads the
    ledger the earlier one wrote, so together they send each event once to each channel."""
    config, env = http_channels(receiver)
    receiver.delay = 0.1  # each delivery takes a while: the runs overlap
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    command = [sys.executable, "-c", "from generator.cli import main; main()", "--root", str(root), "notify",
               "--out", str(out), "--previous", str(sites.previous), "--now", NOW]
    environment = {**os.environ, **env}
    runs = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    per_channel: dict[str, list[str]] = {}
    for request in receiver.requests:
        key = request.headers.get("X-Statusgen-Event") or json.dumps(request.json, sort_keys=True)
        per_channel.setdefault(request.path, []).append(key)
    assert {path: len(keys) for path, keys in per_channel.items()} == {
        "/slack": len(EXPECTED), "/teams": len(EXPECTED), "/discord": len(EXPECTED),
        "/hook": len(EXPECTED) + len(COMPONENT_EVENTS)}
    assert all(len(set(keys)) == len(keys) for keys in per_channel.values())
    assert sorted("notify: 0 sent" in o for o in outputs) == [False, True]  # the later one found it all done


def test_dry_run_prints_and_sends_nothing(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, {}, "--dry-run")  # no secrets needed to preview
    assert result.exit_code == 0, result.output
    assert receiver.requests == []
    assert not (out / "public" / "api" / "notifications.json").exists()
    for event_id, heading in EXPECTED.items():
        assert f"--- {event_id} -> slack (slack)" in result.output
        assert heading in result.output
    messages = 4 * len(EXPECTED) + len(COMPONENT_EVENTS)
    assert f"dry run: {messages} message(s) shown above, nothing was sent" in result.output
    assert result.output.count("\n--- ") + result.output.startswith("--- ") == messages


def test_notify_without_a_build_is_one_clear_error(tmp_path: Path, sites: Sites) -> None:
    root = configure(tmp_path / "root", sites, {"channels": [{"type": "slack", "url_env": "T_SLACK"}]})
    result = statusgen(root, "notify", "--out", str(tmp_path / "nothing"), "--previous", str(sites.previous))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"statusgen: error: no built site in {tmp_path / 'nothing' / 'public'} (no api/v2/incidents.json): "
        "run 'statusgen build' first"]


def test_an_unreadable_previous_site_sends_nothing_and_fails_only_with_strict(tmp_path: Path, sites: Sites,
                                                                             receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    refusing = f"http://127.0.0.1:{free_port()}/"
    result = notify(root, fresh_out(sites, tmp_path), refusing, env)
    assert result.exit_code == 0 and "cannot read the previous site" in result.output
    assert receiver.requests == []
    assert notify(root, fresh_out(sites, tmp_path / "2"), refusing, env, "--strict").exit_code == 1


# --- mail ------------------------------------------------------------------------------------

def test_mail_over_smtp(tmp_path: Path, sites: Sites, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    root = configure(tmp_path / "root", sites, {"channels": [
        {"type": "email", "host": "127.0.0.1", "port": port, "security": "none", "from": "status@acmepay.example",
         "to": ["ops@example.com", "announce@lists.example.com"]}], "timeout": 5})
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, {})
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == len(EXPECTED)
    subjects = set()
    for sender, recipients, message in inbox.messages:
        assert sender == "status@acmepay.example"
        assert recipients == ["ops@example.com", "announce@lists.example.com"]
        assert message["To"] == "undisclosed-recipients:;"  # no subscriber sees the others' addresses
        assert "ops@example.com" not in message.as_string()
        assert message["From"] == "Acme Pay Status <status@acmepay.example>"
        assert message["List-Unsubscribe"] == "<https://status.acmepay.example/subscribe/>"
        assert message["Message-ID"].endswith("@acmepay.example>") and message["Date"]
        assert message.get_content_type() == "multipart/alternative"
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert plain is not None and html is not None
        subject = str(message["Subject"])
        assert subject.startswith("[Acme Pay Status] ")
        subjects.add(subject.removeprefix("[Acme Pay Status] "))
        heading = subject.removeprefix("[Acme Pay Status] ")
        assert heading in plain.get_content() and heading in html.get_content()
        assert "https://status.acmepay.example/subscribe/" in plain.get_content()
        for canary in CANARIES:
            assert canary not in message.as_string()
    assert subjects == set(EXPECTED.values())
    identified = next(m for _, _, m in inbox.messages if "Identified" in str(m["Subject"]))
    html_text = identified.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Our card processor is down; we are failing over." in html_text and "<th" in html_text
    # a rerun sends no second mail
    assert notify(root, out, sites.previous, {}).exit_code == 0
    assert len(inbox.messages) == len(EXPECTED)


def test_html_in_an_update_is_shown_not_interpreted(tmp_path: Path, sites: Sites, smtp: tuple[Inbox, int]) -> None:
    from generator.notify.channels.email import mail
    from generator.notify.events import Event
    from generator.notify.message import Site, compose
    from generator.settings.channels import EmailChannel

    event = Event("incident:x:update:x-1", "incident.created", "incident", "incident:x", "2026-11-26T12:00:00.000Z",
                  incident={"name": "<b>Bold</b> & co", "shortlink": "https://s.example/incidents/x/",
                            "impact": "minor", "components": []},
                  update={"status": "investigating", "body": "<script>alert(1)</script>", "affected_components": None})
    site = Site("S", "https://s.example/", {}, {})
    channel = EmailChannel.model_validate({"type": "email", "host": "h", "from": "a@s.example", "to": ["b@s.example"]})
    html = mail(compose(event, site), site, channel).get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html


# --- nothing internal ------------------------------------------------------------------------

def test_nothing_internal_reaches_a_notification_or_the_ledger(tmp_path: Path, sites: Sites, receiver: Receiver,
                                                              smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config, env = http_channels(receiver, attempts=1)
    config["channels"].append({"type": "email", "host": "127.0.0.1", "port": port, "security": "none",
                               "from": "status@acmepay.example", "to": ["ops@example.com"]})
    receiver.plan["/teams"] = [500] * 10  # a pending event is kept in the ledger, which is published
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, env)
    dry = notify(root, fresh_out(sites, tmp_path / "dry"), sites.previous, env, "--dry-run")
    assert receiver.requests and inbox.messages and ledger(out)["pending"]
    # the canaries are in the content, and the internal site shows them: the test can fail
    internal = "".join(p.read_text(errors="replace") for p in (sites.current / "internal").rglob("*.html"))
    assert all(canary in internal for canary in CANARIES[:2])
    sent = [r.body.decode() for r in receiver.requests] + [m.as_string() for _, _, m in inbox.messages]
    for canary in CANARIES:
        for text in [*sent, result.output, dry.output, json.dumps(ledger(out))]:
            assert canary not in text


# --- the publish workflow ---------------------------------------------------------------------

def test_publish_workflow_notifies_before_the_pages_artifact_is_made() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("name", "") for step in steps]
    build = next(i for i, s in enumerate(steps) if "statusgen build" in s.get("run", ""))
    notify_step = next(i for i, s in enumerate(steps) if "statusgen notify" in s.get("run", ""))
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert build < notify_step < upload, names  # the ledger is in the site that is deployed
    step = steps[notify_step]
    assert "--strict" not in step["run"]  # a failed delivery never blocks publishing
    assert all(value.startswith("${{ secrets.") for value in step["env"].values())
    # runs take turns: a run never overlaps another one's notify and deploy
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_a_pending_event_no_longer_on_the_site_is_dropped(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    config["channels"] = config["channels"][:1]
    root = configure(tmp_path / "root", sites, config)
    published = tmp_path / "published"
    shutil.copytree(sites.previous, published)
    gone = {"id": "incident:withdrawn:update:withdrawn-1", "kind": "incident.created", "topic": "incident",
            "subject": "incident:withdrawn", "at": "2026-11-26T06:00:00.000Z",
            "incident": {"name": "Withdrawn", "shortlink": "https://status.acmepay.example/incidents/withdrawn/",
                         "impact": "minor", "components": []},
            "update": {"status": "investigating", "body": "published by mistake", "affected_components": None}}
    (published / "api" / "notifications.json").write_text(json.dumps({
        "version": 1, "delivered": {}, "skipped": {},
        "pending": {gone["id"]: {"since": "2026-11-26T06:00:00Z", "channels": ["slack"], "event": gone}}}))
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, published, env)
    assert result.exit_code == 0, result.output
    assert f"dropped {gone['id']}" in result.output
    assert len(receiver.posts("/slack")) == len(EXPECTED)
    assert all(b"published by mistake" not in r.body for r in receiver.requests)
    assert ledger(out)["skipped"][gone["id"]]["reason"] == "no longer on the site"


def test_a_damaged_published_ledger_sends_nothing(tmp_path: Path, sites: Sites, receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    root = configure(tmp_path / "root", sites, config)
    published = tmp_path / "published"
    shutil.copytree(sites.previous, published)
    (published / "api" / "notifications.json").write_text('{"version": 1, "delivered": []}')
    result = notify(root, fresh_out(sites, tmp_path), published, env)
    assert result.exit_code == 0 and "not a statusgen notification ledger" in result.output
    assert receiver.requests == []  # without the ledger it cannot tell what was sent already


def test_resolved_scheduled_and_the_automatic_end_of_a_window(tmp_path: Path, sites: Sites,
                                                             receiver: Receiver) -> None:
    """A later build (13:30): the payments incident resolved, a new maintenance announced, and the
    dashboard window closed by itself (the automatic 'Completed' update counts as an update)."""
    repo = tmp_path / "repo"
    shutil.copytree(sites.repo, repo, ignore=shutil.ignore_patterns("site"))
    incident = repo / "content/incidents/2026-11-26-payments-down.md"
    incident.write_text(incident.read_text().replace("internal:", """  - at: 2026-11-26T13:10:00Z
    status: resolved
    message: Card payments work again.
internal:""", 1))
    write(repo, "content/incidents/2026-12-01-links-migration.md", """\
        ---
        title: Payment links migration
        type: maintenance
        components: {links: under_maintenance}
        scheduled_for: 2026-12-01T02:00:00Z
        scheduled_until: 2026-12-01T03:00:00Z
        updates:
          - at: 2026-11-26T13:00:00Z
            status: scheduled
            message: We will move payment links to a new cluster.
        ---
        """)
    built = statusgen(repo, "build", "--out", str(tmp_path / "later"), "--now", "2026-11-26T13:30:00Z", "-q")
    assert built.exit_code == 0, built.output
    config, env = http_channels(receiver)
    config["channels"] = [config["channels"][0], config["channels"][3]]
    root = configure(tmp_path / "root", sites, config)
    result = statusgen(root, "notify", "--out", str(tmp_path / "later"), "--previous",
                       str(sites.current / "public"), "--now", "2026-11-26T13:30:00Z", env=env)
    assert result.exit_code == 0, result.output
    assert sorted(r.json["blocks"][0]["text"]["text"] for r in receiver.posts("/slack")) == [
        "Completed: Dashboard upgrade", "Resolved: Payments are failing", "Scheduled: Payment links migration"]
    hooks = {r.headers["X-Statusgen-Event"]: r.json for r in receiver.posts("/hook")}
    assert set(hooks) == {
        "maintenance:2026-11-26-dashboard-upgrade:update:2026-11-26-dashboard-upgrade-auto-completed",
        f"{PAYMENTS}-3", "maintenance:2026-12-01-links-migration:update:2026-12-01-links-migration-1",
        "component:payments:operational@2026-11-26T13:10:00.000Z",
        "component:dashboard:operational@2026-11-26T13:00:00.000Z"}
    assert hooks[f"{PAYMENTS}-3"]["incident"]["status"] == "resolved"
    assert hooks[f"{PAYMENTS}-3"]["page"]["status_indicator"] == "none"


def test_mail_over_starttls_with_a_password(tmp_path: Path, sites: Sites) -> None:
    """STARTTLS against a server that requires it, and logs in only over TLS, with the password from the
    environment; the client checks the server's certificate (here a self-signed one it is told to trust)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    openssl = need_tool("openssl", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([str(openssl), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"mail-password", handled=False)

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True)
    controller.start()
    try:
        root = configure(tmp_path / "root", sites, {"channels": [
            {"type": "email", "host": "127.0.0.1", "port": port, "security": "starttls", "username": "status",
             "password_env": "T_SMTP_PASSWORD", "from": "status@acmepay.example", "to": ["ops@example.com"]}],
            "timeout": 5, "attempts": 1})
        env = {"T_SMTP_PASSWORD": "mail-password", "SSL_CERT_FILE": str(cert)}
        result = notify(root, fresh_out(sites, tmp_path), sites.previous, env)
        assert result.exit_code == 0, result.output
        assert len(inbox.messages) == len(EXPECTED) and logins[0] == (b"status", b"mail-password")
        # a wrong password is a failed delivery, reported without the password
        logins.clear()
        wrong = notify(root, fresh_out(sites, tmp_path / "wrong"), sites.previous,
                       {**env, "T_SMTP_PASSWORD": "not-the-password"}, "--strict")
        assert wrong.exit_code == 1 and "SMTP 535" in wrong.output and "not-the-password" not in wrong.output
        assert len(inbox.messages) == len(EXPECTED) and logins
        # without the certificate trusted, nothing is sent: the client checks whom it talks to
        untrusted = notify(root, fresh_out(sites, tmp_path / "untrusted"), sites.previous,
                           {"T_SMTP_PASSWORD": "mail-password", "SSL_CERT_FILE": str(tmp_path / "none.pem")})
        assert untrusted.exit_code == 0 and "failed" in untrusted.output
        assert len(inbox.messages) == len(EXPECTED)
    finally:
        controller.stop()


def test_a_refusing_receiver_is_not_retried_and_old_failures_are_given_up(tmp_path: Path, sites: Sites,
                                                                          receiver: Receiver) -> None:
    config, env = http_channels(receiver)
    config["channels"] = config["channels"][:1]
    receiver.plan["/slack"] = [404] * 10  # a deleted Slack webhook: another attempt would not help
    root = configure(tmp_path / "root", sites, config)
    out = fresh_out(sites, tmp_path)
    result = notify(root, out, sites.previous, env)
    assert result.exit_code == 0 and "HTTP 404 (1 attempt)" in result.output
    assert len(receiver.posts("/slack")) == len(EXPECTED)
    pending = ledger(out)["pending"]
    assert set(pending) == set(EXPECTED)

    # two days later the receiver still refuses: past retry_hours (24) the events are given up, reported
    published = tmp_path / "published"
    shutil.copytree(out / "public", published)
    later = statusgen(root, "notify", "--out", str(fresh_out(sites, tmp_path / "later")), "--previous",
                      str(published), "--now", "2026-11-28T12:00:00Z", "--strict", env=env)
    assert later.exit_code == 1
    assert all(f"gave up {event_id}: not delivered within 24 h" in later.output for event_id in EXPECTED)
    record = ledger(out.parent / "later" / "site")
    assert record["pending"] == {} and {k for k, v in record["skipped"].items() if v["reason"].startswith("given up")} \
        == set(EXPECTED)
    assert len(receiver.posts("/slack")) == len(EXPECTED)
