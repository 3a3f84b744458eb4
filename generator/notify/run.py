"""One ``statusgen notify`` run: derive the events, deliver each to its channels once, keep the ledger.

Runs over one built site folder take turns (the lock builds into it take), and each reads the
ledger the one before it wrote, so overlapping runs on one machine never send an event twice; in
CI the workflow's ``concurrency`` group makes runs take turns the same way (see publish.yml).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from generator.errors import StatusgenError
from generator.notify import delivery
from generator.notify.channels import outgoing
from generator.notify.events import (BACKFILL_AFTER, Event, collapse, component_states, incident_events,
                                     is_backfill, new_events, retried_component_event)
from generator.notify.ledger import Ledger, write_ledger
from generator.notify.message import Site, compose
from generator.notify.snapshot import LEDGER, ApiSnapshot, read_folder, read_previous
from generator.out_folder import out_lock
from generator.settings import Settings
from generator.settings.channels import EmailChannel, WebhookChannel


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    #: messages --dry-run printed
    previewed: int = 0
    lines: list[str] = field(default_factory=list)


def _site(settings: Settings, current: ApiSnapshot) -> Site:
    assert settings.site_url is not None  # load_settings refuses settings without it
    return Site(settings.site_name, settings.site_url, current.page, current.status)


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise StatusgenError(f"the environment variable {name} is not set")
    return value


def _url(name: str) -> str:
    """The http(s) URL an environment variable holds (surrounding whitespace, as a pasted secret often
    ends in a newline, left out). Anything else fails the channel, naming the variable, never its value:
    httpx would raise on some (a traceback that stopped the run) and retry others for hours."""
    value = _env(name).strip()
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise StatusgenError(f"the environment variable {name} does not hold an http(s) URL")
    return value


def _deliver(channel: Any, out: Any, policy: delivery.Policy) -> delivery.Result:
    try:
        if isinstance(channel, EmailChannel):
            assert out.mail is not None
            password = _env(channel.password_env) if channel.password_env else None
            return delivery.send_mail(out.mail, channel.to, channel.host, channel.smtp_port, channel.security,
                                      channel.username, password, policy)
        secret = _env(channel.secret_env) if isinstance(channel, WebhookChannel) else None
        return delivery.post(_url(channel.url_env), out.body, out.headers, policy, secret)
    except StatusgenError as exc:
        return delivery.Result(False, 0, str(exc))


@contextlib.contextmanager
def _maybe_lock(out: Path, take: bool) -> Iterator[None]:
    if take:
        with out_lock(out):
            yield
    else:
        yield


def run(settings: Settings, out: Path, previous: str | None, now: dt.datetime, *, dry_run: bool = False,
        echo: Callable[[str], None] = print) -> Summary:
    """Deliver what changed since ``previous`` (default: the published ``site_url``) to every channel."""
    summary = Summary()

    def say(line: str) -> None:
        summary.lines.append(line)
        echo(line)

    config = settings.notify
    if not config.channels:
        say("statusgen: notify: no channels configured (extra.statusgen.notify.channels); nothing to send")
        return summary
    public = out / "public"
    where = previous or settings.site_url or ""
    with _maybe_lock(out, not dry_run):
        current = read_folder(public)
        if current is None:
            raise StatusgenError(f"no built site in {public} (no api/v2/incidents.json): run 'statusgen build' first")
        try:
            before = read_previous(where)
        except StatusgenError as exc:
            say(f"statusgen: notify: failed: {exc}; nothing sent")
            summary.failed += 1
            return summary
        ledger = Ledger.from_json(current.ledger, str(public / "api" / LEDGER))
        path = public / "api" / LEDGER
        if before is None:
            say(f"statusgen: notify: nothing was published at {where} before: nothing sent, ledger started")
            if not dry_run:
                write_ledger(path, ledger)
            return summary
        try:
            ledger.merge(Ledger.from_json(before.ledger, f"{where} api/{LEDGER}"))
        except StatusgenError as exc:  # sending without it could send everything again
            say(f"statusgen: notify: failed: {exc}; nothing sent")
            summary.failed += 1
            return summary
        for event in ledger.give_up(now, config.retry_hours):
            ledger.record_skip(event, f"given up: not delivered within {config.retry_hours} h", now)
            say(f"statusgen: notify: gave up {event.id}: not delivered within {config.retry_hours} h")
            summary.failed += 1
        _deliver_all(settings, current, before, ledger, path, now, dry_run, say, summary)
        ledger.prune(now)
        if not dry_run:
            write_ledger(path, ledger)
    if dry_run:
        say(f"statusgen: notify: dry run: {summary.previewed} message(s) shown above, nothing was sent, "
            f"{summary.skipped} event(s) would be skipped")
    else:
        say(f"statusgen: notify: {summary.sent} sent, {summary.failed} failed, {summary.skipped} skipped")
    return summary


def _deliver_all(settings: Settings, current: ApiSnapshot, before: ApiSnapshot, ledger: Ledger, path: Path,
                 now: dt.datetime, dry_run: bool, say: Callable[[str], None], summary: Summary) -> None:
    """Each event not yet delivered to each channel that hears it, recording every outcome at once."""
    config = settings.notify
    channels = config.channels
    found = {event.id: event for event in new_events(before, current)}
    on_site = incident_events(current)
    states = component_states(current)
    for event in ledger.pending_events():
        # retried as the site says it now (a corrected message is sent corrected); never as the ledger
        # says it, since the ledger comes from outside (the published site)
        retried = on_site.get(event.id) or (retried_component_event(current, event) if event.id in states else None)
        if retried is None:
            ledger.record_skip(event, "no longer on the site", now)
            say(f"statusgen: notify: dropped {event.id}: no longer on the site, so no longer news")
            summary.skipped += 1
        else:
            found.setdefault(event.id, retried)

    def waiting(event: Event) -> list[Any]:
        return [c for c in channels if event.topic in c.hears and not ledger.done(event.id, c.key)]

    candidates = []
    for event in sorted(found.values(), key=lambda e: (e.at, e.id)):
        if not waiting(event):
            continue
        if event.id not in ledger.pending and is_backfill(event, now):
            ledger.record_skip(event, "backfilled", now)
            say(f"statusgen: notify: skipped {event.id}: posted more than {BACKFILL_AFTER.days} days before this "
                "build (history filled in, not news)")
            summary.skipped += 1
            continue
        candidates.append(event)
    kept, superseded = collapse(candidates)
    for old, new in superseded:
        ledger.record_skip(old, f"superseded by {new.id}", now)
        say(f"statusgen: notify: skipped {old.id}: superseded by {new.id}")
        summary.skipped += 1
    site = _site(settings, current)
    for event in kept:
        message = compose(event, site)
        for channel in waiting(event):
            out = outgoing(channel, message, site, config)
            if dry_run:
                say(f"--- {event.id} -> {channel.key} ({channel.type})")
                say(out.preview().rstrip("\n"))
                summary.previewed += 1
                continue
            policy = delivery.Policy(timeout=float(channel.timeout or config.timeout), attempts=config.attempts,
                                     backoff=float(config.backoff))
            result = _deliver(channel, out, policy)
            tries = f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}"
            if result.ok:
                ledger.record_delivery(event, channel.key, now)
                summary.sent += 1
                say(f"statusgen: notify: sent {event.id} to {channel.key} ({result.detail}, {tries})")
            else:
                ledger.record_failure(event, channel.key, now)
                summary.failed += 1
                say(f"statusgen: notify: failed {event.id} to {channel.key}: {result.detail} ({tries}); "
                    f"the next run tries again")
            write_ledger(path, ledger)  # at once: a run killed after this send does not send it again
