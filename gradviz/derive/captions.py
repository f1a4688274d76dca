"""What a figure writes beside its nodes and edges and in its caption, as math objects: the same
lecture forms as the derivation (``forms``), so a caption and the derivation say the same thing.

- a node's value (``= −2``) and gradient (``∂L/∂a = −42``; a node still waiting for some of its
  consumers shows the sum so far: ``∂L/∂x = 21 (so far)``);
- an edge's local derivative (``∂a/∂θ1 = θ2 = −1``) and what it brings (``−42 × (−1) = 42``);
- a backward step's caption, one line per operand: ``∂L/∂θ1 = ∂L/∂a·∂a/∂θ1 = 2cx·θ2 = 2cxθ2 =
  −42 × (−1) = 42``; an operand with several consumers is written as the lecture writes a
  fan-out, ``∂L/∂p = ∂L/∂h·∂h/∂p + ∂L/∂k·∂k/∂p``, with ``+ ⋯`` and ``(so far)`` until the last
  consumer has sent its part;
- forward mode's tangents (``∂a/∂θ1 = −1``) and what an edge brings."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..text.lines import Chain, Formula, Math, More, NodeText, Number, Partial, Product, Relation, Sentence, Terms, Words, plain
from .forms import Use, forms_of
from .lecture import deduplicated, shown_forms, typed_decimals

if TYPE_CHECKING:
    from ..eval.backward import Backward, Contribution, Step
    from ..eval.tangents import TangentStep, Tangents

__all__ = ["CAPTION_WIDTH", "fan_in", "value_line", "gate_value", "gate_gradient", "local_line", "product_line",
           "gradient_line", "step_lines", "tangent_row", "gate_tangent", "tangent_product_line"]

_MORE = More()  # the terms of a fan-out still to come
FIGURE_FORM_WIDTH = 24  # characters: a node's gradient wider than this is shown in its node by the chain rule's last step
CAPTION_WIDTH = 110  # characters of a fan-out's caption line beyond which it keeps only this step's term
_FIRST_TERMS = 8  # a fan-out line's terms written to see whether it is too long before the rest is made


def fan_in(result: "Backward") -> dict[str, int]:
    """How many contributions each node receives over the whole backward pass."""
    return {nid: len(sent) for nid, sent in _arrivals(result).items()}


@lru_cache(maxsize=4)
def _arrivals(result: "Backward") -> dict[str, list[tuple[str, "Contribution"]]]:
    """Each node's contributions in the order they arrive, with the consumer that sent each (made
    once for the result: every step's and node's caption asks)."""
    out: dict[str, list[tuple[str, Contribution]]] = {}
    for step in result.steps:
        for c in step.contributions:
            out.setdefault(c.operand, []).append((step.node, c))
    return out


def _use(result: "Backward", consumer: str, c: "Contribution") -> Use | None:
    """The lecture form's record of the edge that carried ``c`` (None without the symbolic side)."""
    if not result.has_symbolic:
        return None
    adjoint = forms_of(result.graph).get(c.operand)
    if adjoint is None:
        return None
    return next((u for u in adjoint.uses if u.consumer == consumer and u.position == c.position), None)


def _formula(result: "Backward", expr: Any) -> Formula:
    return Formula(expr, decimals=typed_decimals(result.graph))


def _chain(result: "Backward", terms: tuple) -> Chain:
    return Chain(terms, decimals=typed_decimals(result.graph))


def value_line(result: "Backward", nid: str) -> Math | None:
    """``= −2`` (or ``= θ1θ2`` without values) for a node; None when there is nothing to add."""
    graph = result.graph
    if result.values is not None:
        return Sentence((Words("= "), Number(result.values[nid])))
    if graph.nodes[nid].kind == "op":
        return Sentence((Words("= "), NodeText(graph, nid, "written")))
    return None


def gate_value(result: "Backward", nid: str) -> Number | None:
    """A gate's value (none without values)."""
    return Number(result.values[nid]) if result.values is not None else None


