"""Rotation arithmetic: when each turn of an on-call layer begins, and who holds it.

A layer's turn ``k`` begins at the hand-off time on local date ``start + k * length`` in the
hand-off time zone, so hand-offs stay at the configured wall-clock time across daylight-saving
changes (a turn spanning a change is an hour shorter or longer). A local time that does not
exist on a spring-forward day is read with the offset before the change (zoneinfo's ``fold=0``),
as Python and PagerDuty both do. Before ``start`` nobody holds a turn.

It lives with the content model because validation needs it (no person in both layers at once)
as much as the pages do; :mod:`generator.status.oncall` builds the views on it.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

from generator.content.models import BusinessHours, Layer, Member

UTC = dt.timezone.utc
#: Business hours where a layer names none: Monday to Friday, 09:00-17:00 in the person's time zone.
DEFAULT_DAYS = (0, 1, 2, 3, 4)
DEFAULT_FROM, DEFAULT_TO = dt.time(9), dt.time(17)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def handoff(layer: Layer, turn: int) -> dt.datetime:
    """When turn ``turn`` (0 = the first member's first turn) begins, in UTC."""
    local = dt.datetime.combine(layer.start + dt.timedelta(days=turn * layer.turn_days), layer.handoff.time)
    return local.replace(tzinfo=zone(layer.handoff.time_zone)).astimezone(UTC)


def turn_at(layer: Layer, moment: dt.datetime) -> int | None:
    """The turn under way at ``moment`` (hand-off inclusive), or None before the layer's start."""
    first = handoff(layer, 0)
    if moment < first:
        return None
    turn = int((moment - first).total_seconds() // (layer.turn_days * 86400))
    while handoff(layer, turn + 1) <= moment:
        turn += 1
    while turn > 0 and handoff(layer, turn) > moment:
        turn -= 1
    return turn


def member(layer: Layer, turn: int) -> Member:
    return layer.members[turn % len(layer.members)]


def holder(layer: Layer, moment: dt.datetime) -> Member | None:
    """Who holds the layer's turn at ``moment``, whether or not it is within the layer's hours."""
    turn = turn_at(layer, moment)
    return None if turn is None else member(layer, turn)


def in_hours(hours: BusinessHours | None, moment: dt.datetime, time_zone: str) -> bool:
    """Whether ``moment`` falls in business hours (the default ones in ``time_zone`` when ``hours`` is None)."""
    days, start, end = (hours.days, hours.from_, hours.to) if hours else (DEFAULT_DAYS, DEFAULT_FROM, DEFAULT_TO)
    local = moment.astimezone(zone(hours.time_zone if hours else time_zone))
    return local.weekday() in days and start <= local.time().replace(tzinfo=None) < end


def on_call(layer: Layer, moment: dt.datetime) -> Member | None:
    """Who is on call in the layer at ``moment``: the turn's holder, within the layer's hours."""
    if layer.hours == "business" and not in_hours(layer.business_hours, moment, layer.handoff.time_zone):
        return None
    return holder(layer, moment)


def person_time_zone(layer: Layer, person: Member) -> str:
    """A person's own time zone, or the layer's hand-off time zone."""
    return person.time_zone or layer.handoff.time_zone


def _minutes(layer: Layer, same_zone: bool) -> tuple[int, int]:
    """The first hand-off and a turn's length in minutes, on one uniform clock for both layers."""
    if same_zone:  # local wall-clock minutes: both layers move with daylight saving alike
        first = dt.datetime.combine(layer.start, layer.handoff.time) - dt.datetime(1970, 1, 1)
    else:
        first = handoff(layer, 0) - dt.datetime(1970, 1, 1, tzinfo=UTC)
    return int(first.total_seconds() // 60), layer.turn_days * 1440


def shared_turns(primary: Layer, secondary: Layer) -> list[str]:
    """Names of people whose primary and secondary turns overlap at some time of the cycle.

    Exact over the whole combined cycle (members x length of each layer) without walking it:
    turns ``k`` (primary, member ``i = k mod n``) and ``l`` (secondary, member ``j``) overlap iff
    ``k*P - l*S`` lies strictly between ``-P - d`` and ``S - d`` (``d`` the offset of the first
    hand-offs); over all turns of the two members that difference takes exactly the values
    ``i*P - j*S + m*g``, ``g = gcd(n_p*P, n_s*S)``. Times are wall-clock minutes when both layers
    hand off in one time zone, else UTC minutes (a daylight-saving hour is not modelled then).
    """
    same = primary.handoff.time_zone == secondary.handoff.time_zone
    p0, p = _minutes(primary, same)
    s0, s = _minutes(secondary, same)
    d = p0 - s0
    np_, ns = len(primary.members), len(secondary.members)
    g = math.gcd(np_ * p, ns * s)
    low, high = -p - d, s - d
    found: list[str] = []
    for i, a in enumerate(primary.members):
        for j, b in enumerate(secondary.members):
            if a.name.casefold() != b.name.casefold() or a.name in found:
                continue
            c = i * p - j * s
            # the smallest value c + m*g above low; an overlap iff it is also below high
            value = c + ((low - c) // g + 1) * g
            if value < high:
                found.append(a.name)
    return found
