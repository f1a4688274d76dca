"""Forward-mode differentiation as records: the tangent ∂node/∂θ of every node for one input θ,
pushed from θ (seeded with 1) through the nodes in topological order, and one ``TangentStep``
per op node that depends on θ with what each operand brings (local × the operand's tangent).

The sweep is ``sweep.tangent_sweep`` with the backward pass's accumulators: numbers from the op
specs' local derivatives at the values the forward pass (or the compiled plan) computed, and
sympy expressions over the intermediates from the symbolic views."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..ir.graph import Graph
from .backward import Backward, Contribution, _Numbers, _one, _zero, feeding_output
from .forward import node_error
from .inputs import input_name
from .sweep import backward_order, tangent_order, tangent_sweep
from .symbolic import _Adjoints, symbolic_of

__all__ = ["TangentStep", "Tangents", "tangents", "Cost", "cost"]


@dataclass(frozen=True)
class TangentStep:
    """One forward-mode step: node ``node`` gets its tangent ``tangent`` = Σ over its operands of
    ∂node/∂operand · the operand's tangent (``Contribution.value``, running sum ``total``)."""

    node: str  # node id
    name: str
    tangent: Any = None  # ∂node/∂θ (number), None without values
    tangent_expr: Any = None  # the same over the intermediates
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class Cost:
    """What it takes to get every ∂output/∂input: ``inputs`` forward sweeps of ``operations``
    node steps each, or one reverse sweep of as many."""

    inputs: int
    operations: int

    @property
    def forward_steps(self) -> int:
        return self.inputs * self.operations

    @property
    def reverse_steps(self) -> int:
        return self.operations


def cost(graph: Graph) -> Cost:
    """The cost comparison for ``graph``: its inputs and the op nodes a sweep visits."""
    return Cost(len(graph.inputs), len(backward_order(graph)))


class _Tangents(_Numbers):
    """The numbers' accumulator, with a non-finite tangent named as such."""

    def check(self, nid: str, upstream: Any, sent: list) -> None:
        if not self.exact and not self.hand and not math.isfinite(upstream):
            node = self.graph.nodes[nid]
            raise node_error(self.graph, nid, f"the tangent of {node.name} is {upstream}",
                             tuple(self.values[o] for o in node.operands))


class Tangents:
    """Forward mode from one input: every node's tangent and the steps (topological order).

    ``result`` is the backward result it was computed beside (values, gradients, layout)."""

    def __init__(self, result: Backward, wrt: str):
        graph = self.graph = result.graph
        self.result, self.wrt = result, input_name(graph, wrt)
        self.seed = graph.node(self.wrt).id
        self.values, self.exact = result.values, result.exact
        numbers = None if result.values is None else _Tangents(
            graph, result.values if result.hand is None else result.hand, result.exact, result.hand is not None)
        reached = tangent_sweep(graph, self.seed, numbers) if numbers is not None else None
        exprs = tangent_sweep(graph, self.seed, _Adjoints(symbolic_of(graph))) if result.has_symbolic else {}
        feeding = feeding_output(graph)
        steps = []
        for nid, edges in tangent_order(graph, self.seed):
            if nid not in feeding:
                continue
            node_tangent, sent = numbers.sent[nid] if numbers else (None, [(p, o, None, None, None) for p, o in edges])
            contributions, running = [], None
            for pos, operand, local, value, total in sent:
                extra: dict[str, Any] = {}
                if exprs:
                    local_expr = symbolic_of(graph).local(nid, pos)
                    value_expr = local_expr * exprs[operand]
                    running = value_expr if running is None else running + value_expr
                    extra = dict(local_expr=local_expr, value_expr=value_expr, total_expr=running)
                contributions.append(Contribution(operand, pos, local, value, total, **extra))
            steps.append(TangentStep(nid, graph.nodes[nid].name, node_tangent, exprs.get(nid), tuple(contributions)))
        self.steps: tuple[TangentStep, ...] = tuple(steps)
        self.exprs: dict[str, Any] = exprs
        self.tangents: dict[str, Any] | None = None
        if reached is not None:
            zero = _zero(self.exact)
            self.tangents = {nid: numbers.shown(reached.get(nid, zero)) for nid in graph.order}
            self.tangents[self.seed] = _one(self.exact)

    @property
    def value(self) -> Any:
        """∂output/∂wrt (None without values)."""
        return None if self.tangents is None else self.tangents[self.graph.output_id]

    @property
    def by_name(self) -> dict[str, Any] | None:
        """Every node's tangent by its name (None without values)."""
        if self.tangents is None:
            return None
        return {self.graph.nodes[nid].name: t for nid, t in self.tangents.items()}

    @property
    def cost(self) -> Cost:
        """Forward sweeps against the one reverse sweep, for this graph."""
        return cost(self.graph)

    def __repr__(self) -> str:
        shown = "symbolic only" if self.tangents is None else f"∂{self.graph.output}/∂{self.wrt} = {self.value}"
        return f"<gradviz.Tangents d/d{self.wrt}: {shown}, {len(self.steps)} steps>"


def tangents(result: Backward, wrt: str) -> Tangents:
    """Forward mode from the input ``wrt`` (any alias) beside ``result``."""
    return Tangents(result, wrt)
