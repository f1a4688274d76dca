"""The lectures' networks as scalar graphs: neurons, perceptrons, MLPs and the XOR network.

Parameters are named as on a slide: ``w¹₁₂`` is layer 1's weight from input 2 to unit 1,
``b¹₁`` its bias, ``h¹₁`` unit 1's activation. Data points become constants, so a built
network's inputs are exactly its parameters (with no data, ``x₁ … x_n`` and ``y`` are inputs).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Sequence

from ..errors import GradvizError
from ..ir.graph import Graph, GraphBuilder

__all__ = ["Network", "Neuron", "ACTIVATIONS", "LOSSES", "neuron", "perceptron", "mlp", "xor_network",
           "count_parameters", "parse_layers", "XOR_DATA", "XOR_BREAKOUT_DATA", "XOR_RELU_WEIGHTS", "quadrants",
           "one_hot_vectors", "check_choices", "node_estimate", "check_size",
           "BUILD_NODE_LIMIT", "TRAIN_WORK_LIMIT", "NEURON_VIEW_WEIGHT_LIMIT"]

BUILD_NODE_LIMIT = 50_000  # nodes: about a second to build (20 µs a node)
TRAIN_WORK_LIMIT = 2_500_000  # nodes × steps: about 20 s of training (measured 5–10 µs a node a step)
NEURON_VIEW_WEIGHT_LIMIT = 1_000  # weights (edges) in the neuron view: about 5 s of Graphviz

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "gelu", "linear", "step")
LOSSES = ("mse", "mae", "bce", "ce")
XOR_DATA: tuple[tuple[tuple[float, float], float], ...] = (
    ((0.0, 0.0), 0.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0))
#: the breakout question's targets: y > 0.7 wanted on (0, 1), (1, 0) and y < −0.7 on (0, 0), (1, 1)
XOR_BREAKOUT_DATA: tuple[tuple[tuple[float, float], float], ...] = tuple(
    (point, 2 * target - 1) for point, target in XOR_DATA)


def one_hot_vectors(size: int) -> tuple[tuple[float, ...], ...]:
    """The ``size`` one-hot vectors e₁ … e_size: an autoencoder's smallest data set."""
    return tuple(tuple(float(i == k) for i in range(size)) for k in range(size))


def quadrants(count: int = 24, flip: float = 0.15, seed: int = 1) -> tuple[tuple[tuple[float, float], float], ...]:
    """Points of the square [−1, 1]² labelled by quadrant (1 where x₁x₂ > 0: XOR of the signs), each
    label flipped with probability ``flip``: small and noisy enough to overfit."""
    rng = random.Random(seed)
    points = []
    for _ in range(count):
        x1, x2 = rng.uniform(-1, 1), rng.uniform(-1, 1)
        points.append(((round(x1, 2), round(x2, 2)), float((x1 * x2 > 0) != (rng.random() < flip))))
    return tuple(points)


_SUB = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Neuron:
    """One unit as the neuron-level view draws it."""

    name: str  # h¹₁, x₁, ŷ₁
    layer: int  # 0 for the inputs
    nodes: tuple[str, ...]  # id of the node holding its output (activation), one per data point
    bias: str | None = None
    weights: tuple[str, ...] = ()  # parameter names, one per unit of the previous layer
    activation: str = "linear"
    mask: str | None = None  # the dropout mask input its output is multiplied by

    @property
    def node(self) -> str:
        """The node of its output for the first data point."""
        return self.nodes[0]


@dataclass
class Network:
    """A built network: its graph, which inputs are parameters, and their starting values."""

    graph: Graph
    parameters: tuple[str, ...]
    values: dict[str, float] = field(default_factory=dict)
    layers: tuple[int, ...] = ()
    neurons: tuple[Neuron, ...] = ()
    loss: str | None = None
    points: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...] = ()  # the data: (features, targets) each
    masks: tuple[str, ...] = ()  # dropout mask inputs, one per hidden unit (1: kept unscaled)
    noise: tuple[tuple[str, ...], ...] = ()  # input noise inputs, per data point one per feature (0: clean)

    @property
    def parameter_count(self) -> int:
        return len(self.parameters)


