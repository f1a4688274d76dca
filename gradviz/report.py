"""Text and JSON reports of a backward pass (what ``gradviz grad`` prints)."""

from __future__ import annotations

from typing import Any

from .backward import BackwardResult
from .derivation import forward_lines, gradient_lines
from .notation import format_value, written

__all__ = ["grad_table", "grad_json"]


def grad_table(result: BackwardResult) -> str:
    """The readable report: the formula, forward values, then each input's gradient."""
    graph = result.graph
    header = f"{graph.output} = {written(graph, graph.output_id)}"
    if result.values is not None:
        at = ", ".join(f"{n.name} = {format_value(result.values[nid])}"
                       for nid, n in graph.nodes.items() if n.kind == "input")
        header += f"    at {at}"
    lines = [header, "", "forward:"] + [f"  {line}" for line in forward_lines(result)]
    lines += ["", "backward:"] + [f"  {line}" for line in gradient_lines(result)]
    return "\n".join(lines)


def grad_json(result: BackwardResult) -> dict[str, Any]:
    """``{"output", "value", "grad", "symbolic"}``; symbolic gradients as sympy-parsable strings."""
    graph = result.graph
    out: dict[str, Any] = {"output": graph.output, "inputs": list(graph.inputs)}
    if result.values is not None:
        out["value"] = _json_number(result.value)
        out["grad"] = {name: _json_number(v) for name, v in result.grad.items()}
    if result.steps and result.steps[0].upstream_expr is not None:
        out["symbolic"] = {name: str(graph.gradient(name)) for name in graph.inputs}
    return out


def _json_number(value: Any) -> Any:
    """Floats stay floats; exact values become their exact text (``"1/3"``)."""
    return value if isinstance(value, float) else str(value)
