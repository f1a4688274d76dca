"""The derivation the way the lecture writes it, as ``Relation`` lines for any target:

- forward: each op node's definition, the node in the inputs, its value (``b = ax = θ1θ2x = −6``);
- backward: one line per node, output first: ``∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42``;
  a node that fans out sums over its consumers, term by term;
- gradients: each input's line, also written out in the inputs (``= 2(θ1θ2x − y)xθ2``).

Where it is shorter, a line also shows the chain's product simplified over the inputs and
the nodes the program named, as the lecture simplifies it (``∂L/∂z = … = p − y``).

The chain products come from one backward sweep over products kept in chain order (a node's
several terms are summed into one factor before they flow on).

Forward mode (``tangent_line``, ``cost_lines``) has one line per node in topological order,
the chain rule read from the input: ``∂b/∂θ1 = ∂b/∂a · ∂a/∂θ1 = x · θ2 = 3 × (−1) = −3``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from ..eval.backward import Backward
from ..eval.paths import input_paths
from ..eval.sweep import sweep
from ..eval.symbolic import count_operations, symbolic_of
from ..eval.tangents import TangentStep, Tangents
from ..ir.graph import Graph
from ..text.lines import (
    Chain,
    Formula,
    Name,
    NodeText,
    Number,
    Partial,
    Product,
    Relation,
    Sentence,
    Terms,
    Words,
    plain,
)

__all__ = ["Lecture", "lecture", "forward_lines", "gradient_lines", "typed_decimals", "deduplicated", "SIMPLIFY_LIMIT",
           "SHOWN_LIMIT", "tangent_line", "tangent_lines", "cost_lines"]

SIMPLIFY_LIMIT = 60  # operations in a chain product beyond which no simplified form is tried
SIMPLIFY_GRAPH_LIMIT = 150  # nodes beyond which no line is simplified (sympy would take minutes over them all)
SHOWN_LIMIT = 120  # characters of a side written out in the inputs beyond which a line leaves it out
SHORT_SIDE = 40  # characters of a side in the inputs that a figure's caption still shows
Term = tuple  # the factors of one product, in chain order


@dataclass(frozen=True)
class Lecture:
    """The derivation: forward definitions, backward lines (intermediates), input gradients."""

    forward: tuple[Relation, ...]
    backward: tuple[Relation, ...]
    gradients: tuple[Relation, ...]

    def text(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The three sections as Unicode lines."""
        return tuple(tuple(plain(r) for r in section) for section in (self.forward, self.backward, self.gradients))


def typed_decimals(graph: Graph) -> bool:
    """Whether the formula writes decimals (``0.044715``): then numbers print as decimals."""
    return any(n.kind == "const" and n.value is not None and n.value.denominator != 1 and "." in n.name
               for n in graph.nodes.values())


class _LectureTerms:
    """The sweep over lists of chain-ordered products; records which consumer sent what."""

    def __init__(self, graph: Graph):
        self.sym = symbolic_of(graph)
        self.position = {nid: k for k, nid in enumerate(graph.nodes)}
        self.received: dict[str, list[tuple[int, str, Any, list[Term]]]] = {}  # operand → uses
        self.upstream: dict[str, list[Term]] = {}

    def seed(self) -> list[Term]:
        return [()]

    def locals(self, nid: str) -> tuple:
        return self.sym.locals(nid)

    def times(self, upstream: list[Term], local: Any) -> list[Term]:
        first = upstream[0] if len(upstream) == 1 else (sympy.Add(*(sympy.Mul(*t) for t in upstream)),)
        return [first + (() if local == 1 else (local,))]

    def plus(self, total: list[Term] | None, contribution: list[Term]) -> list[Term]:
        return contribution if total is None else contribution + total

    def settle(self, nid: str, total: list[Term]) -> list[Term]:
        return total

    def record(self, nid: str, upstream: list[Term], sent: list) -> None:
        self.upstream[nid] = upstream
        for pos, operand, local, contribution, _ in sent:
            self.received.setdefault(operand, []).append((self.position[nid], nid, local, contribution))


