"""The module structure: every import of a gradviz module — function-local ones included —
points to the same layer or one below, the import graph has no cycle, and the only
function-local imports are the command line's lazy ones (each with its reason on the line)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gradviz"
#: bottom to top; a module may import its own layer and the layers below
LAYERS = ("errors", "ir", "syntax", "text", "eval", "derive", "render", "networks", "outputs",
          ("api", "notebook", "nn", "__init__"), "cli")
LAZY_ALLOWED = ("gradviz.cli", "gradviz.__init__",  # they keep `gradviz --help` free of sympy and Graphviz
                "gradviz.api")  # its objects load the notebook's views when first shown: `gradviz grad` draws nothing


def layer_of(module: str) -> int:
    part = module.split(".")[1] if "." in module else "__init__"
    for level, names in enumerate(LAYERS):
        if part == names or (isinstance(names, tuple) and part in names):
            return level
    raise AssertionError(f"{module} is in no layer; add it to LAYERS")


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 2:
            parts.pop()
        out[".".join(parts) if parts != ["gradviz", "__init__"] else "gradviz.__init__"] = path
    return out


def imports(module: str, path: Path, known: set[str]) -> list[tuple[str, int, bool, str]]:
    """(imported gradviz module, line, function-local, source line) for each import in ``path``."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    if module == "gradviz.__init__":
        package = "gradviz"
    local = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    typing_only = {id(n) for i in ast.walk(tree) if isinstance(i, ast.If) and "TYPE_CHECKING" in ast.unparse(i.test)
                   for n in ast.walk(i)}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            if target.startswith("gradviz"):
                resolved = target if target in known else "gradviz.__init__" if target == "gradviz" else target
                statement = "\n".join(lines[node.lineno - 1: node.end_lineno])
                out.append((resolved, node.lineno, id(node) in local, statement))
    return out


ALL = modules()


@cache
def edges() -> list[tuple[str, str, int, bool, str]]:
    """Every import of every module: (module, imported, line, function-local, source line); read
    when a test first asks (not at collection, which every worker of ``-n 2`` makes)."""
    return [(m, target, line, is_local, text) for m, p in ALL.items()
            for target, line, is_local, text in imports(m, p, set(ALL))]


@pytest.mark.parametrize("module", sorted(ALL))
def test_imports_only_point_down(module: str) -> None:
    upward = [f"line {line}: {target}" for m, target, line, _, _ in edges()
              if m == module and target in ALL and layer_of(target) > layer_of(module)]
    assert not upward, f"{module} imports from a layer above it: {upward}"


def test_the_import_graph_has_no_cycle() -> None:
    graph = nx.DiGraph((m, target) for m, target, *_ in edges() if target in ALL and target != m)
    assert nx.is_directed_acyclic_graph(graph), next(nx.simple_cycles(graph))


def test_function_local_imports_are_only_the_lazy_ones_with_a_reason() -> None:
    local = [(m, line, text.strip()) for m, _, line, is_local, text in edges() if is_local]
    misplaced = [entry for entry in local if not entry[0].startswith(LAZY_ALLOWED)]
    assert not misplaced, misplaced
    unexplained = [entry for entry in local if "#" not in entry[2]]
    assert not unexplained, unexplained
