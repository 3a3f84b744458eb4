"""The package's shape: imports run one way through the pipeline, with no cycle, and MkDocs stays behind render/.

    errors, policy  <-  background  <-  content  <-  clock, settings  <-  status, alerts  <-  output  <-  render, authoring
                    <-  importers, out_folder  <-  build, notify  <-  serve  <-  cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
#: Each unit of the package and its place in the flow; a unit imports only from units ranked lower, or itself.
RANKS = {"errors": 0, "policy": 0, "background": 0.5, "content": 1, "clock": 2, "settings": 2, "status": 3, "alerts": 3, "output": 4,
         "render": 5, "authoring": 5, "importers": 6, "out_folder": 6, "build": 7, "notify": 7, "serve": 8, "cli": 9}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (at any depth, in functions too), but not under ``if TYPE_CHECKING:``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for guard in ast.walk(tree) if isinstance(guard, ast.If)
               and "TYPE_CHECKING" in ast.unparse(guard.test) for node in ast.walk(guard)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from generator.x import module`
    known = modules()
    return {item for item in found if item in known and item != name} | {item for item in found if item not in known}


def unit(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "generator"


def internal_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {i for i in imports(path) if i in known and i != "generator"} for name, path in known.items()}


def test_there_is_no_import_cycle() -> None:
    graph = internal_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_imports_run_one_way_through_the_pipeline() -> None:
    wrong = []
    for name, targets in internal_graph().items():
        if name == "generator":
            continue
        for target in targets:
            mine, theirs = unit(name), unit(target)
            if mine != theirs and (theirs == "generator" or RANKS[theirs] >= RANKS[mine]):
                wrong.append(f"{name} imports {target}")
    assert sorted(wrong) == []


def test_every_unit_has_a_place_in_the_flow() -> None:
    assert {unit(name) for name in modules()} - {"generator"} == set(RANKS)


@pytest.mark.parametrize("library", ["mkdocs", "material"])
def test_only_the_renderer_imports_mkdocs(library: str) -> None:
    users = sorted(name for name, path in modules().items()
                   if any(i == library or i.startswith(library + ".") for i in imports(path)))
    assert all(name.startswith("generator.render.") for name in users), users
    if library == "mkdocs":
        assert users, "the renderer is expected to use MkDocs"