def lecture(result: Backward, wrt: str | None = None) -> Lecture:
    """The lecture's derivation of ``result``; with ``wrt`` (an input's name or alias) only the
    lines on the paths from the output to that input."""
    graph = result.graph
    wanted = input_paths(graph, wrt) if wrt is not None else graph.depends_on_inputs()
    terms = _LectureTerms(graph)
    totals = sweep(graph, terms)
    decimals = typed_decimals(graph)
    numbers = result.adjoints if result.values is not None else None
    backward, gradients = [], {}
    for nid in reversed(graph.order):
        node = graph.nodes[nid]
        if nid == graph.output_id or nid not in totals or nid not in wanted:
            continue
        uses = sorted(terms.received.get(nid, []), key=lambda use: use[0])
        mine = [t for use in uses for t in use[3]]
        sides: list[Any] = [Partial(graph.output, node.name)]
        if uses and not (len(uses) == 1 and uses[0][1] == graph.output_id):
            sides.append(Terms(tuple(_use(graph, user, nid) for _, user, _, _ in uses)))
            sides.append(Terms(tuple(_use_values(graph, terms.upstream[user], local, user, decimals)
                                     for _, user, local, _ in uses)))
        sides.append(Chain(tuple(mine), decimals=decimals))
        simplified = graph.memo(f"lecture-simplified-{nid}", lambda: _simplified(graph, mine))  # values aside
        if simplified is not None:
            sides.append(Formula(simplified, decimals=decimals))
        if node.kind == "input":
            sides.append(Formula(simplified, graph, in_inputs=True, decimals=decimals) if simplified is not None
                         else Chain(tuple(mine), graph, in_inputs=True, decimals=decimals))
        if numbers is not None:
            sides.append(Number(numbers[nid]))
        line = Relation(deduplicated(sides))
        if node.kind == "input":
            gradients[nid] = line
        else:
            backward.append(line)
    forward = tuple(_forward_line(result, nid) for nid in graph.order
                    if graph.nodes[nid].kind == "op" and nid in wanted)
    return Lecture(forward, tuple(backward), tuple(gradients[nid] for nid in graph.order if nid in gradients))


def _use(graph: Graph, user: str, nid: str) -> Any:
    """``∂L/∂b · ∂b/∂a`` (just ``∂L/∂a`` where the user is the output itself)."""
    local = Partial(graph.nodes[user].name, graph.nodes[nid].name)
    return local if user == graph.output_id else Product((Partial(graph.output, graph.nodes[user].name), local))


def _use_values(graph: Graph, upstream: list[Term], local: Any, user: str, decimals: bool) -> Any:
    """``2c · x``: the upstream gradient as found on its own line, times the local derivative."""
    local_side = Formula(local, decimals=decimals)
    if user == graph.output_id:
        return local_side
    return Product((Chain(tuple(upstream), decimals=decimals), local_side))


def _simplified(graph: Graph, mine: list[Term]) -> Any | None:
    """The chain's sum of products over the inputs and the program's named nodes, simplified,
    when that is shorter than the product itself (the lecture's ``p − y``); else None."""
    if len(graph) > SIMPLIFY_GRAPH_LIMIT:
        return None
    total = sympy.Add(*(sympy.Mul(*t) for t in mine))
    if count_operations(total) > SIMPLIFY_LIMIT:
        return None
    unnamed = graph.memo("lecture-unnamed", lambda: _unnamed_definitions(graph))
    over_named = total
    with sympy.evaluate(False):  # sized before sympy evaluates it (Max, say, costs seconds on big arguments)
        for _ in range(len(unnamed)):  # substitute until only inputs and named nodes remain
            rewritten = over_named.xreplace(unnamed)
            if rewritten == over_named:
                break
            over_named = rewritten
            if count_operations(over_named) > 4 * SIMPLIFY_LIMIT:  # a level at a time: it can grow fast
                return None
    over_named = over_named.doit()
    if count_operations(over_named) > 4 * SIMPLIFY_LIMIT:
        return None
    simple = sympy.factor_terms(sympy.cancel(over_named))
    if count_operations(simple) >= min(count_operations(total), count_operations(over_named)):
        return None
    return simple


def _unnamed_definitions(graph: Graph) -> dict[Any, Any]:
    """Each intermediate the program did not name (and not the output): its symbol → its definition."""
    sym = symbolic_of(graph)
    return {sym.term(nid): sym.definition(nid) for nid, n in graph.nodes.items()
            if n.kind == "op" and not n.named_by_user and nid != graph.output_id}


def deduplicated(sides: list[Any]) -> tuple[Any, ...]:
    """The sides without one that reads exactly as the side before it, and without a side
    written out in the inputs that is too long to read (``SHOWN_LIMIT``)."""
    out, last = [], None
    for side in sides:
        text = plain(side)
        long = len(text) > SHOWN_LIMIT and (isinstance(side, NodeText) or getattr(side, "in_inputs", False))
        if text != last and not long:
            out.append(side)
        last = text
    return tuple(out)


def _forward_line(result: Backward, nid: str) -> Relation:
    """``b = ax = θ1θ2x = −6``: the definition, the node in the inputs, and its value."""
    graph = result.graph
    sides: list[Any] = [Name(graph.nodes[nid].name), NodeText(graph, nid, "definition"), NodeText(graph, nid, "written")]
    if result.values is not None:
        sides.append(Number(result.values[nid]))
    return Relation(deduplicated(sides))


