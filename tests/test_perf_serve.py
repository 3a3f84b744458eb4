"""statusgen serve's rebuild path made cheaper without changing what it serves: the heap kept frozen
between rebuilds (and tidied), and page descriptions kept one build long (a memo generation).

The served folder still equals a full build after every kind of edit: tests/test_serve.py checks that
on the real preview. Here: the cheaper parts keep memory bounded and give exactly what a fresh
computation gives.
"""

from __future__ import annotations

import dataclasses
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import COMPONENTS, write_site
from generator.build import build
from generator.content.loader import require_content
from generator.content.models import Content, Incident
from generator.out_folder import folder_files
from generator.serve import Generation, KeptHeap, Rebuilds, State
from generator.settings import Settings, load_settings
from generator.status.snapshot import build_snapshot

from .conftest import NOW, make_site

INCIDENT = "content/incidents/2026-03-30-payment-outage.md"


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """A kept heap stays frozen on purpose; the tests after these must find the collector as it was."""
    yield
    gc.unfreeze()
    gc.collect()


def live_objects() -> int:
    """Objects the collector tracks, frozen or not."""
    return gc.get_freeze_count() + len(gc.get_objects())


def test_fifty_rebuilds_with_edited_titles_keep_memory_bounded(tmp_path: Path) -> None:
    """Each edit renames the incident (the public page's memo name has its title in it): nothing of the
    old pages may stay behind, and the frozen heap may not grow past its ceiling between tidies."""
    root = make_site(tmp_path / "repo")
    incident = root / INCIDENT
    text = incident.read_text()
    rebuilds = Rebuilds(root, tmp_path / "out", "public", State(), NOW)
    settled, peak = 0, 0
    for number in range(50):
        incident.write_text(text.replace("Payment processing failing", f"Payments failing, edit {number}"))
        if rebuilds.heap.due:  # as serve does before a rebuild in a burst of edits (no idle moment to tidy)
            rebuilds.heap.tidy()
        rebuilds.run()
        assert rebuilds.state.errors == []
        if number == 9:  # caches filled by the first builds (imports, templates) are in by now
            rebuilds.heap.tidy()
            settled = live_objects()
        peak = max(peak, live_objects())
    page = (tmp_path / "out/public/incidents/2026-03-30-payment-outage/index.html").read_text()
    assert "Payments failing, edit 49" in page
    rebuilds.heap.tidy()
    # 40 rebuilds later the same objects are alive, give or take a few: one memo entry left per edited
    # title (about 45 objects each) would be 1,800 more.
    assert live_objects() - settled < 200
    assert peak < 2 * settled + 20_000  # the ceiling: twice what a tidy kept, plus one small rebuild's making


class Node:
    """An object in a reference cycle that a weak reference can watch."""

    def __init__(self) -> None:
        self.me = self


def test_a_kept_heap_frees_frozen_cycles_when_tidied_and_is_due_once_doubled() -> None:
    heap = KeptHeap()
    heap.tidy()
    assert not heap.due
    garbage = Node()
    watch = weakref.ref(garbage)
    heap.hold()  # frozen with everything alive now, as a rebuild does once its snapshot is made
    del garbage
    heap.release()
    gc.collect()
    assert watch() is not None, "a frozen cycle is beyond the collector until the heap is tidied"
    assert heap.untidy
    heap.tidy()
    assert watch() is None and not heap.untidy
    kept = [Node() for _ in range(gc.get_freeze_count() + 1)]  # more than doubles what the tidy kept
    heap.hold()
    assert heap.due
    heap.tidy()
    assert not heap.due and len(kept) > 0
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), heap.rebuilding():
        assert gc.get_threshold()[2] > before[2]  # no full passes during a rebuild
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before


def test_a_generation_forgets_names_its_build_did_not_ask_for() -> None:
    made: list[str] = []

    def make(value: str) -> Any:
        return lambda: made.append(value) or value.upper()

    first = Generation(None)
    assert first.get("a", 1, make("a1")) == "A1" and first.get("b", 1, make("b1")) == "B1"
    second = Generation(first)
    assert second.get("a", 1, make("a1 again")) == "A1"  # the last build's, inputs equal: not made again
    assert second.get("c", 1, make("c1")) == "C1"
    second.previous = None  # the build succeeded
    third = Generation(second)
    assert third.get("b", 1, make("b1 again")) == "B1 AGAIN"  # "b" was not asked for by the second build
    assert third.get("a", 2, make("a2")) == "A2"  # inputs changed
    assert made == ["a1", "b1", "c1", "b1 again", "a2"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 2)), max_size=8), max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_generations_give_what_a_fresh_description_gives(builds: list[list[tuple[str, int]]],
                                                         succeeded: list[bool]) -> None:
    """Over any builds, some failing: every answer equals describing anew, and a description is reused exactly
    when the last good build (or the failed ones since) asked for the same name with equal inputs."""
    last: Generation | None = None
    seen: dict[str, int] = {}  # what the kept generations hold: name -> inputs
    for asks, ok in zip(builds, succeeded):
        memo = Generation(last)
        asked: dict[str, int] = {}
        for name, inputs in asks:
            made: list[int] = []
            value = memo.get(name, inputs, lambda: made.append(1) or (name, inputs))
            assert value == (name, inputs)
            expected_reuse = asked.get(name, seen.get(name)) == inputs
            assert (not made) == expected_reuse
            asked[name] = inputs
        if ok:
            memo.previous = None
            last, seen = memo, asked
        elif last is not None:
            seen = {**seen, **asked}  # what a failed build described went into the last good generation too


