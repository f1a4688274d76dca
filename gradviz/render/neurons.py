"""The neuron-level view of a network: one node per neuron, a column per layer with its
neurons in index order top down, each listing its value, its gradient and the gradients of its
own parameters (bias and incoming weights).

For graphs too big to read op by op. With data, the neurons' values and gradients are those of
one data point (``point``, 1 = the first) and the loss and the parameter gradients those of the
loss over all points (their mean); the caption says so. A unit whose dropout mask is 0 in the
values drawn is dashed, grey and crossed (✗), and so are its edges.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..errors import GradvizError
from ..ir.ops import OPS
from ..text.numbers import format_value
from ..text.targets import MARKUP
from .backends import get_backend
from .looks import FAINT, FONT, GRADIENT_COLOR, INK, OP_FILL, SOFT_INK, VALUE_COLOR, label_rows

if TYPE_CHECKING:
    import graphviz

    from ..eval.backward import Backward
    from .style import Style

__all__ = ["check_point", "neuron_digraph", "point_caption", "render_neurons"]

_LOSS_TEXT = {"mse": "MSE loss", "mae": "MAE loss", "bce": "BCE loss", "ce": "softmax cross-entropy"}
MAX_LISTED_WEIGHTS = 6  # a neuron lists at most this many weight gradients
_INDICES = "0123456789₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹,"  # stripped from a neuron's name to give its layer's letter
DROPPED_FILL = "#DDDDDD"
NOISE_CAPTION = ("Input noise in the step drawn: the inputs x are the data point plus that step's Gaussian noise ε; "
                 "the target is the clean point.")
DROPOUT_CAPTION = ("Dropout in the step drawn: the dashed grey units marked ✗ are dropped — they pass 0, so no "
                   "gradient reaches them or their weights in or out; the kept units pass their value × 1/(1 − p).")


def neuron_digraph(network: Any, result: "Backward", point: int = 1) -> "graphviz.Digraph":
    """The network as neurons in layer columns, left to right, with the loss on the right; the
    neurons' values and gradients at data ``point`` (1 = the first)."""
    import graphviz

    graph = result.graph
    out = graph.output
    count = check_point(network, point)
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
        inputs = by_layer[layer - 1][0].name.rstrip(_INDICES) if layer else ""  # x, h, v: the previous layer
        with dot.subgraph() as rank:  # one rank: the title, then the neurons in index order, top down
            rank.attr(rank="same")
            rank.node(f"layer{layer}", title, shape="plaintext", style="", fontsize="13", fontcolor=SOFT_INK)
            for neuron in members:
                look = ({"style": "rounded,filled,dashed", "fillcolor": DROPPED_FILL, "penwidth": "2"}
                        if _dropped(neuron, result) else {"fillcolor": "white" if layer == 0 else OP_FILL})
                rank.node(f"u{neuron.node}", "<" + _label(_neuron_rows(neuron, result, out, point, inputs)) + ">",
                          **look)
            chain = [f"layer{layer}"] + [f"u{neuron.node}" for neuron in members]
            for upper, lower in pairwise(chain):  # in rankdir=LR a flat edge puts its tail above its head
                rank.edge(upper, lower, style="invis")
    for neuron in network.neurons:
        labelled = len(neuron.weights) <= MAX_LISTED_WEIGHTS and result.values is not None
        for source, weight in zip(by_layer.get(neuron.layer - 1, []), neuron.weights):
            label = f"{weight} = {format_value(_input(result, weight))}" if labelled else None
            cut = {"style": "dashed", "color": FAINT} if _dropped(source, result) or _dropped(neuron, result) else {}
            dot.edge(f"u{source.node}", f"u{neuron.node}", label=label, **cut)
    caption = point_caption(network, point, out)
    noisy = result.values is not None and any(_input(result, name) for names in network.noise
                                              for name in names)
    notes = [note for note, shown in ((DROPOUT_CAPTION, any(_dropped(neuron, result) for neuron in network.neurons)),
                                      (NOISE_CAPTION, noisy)) if shown]
    caption = "\n".join(([caption] if caption else []) + notes) or None
    if caption:
        dot.attr(label=caption, labelloc="b", fontsize="13")
    if network.loss is not None:
        mean = f"mean {_LOSS_TEXT[network.loss]} over {count} points" if count > 1 else _LOSS_TEXT[network.loss]
        if "penalty" in network.graph.groups.values():  # loss = data loss + penalty, said as such
            mean += " + penalty"
        loss_rows = [(f"{out} = {mean}", None)]
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


