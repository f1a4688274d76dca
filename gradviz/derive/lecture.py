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
from ..eval.symbolic import symbolic_of
from ..eval.tangents import TangentStep, Tangents
from ..ir.graph import Graph
from ..ir.ops import OPS
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
from .forms import Adjoint, Form, Use, forms_of, has_fraction, quantities_of, simplest

__all__ = ["Lecture", "lecture", "shown_forms", "forward_lines", "gradient_lines", "typed_decimals", "deduplicated",
           "SHOWN_LIMIT", "tangent_line", "tangent_lines", "cost_lines"]

SHOWN_LIMIT = 120  # characters of a side written out in the inputs beyond which a line leaves it out
SHORT_SIDE = 40  # characters of a side in the inputs that a figure's caption still shows


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


def lecture(result: Backward, wrt: str | None = None) -> Lecture:
    """The lecture's derivation of ``result``; with ``wrt`` (an input's name or alias) only the
    lines on the paths from the output to that input."""
    graph = result.graph
    wanted = input_paths(graph, wrt) if wrt is not None else graph.depends_on_inputs()
    forms = forms_of(graph)
    decimals = typed_decimals(graph)
    numbers = result.adjoints if result.values is not None else None
    backward, gradients = [], {}
    for nid in reversed(graph.order):
        node = graph.nodes[nid]
        if nid == graph.output_id or nid not in forms or nid not in wanted:
            continue
        adjoint = forms[nid]
        sides: list[Any] = [Partial(graph.output, node.name)]
        if not (len(adjoint.uses) == 1 and adjoint.uses[0].consumer == graph.output_id):
            sides.append(Terms(tuple(_use(graph, use.consumer, nid) for use in adjoint.uses)))
            sides.append(Terms(tuple(_use_values(graph, use, decimals) for use in adjoint.uses)))
        sides += [Chain(form.terms, decimals=decimals) for form in shown_forms(result, nid)]
        if node.kind == "input" and not _ends_in_inputs(graph, adjoint):  # then in the inputs, the chain's order kept
            sides.append(Chain(written_out(graph, adjoint), graph, in_inputs=True, decimals=decimals))
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


def shown_forms(result: Backward, nid: str) -> tuple[Form, ...]:
    """The forms a line about node ``nid`` shows after upstream × local (``Adjoint.shown``); an
    input's line leaves out the form in the user's quantities where that names no intermediate
    (the line goes on in the inputs, in the formula's order). Where the values make one-hot
    targets (``y₁ + y₂ + y₃ = 1``), a last form says so: ``(y₁ + y₂ + y₃)p₃ − y₃ = p₃ − y₃``."""
    graph = result.graph
    adjoint = forms_of(graph)[nid]
    shown = adjoint.shown
    if graph.nodes[nid].kind == "input" and not _names_intermediates(graph, adjoint.carried) \
            and not _ends_in_inputs(graph, adjoint):
        shown = shown[:1]
    one_hot = _one_hot(result, shown[-1])
    return shown + ((one_hot,) if one_hot is not None else ())


def _names_intermediates(graph: Graph, form: Form) -> bool:
    inputs = {symbolic_of(graph).term(graph.node(name).id) for name in graph.inputs}
    return bool(form.expr.free_symbols - inputs)


def _ends_in_inputs(graph: Graph, adjoint: Adjoint) -> bool:
    """Whether an input's carried form, over the inputs alone, reads shorter than its simplified form written out
    in the inputs (``σ(z) − y`` against ``−(y(1 − σ(z))σ(z)/σ(z) + …)``); the line then ends in it. Otherwise the
    line ends in the simplified form written out, the formula's order kept."""
    def shorter() -> bool:
        if adjoint.carried is adjoint.simplified or _names_intermediates(graph, adjoint.carried):
            return False
        written = Chain(written_out(graph, adjoint), graph, in_inputs=True)
        return len(plain(Chain(_meant(graph, adjoint.carried)))) < len(plain(written))
    return graph.memo(f"ends in the inputs:{adjoint.node}", shorter)  # asked by each line and caption of the input


