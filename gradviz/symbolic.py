"""Symbolic chain rule over the IR: local derivatives, adjoints in terms of the intermediates,
chain products in chain order, gradients expanded in the inputs, and every gradient at once as
a straight-line adjoint program (shared intermediates instead of expression swell)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Mapping

import sympy

from .graph import Graph
from .ops import OPS

__all__ = ["Symbolic", "AdjointProgram", "MAX_CHAIN_TERMS", "count_operations"]

MAX_CHAIN_TERMS = 64  # beyond this many paths a chain is shown as its adjoint, not path by path


class Symbolic:
    """Sympy views of one graph; every result is memoised, computed on first use."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._terms: dict[str, sympy.Expr] = {}
        self._locals: dict[str, tuple[sympy.Expr, ...]] = {}
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
        """∂node/∂operand[pos] over the operands' symbols and the node's own symbol (memoised)."""
        if nid not in self._locals:
            node = self.graph.nodes[nid]
            args = tuple(self._terms[o] for o in node.operands)
            self._locals[nid] = tuple(OPS[node.op].dsym(args, self._terms[nid], node.params))
        return self._locals[nid][pos]

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

    @cached_property
    def program(self) -> "AdjointProgram":
        """Every input's gradient as a straight-line program whose size is linear in the graph:
        the forward definitions ``a = θ1*θ2``, then one adjoint symbol a node, defined from
        its consumers' adjoints (``∂L/∂a = ∂L/∂b*x``), in reverse topological order.

        The right sides are built unevaluated (sympy's automatic simplification is most of
        the cost otherwise), so ``w*0`` or ``x**1`` may remain; they evaluate to the same."""
        graph, depends = self.graph, self.graph.depends_on_inputs()
        bar = {nid: sympy.Symbol(f"∂{graph.output}/∂{graph.nodes[nid].name}", real=True) for nid in depends}
        terms: dict[str, list[sympy.Expr]] = {graph.output_id: [sympy.S.One]} if graph.output_id in depends else {}
        backward = []
        with sympy.evaluate(False):
            forward = tuple((self._terms[nid], self.definition(nid)) for nid, node in graph.nodes.items()
                            if node.kind == "op")
            for nid in reversed(graph.order):
                if nid not in terms:
                    continue
                backward.append((bar[nid], sympy.Add(*terms.pop(nid))))
                node = graph.nodes[nid]
                for pos, operand in enumerate(node.operands if node.kind == "op" else ()):
                    if operand in depends:
                        local = self.local(nid, pos)
                        terms.setdefault(operand, []).append(bar[nid] if local == 1 else bar[nid] * local)
        assigned = {symbol for symbol, _ in backward}
        ids = [graph.node(name).id for name in graph.inputs]
        gradients = tuple(bar[nid] if bar[nid] in assigned else sympy.S.Zero for nid in ids)
        return AdjointProgram(tuple(self._terms[nid] for nid in ids), forward, tuple(backward),
                              self._terms[graph.output_id], gradients)

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
        return self._chains.get(nid, [])

    @cached_property
    def _chains(self) -> dict[str, list[tuple[sympy.Expr, ...]]]:
        """Every node's chain, built once from the output down."""
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
        return chains


@dataclass(frozen=True)
class AdjointProgram:
    """The output and its gradient by every input as straight-line code over sympy symbols:
    ``forward`` defines the intermediates, ``backward`` the adjoints, each once, in order."""

    inputs: tuple[sympy.Symbol, ...]  # in ``graph.inputs`` order
    forward: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    backward: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    output: sympy.Symbol
    gradients: tuple[sympy.Expr, ...]  # the adjoint symbol of each input (0 where it is unused)

    @property
    def assignments(self) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
        """Forward then backward assignments, each over symbols assigned before it."""
        return self.forward + self.backward

    def size(self) -> int:
        """The number of operations in the program (``count_operations`` of every right side)."""
        return sum(count_operations(expr) for _, expr in self.assignments)

    def function(self, modules: str = "math") -> Callable[..., tuple[Any, tuple[Any, ...]]]:
        """A Python function of the inputs (positionally, in ``inputs`` order) returning the
        output's value and the gradient; with ``modules="numpy"`` it takes arrays and
        broadcasts, so a whole grid is one call."""
        safe = {symbol: sympy.Symbol(f"_v{i}") for i, symbol in enumerate(self.inputs)}
        safe.update({symbol: sympy.Symbol(f"_t{i}") for i, (symbol, _) in enumerate(self.assignments)})
        steps = [(safe[symbol], expr.xreplace(safe)) for symbol, expr in self.assignments]
        outputs = [self.output.xreplace(safe), *(g.xreplace(safe) for g in self.gradients)]
        f = sympy.lambdify([safe[s] for s in self.inputs], outputs, modules=modules,
                           cse=lambda exprs: (steps, list(exprs)))

        def value_and_gradient(*args: Any) -> tuple[Any, tuple[Any, ...]]:
            value, *gradient = f(*args)
            return value, tuple(gradient)
        return value_and_gradient

    def evaluate(self, at: Mapping[sympy.Symbol, float]) -> tuple[float, tuple[float, ...]]:
        """The output's value and gradient at one point (input symbol → float)."""
        value, gradient = self.function()(*(float(at[s]) for s in self.inputs))
        return float(value), tuple(float(g) for g in gradient)


def count_operations(expr: sympy.Expr) -> int:
    """Operations in ``expr`` written out as a tree: n−1 for an n-term sum or product, one for
    each power or function (shared subtrees counted every time they appear)."""
    total, stack = 0, [expr]
    while stack:
        e = stack.pop()
        if e.args:
            total += len(e.args) - 1 if isinstance(e, (sympy.Add, sympy.Mul)) else 1
            stack.extend(e.args)
    return total


def _constant(node) -> sympy.Expr:
    if node.value is None:
        return sympy.E if node.name == "e" else sympy.pi
    return sympy.Rational(node.value.numerator, node.value.denominator)
