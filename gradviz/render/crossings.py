"""Edge crossings: of a layout gradviz made, and of plain ``dot``'s layout of the same graph —
each node a small box with its name, each operand an edge, nothing else (the CS231n-style
drawing a student would get from Graphviz alone). A layout a student can follow crosses its
edges no more often than that reference does."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .measure import count_crossings, spline_points

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from .backends import Backend
    from .layout import Layout

__all__ = ["layout_crossings", "plain_dot_crossings", "plain_dot_ranks"]


def layout_crossings(lay: "Layout") -> int:
    """How often the edges of a gradviz layout cross."""
    return count_crossings([p for p in (spline_points(e["pos"]) for e in lay.edges.values()) if len(p) > 1])


def plain_dot_crossings(graph: "Graph", backend: "Backend", rankdir: str = "LR", timeout: float = 10.0) -> int:
    """How often the edges of plain ``dot``'s layout of ``graph`` cross (memoised on the graph)."""
    def count() -> int:
        data = _plain_layout(graph, backend, rankdir, timeout)
        return count_crossings([p for p in (spline_points(e.get("pos", "")) for e in data.get("edges", []))
                                if len(p) > 1])
    return graph.memo(f"plain_dot_crossings:{rankdir}", count)


def plain_dot_ranks(graph: "Graph", backend: "Backend", timeout: float = 10.0) -> tuple[tuple[str, ...], ...]:
    """Plain ``dot``'s ranks of ``graph`` (laid out left to right), each in its order from top to bottom:
    what decides how often its edges cross (the order of the long edges' bends between them aside)."""
    def ranks() -> tuple[tuple[str, ...], ...]:
        data = _plain_layout(graph, backend, "LR", timeout)
        at: dict[float, list[tuple[float, str]]] = {}
        for obj in data.get("objects", []):
            if obj.get("name") in graph.nodes and "pos" in obj:
                x, y = (float(v) for v in obj["pos"].split(","))
                at.setdefault(round(x), []).append((-y, obj["name"]))
        return tuple(tuple(nid for _, nid in sorted(members)) for _, members in sorted(at.items()))
    return graph.memo("plain_dot_ranks", ranks)


def _plain_layout(graph: "Graph", backend: "Backend", rankdir: str, timeout: float) -> dict:
    """Plain ``dot``'s layout of ``graph`` as Graphviz's JSON (memoised on the graph)."""
    return graph.memo(f"plain_dot_layout:{rankdir}",
                      lambda: json.loads(backend.run(plain_dot(graph, rankdir), "dot", "json", timeout=timeout)))


def plain_dot(graph: "Graph", rankdir: str = "LR") -> str:
    """The reference drawing's DOT: one box a node labelled with its name (an op also with its
    op's key), one edge an operand, Graphviz's defaults otherwise."""
    import graphviz

    dot = graphviz.Digraph("plain", graph_attr={"rankdir": rankdir}, node_attr={"shape": "box"})
    for nid, node in graph.nodes.items():
        dot.node(nid, label=graphviz.nohtml(f"{node.op} {node.name}" if node.kind == "op" else node.name))
    for nid, node in graph.nodes.items():
        for operand in node.operands:
            dot.edge(operand, nid)
    return dot.source
