"""The build time ``now``: every time-dependent result is computed from it.

``--now`` wins, then ``SOURCE_DATE_EPOCH`` (reproducible builds), then the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from .errors import UsageError

_RELATIVE = re.compile(r"^([+-])(\d+)([smhd])$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build_time(value: str | None) -> dt.datetime:
    """The build's ``now`` from ``--now``, ``SOURCE_DATE_EPOCH`` or the clock, in UTC."""
    if value:
        return parse_time(value, option="--now")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None
    return utc_now()


def parse_time(value: str, option: str = "TIME", now: dt.datetime | None = None) -> dt.datetime:
    """ISO 8601 with an offset, ``now``, ``-10m``/``+2h``, or ``14:32`` (today, UTC)."""
    text = value.strip()
    base = now or utc_now()
    if text == "now":
        return base
    if match := _RELATIVE.match(text):
        sign, amount, unit = match.groups()
        delta = dt.timedelta(**{_UNITS[unit]: int(amount)})
        return base + delta if sign == "+" else base - delta
    if match := _CLOCK.match(text):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise UsageError(f"{option}: {value!r} is not a time of day")
        return base.replace(hour=hour, minute=minute, second=0, microsecond=0)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a time; use ISO 8601 with an offset "
                         "(2026-03-30T14:15:00Z), 'now', '-10m' or '14:32'") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{option}: {value!r} has no UTC offset; add 'Z' or '+00:00'")
    return parsed.astimezone(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    """A UTC timestamp as written in content files: 2026-03-30T14:15:00Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
