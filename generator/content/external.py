"""Data from outside the repository (webhook payloads, another site's or our own published JSON),
read by one set of rules so every reader refuses the same odd input with a message, not a crash.

- JSON: strict RFC 8259 (no ``NaN``/``Infinity``), no duplicate keys (readers would disagree on
  which one counts), nesting at most :data:`MAX_DEPTH` deep (deeper input would exhaust Python's
  recursion limit while it is parsed).
- Times: ISO 8601 with a UTC offset, within the content model's range (:data:`EARLIEST` ..
  :data:`LATEST`), so converting and computing with them cannot overflow.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.content.models import EARLIEST, LATEST

#: Far deeper than any document statusgen reads (Statuspage's API nests 4 levels).
MAX_DEPTH = 64


class JsonProblem(ValueError):
    """Why a text is not JSON statusgen reads; ``line``/``column`` where known (1-based)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonProblem(f"duplicate key {key[:60]!r}")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise JsonProblem(f"{name} is not a JSON number")


def _depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(raw: bytes | str) -> Any:
    """Parse JSON text (bytes must be UTF-8); :class:`JsonProblem` or :class:`UnicodeDecodeError` if it is not."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if _depth(text) > MAX_DEPTH:
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.msg, exc.lineno, exc.colno) from None


def utc_instant(value: Any) -> dt.datetime:
    """An ISO 8601 time with an offset (``Z`` allowed), in UTC and within the content model's range.

    ValueError (with a short reason) for anything else: not text, no offset, out of range.
    """
    if not isinstance(value, str):
        raise ValueError("is not a time (text like 2026-03-30T14:15:00Z)")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value[:40]!r} has no UTC offset")
    try:
        moment = moment.astimezone(dt.timezone.utc)
    except OverflowError:
        moment = None  # type: ignore[assignment]
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise ValueError(f"{value[:40]!r} is outside {EARLIEST:%Y-%m-%d} .. {LATEST:%Y-%m-%d} (UTC)")
    return moment


def read_bounded(path: Any, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a file, so a caller can tell "too large" without reading it all
    (``/dev/zero``, or a 10 GB file, given where a payload was expected, is not read to the end)."""
    with open(path, "rb") as handle:
        return handle.read(limit + 1)


def get_bounded(client: Any, url: str, limit: int, seconds: float, **kwargs: Any) -> tuple[Any, bytes | None]:
    """``client.get(url)`` (an httpx client) reading at most ``limit`` bytes of the body within ``seconds``
    in all: the response and its body, or None for the body when the server sends more. A server that
    never stops, or drips a byte at a time (each within httpx's read timeout), is cut off; too slow
    raises ``httpx.ReadTimeout`` like any other timeout."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    with client.stream("GET", url, **kwargs) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                return response, None
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"the whole answer took longer than {seconds:g} s")
        return response, bytes(body)
