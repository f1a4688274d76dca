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

__all__ = ["grid_function", "grid_values", "loss_curve", "contour", "decision_boundary", "boundary_grid",
           "draw_boundary", "update_frame", "grid_heatmap"]

VALUE_COLOUR, GRADIENT_COLOUR = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion, as on the figures


def grid_function(graph: "Graph", free: Sequence[str], fixed: Mapping[str, float]) -> Callable[..., Any]:
    """The output as a numpy function of the ``free`` inputs, the others held at ``fixed``."""
    values = grid_values(graph, free, fixed, [graph.output_id])
    return lambda *arrays: values(*arrays)[0]


def grid_values(graph: "Graph", free: Sequence[str], fixed: Mapping[str, float],
                nodes: Sequence[str]) -> Callable[..., list[Any]]:
    """The values of the nodes with ids ``nodes`` as one numpy function of the ``free`` inputs (the
    others held at ``fixed``): the graph's forward definitions as straight-line code, so its cost
    is linear in the graph's size, and every node's value is there on the way."""
    import math

    import numpy as np
    import sympy

    sym = symbolic_of(graph)
    safe = {sym.term(graph.node(n).id): sympy.Float(fixed[n]) if n not in free else sympy.Symbol(f"_v{i}")
            for i, n in enumerate(graph.inputs)}
    ops = [nid for nid, node in graph.nodes.items() if node.kind == "op"]
    safe.update({sym.term(nid): sympy.Symbol(f"_t{k}") for k, nid in enumerate(ops)})
    steps = [(safe[sym.term(nid)], sym.definition(nid).xreplace(safe)) for nid in ops]
    outputs = [sym.term(nid).xreplace(safe) for nid in nodes]
    try:
        # numpy has no erf (gelu): math's, element by element, still beats the plan point by point
        f = sympy.lambdify([safe[sym.term(graph.node(n).id)] for n in free], outputs,
                           cse=lambda exprs: (steps, list(exprs)),
                           modules=[{"erf": np.vectorize(math.erf, otypes=[float])}, "numpy"])

        def vectorised(*arrays):
            shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
            with np.errstate(all="ignore"):
                return [np.broadcast_to(v, shape).astype(float) for v in f(*arrays)]
        vectorised(*[np.array([0.5, -0.5]) for _ in free])
        return vectorised
    except Exception:  # noqa: BLE001 - a function numpy lacks: evaluate point by point instead
        return _pointwise(graph, free, fixed, nodes)


def _pointwise(graph: "Graph", free: Sequence[str], fixed: Mapping[str, float],
               nodes: Sequence[str]) -> Callable[..., list[Any]]:
    import numpy as np

    plan = plan_of(graph)
    slots = [plan.slots[nid] for nid in nodes]

    def f(*arrays):
        arrays = np.broadcast_arrays(*arrays)
        out = [np.empty(arrays[0].shape) for _ in slots]
        for index in np.ndindex(arrays[0].shape):
            point = dict(fixed)
            point.update({n: float(a[index]) for n, a in zip(free, arrays)})
            values = plan.forward([point[n] for n in graph.inputs])
            for array, slot in zip(out, slots):
                array[index] = values[slot] if values is not None else np.nan
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
    ax.plot(steps, losses, color=VALUE_COLOUR, linewidth=2, label="training")
    checked = [it.val_loss for it in run.history if it.val_loss is not None]
    if checked:
        ax.plot(steps, checked, color=GRADIENT_COLOUR, linewidth=2, label="validation")
        ax.axvline(run.best_step, color="black", linestyle=":", linewidth=1.5)
        ax.annotate(f"best validation loss: step {run.best_step} (kept)", (run.best_step, 0.03),
                    xycoords=("data", "axes fraction"), xytext=(-4, 0), textcoords="offset points",
                    rotation=90, ha="right", va="bottom", fontsize=9)
        ax.legend(loc="best")
        losses = losses + checked
    if min(losses) > 0 and max(losses) / max(min(losses), 1e-300) > 100:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(run.graph.output)
    if run.diverged_at is not None:
        ax.axvline(run.diverged_at, color=GRADIENT_COLOUR, linestyle="--", linewidth=1.5)
        ax.annotate(f"diverged at step {run.diverged_at}", (run.diverged_at, 0.5), xycoords=("data", "axes fraction"),
                    rotation=90, ha="right", va="center", color=GRADIENT_COLOUR)
        ax.set_title(f"{run.optimizer.name}: diverged at step {run.diverged_at}"
                     + (f" — try α ≤ {format_value(run.suggested_rate)}" if run.suggested_rate else ""))
    elif checked:
        ax.set_title(f"{run.optimizer.name}, early stopping: stopped at step {steps[-1]}, kept step {run.best_step}")
    else:
        ax.set_title(f"{run.optimizer.name}: final {run.graph.output} = {format_value(run.final_loss)}")
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


def boundary_grid(points: Sequence[tuple[Sequence[float], float]], resolution: int):
    """The plane around two-feature ``points`` (a margin on each side), as ``meshgrid`` arrays."""
    import numpy as np

    (x0, x1), (y0, y1) = (_span([pt[0][k] for pt in points]) for k in (0, 1))
    return np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))