def _received_uses(result: "Backward", nid: str, received: tuple["Contribution", ...]) -> list[Use] | None:
    """The lecture form's record of each contribution received so far (None without the symbolic side)."""
    uses = []
    for (consumer, c), _ in zip(_arrivals(result).get(nid, []), received):
        use = _use(result, consumer, c)
        if use is None:
            return None
        uses.append(use)
    return uses


def _received_terms(result: "Backward", nid: str, received: tuple["Contribution", ...]) -> list[Math] | None:
    """The symbolic form of each contribution received so far (None without the symbolic side)."""
    uses = _received_uses(result, nid, received)
    return None if uses is None else [_chain(result, use.brought.terms) for use in uses]


def _total(result: "Backward", nid: str, received: tuple["Contribution", ...], expected: int) -> Math | None:
    """A node's gradient so far as one math object: the number, or the lecture's form — by the chain
    rule's last step where that form is wider than ``FIGURE_FORM_WIDTH`` and the step narrower (of
    more than two consumers' terms the first and the last, ``⋯`` between)."""
    if received[-1].total is not None:
        return Number(received[-1].total)
    if len(received) >= expected and result.has_symbolic and nid in forms_of(result.graph):
        shown: Math = _chain(result, forms_of(result.graph)[nid].carried.terms)
    else:
        terms = _received_terms(result, nid, received)
        if terms is None:
            return None
        shown = Terms(tuple(terms))
    step = _last_step(result, nid, received) if len(plain(shown)) > FIGURE_FORM_WIDTH else None
    if isinstance(step, Terms) and len(step.terms) > 2:
        step = Terms((step.terms[0], _MORE, step.terms[-1]))
    return step if step is not None and len(plain(step)) < len(plain(shown)) else shown


def _last_step(result: "Backward", nid: str, received: tuple["Contribution", ...]) -> Math | None:
    """What has come back to ``nid`` as the chain rule's last step: per consumer ∂L/∂consumer ·
    ∂consumer/∂node (``∂L/∂z₇ · w₇``); None from the output itself (nothing to abbreviate)."""
    graph = result.graph
    uses = _received_uses(result, nid, received)
    if uses is None or any(use.consumer == graph.output_id for use in uses):
        return None
    terms: list[Math] = []
    for use in uses:
        upstream = Partial(graph.output, graph.nodes[use.consumer].name)
        terms.append(upstream if use.local == 1 else Sentence((Words("−"), upstream)) if use.local == -1
                     else Product((upstream, _formula(result, use.local))))
    return terms[0] if len(terms) == 1 else Terms(tuple(terms))


def gate_gradient(result: "Backward", nid: str, received: tuple["Contribution", ...], expected: int) -> Math | None:
    """A gate's gradient (the output's is 1): the sum of what came back along its edges, with ``+ ⋯`` while some of
    its ``expected`` contributions are still to come (the caption says ``(so far)``; the node stays narrow)."""
    if nid == result.graph.output_id:
        return Number(1)
    last = received[-1]
    total = Number(last.total) if last.total is not None else _total(result, nid, received, expected)
    if total is None:
        return None
    return Terms((total, More())) if len(received) < expected else total


def local_line(result: "Backward", step: "Step", c: "Contribution") -> Relation:
    """``∂a/∂θ1 = θ2 = −1``: the local derivative on an edge, symbolic and numeric."""
    graph = result.graph
    sides: list[Math] = [Partial(step.name, graph.nodes[c.operand].name)]
    if c.local_expr is not None:
        sides.append(_formula(result, c.local_expr))
    if c.local is not None and not (c.local_expr is not None and c.local_expr.is_Number):
        sides.append(Number(c.local))
    return Relation(tuple(sides))


def product_line(result: "Backward", step: "Step", c: "Contribution") -> Relation | None:
    """``−42 × (−1) = 42``: upstream × local = contribution (symbolic without values)."""
    if c.value is not None:
        return Relation((Product((Number(step.upstream), Number(c.local)), "cross"), Number(c.value)))
    use = _use(result, step.node, c)
    if use is None:
        return None
    return Relation(deduplicated([Product((_chain(result, use.upstream.terms), _formula(result, use.local)), "cross"),
                                  _chain(result, use.brought.terms)]))


