"""Symbolic chain rule over the IR: local derivatives, adjoints in terms of the intermediates,
chain products in chain order, and gradients expanded in the inputs."""

from __future__ import annotations

from functools import cached_property

import sympy

from .graph import Graph
from .ops import OPS

__all__ = ["Symbolic", "MAX_CHAIN_TERMS"]

MAX_CHAIN_TERMS = 64  # beyond this many paths a chain is shown as its adjoint, not path by path


class Symbolic:
    """Sympy views of one graph; every result is memoised, computed on first use."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._terms: dict[str, sympy.Expr] = {}
        for nid, node in graph.nodes.items():
            if node.kind == "const":
                self._terms[nid] = _constant(node)
            else:
                self._terms[nid] = sympy.Symbol(node.name, real=True)

    def term(self, nid: str) -> sympy.Expr:
        """The node as a sympy atom: its symbol (inputs, intermediates) or its number."""
        return self._terms[nid]

    def definition(self, nid: str) -> sympy.Expr:
        """An op node's expression over its operands' symbols (``a = θ1*θ2``)."""
        node = self.graph.nodes[nid]
        return OPS[node.op].sym(tuple(self._terms[o] for o in node.operands), node.params)

    def local(self, nid: str, pos: int) -> sympy.Expr:
        """∂node/∂operand[pos] over the operands' symbols and the node's own symbol."""
        node = self.graph.nodes[nid]
        args = tuple(self._terms[o] for o in node.operands)
        return OPS[node.op].dsym(args, self._terms[nid], node.params)[pos]

    @cached_property
    def adjoints(self) -> dict[str, sympy.Expr]:
        """∂L/∂node for every input-dependent node, in terms of the intermediates."""
        graph, depends = self.graph, self.graph.depends_on_inputs()
        adjoint: dict[str, sympy.Expr] = {graph.output_id: sympy.S.One}
        for nid in reversed(graph.order):
            node = graph.nodes[nid]
            if node.kind != "op" or nid not in adjoint:
                continue
            for pos, operand in enumerate(node.operands):
                if operand in depends:
                    contribution = adjoint[nid] * self.local(nid, pos)
                    adjoint[operand] = adjoint.get(operand, sympy.S.Zero) + contribution
        return adjoint

    @cached_property
    def expansions(self) -> dict[str, sympy.Expr]:
        """Every node's expression in the inputs."""
        out: dict[str, sympy.Expr] = {}
        for nid, node in self.graph.nodes.items():
            if node.kind == "op":
                args = tuple(out[o] for o in node.operands)
                out[nid] = OPS[node.op].sym(args, node.params)
            else:
                out[nid] = self._terms[nid]
        return out

    def in_inputs(self, expr: sympy.Expr) -> sympy.Expr:
        """An expression over intermediates rewritten over the inputs."""
        swap = {self._terms[nid]: self.expansions[nid] for nid, node in self.graph.nodes.items() if node.kind == "op"}
        return expr.xreplace(swap)

    def gradient(self, nid: str) -> sympy.Expr:
        """∂L/∂node expanded in the inputs (equal to ``sympy.diff`` of the output's expansion)."""
        return self.in_inputs(self.adjoints.get(nid, sympy.S.Zero))

    def chain(self, nid: str) -> list[tuple[sympy.Expr, ...]]:
        """∂L/∂node as a sum over paths of products of local derivatives, in chain order
        (from the output down; factors equal to 1 left out)."""
        graph, depends = self.graph, self.graph.depends_on_inputs()
        users = graph.consumers()
        chains: dict[str, list[tuple[sympy.Expr, ...]]] = {graph.output_id: [()]}
        for current in reversed(graph.order):
            if current == graph.output_id or current not in depends:
                continue
            terms: list[tuple[sympy.Expr, ...]] = []
            for user, pos in users[current]:
                local = self.local(user, pos)
                factor = () if local == 1 else (local,)
                terms += [term + factor for term in chains.get(user, [])]
            if len(terms) > MAX_CHAIN_TERMS:
                terms = [(self.adjoints[current],)]
            chains[current] = terms
            if current == nid:
                break
        return chains.get(nid, [])


def _constant(node) -> sympy.Expr:
    if node.value is None:
        return sympy.E if node.name == "e" else sympy.pi
    return sympy.Rational(node.value.numerator, node.value.denominator)
