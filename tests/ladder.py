"""The ladder of lecture graphs the figure tests and ``bench/figures.py`` measure on a slide:
from the lecture's 8-node example up to about 40 operations. ``WIDE`` are the 20–40-operation
lecture graphs written as textbooks print them (regularised regression, batch norm, a recurrent
net, softmax layers, label smoothing, an MLP with weight decay); ``LADDER`` ends with them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from gradviz.eval.backward import Backward, backward
from gradviz.networks import mlp, xor_network
from gradviz.outputs.gallery import LECTURE, LINEAR_REGRESSION, MICROGRAD, SOFTMAX_EXPANDED
from gradviz.syntax import parse

__all__ = ["Rung", "LADDER", "WIDE", "CHECKED"]

PERCEPTRON = "p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)"


@dataclass(frozen=True)
class Rung:
    """One graph of the ladder and how to get its backward pass at a point."""

    name: str
    make: Callable[[], Backward]


def _formula(text: str, at: dict[str, float]) -> Callable[[], Backward]:
    return lambda: backward(parse(text), at)


def _network(build: Callable, values: dict[str, float]) -> Callable[[], Backward]:
    def make() -> Backward:
        net = build()
        return backward(net.graph, {**net.values, **values})
    return make


WIDE: tuple[Rung, ...] = (
    Rung("logistic regression, 3 features + BCE + L2",
         _formula("z = w0 + w1 x1 + w2 x2 + w3 x3; p = σ(z)\n"
                  "L = −y log(p) − (1 − y) log(1 − p) + λ(w1² + w2² + w3²)",
                  {"w0": 0.1, "w1": 0.5, "w2": -0.3, "w3": 0.2, "x1": 1, "x2": 2, "x3": -1, "y": 1, "λ": 0.01})),
    Rung("2-step RNN + BCE",
         _formula("h1 = tanh(w h0 + u x1 + b); h2 = tanh(w h1 + u x2 + b)\n"
                  "p = σ(v h2 + c); L = −y log(p) − (1 − y) log(1 − p)",
                  {"w": 0.5, "h0": 0, "u": 1.2, "x1": 1, "x2": -0.5, "b": 0.1, "v": 0.8, "c": 0, "y": 1})),
    Rung("softmax over a 2-feature linear layer",
         _formula("z1 = w11 x1 + w12 x2 + b1; z2 = w21 x1 + w22 x2 + b2; z3 = w31 x1 + w32 x2 + b3\n"
                  "L = −log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))",
                  {"w11": 0.1, "w12": 0.2, "w21": -0.3, "w22": 0.4, "w31": 0.5, "w32": -0.1, "b1": 0, "b2": 0.1,
                   "b3": -0.1, "x1": 1, "x2": 2})),
    Rung("label-smoothed cross-entropy",
         _formula("s = exp(z1) + exp(z2) + exp(z3); p1 = exp(z1)/s; p2 = exp(z2)/s; p3 = exp(z3)/s\n"
                  "L = −((1 − ε + ε/3) log(p1) + (ε/3) log(p2) + (ε/3) log(p3))",
                  {"z1": 2, "z2": 1, "z3": 0.1, "ε": 0.1})),
    Rung("2-unit ReLU MLP + weight decay",
         _formula("h1 = relu(a11 x1 + a12 x2 + c1); h2 = relu(a21 x1 + a22 x2 + c2)\n"
                  "ŷ = v1 h1 + v2 h2 + d; L = (ŷ − y)² + λ(a11² + a12² + a21² + a22² + v1² + v2²)",
                  {"a11": 0.5, "a12": -0.2, "a21": 0.3, "a22": 0.8, "c1": 0.1, "c2": -0.1, "x1": 1, "x2": 2,
                   "v1": 0.7, "v2": -0.5, "d": 0, "y": 1, "λ": 0.01})),
    Rung("batch norm over 3 values",
         _formula("μ = (x1 + x2 + x3)/3; v = ((x1 − μ)² + (x2 − μ)² + (x3 − μ)²)/3\n"
                  "y1 = γ(x1 − μ)/√(v + ε) + β; y2 = γ(x2 − μ)/√(v + ε) + β; y3 = γ(x3 − μ)/√(v + ε) + β\n"
                  "L = (y1 − t1)² + (y2 − t2)² + (y3 − t3)²",
                  {"x1": 1, "x2": 2, "x3": 4, "γ": 1.5, "β": 0.1, "ε": 0.001, "t1": 0, "t2": 1, "t3": 0})),
)

LADDER: tuple[Rung, ...] = (
    Rung("lecture example", _formula(LECTURE, {"θ1": 2, "θ2": -1, "x": 3, "y": 1})),
    Rung("linear regression, 3 points", _formula(LINEAR_REGRESSION, {"w": 0.5, "q": 0.0})),
    Rung("tanh neuron, squared error", _formula("L = (tanh(w1x1 + w2x2 + b) − y)²",
                                                {"w1": 0.5, "x1": 1, "w2": -0.3, "x2": 2, "b": 0.1, "y": 1})),
    Rung("perceptron + BCE", _formula(PERCEPTRON, {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1})),
    Rung("softmax CE, 3 logits", _formula(SOFTMAX_EXPANDED, {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0,
                                                             "y3": 0})),
    Rung("XOR network, sigmoid (ops)", _network(lambda: xor_network("sigmoid"), {"x1": 1.0, "x2": 0.0})),
    Rung("2-2-1 network, one point", _network(lambda: mlp((2, 2, 1), "sigmoid", "mse", [((1.0, 0.0), 1.0)], seed=3),
                                              {})),
    Rung("micrograd README", _formula(MICROGRAD, {"a": -4.0, "b": 2.0})),
    Rung("2-4-1 tanh network, one point", _network(lambda: mlp((2, 4, 1), "tanh", "mse", [((1.0, 0.0), 1.0)], seed=1),
                                                   {})),
    Rung("2-3-2-1 ReLU network + BCE", _network(lambda: mlp((2, 3, 2, 1), "relu", "bce", [((0.5, -1.0), 1.0)],
                                                            seed=2), {})),
    Rung("two-layer softplus, written out",
         _formula("h1 = softplus(u10 + u11 x1 + u12 x2); h2 = softplus(u20 + u21 x1 + u22 x2)\n"
                  "h3 = softplus(u30 + u31 x1 + u32 x2); o = σ(v0 + v1 h1 + v2 h2 + v3 h3)\n"
                  "E = −y log(o) − (1 − y) log(1 − o)",
                  {"u10": 0.1, "u11": 0.4, "u12": -0.2, "u20": -0.3, "u21": 0.2, "u22": 0.5, "u30": 0.0,
                   "u31": -0.6, "u32": 0.1, "v0": 0.2, "v1": 0.7, "v2": -0.4, "v3": 0.3, "x1": 1.0, "x2": -2.0,
                   "y": 1})),
) + WIDE

#: The rungs the tests of whole outputs (the Beamer deck compiled, the PowerPoint deck, the pages in
#: Chromium, the forward-mode frames) check in the default run: the smallest graph and the tightest
#: of each text tier (2-2-1 at 24 px; 2-4-1, softplus and batch norm at 18 px, the thinnest margins
#: measured). ``GRADVIZ_LADDER=full`` checks every rung, as ``python bench/figures.py`` reports them.
CHECKED: tuple[Rung, ...] = LADDER if os.environ.get("GRADVIZ_LADDER") == "full" else tuple(
    rung for rung in LADDER if rung.name in ("lecture example", "2-2-1 network, one point",
                                            "2-4-1 tanh network, one point", "two-layer softplus, written out",
                                            "batch norm over 3 values"))

