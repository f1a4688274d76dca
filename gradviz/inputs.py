"""Input values as users give them: aliases of names (``theta1`` for ``θ1``) and checks."""

from __future__ import annotations

from typing import Any, Mapping

from .errors import EvaluationError, ParseError, name_list

__all__ = ["canonical_key", "canonical_values"]


def canonical_key(key: str, inputs: tuple[str, ...] | frozenset[str]) -> str:
    """The canonical input name that ``key`` spells (any alias the parser accepts)."""
    if key in inputs:
        return key
    from .syntax import parse

    try:
        graph = parse(key)
    except ParseError:
        raise EvaluationError(f"{key!r} is not a variable name (the inputs are {name_list(inputs)})") from None
    if len(graph.inputs) != 1 or len(graph.nodes) != 2:
        raise EvaluationError(f"{key!r} is not a single variable name (the inputs are {name_list(inputs)})")
    if graph.inputs[0] not in inputs:
        raise EvaluationError(f"unknown input {key} (the inputs are {name_list(inputs)})")
    return graph.inputs[0]


def canonical_values(at: Mapping[str, Any], inputs: tuple[str, ...]) -> dict[str, Any]:
    """``at`` re-keyed by canonical names; two spellings of one name are an error."""
    out: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    known = frozenset(inputs)
    for key, value in at.items():
        name = key if key in known else canonical_key(str(key).strip(), inputs)
        if name in out:
            raise EvaluationError(f"{name} is given twice (as {spelled[name]!r} and {key!r})")
        out[name], spelled[name] = value, str(key)
    return out
