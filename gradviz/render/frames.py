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
reverse mode for the graph. Slugs differ from the backward frames' (``02-tangent-b``), so both
sequences can share one layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..derive.captions import step_lines
from ..derive.lecture import SHOWN_LIMIT, cost_lines, forward_lines, gradient_lines, tangent_line, typed_decimals
from ..errors import GradvizError
from ..eval.tangents import TangentStep
from ..text.lines import Formula, Name, NodeText, Number, Partial, Relation, Sentence, Words, plain
from ..text.names import file_name
from .choices import FRAME_CHOICES

if TYPE_CHECKING:
    from ..eval.backward import Backward, Contribution, Step
    from ..eval.tangents import Tangents
    from ..ir.graph import Graph

__all__ = ["Frame", "FrameState", "frames", "frame_state", "FRAME_CHOICES", "RENDER_NODE_LIMIT",
           "SINGLE_FRAME_NODE_LIMIT", "check_drawable", "tangent_frames", "tangent_state", "FORWARD_KINDS"]

RENDER_NODE_LIMIT = 300  # nodes, for every frame (their number grows with the graph: the time is quadratic)
SINGLE_FRAME_NODE_LIMIT = 600  # nodes, for one frame (a 500-node graph lays out in about 2 s, 1,000 in 15 s)
FORWARD_KINDS = frozenset({"seed", "tangent", "tangents"})  # the frames of forward mode


@dataclass(frozen=True)
class Frame:
    """One frame: its place, kind, the node it treats, its title and the equations it illustrates."""

    index: int
    kind: str  # "structure" | "forward" | "backward" | "gradients"; forward mode: "seed" | "tangent" | "tangents"
    slug: str  # file stem, e.g. "02-backward-L": the node's name as a file name (``text.names.file_name``)
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
    instead = ("draw only the final frame (--frames final of gradviz render or gradviz net) or a smaller formula"
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
        out.append(Frame(index, "backward", f"{index:02d}-backward-{file_name(graph.nodes[step.node].name)}", title,
                         tuple(step_lines(result, step)), step=k, node=step.node))
    index = len(out)
    out.append(Frame(index, "gradients", f"{index:02d}-gradients",
                     Sentence((Words("Gradients of "), Name(graph.output))),
                     tuple(gradient_lines(result, expanded=False, joint="juxtaposed"))))
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
           Frame(1, "seed", f"01-seed-{file_name(t.wrt)}", Sentence((Words("Forward mode from "), Name(t.wrt),
                                                           Words(": the seed"))),
                 (Relation((Partial(t.wrt, t.wrt), Number(1))),) + ((other,) if len(graph.inputs) > 1 else ()),
                 node=seed)]
    for k, step in enumerate(t.steps):
        index = len(out)
        title = Sentence((Words(f"Forward step {k + 1} of {len(t.steps)}: "), NodeText(graph, step.node, "equation")))
        out.append(Frame(index, "tangent", f"{index:02d}-tangent-{file_name(graph.nodes[step.node].name)}", title,
                         (tangent_line(t, step),), step=k, node=step.node))
    index = len(out)
    out.append(Frame(index, "tangents", f"{index:02d}-tangents-{file_name(t.wrt)}",
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


def _formula(result: "Backward", expr: Any) -> Formula:
    return Formula(expr, decimals=typed_decimals(result.graph))
