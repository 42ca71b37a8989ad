"""The core's modules import each other in layers, without circles (imports inside functions too):
``modelio`` reads and writes every model folder, including compressed variants, through
``variant_weights`` and ``weights``; ``compress`` makes variants and uses ``modelio``."""

from __future__ import annotations

import ast
from pathlib import Path

import tinystudio

PACKAGE = Path(tinystudio.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").is_file() or (PACKAGE.parent / rel / "__init__.py").is_file()


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the tinystudio.core modules it imports (``from a import b``: a.b when b is a module)."""
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        name = _module_name(path)
        is_pkg = path.name == "__init__.py"
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    edges.add(full if _exists(full) else target)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names)
        graph[name] = {e for e in edges if e.startswith("tinystudio.core") and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_modelio_and_compress_do_not_import_each_other_in_a_circle():
    graph = import_graph(PACKAGE / "core")
    assert "tinystudio.core.variant_weights" in graph["tinystudio.core.modelio"]
    assert not cycles(graph)  # before: modelio <-> compress.storage


def test_the_check_finds_a_circle():
    graph = {"tinystudio.core.a": {"tinystudio.core.b"}, "tinystudio.core.b": {"tinystudio.core.a"}}
    assert cycles(graph) == [["tinystudio.core.a", "tinystudio.core.b"]]
