"""Random and mutated files never crash the loader or the validator."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.loader import load_content

from .conftest import INCIDENT, POSTMORTEM, RUNBOOK, make_site

TARGETS = {
    "content/incidents/2026-03-30-payment-outage.md": INCIDENT,
    "content/postmortems/2026-03-30-payment-outage.md": POSTMORTEM,
    "content/runbooks/high-database-cpu.md": RUNBOOK,
}
YAMLISH = st.sampled_from(["---", ":", "- ", "  ", "\n", "|", ">", "&a", "*a", "!!str", "{", "}", "[", "]", "#",
                           "'", '"', "2026-03-30T14:15:00Z", "null", "~", "<<: *a", "## Summary", "| a | b |",
                           "|---|", "\t", "\x00", "\ufeff", "é", "\r\n"])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    rel = draw(st.sampled_from(sorted(TARGETS)))
    text = TARGETS[rel]
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(YAMLISH, st.text(max_size=8)))
        end = min(len(text), pos + draw(st.integers(0, 12)))
        if action == "insert":
            text = text[:pos] + piece + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[end:]
        else:
            text = text[:pos] + piece + text[end:]
    data = text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else draw(st.binary(max_size=64)) + text.encode(
        "utf-8", "surrogatepass")
    return rel, data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_mutated_files_never_crash(tmp_path_factory, case: tuple[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    root = make_site(tmp_path_factory.mktemp("fuzz"))
    rel, data = case
    (root / rel).write_bytes(data)
    content, diagnostics = load_content(root, dt.date(2026, 11, 26))
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.file in TARGETS or diagnostic.file.startswith("content/")
        assert "\n" not in diagnostic.message
    assert (content is None) == any(d.severity == "error" for d in diagnostics)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_files_never_crash(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    root = make_site(tmp_path_factory.mktemp("random"))
    (root / "content/incidents/2026-01-01-random.md").write_bytes(data)
    (root / "content/components.yml").write_bytes(data) if len(data) % 3 == 0 else None
    content, diagnostics = load_content(root, dt.date(2026, 11, 26))
    assert content is None or not any(d.severity == "error" for d in diagnostics)
