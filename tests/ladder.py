"""The ladder of lecture graphs the figure tests and ``bench/figures.py`` measure on a slide:
from the lecture's 8-node example up to about 40 operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from gradviz.eval.backward import Backward, backward
from gradviz.networks import mlp, xor_network
from gradviz.outputs.gallery import LECTURE, LINEAR_REGRESSION, MICROGRAD, SOFTMAX_EXPANDED
from gradviz.syntax import parse

__all__ = ["Rung", "LADDER"]

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
)
