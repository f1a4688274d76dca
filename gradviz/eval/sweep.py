"""The backward sweep, written once: walk the op nodes from the output back (reverse topological
order), and at each node send upstream × local derivative to each operand that depends on the
inputs, adding up what an operand receives from all its consumers.

What is being swept is the accumulator's business: numbers (the Step records), sympy
expressions (the symbolic adjoints), lists of chain-ordered products (the chain rule as the
lecture writes it). The compiled float plan runs the same order as flat instructions.

Forward mode runs the same accumulators the other way (``tangent_sweep``): from one input,
seeded with 1, each op node in topological order sums local × operand's tangent over its
operands that depend on that input.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

from ..ir.graph import Graph

__all__ = ["backward_order", "tangent_order", "Accumulator", "sweep", "tangent_sweep"]

V = TypeVar("V")


def backward_order(graph: Graph) -> list[tuple[str, tuple[tuple[int, str], ...]]]:
    """The op nodes that depend on the inputs, output first, each with the (position, operand)
    pairs through which the gradient flows on (operands that are constants receive nothing)."""
    def make() -> list[tuple[str, tuple[tuple[int, str], ...]]]:
        depends = graph.depends_on_inputs()
        order = []
        for nid in reversed(graph.order):
            node = graph.nodes[nid]
            if node.kind == "op" and nid in depends:
                order.append((nid, tuple((pos, o) for pos, o in enumerate(node.operands) if o in depends)))
        return order
    return graph.memo("backward order", make)


class Accumulator(Protocol, Generic[V]):
    """What a sweep adds up; see ``sweep``."""

    def seed(self) -> V:
        """∂output/∂output."""

    def locals(self, nid: str) -> tuple:
        """The local derivatives of node ``nid`` by operand position."""

    def times(self, upstream: V, local: Any) -> V:
        """What one edge sends: upstream × local."""

    def plus(self, total: V | None, contribution: V) -> V:
        """An operand's gradient so far (``total`` is None before the first contribution)."""

    def settle(self, nid: str, total: V) -> V:
        """A node's gradient once every consumer has sent its part (before it sends on)."""

    def record(self, nid: str, upstream: V, sent: list[tuple[int, str, Any, V, V]]) -> None:
        """The step at ``nid``: (position, operand, local, contribution, operand's total) per edge."""


def sweep(graph: Graph, acc: "Accumulator[V]") -> dict[str, V]:
    """Run the backward sweep with ``acc``; every reached node's gradient, by node id."""
    totals: dict[str, V] = {graph.output_id: acc.seed()}
    for nid, edges in backward_order(graph):
        if nid not in totals:  # does not feed the output
            continue
        upstream = totals[nid] = acc.settle(nid, totals[nid])
        local = acc.locals(nid)
        sent = []
        for pos, operand in edges:
            contribution = acc.times(upstream, local[pos])
            total = totals[operand] = acc.plus(totals.get(operand), contribution)
            sent.append((pos, operand, local[pos], contribution, total))
        acc.record(nid, upstream, sent)
    return totals


def tangent_order(graph: Graph, seed: str) -> list[tuple[str, tuple[tuple[int, str], ...]]]:
    """The op nodes that depend on the input ``seed`` (a node id), in topological order, each with
    the (position, operand) pairs through which a tangent arrives (operands that depend on ``seed``)."""
    def make() -> list[tuple[str, tuple[tuple[int, str], ...]]]:
        reached = {seed}
        order = []
        for nid, edges in reversed(backward_order(graph)):
            through = tuple((pos, o) for pos, o in edges if o in reached)
            if through:
                reached.add(nid)
                order.append((nid, through))
        return order
    return graph.memo(f"tangent order {seed}", make)


def tangent_sweep(graph: Graph, seed: str, acc: "Accumulator[V]") -> dict[str, V]:
    """Run the forward-mode sweep from the input ``seed`` with ``acc`` (``times(tangent, local)``
    is what one edge brings, ``record`` gets the node's tangent); every reached node's tangent."""
    tangents: dict[str, V] = {seed: acc.seed()}
    for nid, edges in tangent_order(graph, seed):
        local = acc.locals(nid)
        total, sent = None, []
        for pos, operand in edges:
            contribution = acc.times(tangents[operand], local[pos])
            total = acc.plus(total, contribution)
            sent.append((pos, operand, local[pos], contribution, total))
        tangents[nid] = acc.settle(nid, total)
        acc.record(nid, tangents[nid], sent)
    return tangents