def _dropped(neuron, result: "Backward") -> bool:
    """Whether the neuron's dropout mask is 0 in ``result``."""
    return neuron.mask is not None and result.values is not None and _input(result, neuron.mask) == 0


def check_point(network: Any, point: int) -> int:
    """The number of data points (1 without data); an error unless ``point`` is one of them."""
    count = max(len(network.points), 1)
    if not 1 <= point <= count:
        raise GradvizError(f"data point {point} does not exist: the network has {count} point{'s' * (count > 1)}")
    return count


def point_caption(network: Any, point: int, out: str = "L") -> str | None:
    """Which data point the neurons' values are for, and that the loss is their mean (None without data)."""
    if not network.points:
        return None
    features, targets = network.points[point - 1]
    at = f"x = ({', '.join(map(format_value, features))}), y = " + (
        format_value(targets[0]) if len(targets) == 1 else f"({', '.join(map(format_value, targets))})")
    count = len(network.points)
    if count == 1:
        return f"Values at the data point {at}"
    return (f"Neuron values and gradients at data point {point} of {count}: {at}. "
            f"{out} and the parameter gradients: the mean over all {count} points.")


def _neuron_rows(neuron, result: "Backward", out: str, point: int, inputs: str) -> list[tuple[str, str | None]]:
    """A neuron's rows: what it computes from its ``inputs`` (x, h, …), its value and gradients at ``point``."""
    rows: list[tuple[str, str | None]] = []
    total = f"{neuron.bias} + Σ w·{inputs}"
    if neuron.layer == 0:
        rows.append((neuron.name, None))
    elif neuron.activation == "linear":
        rows.append((f"{neuron.name} = {total}", None))
    else:
        rows.append((f"{neuron.name} = {OPS[neuron.activation].text}({total})", None))
    if result.values is not None:
        node = neuron.nodes[point - 1]
        rows.append((f"= {format_value(result.values[node])}", VALUE_COLOR))
        rows.append((f"∂{out}/∂{neuron.name} = {format_value(result.adjoints[node])}", GRADIENT_COLOR))
        params = ([neuron.bias] if neuron.bias else []) + list(neuron.weights[:MAX_LISTED_WEIGHTS])
        rows += [(f"∂{out}/∂{p} = {format_value(result.grad[p])}", GRADIENT_COLOR) for p in params]
        if neuron.activation == "step":
            rows.append(("step′ = 0: no gradient passes", SOFT_INK))
        scale = _input(result, neuron.mask) if neuron.mask else 1
        if scale != 1:
            rows.append(("✗ dropped: passes 0" if scale == 0 else f"kept: passes {format_value(scale)} × {neuron.name}",
                         INK if scale == 0 else SOFT_INK))
        if len(neuron.weights) > MAX_LISTED_WEIGHTS:
            rows.append((f"… and {len(neuron.weights) - MAX_LISTED_WEIGHTS} more weights", SOFT_INK))
    return rows


def render_neurons(network: Any, result: "Backward", fmt: str = "svg", renderer: str = "auto",
                   dpi: int | None = None, point: int = 1, style: "Style | None" = None) -> bytes:
    """The neuron-level view as ``fmt`` bytes (``dot`` gives the DOT source), at data ``point``,
    in ``style``'s theme and font size."""
    source = neuron_digraph(network, result, point).source
    source = style.restyle(source) if style is not None else source
    if fmt == "dot":
        return source.encode("utf-8")
    return get_backend(renderer).run(source, "dot", fmt, dpi or (150 if fmt == "png" else None))
