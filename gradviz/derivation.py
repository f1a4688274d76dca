"""Chain-rule text from a graph and its backward pass: chain products in chain order,
the same expanded in the inputs, and the forward/backward lines of the lecture.

``lecture`` writes the derivation the way the lecture does: the forward definitions
(``b = ax = θ1θ2x``), one backward line per node in reverse topological order
(``∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx``; a node that fans out sums over its consumers),
and each input's gradient expanded in the inputs (``= 2(θ1θ2x − y)xθ2``) and, with values,
as a number. Products are printed in chain order (sympy's printer would sort the factors)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .notation import ATOM, MINUS, juxtapose, written_node, equation, expression_text, format_value, written

if TYPE_CHECKING:
    import sympy

    from .backward import BackwardResult
    from .graph import Graph

__all__ = ["chain_text", "expanded_text", "partial", "forward_lines", "gradient_lines", "Lecture", "lecture",
           "definition", "product_text", "TIMES"]

TIMES = " · "  # between the factors of upstream · local, as the lecture writes it
_NAME = re.compile(r"^(?:[^\W\d_][\w′']*|\d+(?:\.\d+)?)$")  # one name or one number


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
    return _terms_text(graph.symbolic.chain(nid), _in_inputs(graph))


def _in_inputs(graph: "Graph", strict: bool = False) -> Callable[[Any], str]:
    """A ``symbol_text`` that writes each intermediate out in the inputs, bracketed when needed
    (``strict``: also a juxtaposed product, as it must be under a power or a fraction bar)."""
    by_name = {n.name: n.id for n in graph.nodes.values() if n.kind == "op"}

    def symbol_text(symbol) -> str:
        if symbol.name not in by_name:
            return symbol.name
        text = written(graph, by_name[symbol.name])
        return text if _is_atomic(text) and not (strict and _NAME.match(text) is None) else f"({text})"

    return symbol_text


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
        if result.has_symbolic:
            chain, expanded = chain_text(graph, nid), expanded_text(graph, nid)
            parts += [chain] + ([expanded] if expanded != chain else [])
        if result.adjoints is not None:
            parts.append(format_value(result.adjoints[nid]))
        lines.append(" = ".join(parts))
    return lines



# -- the lecture's format ---------------------------------------------------------------------

Term = tuple  # factors (sympy expressions) of one product, in chain order


@dataclass(frozen=True)
class Lecture:
    """The derivation as the lecture writes it, as plain text lines (one relation chain each)."""

    forward: tuple[str, ...]  # a = θ1θ2 = −2;  b = ax = θ1θ2x = −6
    backward: tuple[str, ...]  # ∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42 (intermediates)
    gradients: tuple[str, ...]  # ∂L/∂θ1 = ∂L/∂a · ∂a/∂θ1 = 2cx · θ2 = 2cxθ2 = 2(θ1θ2x − y)xθ2 = 42


def definition(graph: "Graph", nid: str) -> str:
    """An op node's operation over its operands' names, juxtaposed as on the slide: ``ax``, ``c²``."""
    node = graph.nodes[nid]
    texts = {o: (graph.nodes[o].name, ATOM) if graph.nodes[o].kind == "op" else written_node(graph, o, {})
             for o in node.operands}
    return written_node(graph, nid, texts)[0]


def product_text(factors: Term, graph: "Graph | None" = None) -> str:
    """One product in chain order, numeric coefficients in front: (2c, x, θ2) → ``2cxθ2``,
    (2c, −1) → ``−2c``, (1/y,) → ``1/y``; with ``graph`` the intermediates written out in the
    inputs (``2(θ1θ2x − y)xθ2``)."""
    import sympy

    coeff, numer, denom = sympy.S.One, [], []
    for factor in factors:
        c, rest = sympy.sympify(factor).as_coeff_Mul()
        coeff *= c
        top, bottom = rest.as_numer_denom()
        numer += [] if top == 1 else [top]
        denom += [] if bottom == 1 else [bottom]
    sign = MINUS if coeff < 0 else ""
    coeff = abs(coeff)
    if coeff.is_Rational and coeff.q != 1:
        denom.insert(0, sympy.Integer(coeff.q))
        coeff = sympy.Integer(coeff.p)
    lenient, strict = (_in_inputs(graph), _in_inputs(graph, True)) if graph is not None else (None, None)
    parts = [] if coeff == 1 and numer else [expression_text(coeff)]
    parts += [_juxtaposed(f, strict if f.atoms(sympy.Pow) else lenient) for f in numer]
    text = juxtapose(parts)
    if denom:
        bottom = juxtapose([_juxtaposed(f, strict) for f in denom])
        single = len(denom) == 1 and (_NAME.match(bottom) or bottom.startswith("(") and _is_atomic(bottom))
        text += "/" + (bottom if single else f"({bottom})")
    return sign + text


def _juxtaposed(factor: "sympy.Expr", symbol_text: Callable[[Any], str] | None) -> str:
    text = expression_text(factor, symbol_text)
    return f"({text})" if factor.is_Add or text.startswith(MINUS) else text


def _sum_text(terms: list[Term], graph: "Graph | None" = None) -> str:
    out = ""
    for i, term in enumerate(terms):
        text = product_text(term, graph)
        out += (f" {MINUS} {text[1:]}" if text.startswith(MINUS) else f" + {text}") if i else text
    return out or "0"


def lecture(result: "BackwardResult", wrt: str | None = None) -> Lecture:
    """The lecture's derivation of ``result``; with ``wrt`` (an input's name or alias) only the
    lines on the paths from the output to that input."""
    import sympy

    from .paths import input_paths

    graph = result.graph
    sym = graph.symbolic
    wanted = input_paths(graph, wrt) if wrt is not None else graph.depends_on_inputs()
    users = graph.consumers()
    numbers = result.adjoints if result.values is not None else None
    terms: dict[str, list[Term]] = {graph.output_id: [()]}
    backward, gradients = [], {}
    for nid in reversed(graph.order):
        node = graph.nodes[nid]
        if nid == graph.output_id or nid not in graph.depends_on_inputs():
            continue
        uses = [(u, pos, sym.local(u, pos)) for u, pos in users[nid] if u in terms]
        mine: list[Term] = []
        for u, _, local in uses:
            up = terms[u] if len(terms[u]) == 1 else [(sympy.Add(*(sympy.Mul(*t) for t in terms[u])),)]
            mine.append(up[0] + (() if local == 1 else (local,)))
        terms[nid] = mine
        if nid not in wanted:
            continue
        parts = [partial(graph, nid)]
        if uses and not (len(uses) == 1 and uses[0][0] == graph.output_id):
            parts.append(" + ".join(_use(graph, u, nid) for u, _, _ in uses))
            parts.append(" + ".join(_use_values(graph, terms[u], local, u) for u, _, local in uses))
        parts.append(_sum_text(mine))
        if node.kind == "input":
            parts.append(_sum_text(mine, graph))
        if numbers is not None:
            parts.append(format_value(numbers[nid]))
        line = " = ".join(_deduplicated(parts))
        if node.kind == "input":
            gradients[nid] = line
        else:
            backward.append(line)
    forward = tuple(_forward_line(result, nid) for nid in graph.order
                    if graph.nodes[nid].kind == "op" and nid in wanted)
    ordered = tuple(gradients[nid] for nid in graph.order if nid in gradients)
    return Lecture(forward, tuple(backward), ordered)


def _use(graph: "Graph", user: str, nid: str) -> str:
    """``∂L/∂b · ∂b/∂a`` (just ``∂L/∂a`` where the user is the output itself)."""
    local = f"∂{graph.nodes[user].name}/∂{graph.nodes[nid].name}"
    return local if user == graph.output_id else f"{partial(graph, user)}{TIMES}{local}"


def _use_values(graph: "Graph", upstream: list[Term], local: "sympy.Expr", user: str) -> str:
    """``2c · x``: the upstream gradient as found on its own line, times the local derivative."""
    local_text = _juxtaposed(local, None)
    if user == graph.output_id:
        return local_text
    up = _sum_text(upstream)
    return f"{up if len(upstream) == 1 else f'({up})'}{TIMES}{local_text}"


def _deduplicated(parts: list[str]) -> list[str]:
    out = parts[:1]
    for part in parts[1:]:
        if part != out[-1]:
            out.append(part)
    return out


def _forward_line(result: "BackwardResult", nid: str) -> str:
    """``b = ax = θ1θ2x = −6``: the definition, the node in the inputs, and its value."""
    graph = result.graph
    parts = [graph.nodes[nid].name, definition(graph, nid), written(graph, nid)]
    if result.values is not None:
        parts.append(format_value(result.values[nid]))
    return " = ".join(_deduplicated(parts))