def forward_lines(result: Backward) -> list[Relation]:
    """``a = θ1·θ2 = −2`` for every op node (without the value when none was given)."""
    graph = result.graph
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind == "op":
            sides: list[Any] = [NodeText(graph, nid, "equation")]
            if result.values is not None:
                sides.append(Number(result.values[nid]))
            lines.append(Relation(tuple(sides)))
    return lines


def gradient_lines(result: Backward, expanded: bool = True) -> list[Relation]:
    """``∂L/∂θ1 = 2c·x·θ2 = 2(θ1θ2x − y)·x·θ2 = 42`` for every input; unless ``expanded``
    (a figure's caption) the side in the inputs only when short and the chain form unless long."""
    graph = result.graph
    decimals = typed_decimals(graph)
    sym = symbolic_of(graph) if result.has_symbolic else None
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind != "input":
            continue
        sides: list[Any] = [Partial(graph.output, node.name)]
        if sym is not None:
            chain = tuple(tuple(t) for t in sym.chain(nid))
            chain_side = Chain(chain, joint="dot", decimals=decimals)
            if expanded or len(plain(chain_side)) <= SHOWN_LIMIT:
                sides.append(chain_side)
            in_inputs = Chain(chain, graph, in_inputs=True, joint="dot", decimals=decimals)
            if expanded or len(plain(in_inputs)) <= SHORT_SIDE:
                sides.append(in_inputs)
        if result.adjoints is not None:
            sides.append(Number(result.adjoints.get(nid, 0.0)))
        lines.append(Relation(deduplicated(sides)))
    return lines



def tangent_line(t: Tangents, step: TangentStep) -> Relation:
    """``∂b/∂θ1 = ∂b/∂a · ∂a/∂θ1 = x · θ2 = 3 × (−1) = −3``: the node's tangent summed over its
    operands that depend on θ (the seed's own tangent is 1)."""
    graph, wrt = t.graph, t.wrt
    decimals = typed_decimals(graph)
    name = graph.nodes[step.node].name
    sides: list[Any] = [Partial(name, wrt)]
    chain = []
    for c in step.contributions:
        operand = graph.nodes[c.operand].name
        chain.append(Product((Partial(name, operand), Number(1) if c.operand == t.seed else Partial(operand, wrt))))
    sides.append(Terms(tuple(chain)))
    if step.tangent_expr is not None:
        sides.append(Terms(tuple(Formula(c.local_expr, decimals=decimals) if c.operand == t.seed else
                                 Product((Formula(c.local_expr, decimals=decimals),
                                          Formula(t.exprs[c.operand], decimals=decimals)))
                                 for c in step.contributions)))
        sides.append(Formula(step.tangent_expr, decimals=decimals))
    if step.tangent is not None:
        sides.append(Terms(tuple(Product((Number(c.local), Number(t.tangents[c.operand])), "cross")
                                 for c in step.contributions)))
        sides.append(Number(step.tangent))
    return Relation(deduplicated(sides))


def tangent_lines(t: Tangents) -> list[Relation]:
    """The seed ``∂θ1/∂θ1 = 1``, then one ``tangent_line`` per forward-mode step."""
    return [Relation((Partial(t.wrt, t.wrt), Number(1)))] + [tangent_line(t, step) for step in t.steps]


def cost_lines(t: Tangents) -> list[Sentence]:
    """What forward mode costs against reverse mode for this graph, in words and counts."""
    graph, c = t.graph, t.cost
    out, every = graph.output, Partial(graph.output, "input")
    inputs, sweeps = (f"{n} {word}{'s' * (n != 1)}" for n, word in ((c.inputs, "input"), (c.inputs, "sweep")))
    lines = [Sentence((Words("Forward mode: one sweep per input gives one "), every, Words(";"))),
             Sentence((Words(f"{inputs} need {sweeps} of {c.operations} operations, {c.forward_steps} node steps."),)),
             Sentence((Words("Reverse mode: one backward sweep gives every "), every, Words(";"))),
             Sentence((Words(f"{inputs}, 1 sweep of {c.operations} operations, {c.reverse_steps} node steps."),))]
    if t.value is not None and t.result.adjoints is not None:
        lines.append(Sentence((Words("This sweep: "), Partial(out, t.wrt), Words(" = "), Number(t.value),
                               Words("; the reverse sweep: "), Partial(out, t.wrt), Words(" = "),
                               Number(t.result.adjoints[t.seed]), Words("."))))
    return lines
