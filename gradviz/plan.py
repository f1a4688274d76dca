"""A graph compiled once into flat instruction lists, for fast float forward and backward
passes (gradient descent, big graphs). It uses the op table's own float forms; anything
unusual (a domain error, a non-finite number) is left to the interpreters, which name the node."""

from __future__ import annotations

import math
from typing import Sequence

from .graph import Graph
from .ops import OPS

__all__ = ["Plan"]


class Plan:
    """Float forward and backward over a graph with the input order ``graph.inputs``."""

    def __init__(self, graph: Graph):
        from .forward import constant_value

        index = {nid: i for i, nid in enumerate(graph.order)}
        depends = graph.depends_on_inputs()
        self.size = len(index)
        self.output = index[graph.output_id]
        self.input_slots = [index[graph.node(name).id] for name in graph.inputs]
        self.constants = [(index[nid], constant_value(graph, nid)) for nid, n in graph.nodes.items() if n.kind == "const"]
        self.instructions = []
        for nid, node in graph.nodes.items():
            if node.kind == "op":
                op = OPS[node.op]
                pushes = tuple(pos for pos, o in enumerate(node.operands) if o in depends)
                self.instructions.append((index[nid], tuple(index[o] for o in node.operands), node.params,
                                          op.value, op.local, pushes if nid in depends else ()))

    def forward(self, inputs: Sequence[float]) -> list[float] | None:
        """Every node's value (by topological index), or None if any is not a finite float."""
        values = [0.0] * self.size
        for slot, value in zip(self.input_slots, inputs):
            values[slot] = value
        for slot, value in self.constants:
            values[slot] = value
        try:
            for slot, operands, params, value, _, _ in self.instructions:
                values[slot] = value(tuple(values[o] for o in operands), params)
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
            for slot, operands, params, _, local, pushes in reversed(self.instructions):
                if not pushes:
                    continue
                upstream = adjoint[slot]
                derivatives = local(tuple(values[o] for o in operands), values[slot], params)
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
