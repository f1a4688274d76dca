"""The neuron-level view of a network: one node per neuron, grouped by layer, each listing
its value, its gradient and the gradients of its own parameters (bias and incoming weights).

For graphs too big to read op by op. Values and the neuron's gradient are those of the first
data sample; parameter gradients are those of the whole loss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir.ops import OPS
from ..text.numbers import format_value
from ..text.targets import MARKUP
from .backends import get_backend
from .scene import FONT, GRADIENT_COLOR, INK, OP_FILL, SOFT_INK, VALUE_COLOR, label_rows

if TYPE_CHECKING:
    import graphviz

    from ..eval.backward import Backward

__all__ = ["neuron_digraph", "render_neurons"]

_LOSS_TEXT = {"mse": "MSE loss", "mae": "MAE loss", "bce": "BCE loss", "ce": "softmax cross-entropy"}
MAX_LISTED_WEIGHTS = 6  # a neuron lists at most this many weight gradients


def neuron_digraph(network: Any, result: "Backward") -> "graphviz.Digraph":
    """The network as neurons in layer clusters, left to right, with the loss on the right."""
    import graphviz

    graph = result.graph
    out = graph.output
    dot = graphviz.Digraph("neurons", graph_attr={"rankdir": "LR", "nodesep": "0.35", "ranksep": "1.4",
                                                  "fontname": FONT, "bgcolor": "white"},
                           node_attr={"shape": "box", "style": "rounded,filled", "fillcolor": OP_FILL,
                                      "color": INK, "fontname": FONT, "fontsize": "12", "margin": "0.12,0.06"},
                           edge_attr={"color": SOFT_INK, "fontname": FONT, "fontsize": "10", "arrowsize": "0.7"})
    by_layer: dict[int, list] = {}
    for neuron in network.neurons:
        by_layer.setdefault(neuron.layer, []).append(neuron)
    last = max(by_layer)
    for layer, members in sorted(by_layer.items()):
        title = "inputs" if layer == 0 else "output" if layer == last else f"layer {layer}"
        with dot.subgraph(name=f"cluster_{layer}") as cluster:
            cluster.attr(label=title, fontname=FONT, fontsize="13", color="#BBBBBB", style="rounded,dashed")
            for neuron in members:
                cluster.node(f"u{neuron.node}", "<" + _label(_neuron_rows(neuron, result, out)) + ">",
                             fillcolor="white" if layer == 0 else OP_FILL)
    for neuron in network.neurons:
        labelled = len(neuron.weights) <= MAX_LISTED_WEIGHTS and result.values is not None
        for source, weight in zip(by_layer.get(neuron.layer - 1, []), neuron.weights):
            label = f"{weight} = {format_value(_input(result, weight))}" if labelled else None
            dot.edge(f"u{source.node}", f"u{neuron.node}", label=label)
    if network.loss is not None:
        loss_rows = [(f"{out} = {_LOSS_TEXT[network.loss]}", None)]
        if result.values is not None:
            loss_rows.append((f"= {format_value(result.value)}", VALUE_COLOR))
        dot.node("loss", "<" + _label(loss_rows) + ">", peripheries="2")
        for neuron in by_layer[last]:
            dot.edge(f"u{neuron.node}", "loss")
    return dot


def _label(rows: list[tuple[str, str | None]]) -> str:
    return label_rows(tuple((MARKUP.escape(text), colour) for text, colour in rows))


def _input(result: "Backward", name: str) -> float:
    return result.values[result.graph.node(name).id]


def _neuron_rows(neuron, result: "Backward", out: str) -> list[tuple[str, str | None]]:
    rows: list[tuple[str, str | None]] = []
    if neuron.layer == 0:
        rows.append((neuron.name, None))
    elif neuron.activation == "linear":
        rows.append((f"{neuron.name} = {neuron.bias} + Σ w·h", None))
    else:
        rows.append((f"{neuron.name} = {OPS[neuron.activation].text}({neuron.bias} + Σ w·h)", None))
    if result.values is not None:
        rows.append((f"= {format_value(result.values[neuron.node])}", VALUE_COLOR))
        rows.append((f"∂{out}/∂{neuron.name} = {format_value(result.adjoints[neuron.node])}", GRADIENT_COLOR))
        params = ([neuron.bias] if neuron.bias else []) + list(neuron.weights[:MAX_LISTED_WEIGHTS])
        rows += [(f"∂{out}/∂{p} = {format_value(result.grad[p])}", GRADIENT_COLOR) for p in params]
        if neuron.activation == "step":
            rows.append(("step′ = 0: no gradient passes", SOFT_INK))
        if len(neuron.weights) > MAX_LISTED_WEIGHTS:
            rows.append((f"… and {len(neuron.weights) - MAX_LISTED_WEIGHTS} more weights", SOFT_INK))
    return rows


def render_neurons(network: Any, result: "Backward", fmt: str = "svg", renderer: str = "auto",
                   dpi: int | None = None) -> bytes:
    """The neuron-level view as ``fmt`` bytes (``dot`` gives the DOT source)."""
    dot = neuron_digraph(network, result)
    if fmt == "dot":
        return dot.source.encode("utf-8")
    return get_backend(renderer).run(dot.source, "dot", fmt, dpi or (150 if fmt == "png" else None))
