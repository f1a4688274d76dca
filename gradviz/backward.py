"""Backward interpreter: ``Step`` records in reverse topological order, output first."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

from .forward import check_inputs, forward, node_error
from .graph import Graph
from .inputs import canonical_values

if TYPE_CHECKING:
    import sympy

    from .notebook import Derivation, FrameView, StaticFrames, Stepper
    from .style import Style

__all__ = ["Contribution", "Step", "BackwardResult", "backward", "SYMBOLIC_LIMIT", "SYMBOLIC_DEPTH",
           "symbolic_by_default"]

SYMBOLIC_LIMIT = 400  # nodes up to which backward() also builds the symbolic side by default
SYMBOLIC_DEPTH = 40  # ... and nonlinear levels: expanded gradients grow with them (x^x^x… cubically)
_LINEAR = frozenset({"add", "sub", "neg", "id"})  # local derivatives ±1: they add no factor to a chain


def symbolic_by_default(graph: Graph) -> bool:
    """Whether ``backward()`` builds the symbolic side when not told: small, shallow graphs."""
    return len(graph) <= SYMBOLIC_LIMIT and graph.depth(skip=_LINEAR) <= SYMBOLIC_DEPTH


@dataclass(frozen=True)
class Contribution:
    """What one step sends to one operand: local derivative × upstream, and the running sum."""

    operand: str  # node id
    position: int
    local: Any = None  # ∂node/∂operand (number), None without values
    value: Any = None  # upstream × local
    total: Any = None  # the operand's gradient so far, this contribution included
    local_expr: "sympy.Expr | None" = None  # the same three in terms of the intermediates
    value_expr: "sympy.Expr | None" = None
    total_expr: "sympy.Expr | None" = None


@dataclass(frozen=True)
class Step:
    """One backward step: the node whose gradient (``upstream``) is pushed to its operands."""

    node: str  # node id
    name: str
    upstream: Any = None  # ∂L/∂node
    upstream_expr: "sympy.Expr | None" = None
    contributions: tuple[Contribution, ...] = ()
    result: "BackwardResult | None" = field(default=None, repr=False, compare=False)  # set by result.steps

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """The step's frame as a picture (notebooks)."""
        from .notebook import show_step

        return show_step(self)._repr_mimebundle_(include, exclude)


class BackwardResult:
    """Forward values, every node's gradient, and (computed on first use) the steps."""

    def __init__(self, graph: Graph, values: dict[str, Any] | None, adjoints: dict[str, Any] | None,
                 steps: tuple[Step, ...] | None = None, *, exact: bool = False, symbolic: bool = True):
        self.graph, self.values, self.adjoints = graph, values, adjoints
        self._steps, self._exact, self._symbolic = steps, exact, symbolic
        self._slides: dict = {}  # Style → render.export.Slides, kept by the notebook display

    @property
    def steps(self) -> tuple[Step, ...]:
        """One ``Step`` per op node, output first (reverse topological order)."""
        if self._steps is None:
            self._steps, _ = walk(self.graph, self.values, self._exact, self._symbolic)
        if self._steps and self._steps[0].result is not self:
            self._steps = tuple(replace(s, result=self) for s in self._steps)
        return self._steps

    @property
    def has_symbolic(self) -> bool:
        """Whether the steps carry the symbolic side (cheap: does not build the steps)."""
        if self._steps is not None:
            return bool(self._steps) and self._steps[0].upstream_expr is not None
        depends = self.graph.depends_on_inputs()
        return self._symbolic and any(n.kind == "op" and nid in depends for nid, n in self.graph.nodes.items())

    @property
    def value(self) -> Any:
        """The output's value."""
        return None if self.values is None else self.values[self.graph.output_id]

    @property
    def grad(self) -> dict[str, Any] | None:
        """∂L/∂input for every input, by canonical name."""
        if self.adjoints is None:
            return None
        return {n.name: self.adjoints[nid] for nid, n in self.graph.nodes.items() if n.kind == "input"}

    # -- notebooks (implemented in notebook.py) ---------------------------------------------
    def show(self, step: int | None = None, *, style: "Style | None" = None) -> "FrameView":
        """The figure of backward step ``step`` (index into ``steps``; None: every gradient)."""
        from .notebook import show

        return show(self, step, style)

    def frames(self, *, style: "Style | None" = None) -> "list[FrameView]":
        """Every frame in order (structure, forward, each step, gradients), laid out once."""
        from .notebook import frame_views

        return frame_views(self, style)

    def stepper(self, *, style: "Style | None" = None, start: int = 0) -> "Stepper | StaticFrames":
        """Previous/next buttons and a slider over the frames (static frames without ipywidgets)."""
        from .notebook import stepper

        return stepper(self, style, start)

    def derivation(self, wrt: str | None = None) -> "Derivation":
        """The chain-rule derivation (``wrt``: one input's lines), typeset math in notebooks."""
        from .notebook import Derivation

        return Derivation(self, wrt)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """The final frame (every gradient) as a picture."""
        return self.show()._repr_mimebundle_(include, exclude)

    def __repr__(self) -> str:
        if self.values is None:
            return f"<gradviz.BackwardResult {self.graph.output}: symbolic only>"
        return f"<gradviz.BackwardResult {self.graph.output} = {self.value}, grad {self.grad}>"


