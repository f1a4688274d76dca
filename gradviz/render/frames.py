"""The frame sequence of a figure and what each frame shows, as plain data and plain text.

Frames, in order: ``structure`` (the graph and each node's equation), ``forward`` (every
node's value, or without values its expression in the inputs), one ``backward`` frame per
``Step`` in ``result.steps`` order (reverse topological: the output first), and a final
``gradients`` frame with every gradient. A backward frame shows the state *after* its step:
the active node's gradient, upstream × local = contribution on each of its edges, and the
running sums of the operands that received something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..derivation import forward_lines, gradient_lines, partial
from ..errors import GradvizError
from ..notation import MINUS, equation, expression_text, format_value, written

if TYPE_CHECKING:
    from ..backward import BackwardResult, Contribution, Step
    from ..graph import Graph

__all__ = ["Frame", "FrameState", "frames", "frame_state", "fan_in", "FRAME_CHOICES", "RENDER_NODE_LIMIT",
           "SINGLE_FRAME_NODE_LIMIT", "check_drawable",
           "local_text", "product_text", "gradient_text", "value_text", "step_lines"]

FRAME_CHOICES = ("all", "final")
RENDER_NODE_LIMIT = 300  # nodes, for every frame (their number grows with the graph: the time is quadratic)
SINGLE_FRAME_NODE_LIMIT = 600  # nodes, for one frame (a 500-node graph lays out in about 2 s, 1,000 in 15 s)


@dataclass(frozen=True)
class Frame:
    """One frame: its place, kind, the node it treats and the equation it illustrates."""

    index: int
    kind: str  # "structure" | "forward" | "backward" | "gradients"
    slug: str  # file stem, e.g. "02-backward-n7"
    title: str
    equation: str
    step: int | None = None  # index into result.steps (backward frames)
    node: str | None = None  # id of the node the frame treats

    def manifest_entry(self, graph: "Graph", file: str) -> dict[str, Any]:
        """The frame as ``manifest.json`` lists it."""
        return {"index": self.index, "file": file, "kind": self.kind,
                "node": graph.nodes[self.node].name if self.node else None,
                "title": self.title, "equation": self.equation}


@dataclass(frozen=True)
class FrameState:
    """What one frame shows of the backward pass."""

    kind: str
    active: "Step | None"  # the step this frame illustrates
    received: dict[str, tuple["Contribution", ...]]  # node id → contributions so far
    done: frozenset[str]  # ids of nodes whose step has been taken (their edges show locals)


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


def frames(result: "BackwardResult", which: str = "all") -> list[Frame]:
    """The frames of ``result``: all of them, or only the final one (``which="final"``).

    Indices and file stems are those of the full sequence either way."""
    if which not in FRAME_CHOICES:
        raise ValueError(f"unknown frame choice {which!r}; choose one of {', '.join(FRAME_CHOICES)}")
    graph = result.graph
    steps = result.steps
    out = [Frame(0, "structure", "00-structure", f"Computational graph of {graph.output}",
                 f"{graph.output} = {written(graph, graph.output_id)}"),
           Frame(1, "forward", "01-forward", "Forward pass", "; ".join(forward_lines(result)))]
    for k, step in enumerate(steps):
        index = len(out)
        out.append(Frame(index, "backward", f"{index:02d}-backward-{step.node}",
                         f"Backward step {k + 1} of {len(steps)}: {equation(graph, step.node)}",
                         "; ".join(step_lines(result, step)), step=k, node=step.node))
    index = len(out)
    out.append(Frame(index, "gradients", f"{index:02d}-gradients", f"Gradients of {graph.output}",
                     "; ".join(gradient_lines(result))))
    return out if which == "all" else out[-1:]


def frame_state(result: "BackwardResult", frame: Frame) -> FrameState:
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


def fan_in(result: "BackwardResult") -> dict[str, int]:
    """How many contributions each node receives over the whole backward pass."""
    count: dict[str, int] = {}
    for step in result.steps:
        for c in step.contributions:
            count[c.operand] = count.get(c.operand, 0) + 1
    return count


def _expr(expr: Any, wrap: bool = False) -> str:
    """Textbook text of a sympy expression; ``wrap`` brackets sums and negatives (as factors)."""
    text = expression_text(expr)
    return f"({text})" if wrap and (getattr(expr, "is_Add", False) or text.startswith(MINUS)) else text


def value_text(result: "BackwardResult", nid: str) -> str | None:
    """``= −2`` (or ``= θ1θ2`` without values) for a node; None when there is nothing to add."""
    graph = result.graph
    if result.values is not None:
        return f"= {format_value(result.values[nid])}"
    if graph.nodes[nid].kind == "op":
        return f"= {written(graph, nid)}"
    return None


def local_text(result: "BackwardResult", step: "Step", c: "Contribution") -> str:
    """``∂a/∂θ1 = θ2 = −1``: the local derivative on an edge, symbolic and numeric."""
    graph = result.graph
    parts = [f"∂{step.name}/∂{graph.nodes[c.operand].name}"]
    if c.local_expr is not None:
        parts.append(_expr(c.local_expr))
    if c.local is not None and format_value(c.local) != parts[-1]:
        parts.append(format_value(c.local))
    return " = ".join(parts)


def product_text(step: "Step", c: "Contribution") -> str:
    """``−42 × (−1) = 42``: upstream × local = contribution (symbolic without values)."""
    if c.value is not None:
        local = format_value(c.local)
        local = f"({local})" if local.startswith(MINUS) else local
        return f"{format_value(step.upstream)} × {local} = {format_value(c.value)}"
    if c.value_expr is not None:
        return f"{_expr(step.upstream_expr, True)} × {_expr(c.local_expr, True)} = {_expr(c.value_expr)}"
    return ""


def gradient_text(result: "BackwardResult", nid: str, received: tuple["Contribution", ...],
                  expected: int) -> str:
    """``∂L/∂a = −42``; a node with several contributions shows their running sum
    (``∂L/∂x = 21 + …`` until all have arrived, then ``∂L/∂x = 21 + 7 = 28``)."""
    graph = result.graph
    head = partial(graph, nid)
    if nid == graph.output_id:
        return f"{head} = 1"
    numeric = received[-1].total is not None

    def term(c: "Contribution") -> str:
        return format_value(c.value) if numeric else _expr(c.value_expr)

    total = format_value(received[-1].total) if numeric else _expr(received[-1].total_expr)
    if expected <= 1:
        return f"{head} = {total}"
    terms = " + ".join(term(c) for c in received).replace("+ −", "− ")
    if len(received) < expected:
        return f"{head} = {terms} + …"
    return f"{head} = {terms} = {total}"


def step_lines(result: "BackwardResult", step: "Step") -> list[str]:
    """One chain-rule line per contribution of a step:
    ``∂L/∂θ1 = ∂L/∂a·∂a/∂θ1 = 2cx·θ2 = −42 × (−1) = 42`` (``+=`` for a fan-out operand)."""
    graph = result.graph
    counts = fan_in(result)
    lines = []
    for c in step.contributions:
        target = partial(graph, c.operand)
        sign = "+=" if counts.get(c.operand, 0) > 1 else "="
        local = f"∂{step.name}/∂{graph.nodes[c.operand].name}"
        first = step.node == graph.output_id  # ∂L/∂c is the local derivative itself
        parts = [] if first else [f"{partial(graph, step.node)}·{local}"]
        if c.local_expr is not None:
            parts.append(_expr(c.local_expr) if first
                         else f"{_expr(step.upstream_expr, True)}·{_expr(c.local_expr, True)}")
        if c.value is not None:
            parts.append(format_value(c.value) if first else product_text(step, c))
        lines.append(f"{target} {sign} " + " = ".join(parts))
    return lines
