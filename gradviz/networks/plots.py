"""Matplotlib pictures of training: the loss curve, the loss's contours with the descent's
trajectory (two parameters), and a classifier's decision boundary. Grids are vectorised
with numpy (``sympy.lambdify``) and fall back to the compiled plan point by point."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..eval.plan import plan_of
from ..eval.symbolic import symbolic_of
from ..text.numbers import format_value

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from .descent import Descent

__all__ = ["grid_function", "loss_curve", "contour", "decision_boundary", "update_frame"]

VALUE_COLOUR, GRADIENT_COLOUR = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion, as on the figures


def grid_function(graph: "Graph", free: Sequence[str], fixed: Mapping[str, float]) -> Callable[..., Any]:
    """The output as a numpy function of the ``free`` inputs, the others held at ``fixed``."""
    import numpy as np
    import sympy

    symbols = {graph.nodes[graph.node(n).id].name: sympy.Symbol(n, real=True) for n in graph.inputs}
    expr = symbolic_of(graph).expansions[graph.output_id].xreplace({symbols[n]: sympy.Float(v) for n, v in fixed.items() if n not in free})
    try:
        f = sympy.lambdify([symbols[n] for n in free], expr, modules=["numpy"], dummify=True)

        def vectorised(*arrays):
            with np.errstate(all="ignore"):
                return np.broadcast_to(f(*arrays), np.broadcast(*arrays).shape).astype(float)
        probe = [np.array([0.5, -0.5]) for _ in free]
        vectorised(*probe)
        return vectorised
    except Exception:  # noqa: BLE001 - a function numpy lacks: evaluate point by point instead
        return _pointwise(graph, free, fixed)


def _pointwise(graph: "Graph", free: Sequence[str], fixed: Mapping[str, float]) -> Callable[..., Any]:
    import numpy as np

    plan = plan_of(graph)

    def f(*arrays):
        arrays = np.broadcast_arrays(*arrays)
        out = np.empty(arrays[0].shape)
        for index in np.ndindex(out.shape):
            point = dict(fixed)
            point.update({n: float(a[index]) for n, a in zip(free, arrays)})
            values = plan.forward([point[n] for n in graph.inputs])
            out[index] = values[plan.output] if values is not None else np.nan
        return out
    return f


def _figure(width: float = 6.4, height: float = 4.2):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=150, layout="constrained")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def loss_curve(run: "Descent") -> bytes:
    """The loss against the iteration, as PNG bytes."""
    fig = _figure()
    ax = fig.add_subplot()
    steps = [it.step for it in run.history]
    losses = [it.loss for it in run.history]
    ax.plot(steps, losses, color=VALUE_COLOUR, linewidth=2)
    if min(losses) > 0 and max(losses) / max(min(losses), 1e-300) > 100:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel(run.graph.output)
    ax.set_title(f"gradient descent: final {run.graph.output} = {run.final_loss:.4g}")
    ax.grid(alpha=0.3)
    return _png(fig)


def contour(run: "Descent", resolution: int = 200) -> bytes:
    """The loss over the two trained parameters with the descent's path on it, as PNG bytes."""
    import numpy as np

    if len(run.wrt) != 2:
        raise ValueError("a contour plot needs exactly two parameters")
    p, q = run.wrt
    ps = [it.values[p] for it in run.history]
    qs = [it.values[q] for it in run.history]
    (p0, p1), (q0, q1) = _span(ps), _span(qs)
    P, Q = np.meshgrid(np.linspace(p0, p1, resolution), np.linspace(q0, q1, resolution))
    Z = grid_function(run.graph, run.wrt, run.history[0].values)(P, Q)
    fig = _figure(6.4, 5.2)
    ax = fig.add_subplot()
    finite = Z[np.isfinite(Z)]
    levels = np.quantile(finite, np.linspace(0, 1, 25)) if finite.size else 20
    filled = ax.contourf(P, Q, Z, levels=np.unique(levels), cmap="viridis")
    ax.contour(P, Q, Z, levels=np.unique(levels), colors="white", linewidths=0.4, alpha=0.6)
    fig.colorbar(filled, ax=ax, label=run.graph.output)
    ax.plot(ps, qs, "-o", color=GRADIENT_COLOUR, markersize=3, linewidth=1.5, label="descent")
    ax.plot(ps[:1], qs[:1], "s", color="white", markeredgecolor="black", markersize=8, label="start")
    ax.plot(ps[-1:], qs[-1:], "*", color="yellow", markeredgecolor="black", markersize=14, label="end")
    ax.set_xlabel(p)
    ax.set_ylabel(q)
    ax.legend(loc="best")
    return _png(fig)


def _span(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    margin = max(0.5 * (high - low), 0.5)
    return low - margin, high + margin


def decision_boundary(graph: "Graph", features: Sequence[str], fixed: Mapping[str, float],
                      points: Sequence[tuple[Sequence[float], float]], resolution: int = 200) -> bytes:
    """A two-feature classifier's output over the plane, its 0.5 contour and the data points."""
    import numpy as np

    xs = [pt[0][0] for pt in points]
    ys = [pt[0][1] for pt in points]
    (x0, x1), (y0, y1) = _span(xs), _span(ys)
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = grid_function(graph, features, fixed)(X, Y)
    fig = _figure(5.6, 5.0)
    ax = fig.add_subplot()
    filled = ax.contourf(X, Y, Z, levels=np.linspace(0, 1, 21), cmap="RdBu_r", alpha=0.8)
    ax.contour(X, Y, Z, levels=[0.5], colors="black", linewidths=2)
    fig.colorbar(filled, ax=ax, label="P(class 1)")
    for (point, label) in points:
        ax.plot(point[0], point[1], "*" if label >= 0.5 else "o", markersize=16 if label >= 0.5 else 11,
                color="white", markeredgecolor="black")
    ax.set_xlabel(features[0])
    ax.set_ylabel(features[1])
    ax.set_title("decision boundary (black: P = 0.5)")
    return _png(fig)


def update_frame(run: "Descent", step: int = 0) -> bytes:
    """The update rule θ ← θ − α·∂L/∂θ written out with iteration ``step``'s numbers, as PNG bytes."""
    it, after = run.history[step], run.history[min(step + 1, len(run.history) - 1)]
    out = run.graph.output
    shown = run.wrt[:12]
    fig = _figure(7.5, 0.9 + 0.45 * len(shown))
    fig.text(0.02, 0.97, f"update {step + 1}:  θ ← θ − α·∂{out}/∂θ   (α = {format_value(it.rate)},  "
             f"{out} = {format_value(it.loss)})", va="top", fontsize=12, fontweight="bold")
    for row, name in enumerate(shown):
        y = 0.97 - (row + 1.3) / (len(shown) + 1.5)
        grad = format_value(it.grad[name])
        parts = [(f"{name} ← {format_value(it.values[name])} − {format_value(it.rate)} × ", "black"),
                 (f"({grad})" if grad.startswith("−") else grad, GRADIENT_COLOUR),
                 (f" = {format_value(after.values[name])}", VALUE_COLOUR)]
        x = 0.04
        for text, colour in parts:
            artist = fig.text(x, y, text, color=colour, fontsize=12, va="center")
            fig.canvas.draw()
            x += artist.get_window_extent().width / fig.bbox.width
    if len(run.wrt) > len(shown):
        fig.text(0.04, 0.02, f"… and {len(run.wrt) - len(shown)} more parameters", fontsize=10, color="#666666")
    return _png(fig)