def gradient_line(result: "Backward", nid: str, received: tuple["Contribution", ...], expected: int) -> Relation:
    """``∂L/∂a = −42``; a node with several contributions shows their running sum
    (``∂L/∂x = 21 (so far)`` until all have arrived, then ``∂L/∂x = 21 + 7 = 28``)."""
    graph = result.graph
    head = Partial(graph.output, graph.nodes[nid].name)
    if nid == graph.output_id:
        return Relation((head, Number(1)))
    numeric = received[-1].total is not None
    if numeric:
        terms: list[Math] | None = [Number(c.value) for c in received]
    else:
        terms = _received_terms(result, nid, received)
    total = _total(result, nid, received, expected)
    if terms is None or total is None:  # neither values nor the symbolic side
        return Relation((head,))
    if expected <= 1:
        return Relation((head, total))
    if len(received) < expected:
        return Relation((head, Terms(tuple(terms), open=True)))
    return Relation(deduplicated([head, Terms(tuple(terms)), total]))


def step_lines(result: "Backward", step: "Step") -> list[Relation]:
    """One chain-rule line per contribution of a step, as the derivation writes it:
    ``∂L/∂θ1 = ∂L/∂a·∂a/∂θ1 = 2cx·θ2 = 2cxθ2 = −42 × (−1) = 42`` (a line longer than
    ``CAPTION_WIDTH`` without the simplified forms). An operand with several consumers gets the
    lecture's sum over them, the terms still to come as ``+ ⋯``."""
    graph = result.graph
    arrivals = _arrivals(result)
    lines = []
    for c in step.contributions:
        if len(arrivals[c.operand]) > 1:
            lines.append(_fan_out_line(result, step, c, arrivals[c.operand]))
            continue
        use = _use(result, step.node, c)
        head: list[Math] = [Partial(graph.output, graph.nodes[c.operand].name), _partials(result, step.node, c)]
        product = [_use_product(result, use)] if use is not None else []
        shown = [_chain(result, form.terms) for form in shown_forms(result, c.operand)] if use is not None else []
        numbers = [_number_product(result, step, c), Number(c.value)] if c.value is not None else []
        line = Relation(_without_repeats(head + product + shown + numbers))
        if shown and numbers and len(plain(line)) > CAPTION_WIDTH:  # the simplified forms stay in the derivation
            line = Relation(_without_repeats(head + product + numbers))
        lines.append(line)
    return lines


def _fan_out_line(result: "Backward", step: "Step", c: "Contribution",
                  arrived: list[tuple[str, "Contribution"]]) -> Relation:
    """``∂L/∂p = ∂L/∂h·∂h/∂p + ∂L/∂k·∂k/∂p = …``: the terms sent so far in the formula's order, the
    one this step sends as upstream × local, those still to come as ``⋯``; the numbers as this
    step's product plus the sum before it. A line longer than ``CAPTION_WIDTH`` keeps only this
    step's term and ``⋯`` for the others."""
    full = _fan_out_sides(result, step, c, arrived, compact=False)
    if full is None or len(plain(Relation(full))) > CAPTION_WIDTH:
        return Relation(_fan_out_sides(result, step, c, arrived, compact=True))
    return Relation(full)


