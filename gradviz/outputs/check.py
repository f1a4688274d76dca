"""The gradient check of ``gradviz grad --check``: backprop against ``sympy.diff`` of the graph's own
expanded formula at the point as given (``0.1`` is 1/10) and against a central finite difference,
per input, with a verdict.

Differences are measured against the size of the terms the gradient is a sum of (``magnitudes``:
the backward sweep over absolute values, Σ over paths of Π|local|), since float rounding errs in
proportion to them: a gradient that cancels to 0 from terms of size 1 may come out as 1e−17,
which is no mismatch; a wrong local derivative errs in proportion to them too, and is one."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import sympy

from ..eval.backward import Backward, symbolic_by_default
from ..eval.forward import forward
from ..eval.sweep import sweep
from ..eval.symbolic import symbolic_of
from ..ir.numbers import exact as exact_number
from ..ir.ops import OPS
from ..text.numbers import format_value

__all__ = ["CheckRow", "gradient_check", "check_table", "check_json", "magnitudes", "SYMPY_TOLERANCE",
           "DIFFERENCE_TOLERANCE", "SYMPY_CHECK_LIMIT"]

SYMPY_TOLERANCE = 1e-9  # relative to the terms' size: backprop rounds each term to a float, sympy does not
DIFFERENCE_TOLERANCE = 1e-5  # relative to the terms' size: a central difference is accurate to about h² and ε/h
_STEP = 1e-6  # relative to the input's size
#: inputs × symbols of the expanded formula up to which sympy.diff checks each input: about 3 s
#: (softmax of 30 arguments: 1,980, 2.5 s; of 50: 5,300, 13 s); beyond, and for graphs whose
#: expansion sympy cannot hold (deep chains recurse past Python's limit), the central difference alone
SYMPY_CHECK_LIMIT = 2_000


@dataclass(frozen=True)
class CheckRow:
    """One input's three derivatives, their relative differences and the verdict."""

    input: str
    backprop: float
    sympy: float
    finite_difference: float
    step: float
    rel_sympy: float  # |backprop − sympy| over the scale
    rel_difference: float  # |backprop − difference| over the scale
    verdict: str  # "ok", "mismatch", or "kink: …" when a non-smooth op sits at its kink
    scale: float = 0.0  # the larger of the two compared and the size of the terms (``magnitudes``)


