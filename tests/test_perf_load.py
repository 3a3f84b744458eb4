"""The fast paths of reading content give exactly what the general ones give (issue 15, loading).

Each fast path claims a class of inputs; these tests draw inputs of that class (and around it) at
random and compare with the general path, so they fail as soon as a fast path differs.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.content import source
from generator.content.rules import _texts
from generator.content.source import _Builder, _Lines, _Loader, parse_yaml, resolve_tag

from .conftest import NOW, REPO

#: Any character of Unicode that a Python text can hold, with the ones YAML treats specially drawn often.
_SPECIAL = "\n\r\t \x85\u2028\u2029\ufeff#:-?[]{},&*!|>'\"%@`~0123456789.+eEoOxXyYnNtTfF_"
_chars = st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(_SPECIAL))
_text = st.text(_chars, max_size=30)


@settings(max_examples=1000, deadline=None)
@given(kind=st.sampled_from([yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode]), value=_text,
       implicit=st.tuples(st.booleans(), st.booleans()))
def test_resolve_tag_is_pyyaml_safe_resolver(kind: type, value: str, implicit: tuple[bool, bool]) -> None:
    expected = yaml.resolver.Resolver().resolve(kind, value, implicit)
    assert resolve_tag(kind, value, implicit) == expected
    assert yaml.SafeLoader("").resolve(kind, value, implicit) == expected


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(st.sampled_from("ab1 :-#[]{},'\"\n"), max_size=12), min_size=1, max_size=6))
def test_loader_composes_as_pyyaml_does(values: list[str]) -> None:
    """The fast loader's node tree (tags, values, marks) is PyYAML's own safe loader's."""
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values))
    try:
        expected = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return
    assert _shape(yaml.compose(text, Loader=_Loader)) == _shape(expected)


def _shape(node: yaml.Node | None) -> object:
    if node is None:
        return None
    marks = (node.start_mark.index, node.start_mark.line, node.start_mark.column, node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        return node.tag, marks, [(_shape(k), _shape(v)) for k, v in node.value]
    if isinstance(node, yaml.SequenceNode):
        return node.tag, marks, [_shape(item) for item in node.value]
    return node.tag, marks, node.value, node.style


def _document(parts: list[str]) -> str:
    """A YAML document with the drawn texts in every kind of place a value can stand."""
    a, b, c, d, e, f = (parts + [""] * 6)[:6]
    return (f"k: {a}\n\"q{b}\": \"{b}\"\nl:\n  - {c}\n  - '{d}'\n  - [{e}, x]\nm:\n  n: |\n    {f}\n"
            f"  o: {{p: {a}}}\n{e}: end\n")


def every_line_break(test: Any) -> Any:
    """Each line break YAML counts besides ``\\n`` (and a BOM), as explicit examples: a fast path that forgets
    one fails on every run, derandomized CI included."""
    for char in "\x85\u2028\u2029\r\ufeff":
        test = example(parts=["a", "b", "c", f"d{char}e", "e", "f"], offset=1)(test)
    return test


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@every_line_break
@given(parts=st.lists(_text, min_size=1, max_size=6), offset=st.integers(0, 3))
def test_positions_from_marks_are_positions_from_indexes(parts: list[str], offset: int) -> None:
    """Where a text has no line break but ``\\n`` (nor a BOM), libyaml's line and column are the editor's."""
    text = _document(parts)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return
    lines = _Lines(text, offset)
    builder = _Builder(lines)
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        assert builder.where(node) == lines.mark(node.start_mark), repr(text)
        if isinstance(node, yaml.MappingNode):
            stack += [item for pair in node.value for item in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_text, min_size=1, max_size=6))
def test_texts_read_with_the_values_are_the_texts_of_the_values(parts: list[str]) -> None:
    """check_rendering measures the texts the reader collected: the same, in the same order, as a walk finds."""
    located, _ = parse_yaml(_document(parts) + "r: &a {s: [x, 1, true, 2026-01-01]}\nt: *a\n", "f.md")
    if located is None:
        return
    assert located.texts is not None
    assert located.texts == list(_texts(located.data, ()))


