"""Target 5, grids: the loss and its gradient on a grid of two parameters (a contour plot's
data), vectorised with numpy through the adjoint program, against a Python loop over the
points calling the compiled scalar plan."""

from __future__ import annotations

import statistics
import time

import numpy as np

from common import Row, median_cpu
from graphs import LECTURE_AT, lecture

__all__ = ["measure"]


def measure(repeat: int, side: int = 200) -> list[Row]:
    graph = lecture()
    free = ("θ1", "θ2")
    start = time.process_time()
    f = graph.symbolic.program.function("numpy")
    compile_time = time.process_time() - start
    axes = np.meshgrid(np.linspace(-3, 3, side), np.linspace(-3, 3, side))
    grid = {**LECTURE_AT, free[0]: axes[0], free[1]: axes[1]}
    args = [grid[name] for name in graph.inputs]

    def loop() -> tuple[np.ndarray, np.ndarray]:
        value, grads = np.empty(axes[0].shape), np.empty((len(free), *axes[0].shape))
        plan, point = graph.plan, dict(LECTURE_AT)
        for index in np.ndindex(value.shape):
            point[free[0]], point[free[1]] = float(axes[0][index]), float(axes[1][index])
            value[index], g = plan.gradient([point[name] for name in graph.inputs])
            grads[:, index[0], index[1]] = [g[graph.inputs.index(n)] for n in free]
        return value, grads

    value, gradient = f(*args)
    looped_value, looped_grads = loop()
    error = max(float(np.max(np.abs(value - looped_value))),
                *(float(np.max(np.abs(gradient[graph.inputs.index(n)] - looped_grads[k]))) for k, n in enumerate(free)))
    peer = statistics.median(median_cpu(loop, 1) for _ in range(max(1, repeat // 3)))
    mine = median_cpu(lambda: f(*args), repeat)
    return [Row(5, f"loss and gradient on a {side}×{side} grid of (θ1, θ2), lecture example",
                "Python loop over the points calling `graph.plan.gradient`", peer / mine, 100,
                f"{side * side:,} points, {len(graph)} nodes",
                f"{1000 * mine:.2f} ms vs {1000 * peer:.0f} ms (numpy function built once in "
                f"{1000 * compile_time:.0f} ms); max difference {error:.0e}", at_least=True)]
