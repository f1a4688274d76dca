"""Symbolic chain rule over the IR: local derivatives, adjoints in terms of the intermediates,
chain products in chain order, gradients expanded in the inputs, and every gradient at once as
a straight-line adjoint program (shared intermediates instead of expression swell).

sympy is imported where it is first used, so parsing a formula and refusing its input (``gradviz
grad`` with a bad value) never load it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..ir.graph import Graph, Node
from ..ir.ops import OPS
from .sweep import backward_order, sweep

if TYPE_CHECKING:
    import sympy

__all__ = ["Symbolic", "AdjointProgram", "MAX_CHAIN_TERMS", "count_operations", "symbolic_of"]

MAX_CHAIN_TERMS = 64  # beyond this many paths a chain is shown as its adjoint, not path by path


def symbolic_of(graph: Graph) -> "Symbolic":
    """The graph's sympy views, made on first use."""
    return graph.memo("symbolic", lambda: Symbolic(graph))


class _Adjoints:
    """The sweep over sympy expressions: ∂L/∂node in terms of the intermediates."""

    def __init__(self, sym: "Symbolic"):
        self.sym = sym

    def seed(self) -> sympy.Expr:
        import sympy

        return sympy.S.One

    def locals(self, nid: str) -> tuple:
        return self.sym.locals(nid)

    def times(self, upstream: sympy.Expr, local: sympy.Expr) -> sympy.Expr:
        return upstream * local

    def plus(self, total: sympy.Expr | None, contribution: sympy.Expr) -> sympy.Expr:
        return contribution if total is None else total + contribution

    def settle(self, nid: str, total: sympy.Expr) -> sympy.Expr:
        return total

    def record(self, nid: str, upstream: sympy.Expr, sent: list) -> None:
        pass


class _Chains(_Adjoints):
    """The sweep over sums of products kept in chain order: ∂L/∂θ1 = [(2c, x, θ2)]; a node with
    more than ``MAX_CHAIN_TERMS`` paths is taken as its adjoint (one factor) from there on."""

    def seed(self) -> list[tuple]:
        return [()]

    def times(self, upstream: list[tuple], local: sympy.Expr) -> list[tuple]:
        factor = () if local == 1 else (local,)
        return [term + factor for term in upstream]

    def plus(self, total: list[tuple] | None, contribution: list[tuple]) -> list[tuple]:
        """Consumers arrive last first, so each contribution goes in front: the terms follow the formula."""
        return contribution if total is None else contribution + total

    def settle(self, nid: str, total: list[tuple]) -> list[tuple]:
        return [(self.sym.adjoints[nid],)] if len(total) > MAX_CHAIN_TERMS else total


class Symbolic:
    """Sympy views of one graph; every result is memoised, computed on first use."""

    def __init__(self, graph: Graph):
        import sympy

        self.graph = graph
        self._terms = {nid: _constant(node) if node.kind == "const" else sympy.Symbol(node.name, real=True)
                       for nid, node in graph.nodes.items()}
        self._locals: dict[str, tuple[sympy.Expr, ...]] = {}

    def term(self, nid: str) -> sympy.Expr:
        """The node as a sympy atom: its symbol (inputs, intermediates) or its number."""
        return self._terms[nid]

    def definition(self, nid: str) -> sympy.Expr:
        """An op node's expression over its operands' symbols (``a = θ1*θ2``)."""
        node = self.graph.nodes[nid]
        return OPS[node.op].sympy(tuple(self._terms[o] for o in node.operands), node.params)

    def locals(self, nid: str) -> tuple[sympy.Expr, ...]:
        """∂node/∂operand for every operand, over the operands' symbols and the node's own symbol."""
        if nid not in self._locals:
            node = self.graph.nodes[nid]
            args = tuple(self._terms[o] for o in node.operands)
            self._locals[nid] = OPS[node.op].sympy_local(args, self._terms[nid], node.params)
        return self._locals[nid]

    def local(self, nid: str, pos: int) -> sympy.Expr:
        """∂node/∂operand[pos] (memoised per node)."""
        return self.locals(nid)[pos]

    @cached_property
    def adjoints(self) -> dict[str, sympy.Expr]:
        """∂L/∂node for every input-dependent node, in terms of the intermediates."""
        return sweep(self.graph, _Adjoints(self))

    @cached_property
    def expansions(self) -> dict[str, sympy.Expr]:
        """Every node's expression in the inputs."""
        out: dict[str, sympy.Expr] = {}
        for nid, node in self.graph.nodes.items():
            if node.kind == "op":
                out[nid] = OPS[node.op].sympy(tuple(out[o] for o in node.operands), node.params)
            else:
                out[nid] = self._terms[nid]
        return out

    @cached_property
    def program(self) -> "AdjointProgram":
        """Every input's gradient as a straight-line program whose size is linear in the graph:
        the forward definitions ``a = θ1*θ2``, then one adjoint symbol a node, defined from
        its consumers' adjoints (``∂L/∂a = ∂L/∂b*x``), in the sweep's order.

        The right sides are built unevaluated (sympy's automatic simplification is most of
        the cost otherwise), so ``w*0`` or ``x**1`` may remain; they evaluate to the same."""
        import sympy

        graph = self.graph
        bar = {nid: sympy.Symbol(f"∂{graph.output}/∂{graph.nodes[nid].name}", real=True)
               for nid in graph.depends_on_inputs()}
        terms: dict[str, list[sympy.Expr]] = {graph.output_id: [sympy.S.One]} if graph.output_id in bar else {}
        backward = []
        for nid, _ in backward_order(graph):  # memoised and shared by every view: made evaluated (2c, not 2c^(2 − 1))
            self.locals(nid)
        with sympy.evaluate(False):
            forward = tuple((self._terms[nid], self.definition(nid)) for nid, node in graph.nodes.items()
                            if node.kind == "op")
            for nid, edges in backward_order(graph):
                if nid not in terms:
                    continue
                backward.append((bar[nid], sympy.Add(*terms.pop(nid))))
                for pos, operand in edges:
                    local = self.local(nid, pos)
                    terms.setdefault(operand, []).append(bar[nid] if local == 1 else bar[nid] * local)
            backward += [(bar[nid], sympy.Add(*rest)) for nid, rest in terms.items()]  # the inputs
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
        import sympy

        return self.in_inputs(self.adjoints.get(nid, sympy.S.Zero))

    def chain(self, nid: str) -> list[tuple[sympy.Expr, ...]]:
        """∂L/∂node as a sum over paths of products of local derivatives, in chain order
        (from the output down; factors equal to 1 left out)."""
        return self._chains.get(nid, [])

    @cached_property
    def _chains(self) -> dict[str, list[tuple[sympy.Expr, ...]]]:
        return sweep(self.graph, _Chains(self))


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
        import sympy

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
    import sympy

    total, stack = 0, [expr]
    while stack:
        e = stack.pop()
        if e.args:
            total += len(e.args) - 1 if isinstance(e, (sympy.Add, sympy.Mul)) else 1
            stack.extend(e.args)
    return total


def _constant(node: Node) -> sympy.Expr:
    import sympy

    if node.value is None:
        return sympy.E if node.name == "e" else sympy.pi
    return sympy.Rational(node.value.numerator, node.value.denominator)