def _reference_check_rendering(located: Any, body: str | None, body_line: int, report: Any) -> bool:
    """check_rendering as it was, every text measured alone: the oracle of the one-line values measured at once."""
    from generator.content.markdown import rendered_size, size_bound, table_cells
    from generator.content.source import MAX_RENDERED_BYTES, MAX_TABLE_CELLS

    texts: list[tuple[str, Any]] = []
    if located is not None:
        found = located.texts if located.texts is not None else _texts(located.data, ())
        texts += [(text, path) for path, text in found]
    if body:
        texts.append((body, None))

    def where(path: Any, line: int) -> tuple[int, int]:
        return (body_line + line, 1) if path is None else located.position(path)  # type: ignore[no-any-return]

    cells_left, bounds = MAX_TABLE_CELLS, []
    for text, path in texts:
        cells = 0
        for line, run in table_cells(text):
            cells, cells_left = cells + run, cells_left - run
            if cells_left < 0:
                report.at(*where(path, line), "table-too-large", "x")
                return False
        bounds.append(size_bound(text, cells))
    if None not in bounds and sum(b for b in bounds if b is not None) <= MAX_RENDERED_BYTES:
        return True
    bytes_left = MAX_RENDERED_BYTES
    for text, path in texts:
        size, line = rendered_size(text, bytes_left)
        bytes_left -= size
        if line is not None:
            report.at(*where(path, line), "render-too-large", "x")
            return False
    return True