WRITTEN_OUT_SHARE = 0.9  # an input's line writes out another form than the chain's only when this much shorter
CANCELLED_SHARE = 0.8  # … and that form simplified again once written out only when this much shorter still
CANCELLED_LIMIT = 1000  # characters of a form written out in the inputs beyond which it is not simplified again
ARITHMETIC = ("sum", "product", "fraction", "prefix", "power", "identity")  # notations written out to be cancelled


def written_out(graph: Graph, adjoint: Adjoint) -> tuple[tuple[Any, ...], ...]:
    """The factors an input's line writes out in the inputs: its simplified form's (the chain's order), or its carried
    or named form's where that reads ``WRITTEN_OUT_SHARE`` as long written out (label smoothing's ``p₁ + 2ε/3 − 1``, not
    ``(a + f(2ε − 3)/(3p₁))/Z`` with p₁ written inside it; a squared hinge's ``−2y(1 − sy)[1 > sy]``, its ``max``
    decided by the step); then one of these simplified again once written out (``_cancelled``) where that reads
    ``CANCELLED_SHARE`` as long (a binary cross-entropy with σ(…) typed twice: ``x₁(σ(…) − y)``)."""
    def chosen() -> tuple[tuple[Any, ...], ...]:
        lengths: dict[tuple[tuple[Any, ...], ...], int] = {}

        def length(terms: tuple[tuple[Any, ...], ...]) -> int:
            if terms not in lengths:
                lengths[terms] = len(plain(Chain(terms, graph, in_inputs=True)))
            return lengths[terms]
        simplified = _meant(graph, adjoint.simplified)
        others = [_meant(graph, form) for form in (adjoint.carried, adjoint.named)
                  if form is not None and form is not adjoint.simplified]
        best = min(others, key=length) if others else simplified
        best = best if length(best) < WRITTEN_OUT_SHARE * length(simplified) else simplified
        cancelled = [_cancelled(graph, terms) for terms in (simplified, *others) if length(terms) <= CANCELLED_LIMIT]
        shortest = min(cancelled, key=length, default=best)
        return shortest if length(shortest) < CANCELLED_SHARE * length(best) else best
    return graph.memo(f"written out:{adjoint.node}", chosen)


def _cancelled(graph: Graph, terms: tuple[tuple[Any, ...], ...]) -> tuple[tuple[Any, ...], ...]:
    """``terms`` with every arithmetic intermediate written out (``p = 1 − o``) and every function call named by one
    node however often it was typed (σ(w₁x₁ + b) twice is one σ), simplified: what cancels only once written out
    (``(1 − y)o(1 − o)/p`` is ``(1 − y)o``). Function calls stay nodes, written out when the line is printed. Only
    where the formula typed a call twice is the result also factored (sympy's ``factor`` is most of the cost)."""
    sym = symbolic_of(graph)
    written, typed_twice = _arithmetic_written_out(graph)
    swap = {sym.term(nid): expr for nid, expr in written.items()}
    expr = Form(terms).expr
    out = expr.xreplace(swap)
    if not typed_twice and (out == expr or not (out.is_Add or has_fraction(out))):  # nothing written out, or a
        return terms  # product with no fraction: nothing more cancels
    return simplest(out, factored=typed_twice).terms


def _arithmetic_written_out(graph: Graph) -> tuple[dict[str, Any], bool]:
    """Every op node's expression with its arithmetic written out down to the inputs and the function calls, each
    call as the symbol of the first node of the same structure (the same op of the same operands); and whether a call
    was typed twice (two nodes of one structure)."""
    def made() -> tuple[dict[str, Any], bool]:
        sym = symbolic_of(graph)
        first: dict[Any, str] = {}
        structure: dict[str, Any] = {}
        out: dict[str, Any] = {}
        twice = False
        for nid in graph.order:
            node = graph.nodes[nid]
            if node.kind != "op":
                structure[nid], out[nid] = nid, sym.term(nid)
                continue
            structure[nid] = (node.op, node.params, tuple(structure[o] for o in node.operands))
            same = first.setdefault(structure[nid], nid)
            arithmetic = OPS[node.op].notation in ARITHMETIC
            twice = twice or (same != nid and not arithmetic)
            out[nid] = OPS[node.op].sympy(tuple(out[o] for o in node.operands), node.params) if arithmetic \
                else sym.term(same)
        return {nid: e for nid, e in out.items() if graph.nodes[nid].kind == "op"}, twice
    return graph.memo("arithmetic written out", made)