def _fan_out_sides(result: "Backward", step: "Step", c: "Contribution", arrived: list[tuple[str, "Contribution"]],
                   compact: bool) -> tuple[Math, ...] | None:
    """The line's sides; None (not compact) when its start, the head and the first ``_FIRST_TERMS``
    terms of the sum, already passes ``CAPTION_WIDTH``: the rest of the line, costly for an input
    with hundreds of consumers, is not made."""
    graph = result.graph
    upto = next(k for k, (consumer, got) in enumerate(arrived) if consumer == step.node and got.position == c.position)
    complete = upto + 1 == len(arrived)
    this = (step.node, c.position)
    if compact:
        ordered = [(step.node, c)]
    else:
        position = graph.positions()
        ordered = sorted(arrived[:upto + 1], key=lambda s: (position[s[0]], s[1].position))

    def terms(make: Any) -> Terms:
        made = [make(consumer, got, (consumer, got.position) == this) for consumer, got in ordered]
        return Terms(tuple(made) + (() if complete and not compact else (_MORE,)))

    head = Partial(graph.output, graph.nodes[c.operand].name)
    first = Terms(tuple(_partials(result, consumer, got) for consumer, got in ordered[:_FIRST_TERMS]))
    if not compact and len(plain(Relation((head, first)))) > CAPTION_WIDTH:  # the line's text starts with these
        return None
    sides: list[Math] = [head, terms(lambda consumer, got, now: _partials(result, consumer, got))]
    uses = {(consumer, got.position): _use(result, consumer, got) for consumer, got in ordered}
    if all(u is not None for u in uses.values()):
        sides.append(terms(lambda consumer, got, now: _use_product(result, uses[(consumer, got.position)]) if now
                           else _chain(result, uses[(consumer, got.position)].brought.terms)))
        if complete and not compact:
            sides += [_chain(result, form.terms) for form in shown_forms(result, c.operand)]
    if c.value is not None:
        before = arrived[upto - 1][1].total if upto else None
        sides.append(Terms((_number_product(result, step, c),) + (() if before is None else (Number(before),))))
        sides.append(Number(c.total) if complete else Terms((Number(c.total),), open=True))
    return _without_repeats(sides)


def _partials(result: "Backward", consumer: str, c: "Contribution") -> Math:
    """``∂L/∂a·∂a/∂θ1`` (``∂L/∂c`` alone where the consumer is the output)."""
    graph = result.graph
    local = Partial(graph.nodes[consumer].name, graph.nodes[c.operand].name)
    return local if consumer == graph.output_id else Product((Partial(graph.output, graph.nodes[consumer].name), local),
                                                             "dot")


def _use_product(result: "Backward", use: Use) -> Math:
    """``2cx·θ2``: the consumer's carried form times the local derivative (the local alone at the output)."""
    if use.consumer == result.graph.output_id:
        return _formula(result, use.local)
    return Product((_chain(result, use.upstream.terms), _formula(result, use.local)), "dot")


def _number_product(result: "Backward", step: "Step", c: "Contribution") -> Math:
    """``−42 × (−1)`` (the local alone at the output)."""
    if step.node == result.graph.output_id:
        return Number(c.local)
    return Product((Number(step.upstream), Number(c.local)), "cross")


def _without_repeats(sides: list[Math]) -> tuple[Math, ...]:
    """The sides without one that repeats the one before it, the joint aside (``1·0.5 = 1 × 0.5``)."""
    out: list[Math] = []
    last = None
    for side in deduplicated(sides):
        text = plain(side).replace(" × ", "·").replace(" · ", "·")
        if text != last:
            out.append(side)
        last = text
    return tuple(out)


def tangent_row(t: "Tangents", nid: str) -> Relation:
    """``∂a/∂θ1 = −1`` for a node (``= θ2`` without values)."""
    name = t.graph.nodes[nid].name
    if t.tangents is not None:
        return Relation((Partial(name, t.wrt), Number(t.tangents[nid])))
    expr = t.exprs.get(nid, 1 if nid == t.seed else 0)
    return Relation((Partial(name, t.wrt), _formula(t.result, expr)))


def gate_tangent(t: "Tangents", nid: str) -> Math | None:
    """A gate's tangent (none without values)."""
    return Number(t.tangents[nid]) if t.tangents is not None else None


def tangent_product_line(t: "Tangents", step: "TangentStep", c: "Contribution") -> Relation | None:
    """``3 × (−1) = −3``: local × the operand's tangent = what the edge brings (symbolic without values)."""
    if c.value is not None:
        return Relation((Product((Number(c.local), Number(t.tangents[c.operand])), "cross"), Number(c.value)))
    if c.value_expr is None:
        return None
    return Relation((Product((_formula(t.result, c.local_expr), _formula(t.result, t.exprs[c.operand])), "cross"),
                     _formula(t.result, c.value_expr)))