#: Texts that reach every branch: line breaks (a table needs two lines), table rows, link definitions (``]:``),
#: NUL (the join's separator), multi-byte characters, and sizes on both sides of the budget (1 MB of HTML at 40
#: bytes per byte: 26,214 bytes of text).
_MEASURED = st.one_of(
    st.text(st.sampled_from("ab ]:|-\n\r\x00é€"), max_size=30),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["a", "é", "]:", "x]", ":y", "\x00", "| a | b |\n"]),
              st.sampled_from([1, 1000, 5000, 8737, 13107, 26213, 26214, 26215])),
    st.sampled_from(["[a]: http://x\n\n" + "[a] " * 200, "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 50]),
    # tables of more cells than a file may have, with either line break
    st.builds(lambda rows, end: f"| a | b |{end}|---|---|{end}" + f"| 1 | 2 |{end}" * rows,
              st.sampled_from([4998, 10001]), st.sampled_from(["\n", "\r", "\r\n"])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(_MEASURED, max_size=8), body=st.one_of(st.none(), _MEASURED), walked=st.booleans())
def test_values_of_one_line_are_measured_as_each_alone(values: list[str], body: str | None, walked: bool) -> None:
    """check_rendering measures the one-line values of a file at once: the same outcome and problems, at the
    same places, as measuring each alone (the values read with the file, or found by a walk)."""
    from generator.content.rules import Reporter, check_rendering
    from generator.content.source import Located

    data = {f"k{number}": value for number, value in enumerate(values)}
    positions = {(key,): (number + 2, 3) for number, key in enumerate(data)}
    texts = None if walked else [((key,), value) for key, value in data.items()]
    located = Located(data, {(): (1, 1), **positions}, texts)
    fast, slow = Reporter("f.md", located), Reporter("f.md", located)
    assert check_rendering(located, body, 20, fast) == _reference_check_rendering(located, body, 20, slow)
    assert [(d.line, d.column, d.code) for d in fast.items] == [(d.line, d.column, d.code) for d in slow.items]


@settings(max_examples=500, deadline=None)
@given(texts=st.lists(st.text(st.sampled_from("ab ]:|-\n\r\x00é€\U0001F600"), max_size=12), max_size=10))
def test_the_bound_of_one_line_values_is_the_sum_of_their_bounds(texts: list[str]) -> None:
    """``one_line_bound``: each text's ``size_bound`` (no cells: a table needs two lines) summed, None if one is
    None; False as soon as one text has a line break as ``table_cells`` counts them."""
    from generator.content.markdown import one_line_bound, size_bound, table_cells

    found = one_line_bound(texts)
    if any("\n" in text or "\r" in text for text in texts):
        assert found is False
        return
    assert all(table_cells(text) == [] for text in texts)
    each = [size_bound(text, 0) for text in texts]
    assert found == (None if None in each else sum(b for b in each if b is not None))


class _General(_Builder):
    """The builder as it was: every position mapped from the mark's index."""

    def __init__(self, lines: _Lines) -> None:
        super().__init__(lines)
        self._marks_agree = False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@every_line_break
@given(parts=st.lists(_text, min_size=1, max_size=6), offset=st.integers(0, 3))
def test_reading_yaml_gives_what_the_general_path_gives(parts: list[str], offset: int) -> None:
    """Values, positions, duplicate keys and errors, as with every position mapped from its index."""
    text = _document(parts) + "".join(f"{p}: {p}\n" for p in parts)  # duplicate keys among them
    assert parse_yaml(text, "f.yml", offset) == parse_yaml(text, "f.yml", offset, builder_class=_General)


class _Reference(_Builder):
    """The builder before it built text values inline and took positions from marks: the oracle."""

    def where(self, node: yaml.Node) -> tuple[int, int]:
        return self.lines.mark(node.start_mark)

    def build(self, node: yaml.Node, path: tuple[str | int, ...], depth: int = 0) -> object:
        self.count += 1
        if node.start_mark.line != node.end_mark.line and (
                getattr(node, "flow_style", False) or getattr(node, "style", "|") not in ("|", ">")):
            self.multiline_flow = True
        if self.count > source.MAX_YAML_NODES:
            raise source._Problem(*self.where(node), "yaml-too-large", f"YAML has more than {source.MAX_YAML_NODES} "
                                  "values (aliases expanded); refusing to read it")
        if depth > source.MAX_YAML_DEPTH:
            raise source._Problem(*self.where(node), "yaml-too-deep",
                                  f"YAML is nested deeper than {source.MAX_YAML_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            result: dict[str, object] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise source._Problem(*self.where(key_node), "yaml-merge-key",
                                          "YAML merge keys ('<<') are not supported")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise source._Problem(*self.where(key_node), "yaml-complex-key", "mapping keys must be plain text")
                key = key_node.value
                if key in result:
                    first = self.positions[path + (key,)]
                    self.duplicates.append(source._Problem(*self.where(key_node), "duplicate-key",
                                                           f"duplicate key '{key}' (first defined on line {first[0]})"))
                    continue
                self.positions[path + (key,)] = self.where(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.positions[path + (index,)] = self.where(item)
                items.append(self.build(item, path + (index,), depth + 1))
            return items
        make = source._SCALARS.get(node.tag)
        if make is None:
            raise source._Problem(*self.where(node), "yaml-tag", f"unsupported YAML tag '{node.tag}'")
        try:
            value = make(node)
        except (ValueError, yaml.YAMLError) as exc:
            raise source._Problem(*self.where(node), "yaml-value", f"invalid value {node.value!r}: {exc}") from None
        if isinstance(value, str):
            self.texts.append((path, value))
        return value


_nested = st.recursive(
    st.one_of(_text.map(lambda t: t.strip()), st.sampled_from(["1", "true", "~", "2026-01-01", "\"a\nb\"", "|\n  x"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abc"), inner, max_size=3)),
    max_leaves=12)


def _yaml_of(value: object, indent: int = 0) -> str:
    """Block YAML written by hand (values not escaped: odd texts make odd, or broken, YAML, as wanted)."""
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"{pad}{k}:\n{_yaml_of(v, indent + 2)}" if isinstance(v, (dict, list)) and v else
                       f"{pad}{k}: {v if not isinstance(v, (dict, list)) else ('{}' if isinstance(v, dict) else '[]')}\n"
                       for k, v in value.items())
    if isinstance(value, list):
        return "".join(f"{pad}-\n{_yaml_of(v, indent + 2)}" if isinstance(v, (dict, list)) and v else
                       f"{pad}- {v if not isinstance(v, (dict, list)) else '[]'}\n" for v in value)
    return f"{pad}{value}\n"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _nested, min_size=1, max_size=4),
       parts=st.lists(_text, max_size=3), nodes=st.integers(1, 40), deep=st.integers(0, 4), offset=st.integers(0, 2),
       extra=st.sampled_from(["", "<<: {x: 1}\n", "'<<': 1\n", "<a: 1\n", "!!str 1: 2\n", "e: !!int 3\n",
                              "f: !x y\n", "g: ! 1\n", "h: !!binary x\n", "? [k]\n: v\n", "i: 0x1f\n",
                              "j: .inf\n", "k: 12:30\n", "l: No\n"]))
def test_the_builder_builds_what_it_built_before(value: dict[str, object], parts: list[str], nodes: int, deep: int,
                                                 offset: int, extra: str) -> None:
    """Values, positions, texts, duplicate keys, the multi-line flag and every limit, as the builder before."""
    text = _yaml_of(value) + (_document(parts) if parts else "") + "a: dup\n" + extra
    for limits in ((source.MAX_YAML_NODES, source.MAX_YAML_DEPTH), (nodes, deep)):
        with mock.patch.object(source, "MAX_YAML_NODES", limits[0]), \
                mock.patch.object(source, "MAX_YAML_DEPTH", limits[1]):
            assert parse_yaml(text, "f.yml", offset) == parse_yaml(text, "f.yml", offset, builder_class=_Reference)
            lines = _Lines(text, offset)
            fast, reference = _Builder(lines), _Reference(lines)
            try:
                root = yaml.compose(text, Loader=_Loader)
            except yaml.YAMLError:
                continue
            if root is None:
                continue
            outcomes = []
            for builder in (fast, reference):
                try:
                    outcomes.append(builder.build(root, ()))
                except source._Problem as problem:
                    outcomes.append((problem.line, problem.column, problem.code, problem.message))
            assert outcomes[0] == outcomes[1]
            if not isinstance(outcomes[0], tuple):  # a builder that stopped at a problem is thrown away
                assert (fast.count, fast.multiline_flow, fast.texts, fast.positions) == (
                    reference.count, reference.multiline_flow, reference.texts, reference.positions)


def _imported(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (a blocked one, set to None, is not held)."""
    listing = "print('\\n'.join(name for name, module in sys.modules.items() if module is not None))"
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\n{listing}"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


#: What only some commands need: the pydantic model, YAML, templates, Markdown, HTTP and TLS, alert payloads.
_HEAVY = ("pydantic", "yaml", "jinja2", "markdown_it", "httpx", "ssl", "rnc2rng", "generator.content.models",
          "generator.content.loader", "generator.settings", "generator.alerts.payloads", "generator.authoring.comms",
          "generator.authoring.incident_files", "generator.importers.records", "generator.status.oncall")


def test_the_command_line_starts_without_what_its_commands_need() -> None:
    """``import generator.cli`` (every statusgen run, --help too) imports click, not the commands' needs."""
    loaded = _imported("import generator.cli")
    assert "click" in loaded and "generator.cli.incidents" in loaded  # every command is registered
    assert sorted(name for name in _HEAVY if name in loaded) == []


def test_build_imports_only_what_building_needs(site) -> None:  # type: ignore[no-untyped-def]
    """``statusgen build``, as its command runs it, does not import what only other commands need."""
    argv = ["statusgen", "--root", str(site), "build", "-q", "--now", "2026-11-26T12:00:00Z"]
    # in one process, so that this one imports what every process of a build imports
    loaded = _imported(f"import generator.build\ngenerator.build.parallel = lambda: False\n"
                       f"from generator.cli import run\nsys.argv = {argv!r}\nassert run() == 0")
    assert "generator.build" in loaded and "feedgen" in loaded  # it did build
    # not ssl: the internal site's Markdown extensions (pymdownx.util) import urllib.request, and it with them
    only_others = ("httpx", "rnc2rng", "generator.alerts.payloads", "generator.authoring.comms",
                   "generator.authoring.incident_files", "generator.importers.records", "generator.notify")
    assert sorted(name for name in only_others if name in loaded) == []


def test_incidents_are_read_before_the_markdown_parser_is_imported() -> None:
    """A build imports markdown-it while a long history's second process reads incidents, not before it starts
    (a tenth of that serial start): reading the example's content up to its incidents parses no Markdown."""
    code = (f"import datetime as dt\nfrom pathlib import Path\nimport generator.cli, generator.build\n"
            f"from generator.content import loader\nseen = []\nreal = loader._incidents\n"
            f"def spy(*args, **kwargs):\n    seen.append('markdown_it' in sys.modules)\n    return real(*args, **kwargs)\n"
            f"loader._incidents = spy\nloader.load_content(Path({str(REPO)!r}), dt.date(2026, 11, 26))\n"
            f"assert seen == [False], seen")
    assert "markdown_it" in _imported(code)  # the templates, read after the incidents, parsed it


def test_the_cli_lists_the_model_values_it_offers() -> None:
    """The options offered without importing the model are the model's own values (models re-exports them)."""
    from generator.authoring import DEFAULT_URL, MESSAGE_KINDS, comms, init
    from generator.content import models, values

    assert sorted(models.SCHEMAS) == list(values.SCHEMA_KINDS)
    assert models.Severity is values.Severity and models.UpdateStatus is values.UpdateStatus
    assert comms.KINDS is MESSAGE_KINDS and init.DEFAULT_URL is DEFAULT_URL


def test_loading_gives_the_cycle_collector_back_as_it_found_it(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Loading pauses the collector (a sixth of its time went to it) and leaves it as it was, on failure too."""
    from generator.content.loader import load_content
    from generator.errors import UsageError

    assert gc.isenabled()
    content, _ = load_content(site, NOW.date())
    assert content is not None and gc.isenabled()
    with pytest.raises(UsageError):
        load_content(tmp_path / "nowhere", NOW.date())
    assert gc.isenabled()
    gc.disable()
    try:
        load_content(site, NOW.date())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_build_gives_the_cycle_collector_back_as_it_found_it(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A build pauses the collector while it describes and renders, and gives it back, frozen objects too,
    after a failed render as well."""
    from generator.build import build
    from generator.errors import StatusgenError

    assert gc.isenabled() and gc.get_freeze_count() == 0
    build(site, tmp_path / "out", NOW)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with mock.patch("generator.render.render", side_effect=StatusgenError("rendering failed")), \
            pytest.raises(StatusgenError, match="rendering failed"):
        build(site, tmp_path / "out2", NOW)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_build_reads_and_describes_with_the_collector_off(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No pass of the collector between reading and rendering: re-enabled after reading, its first pass walked
    everything read. The collector is off from before the content is read, and given back at the end."""
    import generator.build as build_module
    import generator.status.snapshot as snapshot_module  # the build imports it when it first needs it

    seen: list[tuple[str, bool]] = []

    def watched(name: str, module: Any = build_module) -> Any:
        real = getattr(module, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append((f"{name} starts", gc.isenabled()))
            result = real(*args, **kwargs)
            seen.append((f"{name} ends", gc.isenabled()))
            return result
        return call

    assert gc.isenabled()
    with mock.patch.object(build_module, "require_content", watched("require_content")), \
            mock.patch.object(snapshot_module, "build_snapshot", watched("build_snapshot", snapshot_module)):
        build_module.build(site, tmp_path / "out", NOW)
    assert seen == [("require_content starts", False), ("require_content ends", False),
                    ("build_snapshot starts", False), ("build_snapshot ends", False)]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_only_a_process_that_ends_with_its_build_keeps_the_collector_off(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``statusgen build`` run by :func:`generator.cli.main` (the process ends next) hands nothing back to the
    collector; the same command run in a process that goes on (click's test runner, ``run()``) gives it back."""
    from click.testing import CliRunner

    from generator.cli import cli

    arguments = ["--root", str(site), "build", "-q", "--now", "2026-11-26T12:00:00Z", "--out"]
    assert CliRunner().invoke(cli, [*arguments, str(tmp_path / "a")]).exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    code = ("import gc, sys\nfrom generator.cli import run\nout, ending = sys.argv[1:]\n"
            f"sys.argv = {['statusgen', *arguments]!r} + [out]\n"
            "assert run(ending=ending == 'ending') == 0\nprint(gc.isenabled(), gc.get_freeze_count() > 0)")
    for ending, expected in (("ending", "False True"), ("going-on", "True False")):
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / ending), ending], capture_output=True,
                              text=True, check=True)
        assert done.stdout.split() == expected.split(), (ending, done.stdout, done.stderr)


def test_schema_of_every_kind_still_names_them_all() -> None:
    """``statusgen schema`` without KIND: every kind, as the model gives it (the kinds now come from values)."""
    import json

    from click.testing import CliRunner

    from generator.cli import cli
    from generator.content.models import SCHEMAS, json_schema

    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {kind: json_schema(kind) for kind in SCHEMAS}