def test_rebuilds_serve_what_a_full_build_makes_after_edits_and_a_failure(tmp_path: Path) -> None:
    """A rebuild that reuses the last good generation after a failed build still equals a cold build."""
    root = make_site(tmp_path / "repo")
    incident = root / INCIDENT
    text = incident.read_text()
    rebuilds = Rebuilds(root, tmp_path / "out", "public", State(), NOW)
    rebuilds.run()
    incident.write_text(text.replace("severity: SEV1", "severity: SEV9"))
    rebuilds.run()
    assert rebuilds.state.errors, "the broken edit must fail"
    incident.write_text(text.replace("Payment processing failing", "Payments down"))
    rebuilds.run()
    assert rebuilds.state.errors == []
    build(root, tmp_path / "cold", NOW, sites=("public",))
    served, cold = folder_files(tmp_path / "out/public"), folder_files(tmp_path / "cold/public")
    assert served.keys() - {".statusgen-site"} == cold.keys() - {".statusgen-site"}
    assert all(served[rel].read_bytes() == cold[rel].read_bytes() for rel in cold if rel != ".statusgen-site")


class History:
    """A loaded site; a failing example prints its arguments, and this one's repr is short."""

    def __init__(self, content: Content, settings: Settings) -> None:
        self.content, self.settings = content, settings

    def __repr__(self) -> str:
        return f"History({len(self.content.incidents)} incidents)"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """120 synthetic incidents and maintenance windows, loaded once."""
    root = write_site(tmp_path_factory.mktemp("history") / "repo", 120, NOW)
    content, _ = require_content(root, NOW.date())
    return History(content, load_settings(root))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.lists(st.sampled_from(COMPONENTS), max_size=3)), max_size=40))
def test_each_component_lists_the_incidents_that_affected_it_newest_first(
        history: History, picks: list[tuple[int, list[str]]]) -> None:
    """The snapshot groups views by component in one pass; it must list exactly the views naming the component,
    in the snapshot's order, once each, whatever order and repetition the incidents name components in."""
    content, site_settings = history.content, history.settings
    incidents: dict[int, Incident] = {}
    for number, later in picks:  # ``later``: components the incident's last update names too
        index = number % len(content.incidents)
        incident = content.incidents[index]
        if later and not incident.is_maintenance:
            updates = list(incident.meta.updates)
            updates[-1] = updates[-1].model_copy(update={"components": {c: "degraded_performance" for c in later}})
            incident = dataclasses.replace(incident, meta=incident.meta.model_copy(update={"updates": updates}))
        incidents.setdefault(index, incident)
    snap = build_snapshot(dataclasses.replace(content, incidents=tuple(incidents.values())), site_settings, NOW)
    for status in snap.components:
        expected = [v for v in snap.incidents if any(c.id == status.component.id for c in v.components)]
        assert [id(v) for v in status.incidents] == [id(v) for v in expected]


def test_a_kept_incident_check_is_reused_only_while_its_file_and_the_component_ids_are_the_same(
        tmp_path: Path) -> None:
    """serve keeps each incident's checked outcome with its file as read; an edit of components.yml that
    removes a component an unchanged incident names must still fail that incident, at its line."""
    from generator.content.loader import load_content

    from .conftest import COMPONENTS, write

    root = make_site(tmp_path / "site")
    cache: dict[str, Any] = {}
    first, _ = load_content(root, NOW.date(), cache)
    again, _ = load_content(root, NOW.date(), cache)
    assert first is not None and again is not None
    assert all(a is b for a, b in zip(first.incidents, again.incidents, strict=True))  # reused, not rebuilt
    assert again == load_content(root, NOW.date())[0]  # and equal to a load without the cache

    write(root, "content/components.yml", COMPONENTS.replace(
        "  - id: payments\n    name: Payments\n    group: platform\n", ""))
    broken, diagnostics = load_content(root, NOW.date(), cache)
    assert broken is None
    unknown = [d for d in diagnostics if d.code == "unknown-component"]
    assert unknown and {d.file for d in unknown} == {"content/incidents/2026-03-30-payment-outage.md"}
    assert [d.format_text() for d in diagnostics] == [d.format_text() for d in load_content(root, NOW.date())[1]]

    write(root, "content/components.yml", COMPONENTS)
    fixed, _ = load_content(root, NOW.date(), cache)
    assert fixed == load_content(root, NOW.date())[0]
