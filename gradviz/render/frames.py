"""The frame sequence of a figure and what each frame shows, as plain data.

Frames, in order: ``structure`` (the graph and each node's equation), ``forward`` (every
node's value, or without values its expression in the inputs), one ``backward`` frame per
``Step`` in ``result.steps`` order (reverse topological: the output first), and a final
``gradients`` frame with every gradient. A backward frame shows the state *after* its step:
the active node's gradient, upstream × local = contribution on each of its edges, and the
running sums of the operands that received something. Titles and equations are math
objects (``text.lines``), written for each target by whoever shows them.

Forward mode from one input θ (``tangent_frames``): ``structure``, ``seed`` (every value, and
θ's tangent 1), one ``tangent`` frame per ``TangentStep`` (topological order: the nodes that
depend on θ, the output last) showing the active node's tangent = Σ ∂node/∂operand · operand's
tangent, and a final ``tangents`` frame with every tangent and the cost of forward against
reverse mode for the graph. Slugs differ from the backward frames' (``02-tangent-n3``), so both
sequences can share one layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..derive.lecture import (
    SHOWN_LIMIT,
    cost_lines,
    deduplicated,
    forward_lines,
    gradient_lines,
    tangent_line,
    typed_decimals,
)
from ..errors import GradvizError
from ..eval.tangents import TangentStep
from ..text.lines import (
    Formula,
    Math,
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
from .choices import FRAME_CHOICES

if TYPE_CHECKING:
    from ..eval.backward import Backward, Contribution, Step
    from ..eval.tangents import Tangents
    from ..ir.graph import Graph

__all__ = ["Frame", "FrameState", "frames", "frame_state", "fan_in", "FRAME_CHOICES", "RENDER_NODE_LIMIT",
           "SINGLE_FRAME_NODE_LIMIT", "check_drawable", "gate_value", "gate_gradient", "local_line",
           "product_line", "gradient_line", "value_line",
           "step_lines", "tangent_frames", "tangent_state", "tangent_row", "gate_tangent", "tangent_product_line",
           "FORWARD_KINDS"]

RENDER_NODE_LIMIT = 300  # nodes, for every frame (their number grows with the graph: the time is quadratic)
SINGLE_FRAME_NODE_LIMIT = 600  # nodes, for one frame (a 500-node graph lays out in about 2 s, 1,000 in 15 s)
FORWARD_KINDS = frozenset({"seed", "tangent", "tangents"})  # the frames of forward mode


@dataclass(frozen=True)
class Frame:
    """One frame: its place, kind, the node it treats, its title and the equations it illustrates."""

    index: int
    kind: str  # "structure" | "forward" | "backward" | "gradients"; forward mode: "seed" | "tangent" | "tangents"
    slug: str  # file stem, e.g. "02-backward-n7"
    title: Sentence
    equations: tuple[Relation, ...]
    step: int | None = None  # index into result.steps (backward frames) or tangents.steps (tangent frames)
    node: str | None = None  # id of the node the frame treats

    @property
    def title_text(self) -> str:
        return plain(self.title)

    def lines(self) -> list[str]:
        """The equations as Unicode lines."""
        return [plain(e) for e in self.equations]

    def manifest_entry(self, graph: "Graph", file: str) -> dict[str, Any]:
        """The frame as ``manifest.json`` lists it."""
        return {"index": self.index, "file": file, "kind": self.kind,
                "node": graph.nodes[self.node].name if self.node else None,
                "title": self.title_text, "equations": self.lines()}


@dataclass(frozen=True)
class FrameState:
    """What one frame shows of the backward pass."""

    kind: str
    active: "Step | None"  # the step this frame illustrates
    received: dict[str, tuple["Contribution", ...]]  # node id → contributions so far
    done: frozenset[str]  # ids of nodes whose step has been taken (their edges show locals)
    known: frozenset[str] = frozenset()  # forward mode: ids of the nodes whose tangent is shown
    forward: bool = False  # a forward-mode frame (``active`` is a ``TangentStep``)


def check_drawable(graph: "Graph", frame_count: int) -> None:
    """Refuse graphs too big to draw in reasonable time, saying what to do instead."""
    limit = SINGLE_FRAME_NODE_LIMIT if frame_count == 1 else RENDER_NODE_LIMIT
    if len(graph) <= limit:
        return
    what = "one frame" if frame_count == 1 else "every frame"
    instead = ("draw only the final frame (--frames final) or a smaller formula"
               if frame_count > 1 and len(graph) <= SINGLE_FRAME_NODE_LIMIT else "draw a smaller formula")
    raise GradvizError(f"the graph has {len(graph):,} nodes; gradviz draws {what} of graphs up to {limit} nodes "
                       f"(Graphviz would take minutes): {instead}, use the neuron view for networks "
                       "(gradviz net --view neurons), or gradviz grad for the numbers")


def frames(result: "Backward", which: str = "all") -> list[Frame]:
    """The frames of ``result``: all of them, or only the final one (``which="final"``).

    Indices and file stems are those of the full sequence either way."""
    if which not in FRAME_CHOICES:
        raise GradvizError(f"unknown frame choice {which!r}; choose one of {', '.join(FRAME_CHOICES)}")
    graph = result.graph
    steps = result.steps
    out = [_structure_frame(graph),
           Frame(1, "forward", "01-forward", Sentence((Words("Forward pass"),)), tuple(forward_lines(result)))]
    for k, step in enumerate(steps):
        index = len(out)
        title = Sentence((Words(f"Backward step {k + 1} of {len(steps)}: "), NodeText(graph, step.node, "equation")))
        out.append(Frame(index, "backward", f"{index:02d}-backward-{step.node}", title,
                         tuple(step_lines(result, step)), step=k, node=step.node))
    index = len(out)
    out.append(Frame(index, "gradients", f"{index:02d}-gradients",
                     Sentence((Words("Gradients of "), Name(graph.output))),
                     tuple(gradient_lines(result, expanded=False))))
    return out if which == "all" else out[-1:]


def _structure_frame(graph: "Graph") -> Frame:
    """The first frame of either mode: the graph and the output's formula."""
    written = NodeText(graph, graph.output_id, "written")
    if len(plain(written)) > SHOWN_LIMIT:  # too long to read: the output's own definition instead
        written = NodeText(graph, graph.output_id, "definition")
    return Frame(0, "structure", "00-structure", Sentence((Words("Computational graph of "), Name(graph.output))),
                 (Relation((Name(graph.output), written)),))