def _relative(a: float, b: float, terms: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    scale = max(abs(a), abs(b), terms)
    return 0.0 if scale == 0 else abs(a - b) / scale


class _Sizes:
    """The backward sweep over absolute values: what a node's gradient is the sum of, in size."""

    def __init__(self, result: Backward):
        self.graph, self.values = result.graph, result.values

    def seed(self) -> float:
        return 1.0

    def locals(self, nid: str) -> tuple:
        node = self.graph.nodes[nid]
        args = tuple(self.values[o] for o in node.operands)
        return tuple(abs(float(d)) for d in OPS[node.op].derivatives(args, self.values[nid], node.params))

    def times(self, upstream: float, local: float) -> float:
        return upstream * local

    def plus(self, total: float | None, contribution: float) -> float:
        return contribution if total is None else total + contribution

    def settle(self, nid: str, total: float) -> float:
        return total

    def record(self, nid: str, upstream: float, sent: list) -> None:
        pass


def magnitudes(result: Backward) -> dict[str, float]:
    """Per input, Σ over the chain-rule paths of Π|local derivative|: the size of the terms its
    gradient adds up (equal to |gradient| where nothing cancels)."""
    graph = result.graph
    sizes = sweep(graph, _Sizes(result))
    return {n.name: sizes.get(nid, 0.0) for nid, n in graph.nodes.items() if n.kind == "input"}


def _kinks(result: Backward, values: dict[str, Any]) -> list[str]:
    """The op nodes at (or within a few steps of) their kink at this point."""
    graph, out = result.graph, []
    for nid, node in graph.nodes.items():
        spec = OPS.get(node.op) if node.kind == "op" else None
        if spec is not None and spec.kink is not None:
            args = tuple(float(values[o]) for o in node.operands)
            if spec.kink(*args if not spec.variadic else (args,)):
                out.append(f"{node.name} = {spec.key}(…)")
    return out


def gradient_check(result: Backward) -> list[CheckRow]:
    """Every input's gradient three ways; ``result`` must have values (``--at``)."""
    graph = result.graph
    given = result.hand if result.hand is not None else result.values  # the point as given: 0.1 is 1/10
    decimals = {graph.nodes[nid].name: exact_number(given[nid]) for nid, n in graph.nodes.items() if n.kind == "input"}
    point = {name: float(value) for name, value in decimals.items()}
    sym = symbolic_of(graph)
    expanded = _expanded(result, len(point))
    at = {sym.term(graph.node(name).id): sympy.Rational(v.numerator, v.denominator) for name, v in decimals.items()}
    kinks = _kinks(result, result.values)
    sizes = magnitudes(result) if not kinks else {}
    rows = []
    for name, value in point.items():
        exact = math.nan if expanded is None else _number(sympy.diff(expanded, sym.term(graph.node(name).id)), at)
        h = _STEP * max(1.0, abs(value))
        up = forward(graph, {**point, name: value + h})[graph.output_id]
        down = forward(graph, {**point, name: value - h})[graph.output_id]
        difference = (up - down) / (2 * h)
        backprop = float(result.grad[name])
        terms = sizes.get(name, 0.0)
        rel_sympy, rel_difference = _relative(backprop, exact, terms), _relative(backprop, difference, terms)
        if kinks:
            verdict = f"kink: {', '.join(kinks)} at its kink, so one-sided derivatives differ; not compared"
        elif (expanded is None or rel_sympy <= SYMPY_TOLERANCE) and rel_difference <= DIFFERENCE_TOLERANCE:
            verdict = "ok"
        else:
            verdict = "mismatch"
        rows.append(CheckRow(name, backprop, exact, difference, h, rel_sympy, rel_difference, verdict,
                             max(abs(backprop), abs(exact), terms)))
    return rows


def _expanded(result: Backward, inputs: int) -> Any:
    """The output expanded in the inputs, for sympy.diff; None when the graph is too big or deep for
    sympy (estimated before sympy builds anything) or its expansion too big to differentiate per input."""
    if not symbolic_by_default(result.graph):
        return None
    expanded = symbolic_of(result.graph).expansions[result.graph.output_id]
    size = sum(1 for _ in sympy.preorder_traversal(expanded))
    return expanded if inputs * size <= SYMPY_CHECK_LIMIT else None


def _number(derivative: Any, at: dict) -> float:
    """``derivative`` at the point, as a float; NaN where it has no real number (a Dirac delta at a step)."""
    value = derivative.subs(at).evalf(30)
    try:
        return float(value) if value.is_real and value.is_finite else math.nan
    except TypeError:
        return math.nan


def check_table(rows: list[CheckRow]) -> str:
    """The check as readable lines, one per input, and an overall verdict."""
    lines = ["gradient check (backprop; sympy.diff of the expanded formula; central difference):"]
    skipped = all(math.isnan(r.sympy) for r in rows) and rows
    if skipped:
        lines[0] = (f"gradient check (backprop; central difference; sympy.diff skipped: the formula is too big or deep "
                    f"for sympy, over {SYMPY_CHECK_LIMIT:,} inputs × symbols or beyond the symbolic limits):")
    for r in rows:
        by_sympy = "" if skipped else f", sympy.diff {format_value(r.sympy)} (rel. diff {r.rel_sympy:.1e})"
        lines.append(f"  ∂/∂{r.input}: backprop {format_value(r.backprop)}{by_sympy}, central difference "
                     f"{format_value(r.finite_difference)} with h = {r.step:.0e} (rel. diff {r.rel_difference:.1e}): "
                     f"{r.verdict}")
    bad = [r.input for r in rows if r.verdict == "mismatch"]
    compared = [r for r in rows if not r.verdict.startswith("kink")]
    verdict = (f"MISMATCH for {', '.join(bad)}" if bad else "all gradients agree" if compared
               else "not compared: the point is at a kink; try a point beside it")
    lines.append(f"verdict: {verdict}")
    return "\n".join(lines)


def check_json(rows: list[CheckRow]) -> dict[str, Any]:
    """The check for ``--json``: per input, the same numbers and verdict (NaN as null)."""
    return {r.input: {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                      for k, v in asdict(r).items() if k != "input"} for r in rows}
