"""The shape of the code: imports flow one way and no module of the app layer grows past 400 lines.

The import graph of src/ is read with `ast` (every import, also those inside functions and under
TYPE_CHECKING), so a cycle or an import against the flow fails here before it confuses anyone:
forecast ← capacity ← zoning ← tuyensinh, and within the app layer
words ← ward ← present ← plan ← scenarios ← cli (docs/architecture.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ENGINES = ("forecast", "capacity", "zoning", "tuyensinh")
#: Sub-packages of the app layer, in the order imports may flow (a module imports only its own
#: rank or lower ranks). samples/ (the sample-ward generator) writes with present/; province/ (many
#: wards at once) runs plans beside scenarios/. A package's `__main__` (`python -m …`) is an entry
#: point, the outermost layer (nothing imports it): it may call the command line.
APP_RANK = {
    "words": 0,
    "ward": 1,
    "present": 2,
    "samples": 3,
    "start": 3,
    "plan": 3,
    "sample_data": 4,
    "scenarios": 4,
    "province": 4,
    "cli": 5,
}
MAX_LINES = 400
#: Data catalogs: tables of wording, one entry per line, exempt from the size limit — every
#: catalog of words/ (its machinery, words/core.py, is code and is held to the limit).
CATALOGS = {
    path.relative_to(SRC).as_posix()
    for path in (SRC / "tuyensinh" / "words").glob("*.py")
    if path.name not in ("core.py", "__init__.py")
}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of src/ that `name` imports (`from package import module` counts the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(base)
    return {module for module in found if module in modules and module != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_is_read(graph: dict[str, set[str]]) -> None:
    assert "tuyensinh.plan.compute" in graph["tuyensinh.plan.run"]
    assert "capacity.norms" in graph["tuyensinh.plan.compute"]


def test_no_import_cycle_anywhere(graph: dict[str, set[str]]) -> None:
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_engines_import_only_downwards(graph: dict[str, set[str]]) -> None:
    wrong = [
        f"{name} imports {target}"
        for name, targets in graph.items()
        for target in targets
        if ENGINES.index(target.split(".")[0]) > ENGINES.index(name.split(".")[0])
    ]
    assert wrong == []


def test_the_app_layer_imports_in_one_direction(graph: dict[str, set[str]]) -> None:
    app = {name: name.split(".")[1] for name in graph if name.startswith("tuyensinh.")}
    assert set(app.values()) <= APP_RANK.keys(), "a sub-package of src/tuyensinh has no place in APP_RANK"
    wrong = [
        f"{name} imports {target}"
        for name, part in app.items()
        for target in graph[name]
        if target in app and APP_RANK[app[target]] > APP_RANK[part] and not name.endswith(".__main__")
    ]
    assert wrong == []


def test_no_module_of_the_app_layer_is_over_400_lines() -> None:
    long = {
        path.relative_to(SRC).as_posix(): n
        for path in (SRC / "tuyensinh").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) <= CATALOGS, long
