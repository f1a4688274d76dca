"""Forward interpreter: values of every node from the input values, in topological order."""

from __future__ import annotations

import math
from typing import Any, Mapping

from ..errors import EvaluationError
from ..ir.graph import Graph
from ..ir.numbers import hand as hand_number
from ..ir.numbers import too_long
from ..ir.ops import OPS, EvaluationDomainError
from ..text.numbers import MESSAGE_DIGITS, format_value
from ..text.structure import equation

__all__ = ["forward", "constant_value", "node_error"]


def constant_value(graph: Graph, nid: str, exact: bool = False, hand: bool = False) -> Any:
    """The value of a constant node (a float, a hand number when ``hand``, or a sympy number
    when ``exact``)."""
    node = graph.nodes[nid]
    if hand and node.value is not None and not too_long(node.value.numerator, node.value.denominator):
        try:
            return hand_number(node.value)
        except OverflowError:
            pass  # beyond a float: the float form's error below
    elif hand:
        return hand_number(constant_value(graph, nid))
    if exact:
        import sympy

        if node.value is None:
            return sympy.E if node.name == "e" else sympy.pi
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if node.value is None:
        return math.e if node.name == "e" else math.pi
    try:
        return float(node.value)
    except OverflowError:
        raise EvaluationError(f"the constant {node.name[:40]} is beyond the range of a float; "
                              "gradviz grad --exact computes with exact numbers",
                              node=node.name) from None


def forward(graph: Graph, inputs: Mapping[str, Any], exact: bool = False, hand: bool = False) -> dict[str, Any]:
    """Every node's value, by node id; ``inputs`` as returned by ``check_inputs`` (hand numbers when
    ``hand``)."""
    values: dict[str, Any] = {}
    for nid, node in graph.nodes.items():
        if node.kind == "input":
            values[nid] = inputs[node.name]
        elif node.kind == "const":
            values[nid] = constant_value(graph, nid, exact, hand)
        else:
            args = tuple(values[o] for o in node.operands)
            try:
                out = OPS[node.op].evaluate(args, node.params, exact, hand)
            except EvaluationDomainError as exc:
                raise node_error(graph, nid, str(exc), args) from None
            if not exact and not hand and not math.isfinite(out):
                raise node_error(graph, nid, f"the value is {format_value(out, MESSAGE_DIGITS)}", args)
            values[nid] = out
    return values


def node_error(graph: Graph, nid: str, problem: str, args: tuple) -> EvaluationError:
    """An error that names the node, its equation and its operands' values."""
    node = graph.nodes[nid]
    shown = ", ".join(f"{graph.nodes[o].name} = {format_value(v, MESSAGE_DIGITS)}" for o, v in zip(node.operands, args)
                      if graph.nodes[o].kind != "const")
    where = f" where {shown}" if shown else ""
    return EvaluationError(f"{problem} at node {equation(graph, nid)}{where}", node=node.name)
