"""States, indicator, impact and uptime against hand-computed values."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content.models import Component, Content, Incident, IncidentMeta
from generator.content.models import ComponentState as S
from generator.settings import Weights
from generator.status.timeline import (
    all_spans,
    as_of,
    impact,
    indicator,
    maintenance_status,
    segments,
    state_at,
    status,
)
from generator.status.uptime import uptime

UTC = dt.timezone.utc


def t(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def incident(id_: str, components: dict[str, str], started: dt.datetime, updates: list[tuple], **extra) -> Incident:
    meta = IncidentMeta.model_validate({
        "title": id_, "severity": extra.pop("severity", "SEV3"), "components": components, "started": started,
        "updates": [{"at": at, "status": st, "message": "m", **({"components": c} if c else {})}
                    for at, st, c in updates], **extra})
    return Incident(id_, f"content/incidents/{id_}.md", meta, "")


def maintenance(id_: str, components: dict[str, str], start: dt.datetime, end: dt.datetime, updates: list[tuple]
                ) -> Incident:
    meta = IncidentMeta.model_validate({
        "title": id_, "type": "maintenance", "components": components, "scheduled_for": start,
        "scheduled_until": end,
        "updates": [{"at": at, "status": st, "message": "m"} for at, st in updates]})
    return Incident(id_, f"content/incidents/{id_}.md", meta, "")


# api: major 10:00-11:00 on Nov 20, then partial 11:00-12:00 (resolved 12:00)
A = incident("a", {"api": "major_outage"}, t(20, 10), [
    (t(20, 10, 5), "investigating", None), (t(20, 11), "identified", {"api": "partial_outage"}),
    (t(20, 12), "resolved", None)])
# api degraded 10:30-13:00 overlapping A (worst wins), payments partial from 10:30 until resolved 13:00
B = incident("b", {"api": "degraded_performance", "payments": "partial_outage"}, t(20, 10, 30), [
    (t(20, 10, 40), "investigating", None), (t(20, 13), "resolved", None)])
# ongoing on payments since Nov 26 08:00, major
C = incident("c", {"payments": "major_outage"}, t(26, 8), [(t(26, 8, 10), "investigating", None)])
# maintenance on dashboard 11:00-13:00 Nov 26, started early at 10:45
M = maintenance("m", {"dashboard": "under_maintenance"}, t(26, 11), t(26, 13), [
    (t(25, 9), "scheduled"), (t(26, 10, 45), "in_progress")])
NOW = t(26, 12)


def test_states_worst_wins_and_resolution_ends_imposition() -> None:
    spans = all_spans([A, B, C, M])
    assert state_at(spans["api"], t(20, 10, 15)) == S.MAJOR_OUTAGE
    assert state_at(spans["api"], t(20, 11, 30)) == S.PARTIAL_OUTAGE
    assert state_at(spans["api"], t(20, 12, 30)) == S.DEGRADED_PERFORMANCE
    assert state_at(spans["api"], t(20, 13)) == S.OPERATIONAL
    assert state_at(spans["payments"], NOW) == S.MAJOR_OUTAGE
    assert state_at(spans["dashboard"], t(26, 10, 50)) == S.UNDER_MAINTENANCE
    assert state_at(spans["dashboard"], t(26, 10, 40)) == S.OPERATIONAL
    assert state_at(spans["dashboard"], t(26, 13)) == S.OPERATIONAL
    assert segments(spans["api"], t(20), t(21)) == [
        (t(20, 10), t(20, 11), S.MAJOR_OUTAGE), (t(20, 11), t(20, 12), S.PARTIAL_OUTAGE),
        (t(20, 12), t(20, 13), S.DEGRADED_PERFORMANCE)]


@pytest.mark.parametrize(("states", "expected"), [
    ([S.OPERATIONAL], ("none", "All Systems Operational")),
    ([S.UNDER_MAINTENANCE, S.OPERATIONAL], ("maintenance", "Service Under Maintenance")),
    ([S.DEGRADED_PERFORMANCE, S.UNDER_MAINTENANCE], ("minor", "Minor Service Outage")),
    ([S.PARTIAL_OUTAGE, S.DEGRADED_PERFORMANCE], ("major", "Partial System Outage")),
    ([S.MAJOR_OUTAGE, S.PARTIAL_OUTAGE], ("critical", "Major System Outage")),
])
def test_indicator(states: list[S], expected: tuple[str, str]) -> None:
    assert indicator(states) == expected


def test_impact_is_from_the_worst_state_ever() -> None:
    assert impact(A) == "critical"
    assert impact(B) == "major"
    d = incident("d", {"api": "degraded_performance"}, t(1), [(t(1, 1), "resolved", None)])
    assert impact(d) == "minor"
    e = incident("e", {"api": "degraded_performance"}, t(1), [(t(1, 1), "identified", {"api": "major_outage"})])
    assert impact(e) == "critical"
    assert impact(M) == "maintenance"


def test_maintenance_status_follows_now() -> None:
    assert maintenance_status(M, t(26, 10)) == "scheduled"
    assert maintenance_status(M, t(26, 11, 30)) == "in_progress"
    assert maintenance_status(M, t(26, 13)) == "completed"
    assert status(A, NOW) == "resolved"


def test_as_of_drops_the_future() -> None:
    content = Content((), (), (A, C, M), (), ())
    past = as_of(content, t(20, 11, 30))
    assert [i.id for i in past.incidents] == ["a"]
    assert [u.status for u in past.incidents[0].updates] == ["investigating", "identified"]
    assert status(past.incidents[0], t(20, 11, 30)) == "identified"


def test_uptime_hand_computed() -> None:
    spans = all_spans([A, B, C, M])
    window = 90 * 86400
    api = uptime(Component(id="api", name="API"), spans["api"], NOW)
    # major 3600 s + 0.3 * partial 3600 s; degraded does not count
    assert api.major_seconds == 3600 and api.partial_seconds == 3600
    assert api.ratio == pytest.approx(1 - (3600 + 0.3 * 3600) / window)
    assert api.percent == 99.94  # 1 - 4680/7776000 = 0.999398 -> 99.94
    day = next(d for d in api.days if d.date == dt.date(2026, 11, 20))
    assert day.downtime_seconds == pytest.approx(4680) and day.level == "major"
    assert day.incidents == ["a", "b"]
    assert len(api.days) == 90 and api.days[-1].date == dt.date(2026, 11, 26)

    payments = uptime(Component(id="payments", name="Payments"), spans["payments"], NOW)
    # partial 10:30-13:00 on Nov 20 (9000 s) and ongoing major since 08:00 today (4 h)
    assert payments.partial_seconds == 9000 and payments.major_seconds == 4 * 3600
    assert payments.percent == round((1 - (14400 + 2700) / window) * 100, 2) == 99.78

    dashboard = uptime(Component(id="dashboard", name="Dashboard"), spans["dashboard"], NOW)
    assert dashboard.percent == 100.0 and dashboard.days[-1].level == "notice"


def test_uptime_with_start_date_inside_window() -> None:
    spans = all_spans([A])
    component = Component(id="api", name="API", start_date=dt.date(2026, 11, 16))
    result = uptime(component, spans["api"], NOW)
    window = (NOW - t(16)).total_seconds()  # 10.5 days
    assert result.window_seconds == window
    assert result.ratio == pytest.approx(1 - 4680 / window)
    assert result.percent == 99.48
    assert [d.has_data for d in result.days].count(True) == 11
    assert result.days[0].level == "none"


def test_uptime_never_shows_100_with_downtime_and_weights_apply() -> None:
    tiny = incident("tiny", {"api": "partial_outage"}, t(25, 10), [(t(25, 10, 1), "resolved", None)])
    result = uptime(Component(id="api", name="API"), all_spans([tiny])["api"], NOW)
    assert result.ratio > 0.99995 and result.percent == 99.99 and result.display == "99.99%"
    heavy = uptime(Component(id="api", name="API"), all_spans([A])["api"], NOW, weights=Weights(1.0, 1.0))
    assert heavy.ratio == pytest.approx(1 - 7200 / (90 * 86400))


def test_component_not_started_yet_has_no_data() -> None:
    result = uptime(Component(id="new", name="New", start_date=dt.date(2026, 12, 1)), [], NOW)
    assert result.ratio is None and result.display == "no data"