def tangent_frames(t: "Tangents", which: str = "all") -> list[Frame]:
    """Forward mode's frames (see the module's docstring): all, or only the final one."""
    if which not in FRAME_CHOICES:
        raise GradvizError(f"unknown frame choice {which!r}; choose one of {', '.join(FRAME_CHOICES)}")
    graph, seed = t.graph, t.seed
    other = Sentence((Words("every other input: "), Partial("·", t.wrt), Words(" = 0")))
    out = [_structure_frame(graph),
           Frame(1, "seed", f"01-seed-{seed}", Sentence((Words("Forward mode from "), Name(t.wrt),
                                                           Words(": the seed"))),
                 (Relation((Partial(t.wrt, t.wrt), Number(1))),) + ((other,) if len(graph.inputs) > 1 else ()),
                 node=seed)]
    for k, step in enumerate(t.steps):
        index = len(out)
        title = Sentence((Words(f"Forward step {k + 1} of {len(t.steps)}: "), NodeText(graph, step.node, "equation")))
        out.append(Frame(index, "tangent", f"{index:02d}-tangent-{step.node}", title, (tangent_line(t, step),),
                         step=k, node=step.node))
    index = len(out)
    out.append(Frame(index, "tangents", f"{index:02d}-tangents-{seed}",
                     Sentence((Words("Tangents "), Partial("·", t.wrt), Words(", forward against reverse mode"))),
                     tuple(cost_lines(t)) if t.value is not None else
                     (Relation((Partial(graph.output, t.wrt), _formula(t.result, t.exprs.get(graph.output_id, 0)))),
                      *cost_lines(t)),
                     node=seed))
    return out if which == "all" else out[-1:]


def tangent_state(t: "Tangents", frame: Frame) -> FrameState:
    """Which tangents a forward-mode frame shows: the inputs' (and those of the nodes that do not
    depend on the seed, 0) from the seed frame on, then each node's once its step is taken. The
    seed frame's active node is the seed."""
    if frame.kind not in FORWARD_KINDS:
        return FrameState(frame.kind, None, {}, frozenset(), forward=True)
    upto = len(t.steps) if frame.kind == "tangents" else 0 if frame.kind == "seed" else frame.step + 1
    stepped = {s.node for s in t.steps}
    start = {nid for nid in t.graph.nodes if nid not in stepped and t.graph.nodes[nid].kind != "const"}
    done = frozenset(s.node for s in t.steps[:upto])
    active = t.steps[frame.step] if frame.kind == "tangent" else None
    if frame.kind == "seed":  # the seed stands out as the step's node would
        active = TangentStep(t.seed, t.wrt, t.tangents[t.seed] if t.tangents is not None else None)
    return FrameState(frame.kind, active, {}, done, known=frozenset(start) | done, forward=True)


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