def backward(graph: Graph, at: Mapping[str, Any] | None = None, *, exact: bool = False,
             symbolic: bool | None = None) -> BackwardResult:
    """Run forward (when values are given) and backward over ``graph``.

    Floats go through the compiled ``Plan``; exact values, and any numeric trouble, through
    the interpreters, which raise an ``EvaluationError`` naming the node.
    """
    want_symbolic = symbolic if symbolic is not None else symbolic_by_default(graph)
    if at is None:
        return BackwardResult(graph, None, None, symbolic=want_symbolic)
    inputs = check_inputs(graph, canonical_values(at, graph.inputs), exact)
    if not exact:
        fast = graph.plan.run([inputs[name] for name in graph.inputs])
        if fast is not None:
            values, adjoint = (dict(zip(graph.order, column)) for column in fast)
            return BackwardResult(graph, values, adjoint, symbolic=want_symbolic)
    values = forward(graph, inputs, exact)
    steps, adjoint = walk(graph, values, exact, want_symbolic)
    return BackwardResult(graph, values, adjoint, steps, exact=exact, symbolic=want_symbolic)


def walk(graph: Graph, values: dict[str, Any] | None, exact: bool, symbolic: bool
         ) -> tuple[tuple[Step, ...], dict[str, Any] | None]:
    """The backward interpreter: every step with its contributions and running sums."""
    from .ops import OPS, EvaluationDomainError

    sym = graph.symbolic if symbolic else None
    sym_adjoint = sym.adjoints if sym else None
    depends = graph.depends_on_inputs()
    adjoint: dict[str, Any] = {nid: _zero(exact) for nid in graph.order}
    adjoint[graph.output_id] = _one(exact)
    running_expr: dict[str, Any] = {}
    steps: list[Step] = []
    for nid in reversed(graph.order):
        node = graph.nodes[nid]
        if node.kind != "op" or nid not in depends:
            continue
        up = adjoint[nid] if values is not None else None
        locals_ = None
        if values is not None:
            args = tuple(values[o] for o in node.operands)
            try:
                locals_ = OPS[node.op].derivatives(args, values[nid], node.params, exact)
            except EvaluationDomainError as exc:
                raise node_error(graph, nid, str(exc), args) from None
        contributions = []
        for pos, operand in enumerate(node.operands):
            if operand not in depends:
                continue
            fields: dict[str, Any] = {}
            if locals_ is not None:
                value = up * locals_[pos]
                total = adjoint[operand] + value
                if not exact and not math.isfinite(total):
                    raise node_error(graph, nid, f"the gradient reaching {graph.nodes[operand].name} is {total}",
                                     tuple(values[o] for o in node.operands))
                adjoint[operand] = total
                fields.update(local=locals_[pos], value=value, total=total)
            if sym is not None:
                local_expr = sym.local(nid, pos)
                value_expr = sym_adjoint[nid] * local_expr
                running_expr[operand] = running_expr.get(operand, 0) + value_expr
                fields.update(local_expr=local_expr, value_expr=value_expr, total_expr=running_expr[operand])
            contributions.append(Contribution(operand, pos, **fields))
        steps.append(Step(nid, node.name, up, sym_adjoint[nid] if sym else None, tuple(contributions)))
    return tuple(steps), (adjoint if values is not None else None)


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
