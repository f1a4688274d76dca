"""The layout's cost, estimated before any work: Graphviz's ``dot`` gives an edge that spans
several ranks one virtual node per rank it crosses, and orders and places all of them, so a
graph whose inputs feed nodes far down (two inputs used by every one of 150 operations) costs
minutes while a chain of 300 nodes costs a second. ``layout_work`` counts nodes, edges and
virtual nodes (inputs sit in the first rank, every operation one rank past its deepest operand,
constants beside their use); ``bench/layout_cost.py`` measured the time against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GradvizError
from .scene import depths

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["layout_work", "check_layout_cost", "WORK_LIMIT"]

WORK_LIMIT = 3_000  # nodes + edges + virtual nodes: about 10 s of ``dot`` (bench/layout_cost.py, LAYOUT.md)


def layout_work(graph: "Graph") -> int:
    """Nodes, plus each edge's span in ranks: the edge and the virtual nodes ``dot`` adds along it."""
    depth = depths(graph)
    work = len(graph)
    for nid, node in graph.nodes.items():
        for operand in node.operands:
            kind = graph.nodes[operand].kind  # inputs in the first rank, constants beside their use
            work += depth[nid] - depth[operand] if kind == "op" else 1 if kind == "const" else depth[nid]
    return work


def check_layout_cost(graph: "Graph") -> None:
    """Refuse, before any work and with advice, a graph whose layout would take ``dot`` longer
    than a few seconds (``WORK_LIMIT``), long before ``GRAPHVIZ_SECONDS`` would stop it."""
    work = layout_work(graph)
    if work <= WORK_LIMIT:
        return
    fan = max((len(c) for nid, c in graph.consumers().items() if graph.nodes[nid].kind == "input"), default=0)
    raise GradvizError(
        f"the graph is too costly to lay out: its {len(graph):,} nodes and their edges across the ranks make "
        f"{work:,} units of Graphviz work (the limit is {WORK_LIMIT:,}, about 10 s; an input feeds {fan:,} "
        "operations, far apart): draw a smaller formula (fewer statements, or each input used in fewer places), "
        f"print the numbers with gradviz grad, or use the neuron view for networks (gradviz net --view neurons)")
