"""Paths from the output back to one input: the nodes and edges behind ∂L/∂θ1 = ∂L/∂a·∂a/∂θ1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph

__all__ = ["path_nodes", "on_path", "input_name", "input_paths"]


def path_nodes(graph: "Graph", nid: str) -> frozenset[str]:
    """Ids of the nodes on some path from node ``nid`` to the output (both ends included)."""
    reaches = {nid}
    for current in graph.order:  # topological order: operands come first
        node = graph.nodes[current]
        if any(o in reaches for o in node.operands):
            reaches.add(current)
    feeds = {graph.output_id}
    for current in reversed(graph.order):
        if current in feeds:
            feeds.update(graph.nodes[current].operands)
    return frozenset(reaches & feeds)


def on_path(nodes: frozenset[str], operand: str, consumer: str) -> bool:
    """Whether the edge operand → consumer lies on the paths ``nodes`` describe."""
    return operand in nodes and consumer in nodes


def input_name(graph: "Graph", name: str) -> str:
    """The canonical name of the input ``name`` spells (``theta1`` → ``θ1``), or a ``GradvizError``
    listing the inputs."""
    from .errors import EvaluationError, GradvizError
    from .inputs import canonical_key

    try:
        key = canonical_key(name, graph.inputs)
    except EvaluationError:
        key = None
    if key not in graph.inputs:
        raise GradvizError(f"{name!r} is not an input of {graph.output}; the inputs are {', '.join(graph.inputs)}")
    return key


def input_paths(graph: "Graph", name: str) -> frozenset[str]:
    """``path_nodes`` of the input ``name`` spells (any alias)."""
    return path_nodes(graph, graph.node(input_name(graph, name)).id)
