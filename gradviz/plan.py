"""A graph compiled once into flat instruction lists, for fast float forward and backward
passes (gradient descent, big graphs). It uses the op table's own float forms; anything
unusual (a domain error, a non-finite number) is left to the interpreters, which name the node."""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Callable, Sequence

from .graph import Graph
from .ops import OPS

__all__ = ["Plan"]


class Plan:
    """Float forward and backward over a graph with the input order ``graph.inputs``."""

    def __init__(self, graph: Graph):
        """Compile in one pass over the nodes (in topological order, so every operand already
        has its slot); a node depends on the inputs when one of its operands does."""
        from .forward import constant_value

        index: dict[str, int] = {}
        depends: set[int] = set()
        slots_by_name: dict[str, int] = {}
        self.constants: list[tuple[int, float]] = []
        self.instructions: list[tuple] = []
        for slot, (nid, node) in enumerate(graph.nodes.items()):
            index[nid] = slot
            if node.kind == "input":
                depends.add(slot)
                slots_by_name[node.name] = slot
            elif node.kind == "const":
                self.constants.append((slot, constant_value(graph, nid)))
            else:
                op = OPS[node.op]
                operands = tuple([index[o] for o in node.operands])
                pushes = tuple([pos for pos, o in enumerate(operands) if o in depends])
                if pushes:
                    depends.add(slot)
                self.instructions.append((slot, operands, _fetcher(operands), node.params, op.value, op.local,
                                          pushes))
        self.size = len(index)
        self.output = index[graph.output_id]
        self.input_slots = [slots_by_name[name] for name in graph.inputs]

    def forward(self, inputs: Sequence[float]) -> list[float] | None:
        """Every node's value (by topological index), or None if any is not a finite float."""
        values = [0.0] * self.size
        for slot, value in zip(self.input_slots, inputs):
            values[slot] = value
        for slot, value in self.constants:
            values[slot] = value
        try:
            for slot, _, fetch, params, value, _, _ in self.instructions:
                values[slot] = value(fetch(values), params)
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
            for slot, operands, fetch, params, _, local, pushes in reversed(self.instructions):
                if not pushes:
                    continue
                upstream = adjoint[slot]
                derivatives = local(fetch(values), values[slot], params)
                for pos in pushes:
                    adjoint[operands[pos]] += upstream * derivatives[pos]
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


def _fetcher(operands: tuple[int, ...]) -> Callable[[list[float]], tuple[float, ...]]:
    """A function from the value list to the operands' values as a tuple (``itemgetter`` is
    several times faster than a generator, but returns a bare value for one index)."""
    if len(operands) == 1:
        (only,) = operands
        return lambda values: (values[only],)
    return itemgetter(*operands)
