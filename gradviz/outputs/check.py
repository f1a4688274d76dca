"""The gradient check of ``gradviz grad --check``: backprop against ``sympy.diff`` of the graph's own
expanded formula and against a central finite difference, per input, with a verdict."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import sympy

from ..eval.backward import Backward, symbolic_by_default
from ..eval.forward import forward
from ..eval.symbolic import symbolic_of
from ..ir.ops import OPS
from ..text.numbers import format_value

__all__ = ["CheckRow", "gradient_check", "check_table", "check_json", "SYMPY_TOLERANCE", "DIFFERENCE_TOLERANCE", "SYMPY_CHECK_LIMIT"]

SYMPY_TOLERANCE = 1e-9  # relative: backprop and sympy.diff compute the same number in floats
DIFFERENCE_TOLERANCE = 1e-5  # relative: a central difference is accurate to about h² and ε/h
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
    rel_sympy: float
    rel_difference: float
    verdict: str  # "ok", "mismatch", or "kink: …" when a non-smooth op sits at its kink


def _relative(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


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
    point = {graph.nodes[nid].name: float(result.values[nid]) for nid, n in graph.nodes.items() if n.kind == "input"}
    sym = symbolic_of(graph)
    expanded = _expanded(result, len(point))
    at = {sym.term(graph.node(name).id): sympy.Float(value, 30) for name, value in point.items()}
    kinks = _kinks(result, result.values)
    rows = []
    for name, value in point.items():
        exact = math.nan if expanded is None else _number(sympy.diff(expanded, sym.term(graph.node(name).id)), at)
        h = _STEP * max(1.0, abs(value))
        up = forward(graph, {**point, name: value + h})[graph.output_id]
        down = forward(graph, {**point, name: value - h})[graph.output_id]
        difference = (up - down) / (2 * h)
        backprop = float(result.grad[name])
        rel_sympy, rel_difference = _relative(backprop, exact), _relative(backprop, difference)
        if kinks:
            verdict = f"kink: {', '.join(kinks)} at its kink, so one-sided derivatives differ; not compared"
        elif (expanded is None or rel_sympy <= SYMPY_TOLERANCE) and rel_difference <= DIFFERENCE_TOLERANCE:
            verdict = "ok"
        else:
            verdict = "mismatch"
        rows.append(CheckRow(name, backprop, exact, difference, h, rel_sympy, rel_difference, verdict))
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
                     f"{r.finite_difference:.10g} with h = {r.step:.0e} (rel. diff {r.rel_difference:.1e}): {r.verdict}")
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
