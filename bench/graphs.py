"""The graphs the benchmarks measure, built the same way every time."""

from __future__ import annotations

import random
from fractions import Fraction

from gradviz.api import Graph
from gradviz.ir.graph import GraphBuilder
from gradviz.nn import Network, XOR_DATA, mlp

__all__ = ["LECTURE", "LECTURE_AT", "lecture", "wide", "xor_mlp", "batch_mlp", "long_sum_text"]

LECTURE = "(θ1θ2x − y)²"
LECTURE_AT = {"θ1": 2.0, "θ2": -1.0, "x": 3.0, "y": 1.0}


def lecture() -> Graph:
    """The lecture example ``(θ1θ2x − y)²``: 8 nodes."""
    b = GraphBuilder(LECTURE)
    t1, t2 = b.input("θ1"), b.input("θ2")
    a = b.apply("mul", [t1, t2])
    c = b.apply("sub", [b.apply("mul", [a, b.input("x")]), b.input("y")])
    return Graph.of(b.finish(b.apply("powc", [c], (Fraction(2),))))


def wide(terms: int = 29) -> tuple[Graph, dict[str, float]]:
    """Σ σ(w_i·x_i)·v_i over ``terms`` terms (about 7 nodes a term: 200 for 29) and a point."""
    b = GraphBuilder("Σ σ(w_i x_i) v_i")
    total, at = None, {}
    for i in range(1, terms + 1):
        w, x, v = (b.input(f"{n}{i}") for n in "wxv")
        at.update({f"w{i}": 0.1 * i, f"x{i}": 1.0 - 0.02 * i, f"v{i}": (-1) ** i * 0.5})
        term = b.apply("mul", [b.apply("sigmoid", [b.apply("mul", [w, x])]), v])
        total = term if total is None else b.apply("add", [total, term])
    return Graph.of(b.finish(total)), at


def xor_mlp(layers: tuple[int, ...] = (2, 8, 8, 1)) -> Network:
    """A tanh MLP's MSE loss over the four XOR points, written with primitive ops only."""
    return mlp(layers, "tanh", "mse", data=XOR_DATA, expanded=True)


def batch_mlp(samples: int, layers: tuple[int, ...] = (2, 16, 16, 1),
              seed: int = 1) -> tuple[Network, list[tuple[tuple[float, float], float]]]:
    """A tanh MLP's MSE loss over ``samples`` random points (about 660 nodes a point), and the points."""
    rng = random.Random(seed)
    data = [((round(rng.uniform(-1, 1), 3), round(rng.uniform(-1, 1), 3)), float(rng.random() < 0.5))
            for _ in range(samples)]
    return mlp(layers, "tanh", "mse", data=data), data


def long_sum_text(nodes: int) -> str:
    """``w1*x1 + w2*x2 + …``: a formula whose graph has about ``nodes`` nodes (4 a term)."""
    return " + ".join(f"w{i}*x{i}" for i in range(1, nodes // 4 + 1))
