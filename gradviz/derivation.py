"""Chain-rule text from a graph and its backward pass: chain products in chain order,
the same expanded in the inputs, and the forward/backward lines of the lecture."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .notation import MINUS, equation, expression_text, format_value, written

if TYPE_CHECKING:
    import sympy

    from .backward import BackwardResult
    from .graph import Graph

__all__ = ["chain_text", "expanded_text", "partial", "forward_lines", "gradient_lines"]


def partial(graph: "Graph", nid: str) -> str:
    """``∂L/∂θ1`` for a node."""
    return f"∂{graph.output}/∂{graph.nodes[nid].name}"


def _terms_text(terms: list[tuple["sympy.Expr", ...]], symbol_text=None) -> str:
    if not terms:
        return "0"
    out = ""
    for i, term in enumerate(terms):
        negative = sum(f == -1 for f in term) % 2 == 1  # a factor −1 shows as the term's sign
        factors = [f for f in term if f != -1]
        text = "·".join(_factor_text(f, symbol_text) for f in factors) if factors else "1"
        if negative:
            text = text[1:] if text.startswith(MINUS) else MINUS + text
        if i and text.startswith(MINUS):
            out += f" {MINUS} {text[1:]}"
        else:
            out += (" + " if i else "") + text
    return out


def _factor_text(factor: "sympy.Expr", symbol_text) -> str:
    text = expression_text(factor, symbol_text)
    if factor.is_Add:
        return f"({text})"
    return text


def chain_text(graph: "Graph", nid: str) -> str:
    """∂L/∂node as the chain product in chain order over the intermediates: ``2c·x·θ2``."""
    return _terms_text(graph.symbolic.chain(nid))


def expanded_text(graph: "Graph", nid: str) -> str:
    """The chain product with each intermediate written out in the inputs: ``2(θ1θ2x − y)·x·θ2``."""
    by_name = {n.name: n.id for n in graph.nodes.values() if n.kind == "op"}

    def symbol_text(symbol) -> str:
        if symbol.name not in by_name:
            return symbol.name
        text = written(graph, by_name[symbol.name])
        return f"({text})" if not _is_atomic(text) else text

    return _terms_text(graph.symbolic.chain(nid), symbol_text)


def _is_atomic(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in " +·/^" + MINUS:
            return False
    return True


def forward_lines(result: "BackwardResult") -> list[str]:
    """``a = θ1·θ2 = −2`` for every op node (without the value when none was given)."""
    graph = result.graph
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind != "op":
            continue
        line = equation(graph, nid)
        if result.values is not None:
            line += f" = {format_value(result.values[nid])}"
        lines.append(line)
    return lines


def gradient_lines(result: "BackwardResult") -> list[str]:
    """``∂L/∂θ1 = 2c·x·θ2 = 2(θ1θ2x − y)·x·θ2 = 42`` for every input."""
    graph = result.graph
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind != "input":
            continue
        parts = [partial(graph, nid)]
        if result.steps and result.steps[0].upstream_expr is not None:
            chain, expanded = chain_text(graph, nid), expanded_text(graph, nid)
            parts += [chain] + ([expanded] if expanded != chain else [])
        if result.adjoints is not None:
            parts.append(format_value(result.adjoints[nid]))
        lines.append(" = ".join(parts))
    return lines

