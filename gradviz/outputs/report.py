"""Text and JSON reports of a backward pass (what ``gradviz grad`` prints)."""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import sympy as sp

from ..derive.lecture import forward_lines, gradient_lines
from ..eval.backward import SYMBOLIC_DEPTH, SYMBOLIC_LIMIT, SYMBOLIC_PATHS, SYMBOLIC_TERMS, Backward, local_terms
from ..eval.symbolic import symbolic_of
from ..text.expressions import print_unicode
from ..text.lines import plain
from ..text.numbers import format_value
from ..text.structure import written
from ..text.targets import UNICODE

__all__ = ["grad_table", "grad_json", "adjoint_program", "REPORT_ROWS", "PROGRAM_LIMIT"]

REPORT_ROWS = 40  # lines per section of the readable report, unless --all
PROGRAM_LIMIT = 2_000  # nodes up to which a report without expanded gradients gives the adjoint program


def grad_table(result: Backward, rows: int | None = REPORT_ROWS) -> str:
    """The readable report: the formula, forward values, then each input's gradient.

    With ``rows``, each section shows at most that many lines (the first and the last) and
    says how many it left out, so that a huge graph gives a short report."""
    graph = result.graph
    header = f"{graph.output} = {written(graph, graph.output_id)[0]}"
    if result.values is not None:
        at = [f"{n.name} = {format_value(result.values[nid])}" for nid, n in graph.nodes.items() if n.kind == "input"]
        header += "    at " + ", ".join(_bounded(at, rows, "more inputs"))
    lines = [header, "", "forward:"] + [f"  {line}" for line in _bounded(forward_lines(result), rows, "more operations",
                                                                         plain)]
    lines += ["", "backward:"] + [f"  {line}" for line in _bounded(gradient_lines(result), rows, "more inputs", plain)]
    if not result.has_symbolic and len(graph) <= PROGRAM_LIMIT and local_terms(graph) <= SYMBOLIC_TERMS:
        lines += ["", f"backward as a program (no expanded gradients: the graph has over {SYMBOLIC_LIMIT} nodes, "
                      f"{SYMBOLIC_DEPTH} nonlinear levels or {SYMBOLIC_PATHS:,} chain-rule paths, which expanded "
                      "would not fit a page; here each adjoint is written from its consumers' adjoints, once):"]
        lines += [f"  {line}" for line in _bounded(adjoint_program(result), rows, "more adjoints")]
    elif not result.has_symbolic and result.values is None:
        lines.append(f"  (no symbolic gradients: the graph has over {PROGRAM_LIMIT:,} nodes or {SYMBOLIC_TERMS:,} terms "
                     "in its local derivatives; --at gives the numbers)")
    return "\n".join(lines)


def adjoint_program(result: Backward) -> list[str]:
    """The gradients as straight-line code over the intermediates, one adjoint a line in the
    backward sweep's order (``∂L/∂a = x·∂L/∂b``): linear in the graph where the expanded forms
    are not."""
    program = symbolic_of(result.graph).program
    return [f"{print_unicode(symbol, UNICODE)[0]} = {print_unicode(expr.doit(), UNICODE)[0]}"
            for symbol, expr in program.backward]


def _bounded(lines: Sequence[Any], rows: int | None, what: str, show: Callable[[Any], str] = str) -> list[str]:
    """The first and last lines, and a note on how many were left out (``--all`` shows them);
    only the lines shown are written out by ``show`` (a huge graph's lines cost time)."""
    if rows is None or len(lines) <= rows:
        return [show(line) for line in lines]
    head = rows - rows // 4
    return ([show(line) for line in lines[:head]] + [f"… {len(lines) - rows:,} {what} (--all shows every line)"]
            + [show(line) for line in lines[len(lines) - rows // 4 :]])


def grad_json(result: Backward) -> dict[str, Any]:
    """``{"output", "inputs", "value", "grad", "symbolic"}``; symbolic gradients as strings that
    ``sympy.sympify`` reads back. An input whose name is no Python identifier (``W^(2)_11``) is
    written under an identifier, and ``"symbols"`` maps each such identifier to the input's name."""
    graph = result.graph
    out: dict[str, Any] = {"output": graph.output, "inputs": list(graph.inputs)}
    if result.values is not None:
        out["value"] = _json_number(result.value)
        out["grad"] = {name: _json_number(v) for name, v in result.grad.items()}
    if result.has_symbolic:
        sym = symbolic_of(graph)
        renamed = _identifiers(graph.inputs)
        gradients = {name: sym.gradient(graph.node(name).id) for name in graph.inputs}
        swap = {s: sp.Symbol(renamed[s.name]) for g in gradients.values() for s in g.free_symbols
                if s.name in renamed}
        out["symbolic"] = {name: str(g.xreplace(swap)) for name, g in gradients.items()}
        if renamed:
            out["symbols"] = {new: old for old, new in renamed.items()}
    return out


def _identifiers(names: Sequence[str]) -> dict[str, str]:
    """Each name that is no Python identifier → an identifier made of its letters, digits and
    underscores (``W^(2)_11`` → ``W_2_11``), distinct from every other name."""
    taken = set(names)
    renamed: dict[str, str] = {}
    for name in names:
        if name.isidentifier():
            continue
        base = "_".join(part for part in re.split(r"\W+", name) if part) or "v"
        base = base if base.isidentifier() else f"v_{base}"
        new, k = base, 1
        while new in taken:
            k += 1
            new = f"{base}_{k}"
        taken.add(new)
        renamed[name] = new
    return renamed


def _json_number(value: Any) -> Any:
    """Floats stay floats; exact values become their exact text (``"1/3"``)."""
    return value if isinstance(value, float) else str(value)
