"""Generic webhooks in Statuspage's payload shape, signed so that receivers can check them.

The body is what Statuspage POSTs to webhook subscribers
(https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/): ``meta``
(``unsubscribe``, ``documentation``), ``page`` (``id``, ``status_indicator``,
``status_description``) and either ``incident`` (the API's incident or maintenance object, updates
newest first) or ``component_update`` and ``component``.

Signature: ``X-Statusgen-Timestamp: <unix seconds>`` and ``X-Statusgen-Signature: sha256=<hex>``,
the HMAC-SHA256, keyed with the channel's secret, of ``<timestamp>.<raw body>``. A receiver
recomputes it over the bytes it received, compares in constant time, and refuses a timestamp
more than a few minutes old (a replayed request). ``X-Statusgen-Event`` carries the event id:
the same id is never sent twice, so a receiver may also drop one it has seen.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from generator.notify.message import Message, Site

DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"
SIGNATURE = "X-Statusgen-Signature"
TIMESTAMP = "X-Statusgen-Timestamp"


def payload(message: Message, site: Site) -> dict[str, Any]:
    event = message.event
    body: dict[str, Any] = {
        "meta": {"unsubscribe": site.subscribe_url, "documentation": DOCUMENTATION},
        "page": {"id": site.page.get("id"), "status_indicator": site.status.get("indicator"),
                 "status_description": site.status.get("description")},
    }
    if event.topic == "component":
        component = event.component or {}
        body["component_update"] = {
            "id": f"{component.get('id')}-{event.at}", "created_at": event.at, "component_id": component.get("id"),
            "old_status": event.old_status, "new_status": component.get("status")}
        body["component"] = {key: component.get(key) for key in ("id", "name", "status", "created_at")}
    else:
        body["incident"] = event.incident
    return body


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests do): recompute, compare in constant time."""
    return timestamp.isdigit() and hmac.compare_digest(sign(secret, int(timestamp), body), signature)
