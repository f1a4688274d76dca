"""Input values as users give them: any alias of a name (``theta1`` for ``θ1``) as the key, any
real number (``2``, ``"−1"``, ``0.5``, a numpy scalar, a ``Fraction``) as the value."""

from __future__ import annotations

import math
from typing import Any, Mapping

from ..errors import EvaluationError, GradvizError, ParseError, name_list
from ..ir.graph import Graph
from ..ir.numbers import exact
from ..ir.numbers import hand as hand_number
from ..syntax import parse
from ..syntax.parser import soup_hints

__all__ = ["canonical_key", "canonical_values", "check_inputs", "input_name"]


def canonical_key(key: Any, inputs: tuple[str, ...] | frozenset[str]) -> str:
    """The canonical input name that ``key`` spells (any alias the parser accepts)."""
    if not isinstance(key, str):
        raise EvaluationError(f"{_short(key)} is not a variable name (the inputs are {name_list(inputs)})")
    if key in inputs:
        return key
    try:
        graph = parse(key.strip())
    except ParseError:
        raise EvaluationError(f"{key!r} is not a variable name (the inputs are {name_list(inputs)})") from None
    if len(graph.inputs) != 1 or len(graph.nodes) != 2:
        raise EvaluationError(f"{key!r} is not a single variable name (the inputs are {name_list(inputs)})")
    if graph.inputs[0] not in inputs:
        raise EvaluationError(f"unknown input {key} (the inputs are {name_list(inputs)})")
    return graph.inputs[0]


def canonical_values(at: Mapping[Any, Any], inputs: tuple[str, ...]) -> dict[str, Any]:
    """``at`` re-keyed by canonical names; two spellings of one name are an error."""
    if not isinstance(at, Mapping):
        raise EvaluationError(f"values are given as a mapping from input names to numbers, not {type(at).__name__}")
    out: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    known = frozenset(inputs)
    for key, value in at.items():
        name = key if isinstance(key, str) and key in known else canonical_key(key, inputs)
        if name in out:
            raise EvaluationError(f"{name} is given twice (as {spelled[name]!r} and {key!r})")
        out[name], spelled[name] = value, str(key)
    return out


def check_inputs(graph: Graph, values: Mapping[str, Any], exact_mode: bool = False,
                 hand: bool = False) -> dict[str, Any]:
    """Input values by canonical name, as floats (hand numbers when ``hand``: the decimals as
    given, ``Fraction("0.1")``; sympy rationals when ``exact_mode``)."""
    missing = [name for name in graph.inputs if name not in values]
    if missing:
        hints = "".join(f"; {hint}" for hint in soup_hints(graph.source))  # sigmod: did you mean sigmoid(…)?
        raise EvaluationError(f"missing value for {name_list(missing)} (the inputs are {name_list(graph.inputs)}){hints}")
    known = frozenset(graph.inputs)
    unknown = [name for name in values if name not in known]
    if unknown:
        raise EvaluationError(f"unknown input {name_list(unknown)} (the inputs are {name_list(graph.inputs)})")
    return {name: _number(name, values[name], exact_mode, hand) for name in graph.inputs}


def _number(name: str, value: Any, exact_mode: bool, hand: bool = False) -> Any:
    try:
        number = exact(value, f"the value of {name}")
    except GradvizError as exc:
        raise EvaluationError(str(exc)) from None
    if exact_mode:
        import sympy

        return sympy.Rational(number.numerator, number.denominator)
    try:
        result = float(number)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise EvaluationError(f"the value of {name} is beyond the range of a float ({value!r}); "
                              "gradviz grad --exact computes with exact numbers")
    return hand_number(number) if hand else result


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def input_name(graph: Graph, name: Any) -> str:
    """The canonical name of the input ``name`` spells (``theta1`` → ``θ1``), or a ``GradvizError``
    listing the inputs."""
    try:
        key = canonical_key(name, graph.inputs)
    except EvaluationError:
        key = None
    if key not in graph.inputs:
        raise GradvizError(f"{_short(name)} is not an input of {graph.output}; the inputs are {name_list(graph.inputs)}")
    return key
