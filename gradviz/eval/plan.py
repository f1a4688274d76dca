"""A graph compiled once into flat instruction lists, for fast float forward and backward
passes (gradient descent, big graphs). It runs the op specs' float forms in the sweep's order;
anything unusual (a domain error, a non-finite number) is left to the interpreters, which name
the node."""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Callable, Sequence

from ..ir.graph import Graph
from ..ir.mathforms import FLOAT
from ..ir.numbers import as_float
from ..ir.ops import OPS
from .forward import constant_value
from .sweep import backward_order

__all__ = ["Plan", "plan_of"]


def plan_of(graph: Graph) -> "Plan":
    """The graph's plan, compiled on first use."""
    return graph.memo("plan", lambda: Plan(graph))


class Plan:
    """Float forward and backward over a graph with the input order ``graph.inputs``."""

    def __init__(self, graph: Graph):
        index = {nid: slot for slot, nid in enumerate(graph.nodes)}
        self.constants: list[tuple[int, float]] = []
        self.forward_steps: list[tuple] = []
        local_of: dict[str, tuple] = {}
        for nid, node in graph.nodes.items():
            if node.kind == "const":
                self.constants.append((index[nid], constant_value(graph, nid)))
            elif node.kind == "op":
                value, local = OPS[node.op].float_forms()
                operands = tuple(index[o] for o in node.operands)
                params = tuple(as_float(p) for p in node.params)
                variadic = OPS[node.op].variadic
                self.forward_steps.append((index[nid], _fetcher(operands, variadic), params, value))
                local_of[nid] = (_fetcher(operands, variadic), params, local, operands)
        self.backward_steps = [(index[nid], *local_of[nid][:3], tuple((pos, local_of[nid][3][pos]) for pos, _ in edges))
                               for nid, edges in backward_order(graph)]
        self.size = len(index)
        self.slots = index  # node id → its slot in the value list
        self.output = index[graph.output_id]
        slots = {node.name: index[nid] for nid, node in graph.nodes.items() if node.kind == "input"}
        self.input_slots = [slots[name] for name in graph.inputs]

    def forward(self, inputs: Sequence[float]) -> list[float] | None:
        """Every node's value (by topological index), or None if any is not a finite float."""
        values = [0.0] * self.size
        for slot, value in zip(self.input_slots, inputs):
            values[slot] = value
        for slot, value in self.constants:
            values[slot] = value
        try:
            for slot, fetch, params, value in self.forward_steps:
                values[slot] = value(FLOAT, *fetch(values), *params)
            if not all(map(math.isfinite, values)):
                return None
        except (ArithmeticError, ValueError, TypeError):
            return None
        return values

    def backward(self, values: list[float]) -> list[float] | None:
        """∂output/∂node for every node, or None if any is not a finite float."""
        adjoint = [0.0] * self.size
        adjoint[self.output] = 1.0
        try:
            for slot, fetch, params, local, edges in self.backward_steps:
                upstream = adjoint[slot]
                derivatives = local(FLOAT, values[slot], *fetch(values), *params)
                for pos, operand in edges:
                    adjoint[operand] += upstream * derivatives[pos]
            if not all(map(math.isfinite, adjoint)):
                return None
        except (ArithmeticError, ValueError, TypeError):
            return None
        return adjoint

    def run(self, inputs: Sequence[float]) -> tuple[list[float], list[float]] | None:
        """Values and adjoints of every node (by topological index), or None on trouble."""
        values = self.forward(inputs)
        adjoint = self.backward(values) if values is not None else None
        return None if adjoint is None else (values, adjoint)

    def gradient(self, inputs: Sequence[float]) -> tuple[float, list[float]] | None:
        """The output's value and its gradient by input (in ``graph.inputs`` order), or None."""
        ran = self.run(inputs)
        if ran is None:
            return None
        values, adjoint = ran
        return values[self.output], [adjoint[slot] for slot in self.input_slots]


def _fetcher(operands: tuple[int, ...], variadic: bool) -> Callable[[list[float]], tuple]:
    """A function from the value list to the operands' values: a tuple to unpack into the op's
    form, or for a variadic op a tuple holding that tuple (``itemgetter`` is several times
    faster than a generator, but returns a bare value for one index)."""
    if variadic:
        if len(operands) == 1:
            return lambda values: ((values[operands[0]],),)
        get = itemgetter(*operands)
        return lambda values: (get(values),)
    if len(operands) == 1:
        (only,) = operands
        return lambda values: (values[only],)
    return itemgetter(*operands)