def _sub(*indices: int) -> str:
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i) for i in indices).translate(_SUB)


def param_name(kind: str, layer: int, *indices: int) -> str:
    """``w¹₁₂``, ``b²₁``: the kind, the layer as a superscript, the indices as subscripts."""
    return f"{kind}{str(layer).translate(_SUP)}{_sub(*indices)}"


def count_parameters(layers: Sequence[int]) -> int:
    """Weights and biases of a fully connected network with these layer sizes."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(layers, layers[1:]))


def node_estimate(layers: Sequence[int], samples: int = 1, activation: str = "tanh", loss: str | None = "mse",
                  expanded: bool = False, *, autoencoder: bool = False, masks: bool = False,
                  noise: bool = False) -> int:
    """The nodes ``mlp`` builds for these sizes (an upper bound within a fifth), counted without building."""
    units = sum(n_out * (2 * n_in + 1) for n_in, n_out in zip(layers, layers[1:]))
    targets = 0 if loss is None else layers[-1]
    per_output = 1 if not expanded else {"ce": 8 * layers[-1] + 2, "bce": 12}.get(loss, 3)
    loss_nodes = 0 if loss is None else per_output * layers[-1] + layers[-1] + 1 if autoencoder else per_output
    hidden = sum(layers[1:-1]) if masks else 0
    extra = hidden + (2 * layers[0] if noise else 0)
    return count_parameters(layers) + hidden + samples * (layers[0] + targets + units + loss_nodes + extra + 1) + 2


def check_choices(layers: Sequence[int], activation: str, loss: str | None,
                  output_activation: str | None = None, autoencoder: bool = False) -> None:
    """Refuse an unknown activation or loss, or a loss that does not fit the output layer (an
    autoencoder's: mse, as many outputs as inputs), before any building."""
    for name, choice, choices in (("activation", activation, ACTIVATIONS), ("loss", loss, LOSSES + (None,)),
                                  ("output activation", output_activation, ACTIVATIONS + (None,))):
        if choice not in choices:
            raise GradvizError(f"unknown {name} {choice!r}; choose one of {', '.join(c for c in choices if c)}")
    if autoencoder:
        if loss != "mse" or layers[0] != layers[-1] or len(layers) < 3:
            raise GradvizError(f"an autoencoder reconstructs its input with the mse loss through a hidden code layer: "
                               f"it ends in as many units as it starts with (e.g. 4-2-4), not "
                               f"{'-'.join(map(str, layers))} with {loss}")
    elif loss in ("mse", "mae", "bce") and layers[-1] != 1:
        raise GradvizError(f"the {loss} loss takes one output but the network has {layers[-1]}; "
                           f"use --loss ce for {layers[-1]} classes, or end the layers in 1"
                           + (" (to reconstruct the input: gradviz train LAYERS --autoencoder)"
                              if layers[0] == layers[-1] and len(layers) > 2 else ""))


def check_size(layers: Sequence[int], samples: int = 1, activation: str = "tanh", loss: str | None = "mse", *,
               expanded: bool = False, steps: int = 0, view: str | None = None, ops_limit: int = 0,
               autoencoder: bool = False, masks: bool = False, noise: bool = False) -> int:
    """Refuse, before any building and with advice, a network too big to build, to train for
    ``steps`` or to draw in ``view`` (``neurons``, or ``ops`` up to ``ops_limit`` nodes); its node count.
    Every remedy the refusal names passes this same check."""
    check_choices(layers, activation, loss, autoencoder=autoencoder)
    shape = dict(autoencoder=autoencoder, masks=masks, noise=noise)
    nodes = node_estimate(layers, samples, activation, loss, expanded, **shape)
    base = node_estimate(layers, 0, activation, loss, expanded, **shape)  # what does not grow with the data
    room = min(BUILD_NODE_LIMIT, TRAIN_WORK_LIMIT // steps) if steps else BUILD_NODE_LIMIT
    rows = max((room - base) * samples // max(nodes - base, 1), 0)  # the most data points that fit (steps too)
    problem = _size_problem(layers, nodes, samples, steps, view, ops_limit, rows)
    if not problem:
        return nodes
    name = "-".join(map(str, layers))

    def fits(sizes: Sequence[int], steps: int = steps, view: str | None = view) -> bool:
        found = node_estimate(sizes, samples, activation, loss, expanded, **shape)
        return not _size_problem(sizes, found, samples, steps, view, ops_limit, rows)

    remedies = []
    most = TRAIN_WORK_LIMIT // nodes
    if steps and nodes <= BUILD_NODE_LIMIT and most >= 1 and fits(layers, most):
        remedies.append(f"try fewer --steps (--steps {most} at most)")
    if view == "ops" and fits(layers, view="neurons"):
        remedies.append("draw it neuron by neuron with --view neurons")
    candidates = [sizes for width in (4, 3, 2, 1)
                  for sizes in [(layers[0], *(min(n, width) for n in layers[1:-1]), layers[-1])]
                  if tuple(sizes) != tuple(layers)]
    smaller = next((sizes for sizes in candidates if fits(sizes)), None)
    if smaller:
        remedies.append(f"try smaller layers such as {'-'.join(map(str, smaller))}")
    elif steps:  # fewer steps on smaller layers
        fewer = [(sizes, TRAIN_WORK_LIMIT // node_estimate(sizes, samples, activation, loss, expanded, **shape))
                 for sizes in candidates]
        smaller, most = next(((sizes, n) for sizes, n in fewer if n >= 1 and fits(sizes, n)), (None, 0))
        if smaller:
            remedies.append(f"try smaller layers such as {'-'.join(map(str, smaller))} with --steps {most}")
    remedies.append(f"count it with `gradviz params {name}`")
    raise GradvizError(f"a {name} network has {count_parameters(layers):,} parameters and about {nodes:,} nodes: "
                       f"too big for {problem}. {remedies[0][0].upper()}{remedies[0][1:]}"
                       + "".join(f"; {r}" for r in remedies[1:]))


def _size_problem(layers: Sequence[int], nodes: int, samples: int, steps: int, view: str | None,
                  ops_limit: int, rows: int) -> str:
    """What a network of ``nodes`` nodes is too big for (empty when nothing); ``rows`` data points would fit."""
    weights = sum(a * b for a, b in zip(layers, layers[1:]))
    data = (f"; it is built once per data point: use fewer than {samples:,} rows"
            + (f", {rows:,} at most" if rows >= 1 else "")) if samples > 1 else ""
    return (f"building it (the limit is {BUILD_NODE_LIMIT:,} nodes{data})" if nodes > BUILD_NODE_LIMIT
            else f"training it for {steps:,} steps (the limit is {TRAIN_WORK_LIMIT:,} node-steps)"
            if nodes * steps > TRAIN_WORK_LIMIT
            else f"drawing it op by op (the limit is {ops_limit:,} nodes)"
            if view == "ops" and nodes > ops_limit
            else f"drawing its {weights:,} weights neuron by neuron (the limit is {NEURON_VIEW_WEIGHT_LIMIT:,})"
            if view == "neurons" and weights > NEURON_VIEW_WEIGHT_LIMIT else "")


def parse_layers(text: str) -> tuple[int, ...]:
    """``"2-2-1"`` → ``(2, 2, 1)``; a layer written ``100x100`` or ``100×100`` (an image) has their product."""
    try:
        sizes = tuple(math.prod(int(side) for side in re.split("[x×]", part)) for part in text.split("-"))
    except ValueError:
        raise GradvizError(f"layer sizes look like 2-2-1, not {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise GradvizError(f"a network needs at least two layers of at least one unit, not {text!r}")
    return sizes


class _Builder:
    """A GraphBuilder that knows activations, losses and layer groups."""

    def __init__(self, source: str, leaky_slope: Fraction = Fraction(1, 100)):
        self.b = GraphBuilder(source)
        self.groups: dict[str, str] = {}
        self.slope = leaky_slope

    def const(self, value: float) -> str:
        return self.b.constant(Fraction(value).limit_denominator(10**6))

    def weighted_sum(self, bias: str, weights: Sequence[str], inputs: Sequence[str], group: str) -> str:
        """``b + w₁x₁ + w₂x₂ + …`` left to right, as the lecture writes it."""
        total = bias
        for w, x in zip(weights, inputs):
            product = self.b.apply("mul", [w, x])
            total = self.b.apply("add", [total, product])
            self.groups[product] = self.groups[total] = group
        return total

    def unit(self, bias: str, weights: Sequence[str], inputs: Sequence[str], activation: str, group: str,
             names: tuple[str, str] | None = None) -> str:
        """One unit ``f(b + w₁x₁ + …)``; ``names`` (pre-activation, unit) names it as the lecture does
        (``z¹₁``, ``h¹₁``): the pre-activation is not named when the activation is linear."""
        z = self.weighted_sum(bias, weights, inputs, group)
        out = self.activate(z, activation, group)
        if names is None:
            return out
        if out != z:
            self.b.name(z, names[0])
        return self.b.name(out, names[1])

    def activate(self, node: str, activation: str, group: str) -> str:
        if activation not in ACTIVATIONS:
            raise GradvizError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if activation == "linear":
            return node
        params = (self.slope,) if activation == "leaky_relu" else ()
        out = self.b.apply(activation, [node], params)
        self.groups[out] = group
        return out

    def loss(self, outputs: Sequence[str], targets: Sequence[str], loss: str, expanded: bool) -> str:
        """One sample's loss; ``expanded`` writes it with primitive ops instead of one node."""
        b = self.b
        if loss not in LOSSES:
            raise GradvizError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        if loss == "ce":
            return self._softmax_ce(outputs, targets) if expanded else b.apply("softmax_ce", [*outputs, *targets])
        if len(outputs) > 1:  # an autoencoder's: the mean over the outputs
            terms = [self.loss([out], [target], loss, expanded) for out, target in zip(outputs, targets)]
            total = terms[0]
            for term in terms[1:]:
                total = b.apply("add", [total, term])
            return b.apply("div", [total, self.const(len(terms))])
        (out,), (target,) = outputs, targets
        if not expanded:
            return b.apply(loss, [out, target])
        difference = b.apply("sub", [out, target])
        if loss == "mse":
            return b.apply("powc", [difference], (Fraction(2),))
        if loss == "mae":
            return b.apply("abs", [difference])
        one = b.constant(Fraction(1))
        positive = b.apply("mul", [target, b.apply("log", [out])])
        negative = b.apply("mul", [b.apply("sub", [one, target]), b.apply("log", [b.apply("sub", [b.constant(Fraction(1)), out])])])
        return b.apply("sub", [b.apply("neg", [positive]), negative])

    def _softmax_ce(self, logits: Sequence[str], labels: Sequence[str]) -> str:
        """−Σ yᵢ log(exp(zᵢ) / Σⱼ exp(zⱼ)), node by node."""
        b = self.b
        exps = [b.apply("exp", [z]) for z in logits]
        total = exps[0]
        for e in exps[1:]:
            total = b.apply("add", [total, e])
        loss = None
        for e, y in zip(exps, labels):
            term = b.apply("mul", [y, b.apply("log", [b.apply("div", [e, total])])])
            loss = term if loss is None else b.apply("add", [loss, term])
        return b.apply("neg", [loss])


def _layer_values(rng: random.Random, n_in: int, n_out: int) -> list[float]:
    bound = 1.0 / math.sqrt(n_in)
    return [round(rng.uniform(-bound, bound), 3) for _ in range(n_out * (n_in + 1))]


def mlp(layers: Sequence[int], activation: str = "tanh", loss: str | None = "mse",
        data: Sequence[tuple[Sequence[float], float | Sequence[float]]] | None = None, *,
        output_activation: str | None = None, expanded: bool = False, seed: int = 0,
        leaky_slope: float = 0.01, l1: float = 0.0, l2: float = 0.0, autoencoder: bool = False,
        masks: bool = False, noise: bool = False) -> Network:
    """A fully connected network with its loss, averaged over ``data`` (or one symbolic sample).

    The output activation defaults to what the loss expects: sigmoid for ``bce``, none
    (logits) for ``ce`` (softmax cross-entropy), linear otherwise. With ``loss=None`` the
    output is the network's prediction (one output unit, one sample). ``expanded`` draws the
    loss (and softmax) with primitive ops instead of one node with its known gradient. ``l1``
    and ``l2`` add the penalties λ·Σ|w| and λ·Σw² over the weights (not the biases) to the loss.

    ``autoencoder``: each data point is its features alone and its own target; the loss (mse) is
    the mean over the outputs. ``masks`` multiplies each hidden unit's output ``h¹ⱼ`` by an input
    ``m¹ⱼ``, shared by all data points: 1 leaves the network as it is; dropout sets 0 (dropped) or
    1/(1 − p) (kept) each step. ``noise`` adds an input ``εₖᵢ`` (0: clean) to feature i of data point k.
    """
    layers = tuple(layers)
    if len(layers) < 2 or min(layers) < 1:
        raise GradvizError("a network needs at least two layers of at least one unit")
    check_choices(layers, activation, loss, output_activation, autoencoder)
    if (masks and len(layers) < 3) or (noise and data is None):
        raise GradvizError("dropout masks need a hidden layer" if masks and len(layers) < 3
                           else "input noise needs data to add it to")
    if output_activation is None:
        output_activation = {"bce": "sigmoid"}.get(loss, "linear")
    nb = _Builder(f"mlp {'-'.join(map(str, layers))} {activation} {loss}", Fraction(leaky_slope).limit_denominator(1000))
    rng = random.Random(seed)
    params: list[str] = []
    values: dict[str, float] = {}
    weights: list[list[tuple[str, list[str]]]] = []
    for layer, (n_in, n_out) in enumerate(zip(layers, layers[1:]), start=1):
        start = iter(_layer_values(rng, n_in, n_out))
        units = []
        for j in range(1, n_out + 1):
            bias = param_name("b", layer, j)
            ws = [param_name("w", layer, j, i) for i in range(1, n_in + 1)]
            for name in [bias, *ws]:
                values[name] = next(start)
            units.append((bias, ws))
        params += [n for bias, ws in units for n in (bias, *ws)]
        weights.append(units)
    if loss is None and (layers[-1] != 1 or (data is not None and len(data) != 1)):
        raise GradvizError("without a loss the network must have one output and one sample")
    samples = list(data) if data is not None else [None]
    total = None
    per_sample: list[list[Neuron]] = []  # each sample's units, each with its one node
    points = []
    mask_names = {(layer, j): param_name("m", layer, j) for layer in range(1, len(layers) - 1)
                  for j in range(1, layers[layer] + 1)} if masks else {}
    values.update({name: 1.0 for name in mask_names.values()})
    noise_names = []
    for k, sample in enumerate(samples, start=1):
        if sample is None:
            xs = [nb.b.input(f"x{_sub(i)}") for i in range(1, layers[0] + 1)]
            targets = [] if loss is None else [nb.b.input("y")] if layers[-1] == 1 else [
                nb.b.input(f"y{_sub(k)}") for k in range(1, layers[-1] + 1)]
        else:
            point, target = (sample, sample) if autoencoder else sample
            if len(point) != layers[0]:
                raise GradvizError(f"a data point has {len(point)} features but the network takes {layers[0]}")
            xs = [nb.const(v) for v in point]
            if noise:
                noise_names.append(tuple(f"ε{_sub(k, i)}" for i in range(1, layers[0] + 1)))
                xs = [nb.b.apply("add", [x, nb.b.input(name)]) for x, name in zip(xs, noise_names[-1])]
                nb.groups.update({x: "noise" for x in xs})
                values.update({name: 0.0 for name in noise_names[-1]})
            target_values = list(target) if isinstance(target, (list, tuple)) else _one_hot(target, layers[-1], loss)
            targets = [nb.const(v) for v in target_values]
            points.append((tuple(map(float, point)), tuple(map(float, target_values))))
        h = xs
        per_sample.append([Neuron(f"x{_sub(i)}", 0, (x,)) for i, x in enumerate(xs, start=1)])
        for layer, units in enumerate(weights, start=1):
            last = layer == len(weights)
            group = "output" if last else f"layer {layer}"
            act = output_activation if last else activation
            letter = "ŷ" if last else f"h{str(layer).translate(_SUP)}"
            h = [nb.unit(nb.b.input(bias), [nb.b.input(w) for w in ws], h, act, group,
                         _unit_names(layer, j, letter, last and loss == "ce") if len(samples) == 1 else None)
                 for j, (bias, ws) in enumerate(units, start=1)]
            per_sample[-1] += [Neuron(f"{letter}{_sub(j)}", layer, (node,), bias, tuple(ws), act,
                                      mask_names.get((layer, j)))
                               for j, (node, (bias, ws)) in enumerate(zip(h, units), start=1)]
            if mask_names and not last:  # dropout: h¹ⱼ·m¹ⱼ is what the next layer receives
                h = [nb.b.apply("mul", [node, nb.b.input(mask_names[layer, j])]) for j, node in enumerate(h, start=1)]
                nb.groups.update({node: group for node in h})
        if loss is None:
            total = h[0]
            break
        sample_loss = nb.loss(h, targets, loss, expanded)
        nb.groups[sample_loss] = "loss"
        total = sample_loss if total is None else nb.b.apply("add", [total, sample_loss])
    if len(samples) > 1:
        total = nb.b.apply("div", [total, nb.b.constant(Fraction(len(samples)))])
    if (l1 or l2) and loss is None:
        raise GradvizError("a penalty needs a loss to add to")
    for strength, op, exponent in ((l1, "abs", ()), (l2, "powc", (Fraction(2),))):
        if strength:
            terms = [nb.b.apply(op, [nb.b.input(w)], exponent) for units in weights for _, ws in units for w in ws]
            penalty = terms[0]
            for term in terms[1:]:
                penalty = nb.b.apply("add", [penalty, term])
            total = nb.b.apply("add", [total, nb.b.apply("mul", [nb.const(strength), penalty])])
            nb.groups.update({node: "penalty" for node in (*terms, penalty, total)})
    graph = nb.b.finish(total, nb.groups)
    if data is None:
        values.update({name: 0.0 for name in graph.inputs if name not in values})
    neurons = tuple(replace(unit, nodes=tuple(units[k].node for units in per_sample))
                    for k, unit in enumerate(per_sample[0]))
    return Network(graph, tuple(params), values, layers, neurons, loss, tuple(points), tuple(mask_names.values()),
                   tuple(noise_names))


def _unit_names(layer: int, j: int, letter: str, logits: bool) -> tuple[str, str]:
    """Unit j of ``layer``'s pre-activation and output names: ``z¹ⱼ``, ``h¹ⱼ`` (``zᴸⱼ`` for logits)."""
    z = param_name("z", layer, j)
    return z, z if logits else f"{letter}{_sub(j)}"


def _one_hot(target: float, classes: int, loss: str) -> list[float]:
    if classes == 1:
        return [float(target)]
    if loss != "ce" or int(target) != target or not 0 <= target < classes:
        raise GradvizError(f"target {target!r} must be a class index 0…{classes - 1} (or give the vector)")
    return [1.0 if k == int(target) else 0.0 for k in range(classes)]


def _single_neuron(nb: _Builder, n_inputs: int, activation: str,
                   names: tuple[str, str] | None = None) -> tuple[str, tuple[str, ...]]:
    """f(w₀ + w₁x₁ + … + wₙxₙ) into ``nb`` (``names``: its pre-activation's and its own): the output
    node and the parameter names."""
    w0 = nb.b.input("w0")
    xs, ws = [], []
    for i in range(1, n_inputs + 1):
        ws.append(nb.b.input(f"w{i}"))
        xs.append(nb.b.input(f"x{i}"))
    out = nb.unit(w0, ws, xs, activation, "neuron", names)
    return out, ("w0",) + tuple(f"w{i}" for i in range(1, n_inputs + 1))


def neuron(n_inputs: int = 2, activation: str = "sigmoid") -> Network:
    """y = f(w₀ + w₁x₁ + … + wₙxₙ) with symbolic inputs, as on the perceptron slide."""
    nb = _Builder(f"neuron {n_inputs} {activation}")
    out, params = _single_neuron(nb, n_inputs, activation)
    graph = nb.b.finish(out, nb.groups)
    return Network(graph, params, {name: 0.0 for name in graph.inputs}, (n_inputs, 1))


def perceptron(n_inputs: int = 2, activation: str = "sigmoid", loss: str = "bce", *, expanded: bool = True) -> Network:
    """A neuron with its loss against a target y (logistic regression with sigmoid and BCE)."""
    nb = _Builder(f"perceptron {n_inputs} {activation} {loss}")
    out, params = _single_neuron(nb, n_inputs, activation, ("z", "ŷ"))
    graph = nb.b.finish(nb.loss([out], [nb.b.input("y")], loss, expanded), nb.groups)
    return Network(graph, params, {name: 0.0 for name in graph.inputs}, (n_inputs, 1), loss=loss)


#: the breakout question's answer: ReLU hidden units v₁ = relu(x₁ − x₂), v₂ = relu(x₂ − x₁) and a
#: linear output y = −1 + 2v₁ + 2v₂, so y = 1 on (1, 0), (0, 1) and y = −1 on (0, 0), (1, 1)
XOR_RELU_WEIGHTS = {"b¹₁": 0.0, "w¹₁₁": 1.0, "w¹₁₂": -1.0, "b¹₂": 0.0, "w¹₂₁": -1.0, "w¹₂₂": 1.0,
                    "b²₁": -1.0, "w²₁₁": 2.0, "w²₁₂": 2.0}


def xor_network(activation: str = "step", weights: dict[str, float] | None = None,
                output_activation: str | None = None) -> Network:
    """The lecture's XOR network: v₁ = g(−0.5 + x₁ − x₂), v₂ = g(−0.5 − x₁ + x₂),
    y = g(−0.5 + v₁ + v₂), with its weights as parameters set to the lecture's values (or
    ``weights``; ``output_activation`` replaces g at the output)."""
    nb = _Builder(f"xor {activation}")
    b = nb.b
    x1, x2 = b.input("x1"), b.input("x2")
    lecture = weights or {"b¹₁": -0.5, "w¹₁₁": 1.0, "w¹₁₂": -1.0, "b¹₂": -0.5, "w¹₂₁": -1.0, "w¹₂₂": 1.0,
                          "b²₁": -0.5, "w²₁₁": 1.0, "w²₁₂": 1.0}
    output_activation = output_activation or activation
    neurons = [Neuron("x1", 0, (x1,)), Neuron("x2", 0, (x2,))]
    hidden = []
    for j in (1, 2):
        bias, ws = f"b¹{_sub(j)}", (f"w¹{_sub(j, 1)}", f"w¹{_sub(j, 2)}")
        z = nb.weighted_sum(b.input(bias), [b.input(w) for w in ws], [x1, x2], "layer 1")
        hidden.append(b.name(nb.activate(z, activation, "layer 1"), f"v{j}"))
        nb.groups[hidden[-1]] = "layer 1"
        neurons.append(Neuron(f"v{j}", 1, (hidden[-1],), bias, ws, activation))
    z = nb.weighted_sum(b.input("b²₁"), [b.input("w²₁₁"), b.input("w²₁₂")], hidden, "output")
    out = b.name(nb.activate(z, output_activation, "output"), "y")
    nb.groups[out] = "output"
    neurons.append(Neuron("y", 2, (out,), "b²₁", ("w²₁₁", "w²₁₂"), output_activation))
    graph = b.finish(out, nb.groups)
    return Network(graph, tuple(lecture), {**lecture, "x1": 0.0, "x2": 0.0}, (2, 2, 1), tuple(neurons))
