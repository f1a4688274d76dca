"""Forward interpreter: values of every node from the input values, in topological order."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Mapping

from .errors import EvaluationError, name_list
from .graph import Graph
from .notation import equation, format_value

__all__ = ["forward", "check_inputs", "constant_value", "node_error"]


def check_inputs(graph: Graph, values: Mapping[str, Any], exact: bool = False) -> dict[str, Any]:
    """Input values by canonical name, as floats (or sympy rationals when ``exact``)."""
    missing = [name for name in graph.inputs if name not in values]
    if missing:
        raise EvaluationError(f"missing value for {name_list(missing)} (the inputs are {name_list(graph.inputs)})")
    known = frozenset(graph.inputs)
    unknown = [name for name in values if name not in known]
    if unknown:
        raise EvaluationError(f"unknown input {name_list(unknown)} (the inputs are {name_list(graph.inputs)})")
    return {name: _number(name, values[name], exact) for name in graph.inputs}


def _number(name: str, value: Any, exact: bool) -> Any:
    if isinstance(value, str):
        try:
            value = Fraction(value.strip().replace("−", "-"))
        except (ValueError, ZeroDivisionError):
            raise EvaluationError(f"value of {name} is not a number: {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise EvaluationError(f"value of {name} is not a real number: {value!r}")
    if not math.isfinite(float(value)):
        raise EvaluationError(f"value of {name} is not finite: {value!r}")
    if exact:
        import sympy

        if isinstance(value, float):
            value = Fraction(repr(value))  # 0.1 means 1/10, not its binary approximation
        return sympy.Rational(Fraction(value)) if not isinstance(value, sympy.Basic) else value
    return float(value)


def constant_value(graph: Graph, nid: str, exact: bool = False) -> Any:
    """The value of a constant node."""
    node = graph.nodes[nid]
    if exact:
        import sympy

        if node.value is None:
            return sympy.E if node.name == "e" else sympy.pi
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if node.value is None:
        return math.e if node.name == "e" else math.pi
    return float(node.value)


def forward(graph: Graph, inputs: Mapping[str, Any], exact: bool = False) -> dict[str, Any]:
    """Every node's value, by node id; ``inputs`` as returned by ``check_inputs``."""
    from .ops import OPS, EvaluationDomainError

    values: dict[str, Any] = {}
    for nid, node in graph.nodes.items():
        if node.kind == "input":
            values[nid] = inputs[node.name]
        elif node.kind == "const":
            values[nid] = constant_value(graph, nid, exact)
        else:
            args = tuple(values[o] for o in node.operands)
            try:
                out = OPS[node.op].evaluate(args, node.params, exact)
            except EvaluationDomainError as exc:
                raise node_error(graph, nid, str(exc), args) from None
            if not exact and not math.isfinite(out):
                raise node_error(graph, nid, f"the value is {out}", args)
            values[nid] = out
    return values


def node_error(graph: Graph, nid: str, problem: str, args: tuple) -> EvaluationError:
    """An error that names the node, its equation and its operands' values."""
    node = graph.nodes[nid]
    shown = ", ".join(f"{graph.nodes[o].name} = {format_value(v)}" for o, v in zip(node.operands, args)
                      if graph.nodes[o].kind != "const")
    where = f" where {shown}" if shown else ""
    return EvaluationError(f"{problem} at node {equation(graph, nid)}{where}", node=node.name)

