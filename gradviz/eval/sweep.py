"""The backward sweep, written once: walk the op nodes from the output back (reverse topological
order), and at each node send upstream × local derivative to each operand that depends on the
inputs, adding up what an operand receives from all its consumers.

What is being swept is the accumulator's business: numbers (the Step records), sympy
expressions (the symbolic adjoints), lists of chain-ordered products (the chain rule as the
lecture writes it). The compiled float plan runs the same order as flat instructions.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

from ..ir.graph import Graph

__all__ = ["backward_order", "Accumulator", "sweep"]

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