def draw_boundary(ax, X, Y, Z, points: Sequence[tuple[Sequence[float], float]], features: Sequence[str],
                  marker_scale: float = 1.0, hollow: Sequence[tuple[Sequence[float], float]] = (),
                  cmap: Any = "RdBu_r"):
    """On ``ax``: the output ``Z`` over the plane (0…1 in ``cmap``), its 0.5 contour in black and the
    points (stars for class 1, circles for 0; ``hollow`` ones unfilled); the filled contours."""
    import numpy as np

    filled = ax.contourf(X, Y, np.clip(Z, 0, 1), levels=np.linspace(0, 1, 21), cmap=cmap, alpha=0.8)
    if np.nanmin(Z) < 0.5 < np.nanmax(Z):
        ax.contour(X, Y, Z, levels=[0.5], colors="black", linewidths=2 * marker_scale)
    for group, face, edge in ((points, "white", 1.0), (hollow, "none", 2.5)):
        for (point, label) in group:
            ax.plot(point[0], point[1], "*" if label >= 0.5 else "o",
                    markersize=(16 if label >= 0.5 else 11) * marker_scale, color=face, markeredgecolor="black",
                    markeredgewidth=edge * marker_scale)
    ax.set_xlabel(features[0])
    ax.set_ylabel(features[1])
    return filled


def decision_boundary(graph: "Graph", features: Sequence[str], fixed: Mapping[str, float],
                      points: Sequence[tuple[Sequence[float], float]], resolution: int = 200) -> bytes:
    """A two-feature classifier's output over the plane, its 0.5 contour and the data points."""
    X, Y = boundary_grid(points, resolution)
    Z = grid_function(graph, features, fixed)(X, Y)
    fig = _figure(5.6, 5.0)
    ax = fig.add_subplot()
    fig.colorbar(draw_boundary(ax, X, Y, Z, points, features), ax=ax, label="P(class 1)")
    ax.set_title("decision boundary (black: P = 0.5)")
    return _png(fig)


def update_frame(run: "Descent", step: int = 0) -> bytes:
    """The optimizer's update at iteration ``step``, each equation with its numbers (results in
    blue), as PNG bytes cropped to the text."""
    it = run.history[step]
    shown = run.wrt[:12]
    lines = [(eq.text(), eq.target in run.wrt) for name in shown for eq in it.update.get(name, ())]
    if len(run.wrt) > len(shown):
        lines.append((f"… and {len(run.wrt) - len(shown)} more parameters", False))
    row = 0.32  # inches per line
    fig = _figure(8.0, row * (len(lines) + 2.6))
    fig.set_layout_engine(None)
    height = fig.get_figheight()
    fig.text(0.1 / 8, 1 - 0.2 / height, f"update {step + 1} — {run.optimizer.title(it.rate)}, "
             f"{run.graph.output} = {format_value(it.loss)}", va="top", fontsize=12, fontweight="bold")
    fig.text(0.1 / 8, 1 - (0.2 + row) / height, run.optimizer.rule, va="top", fontsize=11, color="#444444")
    for k, (text, final) in enumerate(lines):
        fig.text(0.3 / 8, 1 - (0.35 + row * (k + 2)) / height, text, va="top", fontsize=11,
                 color=VALUE_COLOUR if final else "black", fontweight="bold" if final else "normal")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


def grid_heatmap(results: Sequence[tuple[dict[str, float], float, Any]], score_name: str) -> bytes:
    """A grid search's scores: a heat-map over two settings (a line over one), the best one ringed."""
    import numpy as np
    from matplotlib.patches import Rectangle

    keys = list(results[0][0])
    axes = [sorted({setting[k] for setting, _, _ in results}) for k in keys]
    best = results[0][0]
    fig = _figure(6.0, 4.8)
    ax = fig.add_subplot()
    if len(keys) == 1:
        scores = [next(s for setting, s, _ in results if setting[keys[0]] == v) for v in axes[0]]
        ax.plot(range(len(axes[0])), scores, "-o", color=VALUE_COLOUR)
        ax.plot([axes[0].index(best[keys[0]])], [results[0][1]], "o", markersize=16, markerfacecolor="none",
                markeredgecolor=GRADIENT_COLOUR, markeredgewidth=2)
        ax.set_xticks(range(len(axes[0])), [format_value(v) for v in axes[0]])
        ax.set_xlabel(keys[0])
        ax.set_ylabel(score_name)
    else:
        Z = np.full((len(axes[1]), len(axes[0])), np.nan)
        for setting, score, _ in results:
            Z[axes[1].index(setting[keys[1]]), axes[0].index(setting[keys[0]])] = score if np.isfinite(score) else np.nan
        image = ax.imshow(Z, cmap="viridis_r", origin="lower", aspect="auto")
        fig.colorbar(image, ax=ax, label=score_name)
        for (row, col), score in np.ndenumerate(Z):
            ax.text(col, row, "diverged" if np.isnan(score) else f"{score:.3g}", ha="center", va="center",
                    color="white" if np.isnan(score) or score > np.nanmean(Z) else "black", fontsize=10)
        ax.add_patch(Rectangle(
            (axes[0].index(best[keys[0]]) - 0.5, axes[1].index(best[keys[1]]) - 0.5), 1, 1, fill=False,
            edgecolor=GRADIENT_COLOUR, linewidth=3))
        ax.set_xticks(range(len(axes[0])), [format_value(v) for v in axes[0]])
        ax.set_yticks(range(len(axes[1])), [format_value(v) for v in axes[1]])
        ax.set_xlabel(keys[0])
        ax.set_ylabel(keys[1])
    ax.set_title("grid search: best " + ", ".join(f"{k} = {format_value(v)}" for k, v in best.items())
                 + f"\n({score_name} {results[0][1]:.3g}, ringed)")
    return _png(fig)