def frame_state(result: "Backward", frame: Frame) -> FrameState:
    """Which gradients a frame shows: none before the backward pass, then step by step."""
    upto = {"structure": 0, "forward": 0, "gradients": len(result.steps)}.get(frame.kind)
    if upto is None:
        upto = frame.step + 1
    received: dict[str, list] = {}
    for step in result.steps[:upto]:
        for c in step.contributions:
            received.setdefault(c.operand, []).append(c)
    active = result.steps[frame.step] if frame.kind == "backward" else None
    return FrameState(frame.kind, active, {k: tuple(v) for k, v in received.items()},
                      frozenset(s.node for s in result.steps[:upto]))


def fan_in(result: "Backward") -> dict[str, int]:
    """How many contributions each node receives over the whole backward pass."""
    count: dict[str, int] = {}
    for step in result.steps:
        for c in step.contributions:
            count[c.operand] = count.get(c.operand, 0) + 1
    return count


def _formula(result: "Backward", expr: Any) -> Formula:
    return Formula(expr, decimals=typed_decimals(result.graph))


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


def gate_gradient(result: "Backward", nid: str, received: tuple["Contribution", ...], expected: int) -> Math | None:
    """A gate's gradient (the output's is 1): the sum of what came back along its edges, marked
    ``(so far)`` while some of its ``expected`` contributions are still to come."""
    if nid == result.graph.output_id:
        return Number(1)
    last = received[-1]
    if last.total is not None:
        total: Math = Number(last.total)
    elif last.total_expr is not None:
        total = _formula(result, last.total_expr)
    else:
        return None
    return Terms((total,), open=True) if len(received) < expected else total


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
    if c.value_expr is None:
        return None
    return Relation((Product((_formula(result, step.upstream_expr), _formula(result, c.local_expr)), "cross"),
                     _formula(result, c.value_expr)))


def gradient_line(result: "Backward", nid: str, received: tuple["Contribution", ...], expected: int) -> Relation:
    """``∂L/∂a = −42``; a node with several contributions shows their running sum
    (``∂L/∂x = 21 (so far)`` until all have arrived, then ``∂L/∂x = 21 + 7 = 28``)."""
    graph = result.graph
    head = Partial(graph.output, graph.nodes[nid].name)
    if nid == graph.output_id:
        return Relation((head, Number(1)))
    numeric = received[-1].total is not None
    if not numeric and received[-1].total_expr is None:  # neither values nor the symbolic side
        return Relation((head,))

    def term(c: "Contribution") -> Math:
        return Number(c.value) if numeric else _formula(result, c.value_expr)

    total = Number(received[-1].total) if numeric else _formula(result, received[-1].total_expr)
    if expected <= 1:
        return Relation((head, total))
    terms = Terms(tuple(term(c) for c in received), open=len(received) < expected)
    return Relation((head, terms) if len(received) < expected else (head, terms, total))


def step_lines(result: "Backward", step: "Step") -> list[Relation]:
    """One chain-rule line per contribution of a step:
    ``∂L/∂θ1 = ∂L/∂a·∂a/∂θ1 = 2cx·θ2 = −42 × (−1) = 42`` (``+=`` for a fan-out operand)."""
    graph = result.graph
    counts = fan_in(result)
    lines = []
    for c in step.contributions:
        operand = graph.nodes[c.operand].name
        local = Partial(step.name, operand)
        first = step.node == graph.output_id  # ∂L/∂c is the local derivative itself
        sides: list[Math] = [Partial(graph.output, operand)]
        if not first:
            sides.append(Product((Partial(graph.output, step.name), local), "dot"))
        if c.local_expr is not None:
            sides.append(_formula(result, c.local_expr) if first else
                         Product((_formula(result, step.upstream_expr), _formula(result, c.local_expr)), "dot"))
        if c.value is not None:
            sides.append(Number(c.value) if first else product_line(result, step, c))
        lines.append(Relation(deduplicated(sides), first="+=" if counts.get(c.operand, 0) > 1 else "="))
    return lines
