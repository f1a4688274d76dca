"""The backward pass as records: values, every node's gradient, and one ``Step`` per op node
(output first) with what it sends to each operand — the numbers from the sweep, and the same
in terms of the intermediates from the symbolic views.

The numbers are hand numbers (``ir.numbers.hand``: exact for the rational part of the graph,
correctly rounded beyond) given as the nearest floats, so that 0.5·1 − 0.3·2 + 0.1 is 0 as a
hand calculation gives it; graphs over ``HAND_LIMIT`` nodes go through the compiled float plan."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

from ..ir.graph import Graph
from ..ir.numbers import hand as hand_number, hand_sum
from ..ir.ops import OPS, EvaluationDomainError
from ..errors import EvaluationError
from .forward import forward, node_error
from .inputs import canonical_values, check_inputs
from .paths import path_terms
from .plan import plan_of
from .sweep import backward_order, sweep
from .symbolic import symbolic_of

__all__ = ["Contribution", "Step", "Backward", "backward", "SYMBOLIC_LIMIT", "SYMBOLIC_DEPTH", "SYMBOLIC_PATHS",
           "SYMBOLIC_TERMS", "symbolic_by_default", "local_terms", "feeding_output", "HAND_LIMIT"]

HAND_LIMIT = 2_000  # nodes up to which the numbers are hand numbers (beyond: the float plan, as training runs)
SYMBOLIC_LIMIT = 400  # nodes up to which backward() also builds the symbolic side by default
SYMBOLIC_DEPTH = 40  # ... and nonlinear levels: expanded gradients grow with them (x^x^x… cubically)
SYMBOLIC_PATHS = 2_000  # ... and chain-rule paths over all nodes (``paths.path_terms``): a^a chained doubles them
#: ... and terms of the local derivatives (``local_terms``): softmax of 100 logits has 10,000 (4 s of
#: ``grad``), of 300 90,000 (19 s), of 500 sympy recursed past Python's limit
SYMBOLIC_TERMS = 10_000
_LINEAR = frozenset({"add", "sub", "neg", "id"})  # local derivatives ±1: they add no factor to a chain


def symbolic_by_default(graph: Graph) -> bool:
    """Whether ``backward()`` builds the symbolic side when not told: small, shallow graphs
    whose chain rule has not too many paths to write out."""
    return (len(graph) <= SYMBOLIC_LIMIT and graph.depth(skip=_LINEAR) <= SYMBOLIC_DEPTH
            and path_terms(graph) <= SYMBOLIC_PATHS and local_terms(graph) <= SYMBOLIC_TERMS)


def local_terms(graph: Graph) -> int:
    """The size of the local derivatives, estimated before sympy builds them: operands² summed
    over the ops (an op of n operands has n local derivatives of up to n terms each, softmax's)."""
    return sum(len(node.operands) ** 2 for node in graph.nodes.values() if node.kind == "op")


@dataclass(frozen=True)
class Contribution:
    """What one step sends to one operand: local derivative × upstream, and the running sum."""

    operand: str  # node id
    position: int
    local: Any = None  # ∂node/∂operand (number), None without values
    value: Any = None  # upstream × local
    total: Any = None  # the operand's gradient so far, this contribution included
    local_expr: Any = None  # the same three as sympy expressions over the intermediates
    value_expr: Any = None
    total_expr: Any = None


@dataclass(frozen=True)
class Step:
    """One backward step: the node whose gradient (``upstream``) is pushed to its operands."""

    node: str  # node id
    name: str
    upstream: Any = None  # ∂L/∂node
    upstream_expr: Any = None
    contributions: tuple[Contribution, ...] = ()
    result: Any = field(default=None, repr=False, compare=False)  # the Backward it belongs to


class _Numbers:
    """The sweep over numbers: local derivatives from the op specs, errors naming the node.

    With ``hand``, ``values`` are hand numbers and so is every sum and product; what is recorded
    (``sent``, ``shown``) is their nearest float."""

    def __init__(self, graph: Graph, values: dict[str, Any], exact: bool, hand: bool = False):
        self.graph, self.values, self.exact, self.hand = graph, values, exact, hand
        self.sent: dict[str, tuple[Any, list]] = {}

    def seed(self) -> Any:
        return Fraction(1) if self.hand else _one(self.exact)

    def locals(self, nid: str) -> tuple:
        node = self.graph.nodes[nid]
        args = tuple(self.values[o] for o in node.operands)
        try:
            return OPS[node.op].derivatives(args, self.values[nid], node.params, self.exact, self.hand)
        except EvaluationDomainError as exc:
            raise node_error(self.graph, nid, str(exc), args) from None

    def times(self, upstream: Any, local: Any) -> Any:
        return self._bounded(upstream * local, "gradient")

    def plus(self, total: Any, contribution: Any) -> Any:
        if total is None:
            return contribution
        return self._bounded(hand_sum(total, contribution) if self.hand else total + contribution, "gradient")

    def settle(self, nid: str, total: Any) -> Any:
        return total

    def shown(self, value: Any) -> Any:
        """A number as the records give it (a hand number's nearest float)."""
        return float(value) if self.hand and value is not None else value

    def record(self, nid: str, upstream: Any, sent: list) -> None:
        self.check(nid, upstream, sent)
        if self.hand:
            upstream = self.shown(upstream)
            sent = [(pos, operand, *map(self.shown, numbers)) for pos, operand, *numbers in sent]
        self.sent[nid] = (upstream, sent)

    def check(self, nid: str, upstream: Any, sent: list) -> None:
        """Float mode: an error naming the node where a gradient is not finite."""
        if not self.exact and not self.hand:
            for pos, operand, _, _, total in sent:
                if not math.isfinite(total):
                    node = self.graph.nodes[nid]
                    raise node_error(self.graph, nid, f"the gradient reaching {self.graph.nodes[operand].name} is "
                                     f"{total}", tuple(self.values[o] for o in node.operands))

    def _bounded(self, value: Any, what: str) -> Any:
        if not self.hand:
            return value
        try:
            return hand_number(value)
        except OverflowError:
            raise EvaluationError(f"a {what} overflows a float") from None


class Backward:
    """Forward values, every node's gradient, and (made on first use) the steps."""

    def __init__(self, graph: Graph, values: dict[str, Any] | None, adjoints: dict[str, Any] | None,
                 steps: tuple[Step, ...] | None = None, *, exact: bool = False, symbolic: bool = True,
                 hand: dict[str, Fraction] | None = None):
        self.graph, self.values, self.adjoints = graph, values, adjoints
        self._steps, self.exact, self.symbolic = steps, exact, symbolic
        self.hand = hand  # every node's value as a hand number, when the numbers are hand numbers
        self._numbers: _Numbers | None = None

    @property
    def steps(self) -> tuple[Step, ...]:
        """One ``Step`` per op node that depends on the inputs, output first."""
        if self._steps is None:
            self._steps, _ = walk(self.graph, self.values, self.exact, self.symbolic, self._numbers)
        return self._steps

    @property
    def has_symbolic(self) -> bool:
        """Whether the steps carry the symbolic side."""
        depends = self.graph.depends_on_inputs()
        return self.symbolic and any(n.kind == "op" and nid in depends for nid, n in self.graph.nodes.items())

    @property
    def value(self) -> Any:
        """The output's value."""
        return None if self.values is None else self.values[self.graph.output_id]

    @property
    def grad(self) -> dict[str, Any] | None:
        """∂L/∂input for every input, by canonical name."""
        if self.adjoints is None:
            return None
        return {n.name: self.adjoints.get(nid, _zero(self.exact)) for nid, n in self.graph.nodes.items()
                if n.kind == "input"}

    def __repr__(self) -> str:
        if self.values is None:
            return f"<gradviz.BackwardResult {self.graph.output}: symbolic only>"
        return f"<gradviz.BackwardResult {self.graph.output} = {self.value}, grad {self.grad}>"


def backward(graph: Graph, at: Mapping[str, Any] | None = None, *, exact: bool = False,
             symbolic: bool | None = None, hand: bool | None = None,
             result_type: type[Backward] = Backward) -> Backward:
    """Run forward (when values are given) and backward over ``graph``.

    The numbers are hand numbers' nearest floats (``hand``; by default up to ``HAND_LIMIT``
    nodes); else floats go through the compiled plan; exact values, and any numeric trouble,
    through the interpreters, which raise an ``EvaluationError`` naming the node."""
    want_symbolic = symbolic if symbolic is not None else symbolic_by_default(graph)
    if at is None:
        return result_type(graph, None, None, symbolic=want_symbolic)
    hand = not exact and (len(graph) <= HAND_LIMIT if hand is None else hand)
    inputs = check_inputs(graph, canonical_values(at, graph.inputs), exact, hand)
    if hand:
        exact_values = forward(graph, inputs, hand=True)
        numbers = _Numbers(graph, exact_values, False, hand=True)
        totals = sweep(graph, numbers)
        result = result_type(graph, {nid: float(v) for nid, v in exact_values.items()},
                             {nid: float(totals.get(nid, 0)) for nid in graph.order},
                             symbolic=want_symbolic, hand=exact_values)
        result._numbers = numbers
        return result
    if not exact:
        fast = plan_of(graph).run([inputs[name] for name in graph.inputs])
        if fast is not None:
            values, adjoint = (dict(zip(graph.order, column)) for column in fast)
            return result_type(graph, values, adjoint, symbolic=want_symbolic)
    values = forward(graph, inputs, exact)
    steps, adjoint = walk(graph, values, exact, want_symbolic)
    return result_type(graph, values, adjoint, steps, exact=exact, symbolic=want_symbolic)


def walk(graph: Graph, values: dict[str, Any] | None, exact: bool, symbolic: bool, numbers: _Numbers | None = None
         ) -> tuple[tuple[Step, ...], dict[str, Any] | None]:
    """The steps: the numbers from a sweep over ``values`` (or the sweep ``numbers`` already ran),
    the expressions from the symbolic views."""
    totals = None
    if numbers is None and values is not None:
        numbers = _Numbers(graph, values, exact)
        totals = sweep(graph, numbers)
    sym = symbolic_of(graph) if symbolic else None
    adjoint_exprs = sym.adjoints if sym else {}
    running: dict[str, Any] = {}
    steps = []
    for nid, edges in _order(graph):
        upstream, sent = numbers.sent[nid] if numbers else (None, [(pos, o, None, None, None) for pos, o in edges])
        contributions = []
        for pos, operand, local, value, total in sent:
            exprs: dict[str, Any] = {}
            if sym is not None:
                local_expr = sym.local(nid, pos)
                value_expr = adjoint_exprs[nid] * local_expr
                running[operand] = running.get(operand, 0) + value_expr
                exprs = dict(local_expr=local_expr, value_expr=value_expr, total_expr=running[operand])
            contributions.append(Contribution(operand, pos, local, value, total, **exprs))
        steps.append(Step(nid, graph.nodes[nid].name, upstream, adjoint_exprs.get(nid), tuple(contributions)))
    if totals is not None:
        totals = {nid: totals.get(nid, _zero(exact)) for nid in graph.order}
    return tuple(steps), totals


def _order(graph: Graph) -> list[tuple[str, tuple[tuple[int, str], ...]]]:
    """The sweep's order, restricted to the nodes that feed the output."""
    feeding = feeding_output(graph)
    return [(nid, edges) for nid, edges in backward_order(graph) if nid in feeding]


def feeding_output(graph: Graph) -> frozenset[str]:
    """Ids of the nodes the output depends on (itself included)."""
    return graph.memo("feeds output", lambda: _feeding(graph))


def _feeding(graph: Graph) -> frozenset[str]:
    feeds = {graph.output_id}
    for nid in reversed(graph.order):
        if nid in feeds:
            feeds.update(graph.nodes[nid].operands)
    return frozenset(feeds)


def _one(exact: bool) -> Any:
    if exact:
        import sympy

        return sympy.S.One
    return 1.0


def _zero(exact: bool) -> Any:
    if exact:
        import sympy

        return sympy.S.Zero
    return 0.0