def _meant(graph: Graph, form: Form) -> tuple[tuple[Any, ...], ...]:
    """``form``'s factors with the quantities the lecture introduced (``p₁``) written by their meaning."""
    quantities = quantities_of(graph)
    return tuple(tuple(f.xreplace(quantities) for f in t) for t in form.terms) if quantities else form.terms


def _one_hot(result: Backward, form: Form) -> Form | None:
    """``form`` with every sum of inputs whose values are 0s and a single 1 (one-hot targets)
    written as 1; None where there is none (or no values)."""
    if result.values is None:
        return None
    graph = result.graph
    sym = symbolic_of(graph)
    value = {sym.term(graph.node(name).id): result.values[graph.node(name).id] for name in graph.inputs}
    swap = {}
    for total in form.expr.atoms(sympy.Add):
        if len(total.args) > 1 and all(t in value for t in total.args):
            got = [value[t] for t in total.args]
            if all(v in (0, 1) for v in got) and sum(got) == 1:
                swap[total] = sympy.S.One
    if not swap:
        return None
    return Form(tuple(tuple(f.xreplace(swap) for f in t) for t in form.terms))


def _use(graph: Graph, user: str, nid: str) -> Any:
    """``∂L/∂b · ∂b/∂a`` (just ``∂L/∂a`` where the user is the output itself)."""
    local = Partial(graph.nodes[user].name, graph.nodes[nid].name)
    return local if user == graph.output_id else Product((Partial(graph.output, graph.nodes[user].name), local))


def _use_values(graph: Graph, use: Use, decimals: bool) -> Any:
    """``2c · x``: the consumer's carried form, as found on its own line, times the local derivative."""
    local_side = Formula(use.local, decimals=decimals)
    if use.consumer == graph.output_id:
        return local_side
    return Product((Chain(use.upstream.terms, decimals=decimals), local_side))


def deduplicated(sides: list[Any]) -> tuple[Any, ...]:
    """The sides without one that reads as a side before it (a product of numbers written with ``·`` or ``×`` alike:
    ``1·1 = 1``, never ``= 1 × 1 = 1`` after it) — the last, the result, only where it reads as the side it follows —
    and without a side written out in the inputs that is too long to read (``SHOWN_LIMIT``)."""
    out, seen, last = [], set(), None
    for k, side in enumerate(sides):
        text = plain(side)
        long = len(text) > SHOWN_LIMIT and (isinstance(side, NodeText) or getattr(side, "in_inputs", False))
        key = text.replace(" × ", "·").replace(" · ", "·")
        if not long and (key != last if k == len(sides) - 1 else key not in seen):
            out.append(side)
            last = key
        seen.add(key)
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


def gradient_lines(result: Backward, expanded: bool = True, joint: str = "dot") -> list[Relation]:
    """``∂L/∂θ1 = 2c·x·θ2 = 2(θ1θ2x − y)·x·θ2 = 42`` for every input: the lecture's form, then
    (where it names intermediates) in the user's quantities, then in the inputs, the chain's
    factors joined by ``joint`` (``juxtaposed``: ``2cxθ2``, as the derivation writes them); unless
    ``expanded`` (a figure's caption) each side only where it is short."""
    graph = result.graph
    decimals = typed_decimals(graph)
    forms = forms_of(graph) if result.has_symbolic else {}
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind != "input":
            continue
        sides: list[Any] = [Partial(graph.output, node.name)]
        adjoint = forms.get(nid)
        if adjoint is not None:
            for form in shown_forms(result, nid):
                side = Chain(form.terms, joint=joint, decimals=decimals)
                if expanded or len(plain(side)) <= SHORT_SIDE:
                    sides.append(side)
            in_inputs = Chain(written_out(graph, adjoint), graph, in_inputs=True, joint=joint, decimals=decimals)
            if not _ends_in_inputs(graph, adjoint) and (expanded or len(plain(in_inputs)) <= SHORT_SIDE):
                sides.append(in_inputs)
        elif result.has_symbolic:
            sides.append(Number(0))
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
