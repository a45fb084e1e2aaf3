"""The shape of the code: imports point one way, modules stay small, privates stay private.

The import graph is read from the source with :mod:`ast`: every ``import`` and
``from ... import`` statement of ``graphkit/``, ``loaders/`` and ``queries/``,
also those inside functions and under ``if TYPE_CHECKING``, because a
function-local import that dodges a cycle is still a cycle. ``from pkg import
name`` counts as an import of ``pkg.name`` when that is a module, else of
``pkg``. A package's ``__init__`` re-exporting its submodules is not counted
as the submodules importing the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graphkit", "loaders", "queries")

#: Files allowed above the size limit, and why.
LARGE_FILES: dict[str, str] = {}
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest module of ours that ``name`` is or lies in (``None``: not ours)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path] | None = None) -> nx.DiGraph:
    """Module -> imported module, for every import statement anywhere in our packages."""
    modules = modules or _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, base] if base else package)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                module = _resolve(target, modules)
                if module is not None and module != name:
                    graph.add_edge(name, module, line=node.lineno)
    return graph


def test_the_import_graph_finds_function_local_imports(tmp_path):
    # the walker itself: a cycle closed by an import inside a function is seen
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from a import x\n    return x\n")
    graph = import_graph({"a": tmp_path / "a.py", "b": tmp_path / "b.py"})
    assert list(nx.simple_cycles(graph)) != []


def test_no_import_cycles():
    graph = import_graph()
    assert graph.number_of_nodes() > 60  # every module was read
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            cycle = nx.find_cycle(graph.subgraph(component))
            cycles.append(", ".join(f"{a} imports {b} (line {graph.edges[a, b]['line']})" for a, b in cycle))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_reader_modules_do_not_import_the_registry():
    # the readers register into loaders.formats; only the registry (and the package) sit above them
    graph = import_graph()
    importers = sorted(a for a, b in graph.in_edges("loaders.registry"))
    assert importers == ["loaders"], importers


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_uses_another_modules_private_names(package):
    modules = _modules()
    offences = []
    for name, path in modules.items():
        if not name.startswith(package):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, set[str]] = {}  # local name -> our modules it refers to
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        aliases.setdefault(alias.asname or alias.name.split(".")[0], set()).add(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in modules:
                        aliases.setdefault(alias.asname or alias.name, set()).add(full)
                    elif alias.name.startswith("_") and not alias.name.startswith("__"):
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{alias.name}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and aliases.get(node.value.id, {name}) - {name}
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                owner = " or ".join(sorted(aliases[node.value.id]))
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.attr} of {owner}")
    assert not offences, "\n".join(offences)


def test_no_file_is_too_long():
    tracked = [p for p in ROOT.rglob("*.py") if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)]
    assert len(tracked) > 100
    too_long = {}
    for path in tracked:
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and relative not in LARGE_FILES:
            too_long[relative] = lines
    assert not too_long, f"files over {MAX_LINES} lines (split them by concept): {too_long}"
