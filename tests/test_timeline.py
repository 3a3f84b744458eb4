"""States, indicator, impact and uptime against hand-computed values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.models import Component, Content, Incident, IncidentMeta
from generator.content.models import ComponentState as S
from generator.settings import Weights
from generator.status.timeline import (
    Span,
    all_spans,
    as_of,
    impact,
    indicator,
    maintenance_status,
    segments,
    state_at,
    status,
)
from generator.status.uptime import Window, uptime

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


#: The 90 UTC days ending with today: Aug 29 00:00 (Nov 26 minus 89 days) to NOW, Nov 26 12:00.
WINDOW = Window.last_days(NOW, 90)


def test_window_is_whole_utc_days_ending_now() -> None:
    assert WINDOW.start == dt.datetime(2026, 8, 29, tzinfo=UTC) and WINDOW.end == NOW
    assert WINDOW.seconds == 89.5 * 86400  # 89 whole days and today's 12 hours
    dates = WINDOW.dates()
    assert len(dates) == 90 and dates[0] == dt.date(2026, 8, 29) and dates[-1] == dt.date(2026, 11, 26)
    # At midnight today has not begun: its day is empty, the window is 89 whole days.
    at_midnight = Window.last_days(t(26), 90)
    assert at_midnight.seconds == 89 * 86400 and at_midnight.clip(dt.date(2026, 11, 26)) == (t(26), t(26))
    assert Window.last_days(NOW, 1) == Window(t(26), NOW)


def test_uptime_hand_computed() -> None:
    spans = all_spans([A, B, C, M])
    window = 89.5 * 86400  # 7,732,800 s
    api = uptime(Component(id="api", name="API"), spans["api"], WINDOW)
    # major 3600 s + 0.3 * partial 3600 s; degraded does not count
    assert api.major_seconds == 3600 and api.partial_seconds == 3600
    assert api.ratio == pytest.approx(1 - (3600 + 0.3 * 3600) / window)
    assert api.percent == 99.94  # 1 - 4680/7732800 = 0.999395 -> 99.94
    day = next(d for d in api.days if d.date == dt.date(2026, 11, 20))
    assert day.downtime_seconds == pytest.approx(4680) and day.level == "major"
    assert day.incidents == ["a", "b"]
    assert len(api.days) == 90 and api.days[-1].date == dt.date(2026, 11, 26)
    assert api.days[0].seconds == 86400 and api.days[-1].seconds == 12 * 3600  # first day full, today partial

    payments = uptime(Component(id="payments", name="Payments"), spans["payments"], WINDOW)
    # partial 10:30-13:00 on Nov 20 (9000 s) and ongoing major since 08:00 today (4 h)
    assert payments.partial_seconds == 9000 and payments.major_seconds == 4 * 3600
    assert payments.percent == round((1 - (14400 + 2700) / window) * 100, 2) == 99.78  # 1 - 17100/7732800

    dashboard = uptime(Component(id="dashboard", name="Dashboard"), spans["dashboard"], WINDOW)
    assert dashboard.percent == 100.0 and dashboard.days[-1].level == "notice"


def test_uptime_with_start_date_inside_window() -> None:
    spans = all_spans([A])
    component = Component(id="api", name="API", start_date=dt.date(2026, 11, 16))
    result = uptime(component, spans["api"], WINDOW)
    window = (NOW - t(16)).total_seconds()  # 10.5 days
    assert result.window_seconds == window and result.window.start == t(16)
    assert result.ratio == pytest.approx(1 - 4680 / window)
    assert result.percent == 99.48
    assert [d.has_data for d in result.days].count(True) == 11
    assert result.days[0].level == "none" and result.data_days[0].date == dt.date(2026, 11, 16)


def test_uptime_never_shows_100_with_downtime_and_weights_apply() -> None:
    tiny = incident("tiny", {"api": "partial_outage"}, t(25, 10), [(t(25, 10, 1), "resolved", None)])
    result = uptime(Component(id="api", name="API"), all_spans([tiny])["api"], WINDOW)
    assert result.ratio > 0.99995 and result.percent == 99.99 and result.display == "99.99%"
    heavy = uptime(Component(id="api", name="API"), all_spans([A])["api"], WINDOW, weights=Weights(1.0, 1.0))
    assert heavy.ratio == pytest.approx(1 - 7200 / (89.5 * 86400))


def test_two_minutes_just_inside_the_window_count_on_its_first_day() -> None:
    # Major outage Aug 28 23:58 - Aug 29 00:02: only 00:00-00:02 is inside the window (from Aug 29 00:00).
    edge = incident("edge", {"api": "major_outage"}, t(28, 23, 58, month=8),
                    [(t(29, 0, 2, month=8), "resolved", None)])
    result = uptime(Component(id="api", name="API"), all_spans([edge])["api"], WINDOW)
    first = result.days[0]
    assert first.date == dt.date(2026, 8, 29) and first.major_seconds == 120 and first.incidents == ["edge"]
    # The figure counts exactly those 120 s: 1 - 120/7732800 = 0.9999845, which rounds to 100.00 ...
    assert result.major_seconds == 120 and result.ratio == pytest.approx(1 - 120 / (89.5 * 86400))
    # ... so the shown value is held below it, because those seconds are downtime.
    assert result.percent == 99.99 and result.percent < 100.0
    assert first.level == "minor"


def test_component_not_started_yet_has_no_data() -> None:
    result = uptime(Component(id="new", name="New", start_date=dt.date(2026, 12, 1)), [], WINDOW)
    assert result.ratio is None and result.display == "no data"
    assert result.data_days == [] and result.window == Window(NOW, NOW)


STATES = st.sampled_from([S.MAJOR_OUTAGE, S.PARTIAL_OUTAGE, S.DEGRADED_PERFORMANCE, S.UNDER_MAINTENANCE])


@st.composite
def histories(draw: st.DrawFn) -> tuple[dt.datetime, int, dt.date | None, list[Span]]:
    """A build time, a window length, maybe a start date, and overlapping spans around the window."""
    now = t(1, month=1) + dt.timedelta(seconds=draw(st.integers(0, 400 * 86400)))
    days = draw(st.integers(1, 40))
    earliest = now - dt.timedelta(days=days + 2)
    start_date = draw(st.none() | st.dates(earliest.date(), (now + dt.timedelta(days=2)).date()))
    spans = []
    for n in range(draw(st.integers(0, 12))):
        start = earliest + dt.timedelta(seconds=draw(st.integers(0, (days + 3) * 86400)))
        length = draw(st.none() | st.integers(1, 5 * 86400))
        end = None if length is None else start + dt.timedelta(seconds=length)
        spans.append(Span(f"i{n}", "api", draw(STATES), start, end))
    return now, days, start_date, spans


@settings(max_examples=300, deadline=None)
@given(histories(), st.sampled_from([Weights(), Weights(1.0, 1.0), Weights(0.5, 0.0)]))
def test_the_days_add_up_to_the_figure(history: tuple[dt.datetime, int, dt.date | None, list[Span]],
                                       weights: Weights) -> None:
    now, days, start_date, spans = history
    window = Window.last_days(now, days)
    result = uptime(Component(id="api", name="API", start_date=start_date), spans, window, weights)
    # The window, computed here independently: whole UTC days from midnight days-1 days ago, then today to now,
    # from the start date on.
    start = dt.datetime.combine(now.date() - dt.timedelta(days=days - 1), dt.time(), UTC)
    if start_date is not None:
        start = min(max(start, dt.datetime.combine(start_date, dt.time(), UTC)), now)
    assert (result.window.start, result.window.end) == (start, now)
    assert len(result.days) == days and result.days[-1].date == now.date()
    # The bars cover exactly the figure's seconds (whole seconds here, so float sums are exact) ...
    assert sum(d.seconds for d in result.days) == result.window_seconds == (now - start).total_seconds()
    assert [d.date for d in result.data_days] == [d.date for d in result.days if d.date >= start.date()
                                                  and d.seconds > 0]
    # ... and hold exactly the outage seconds of the whole window, taken in one piece.
    pieces = segments(spans, start, now) if start < now else []
    major = sum((b - a).total_seconds() for a, b, s in pieces if s == S.MAJOR_OUTAGE)
    partial = sum((b - a).total_seconds() for a, b, s in pieces if s == S.PARTIAL_OUTAGE)
    assert sum(d.major_seconds for d in result.days) == major
    assert sum(d.partial_seconds for d in result.days) == partial
    downtime = weights.major * major + weights.partial * partial
    assert sum(d.downtime_seconds for d in result.days) == result.downtime_seconds == pytest.approx(downtime)
    if start < now:
        assert result.ratio == pytest.approx(max(0.0, 1 - downtime / (now - start).total_seconds()))
    # The "never 100.00% with downtime" rule reads the same seconds.
    if result.downtime_seconds > 0:
        assert result.percent is not None and result.percent < 100.0
