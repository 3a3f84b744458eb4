"""Compiled templates kept across builds (generator.output.template_cache): the same output, a damaged or
foreign cache passed over, never an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from generator.output.template_cache import CODE_VERSION, SourceKeyedCache, cache_folder
from tests.conftest import REPO, make_site

TEMPLATES = {
    "page.html": "{% import 'macros.html' as m %}<h1>{{ title }}</h1>{{ m.item(title) }}{% for x in items %}{{ x }}{% endfor %}",
    "macros.html": "{% macro item(text) %}<li>{{ text | upper }}</li>{% endmacro %}",
}
VALUES = {"title": "A <b>title</b> & more", "items": ["<i>", 2, None]}


def environment(cache: SourceKeyedCache, **options: object) -> tuple[jinja2.Environment, list[str]]:
    """An environment on ``cache`` and the names of the templates it compiled."""
    compiled: list[str] = []
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), bytecode_cache=cache, **options)  # type: ignore[arg-type]
    compile_ = env.compile

    def counting(source: str, name: str | None = None, filename: str | None = None, raw: bool = False,
                 defer_init: bool = False) -> object:
        compiled.append(str(name))
        return compile_(source, name, filename, raw, defer_init)

    env.compile = counting  # type: ignore[method-assign]
    return env, compiled


def render(env: jinja2.Environment) -> str:
    return env.get_template("page.html").render(VALUES)


def test_a_new_process_compiles_nothing_the_last_one_compiled_and_renders_the_same(tmp_path: Path) -> None:
    first, compiled = environment(SourceKeyedCache(tmp_path))
    expected = render(first)
    assert sorted(compiled) == ["macros.html", "page.html"] and len(list(tmp_path.iterdir())) == 2
    second, compiled = environment(SourceKeyedCache(tmp_path))  # a new process: nothing in memory
    assert render(second) == expected and compiled == []
    uncached, _ = environment(SourceKeyedCache())
    assert render(uncached) == expected


@pytest.mark.parametrize("damage", [b"", b"garbage", b"j2", "truncated", "flipped", "string"])
def test_a_damaged_file_is_compiled_again_and_written_again(tmp_path: Path, damage: bytes | str) -> None:
    expected = render(environment(SourceKeyedCache(tmp_path))[0])
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        if damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flipped":
            path.write_bytes(data[:-8] + bytes(b ^ 0xFF for b in data[-8:]))
        elif damage == "string":  # still valid code, saying something else
            changed = data.replace(b"<h1>", b"<h2>").replace(b"<li>", b"<ol>")
            assert changed != data
            path.write_bytes(changed)
        else:
            path.write_bytes(damage)  # type: ignore[arg-type]
    env, compiled = environment(SourceKeyedCache(tmp_path))
    assert render(env) == expected and sorted(compiled) == ["macros.html", "page.html"]
    again, compiled = environment(SourceKeyedCache(tmp_path))
    assert render(again) == expected and compiled == []


@pytest.mark.parametrize("options", [{"autoescape": True}, {"finalize": lambda value: "" if value is None else value},
                                     {"trim_blocks": True}, {"enable_async": False, "autoescape": True,
                                                             "finalize": lambda value: value}])
def test_what_changes_the_compiled_code_is_part_of_the_key(tmp_path: Path, options: dict[str, object]) -> None:
    """The same names and sources in environments whose code differs never share a file."""
    plain = render(environment(SourceKeyedCache(tmp_path))[0])
    env, compiled = environment(SourceKeyedCache(tmp_path), **options)
    expected = render(environment(SourceKeyedCache(), **options)[0])
    assert render(env) == expected and sorted(compiled) == ["macros.html", "page.html"]
    assert expected != plain or options == {"trim_blocks": True}
    assert len(list(tmp_path.iterdir())) == 4


def test_changed_source_is_compiled_again(tmp_path: Path) -> None:
    render(environment(SourceKeyedCache(tmp_path))[0])
    TEMPLATES["macros.html"], saved = "{% macro item(text) %}<p>{{ text }}</p>{% endmacro %}", TEMPLATES["macros.html"]
    try:
        env, compiled = environment(SourceKeyedCache(tmp_path))
        assert "<p>A &lt;b&gt;" not in render(env) and "<p>A <b>title</b>" in render(env)
        assert compiled == ["macros.html"]
    finally:
        TEMPLATES["macros.html"] = saved


def test_the_cache_folder_is_the_users_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = cache_folder()
    assert folder == tmp_path / "cache" / "statusgen" / "templates" / CODE_VERSION and folder.is_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)
    assert cache_folder() is None, "a folder others may write to is passed over"
    folder.chmod(0o700)
    folder.rmdir()
    folder.symlink_to(tmp_path)
    assert cache_folder() is None, "a symbolic link is passed over"
    folder.unlink()
    folder.write_text("a file")
    assert cache_folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache" / "statusgen" / "templates" / CODE_VERSION / "x"))
    assert cache_folder() is None, "a folder that cannot be made is passed over"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # relative: unset, as the XDG rules say
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "statusgen" / "templates" / CODE_VERSION


def build(root: Path, out: Path, cache_home: Path) -> dict[str, bytes]:
    environ = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "-q", "--out", str(out),
                    "--now", "2026-11-26T12:00:00Z"], check=True, env=environ)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_builds_with_a_cold_a_warm_and_an_unusable_cache_are_byte_identical(tmp_path: Path) -> None:
    root = make_site(tmp_path / "repo")
    cold = build(root, tmp_path / "cold", tmp_path / "cache")
    folder = tmp_path / "cache" / "statusgen" / "templates" / CODE_VERSION
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert len(written) > 40, "the theme's and statusgen's templates are kept"
    assert build(root, tmp_path / "warm", tmp_path / "cache") == cold
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written, "a warm build compiled again"
    (tmp_path / "not-a-folder").write_text("")
    assert build(root, tmp_path / "none", tmp_path / "not-a-folder") == cold


def test_a_warm_build_compiles_no_template(tmp_path: Path) -> None:
    """Every environment a build makes keeps compiled templates: statusgen's, MkDocs' own and the ones Material's
    search plugin makes to read the theme's language templates."""
    root = make_site(tmp_path / "repo")
    build(root, tmp_path / "cold", tmp_path / "cache")
    script = ("import sys, jinja2\ncompiled = []\nplain = jinja2.Environment.compile\n"
              "def compile(self, source, name=None, *args, **kwargs):\n    compiled.append(name)\n"
              "    return plain(self, source, name, *args, **kwargs)\n"
              "jinja2.Environment.compile = compile\n"
              "import generator.build\ngenerator.build.parallel = lambda: False  # one process: one list\n"
              "from generator.cli import run\nsys.argv[1:] = sys.argv[2:]\nrun()\nprint(compiled)\n")
    environ = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script, "-", "--root", str(root), "build", "-q", "--out",
                           str(tmp_path / "warm"), "--now", "2026-11-26T12:00:00Z"], env=environ, check=True,
                          capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
