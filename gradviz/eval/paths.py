"""Paths from the output back to one input: the nodes and edges behind ∂L/∂θ1 = ∂L/∂a·∂a/∂θ1."""

from __future__ import annotations

from typing import Any

from ..ir.graph import Graph
from .inputs import input_name

__all__ = ["path_nodes", "on_path", "input_paths", "path_terms"]


def path_nodes(graph: Graph, nid: str) -> frozenset[str]:
    """Ids of the nodes on some path from node ``nid`` to the output (both ends included)."""
    import networkx as nx  # here: rendering without --wrt never pays for importing networkx

    below = nx.descendants(graph.nx, nid) | {nid}
    above = nx.ancestors(graph.nx, graph.output_id) | {graph.output_id}
    return frozenset(below & above)


def on_path(nodes: frozenset[str], operand: str, consumer: str) -> bool:
    """Whether the edge operand → consumer lies on the paths ``nodes`` describe."""
    return operand in nodes and consumer in nodes


def input_paths(graph: Graph, name: Any) -> frozenset[str]:
    """``path_nodes`` of the input ``name`` spells (any alias)."""
    return path_nodes(graph, graph.node(input_name(graph, name)).id)


def path_terms(graph: Graph) -> int:
    """The paths from the output to every node, summed: the terms of the chain rule written as a
    sum over paths (``x^x`` chained 38 times has 2³⁸ of them), counted in one sweep."""
    paths = dict.fromkeys(graph.nodes, 0)
    paths[graph.output_id] = 1
    for nid in reversed(list(graph.nodes)):  # consumers before their operands
        for operand in graph.nodes[nid].operands:
            paths[operand] += paths[nid]
    return sum(paths.values())
