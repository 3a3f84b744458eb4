"""The build time ``now``: every time-dependent result is computed from it.

``--now`` wins, then ``SOURCE_DATE_EPOCH`` (reproducible builds), then the clock.
Every time read from an option lies within :data:`EARLIEST` .. :data:`LATEST`, so that
the arithmetic after it (90-day windows, feeds, and the 32-bit gzip mtime MkDocs writes
from ``SOURCE_DATE_EPOCH``) cannot overflow; anything else is a usage error naming the option.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from generator.content.values import EARLIEST, LATEST
from generator.errors import UsageError

_RELATIVE = re.compile(r"([+-])([0-9]+)([smhd])")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_MAX_DIGITS = 20
_RANGE = f"between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC)"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build_time(value: str | None) -> dt.datetime:
    """The build's ``now`` from ``--now``, ``SOURCE_DATE_EPOCH`` or the clock, in UTC."""
    if value is not None:  # '--now ""' too: a given option is never the clock
        return parse_time(value, option="--now")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        match = re.fullmatch(r"\s*([+-]?[0-9]+)\s*", epoch)
        if not match:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a whole number of seconds")
        # Compared as digits first: int() refuses strings of more than 4300 digits.
        if len(match[1]) > _MAX_DIGITS or not EARLIEST.timestamp() <= int(match[1]) <= LATEST.timestamp():
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is out of range: it must be a time {_RANGE}")
        return EARLIEST + dt.timedelta(seconds=int(match[1]))
    return utc_now()


def parse_time(value: str, option: str = "TIME", now: dt.datetime | None = None) -> dt.datetime:
    """ISO 8601 with an offset, ``now``, ``-10m``/``+2h``, or ``14:32`` (today, UTC)."""
    try:
        moment = _parse(value, option, now or utc_now())
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise UsageError(f"{option}: {value[:40]!r} is out of range: give a time {_RANGE}")
    return moment


def _parse(value: str, option: str, base: dt.datetime) -> dt.datetime:
    text = value.strip()
    if text == "now":
        return base
    if match := _RELATIVE.fullmatch(text):
        sign, amount, unit = match.groups()
        if len(amount) > _MAX_DIGITS:
            raise OverflowError(amount)
        delta = dt.timedelta(**{_UNITS[unit]: int(amount)})
        return base + delta if sign == "+" else base - delta
    if match := _CLOCK.fullmatch(text):
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
    """A UTC timestamp as written in content files and shown to machines: 2026-03-30T14:15:00Z.

    The one place this form is written (pages, feeds, API, calendars, the notify ledger, imports). ``isoformat``
    less its offset rather than ``strftime``: the same text (a property test compares; content times are
    1970-2100), in 40% less time, for the tens of thousands of times a long history shows one."""
    if moment.tzinfo is not dt.timezone.utc:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.isoformat(timespec="seconds")[:19] + "Z"  # YYYY-MM-DDTHH:MM:SS, then "+00:00"
