"""Matplotlib pictures of training: the loss curve, the loss's contours with the descent's
trajectory (two parameters), and a classifier's decision boundary. Grids are vectorised
with numpy (``sympy.lambdify``) and fall back to the compiled plan point by point."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..eval.plan import plan_of
from ..eval.symbolic import symbolic_of
from ..text.numbers import format_value
from .vectorised import history_array

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from .descent import Descent

__all__ = ["grid_function", "grid_values", "loss_curve", "contour", "decision_boundary", "boundary_grid",
           "draw_boundary", "target_scale", "update_frame", "grid_heatmap", "codes_plot", "weight_comparison",
           "class_regions", "loss_overlay", "layer_gradients", "CLASS_STYLES", "loss_line"]

VALUE_COLOUR, GRADIENT_COLOUR = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion, as on the figures
TITLE_WIDTH = 60  # characters of a loss curve's title on a line (12-point text in a 6.4-inch figure)


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


def loss_curve(run: "Descent", clean: Sequence[tuple[int, float]] = (), penalty: Sequence[float] = ()) -> bytes:
    """The loss against the iteration, as PNG bytes; ``clean``: (step, loss) without dropout or
    noise, drawn over it; ``penalty``: each step's penalty, when the loss is data loss + penalty
    (both parts are drawn under it). A long title wraps."""
    import textwrap

    fig = _figure()
    ax = fig.add_subplot()
    steps = [it.step for it in run.history]
    losses = [it.loss for it in run.history]
    out = run.graph.output
    ax.plot(steps, losses, color=VALUE_COLOUR, linewidth=1 if clean else 2, alpha=0.6 if clean else 1,
            label="training, with each step's dropout or noise" if clean
            else f"training {out} = data loss + penalty" if len(penalty) else "training")
    if len(penalty):
        ax.plot(steps, [v - p for v, p in zip(losses, penalty)], color=VALUE_COLOUR, linewidth=1.5, linestyle="--",
                label="data loss")
        ax.plot(steps, list(penalty), color="#555555", linewidth=1.5, linestyle=":", label="penalty (λ·Σ|w| or λ·Σw²)")
        ax.legend(loc="best")
        losses = losses + [p for p in penalty if p > 0]
    if clean:
        ax.plot([s for s, _ in clean], [v for _, v in clean], color="black", linewidth=2, linestyle="--",
                label="all points, without dropout or noise")
        ax.legend(loc="best")
        losses = losses + [v for _, v in clean]
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
    elif clean:
        ax.set_title(f"{run.optimizer.name}\nfinal {run.graph.output} without dropout or noise = "
                     f"{format_value(clean[-1][1])}")
    else:
        ax.set_title(f"{run.optimizer.name}: final {run.graph.output} = {format_value(run.final_loss)}")
    ax.set_title("\n".join(textwrap.fill(line, TITLE_WIDTH) for line in ax.get_title().split("\n")))
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
    levels = np.unique(levels) if finite.size else levels
    if finite.size and levels.size < 2:  # a flat loss (steps, constants): one band around its value
        levels = np.array([levels[0] - 1, levels[0] + 1])
    filled = ax.contourf(P, Q, Z, levels=levels, cmap="viridis")
    ax.contour(P, Q, Z, levels=levels, colors="white", linewidths=0.4, alpha=0.6)
    fig.colorbar(filled, ax=ax, label=run.graph.output)
    ax.plot(ps, qs, "-o", color=GRADIENT_COLOUR, markersize=3, linewidth=1.5, label="descent")
    ax.plot(ps[:1], qs[:1], "s", color="white", markeredgecolor="black", markersize=8, label="start")
    ax.plot(ps[-1:], qs[-1:], "*", color="yellow", markeredgecolor="black", markersize=14, label="end")
    ax.set_xlabel(p)
    ax.set_ylabel(q)
    ax.legend(loc="best")
    return _png(fig)


def loss_line(run: "Descent", resolution: int = 400, diverged_steps: int = 12) -> bytes:
    """The loss over the one trained parameter, L(θ), with the descent's steps on it (numbered
    arrows from each θ to the next), as PNG bytes; a diverged run shows its first ``diverged_steps``."""
    import numpy as np

    if len(run.wrt) != 1:
        raise ValueError("a loss line needs exactly one parameter")
    (name,) = run.wrt
    history = run.history[:diverged_steps + 1] if run.diverged_at is not None else run.history
    thetas = [it.values[name] for it in history]
    losses = [it.loss for it in history]
    reach = 1.25 * max(max(thetas) - min(thetas), *map(abs, thetas), 1.0)  # the minima beside the path too
    grid = np.linspace(min(thetas) - reach, max(thetas) + reach, resolution)
    curve = grid_function(run.graph, run.wrt, run.history[0].values)(grid)
    fig = _figure(7.2, 4.6)
    ax = fig.add_subplot()
    ax.plot(grid, curve, color="black", linewidth=2, label=f"{run.graph.output}({name})")
    ax.plot(thetas, losses, "o", color=GRADIENT_COLOUR, markersize=6, zorder=3, label="the steps")
    for k in range(len(thetas) - 1):
        ax.annotate("", (thetas[k + 1], losses[k + 1]), (thetas[k], losses[k]),
                    arrowprops=dict(arrowstyle="->", color=GRADIENT_COLOUR, linewidth=1.2, alpha=0.8))
    ax.plot(thetas[:1], losses[:1], "s", color="white", markeredgecolor="black", markersize=9, zorder=4,
            label="start")
    ax.plot(thetas[-1:], losses[-1:], "*", color="yellow", markeredgecolor="black", markersize=15, zorder=4,
            label="diverged here" if run.diverged_at is not None and len(history) == len(run.history) else
            f"step {history[-1].step}" if run.diverged_at is not None else "end")
    finite = curve[np.isfinite(curve)]
    if finite.size:
        bottom = min(float(np.min(finite)), float(np.min(losses)))
        top = max(float(np.max(losses)), bottom + 1e-9)
        ax.set_ylim(bottom - 0.05 * (top - bottom), top + 0.1 * (top - bottom))
    ax.set_xlabel(name)
    ax.set_ylabel(run.graph.output)
    ax.legend(loc="best")
    what = (f"diverged at step {run.diverged_at}" + (f" (the first {diverged_steps} steps)"
                                                     if len(history) < len(run.history) else "")
            if run.diverged_at is not None else f"{len(run.history) - 1} steps, {name} = "
            f"{format_value(run.final[name])}")
    ax.set_title(f"{run.optimizer.title(run.history[0].rate)}: {what}")
    ax.grid(alpha=0.3)
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


def target_scale(points: Sequence[tuple[Sequence[float], float]]) -> tuple[float, float, float]:
    """The colour scale's ends and the boundary for these targets: 0, 1 and 0.5 for targets in [0, 1];
    else the targets' range widened by half of it on each side, and its midpoint (0 for ±1)."""
    targets = [label for _, label in points]
    low, high = min(targets), max(targets)
    if 0 <= low and high <= 1:
        return 0.0, 1.0, 0.5
    return low - (high - low) / 2, high + (high - low) / 2, (low + high) / 2


def draw_boundary(ax, X, Y, Z, points: Sequence[tuple[Sequence[float], float]], features: Sequence[str],
                  marker_scale: float = 1.0, hollow: Sequence[tuple[Sequence[float], float]] = (),
                  cmap: Any = "RdBu_r"):
    """On ``ax``: the output ``Z`` over the plane in ``cmap`` (on ``target_scale``'s ends), its boundary
    in black and the points (stars above the boundary's target, circles below; ``hollow`` ones
    unfilled); the filled contours."""
    import numpy as np

    bottom, top, cut = target_scale([*points, *hollow])
    filled = ax.contourf(X, Y, np.clip(Z, bottom, top), levels=np.linspace(bottom, top, 21), cmap=cmap, alpha=0.8)
    if np.nanmin(Z) < cut < np.nanmax(Z):
        ax.contour(X, Y, Z, levels=[cut], colors="black", linewidths=2 * marker_scale)
    for group, face, edge in ((points, "white", 1.0), (hollow, "none", 2.5)):
        for (point, label) in group:
            ax.plot(point[0], point[1], "*" if label >= cut else "o",
                    markersize=(16 if label >= cut else 11) * marker_scale, color=face, markeredgecolor="black",
                    markeredgewidth=edge * marker_scale)
    ax.set_xlabel(features[0])
    ax.set_ylabel(features[1])
    return filled


def decision_boundary(graph: "Graph", features: Sequence[str], fixed: Mapping[str, float],
                      points: Sequence[tuple[Sequence[float], float]], resolution: int = 200,
                      marks: Sequence[float] = (), hollow: Sequence[tuple[Sequence[float], float]] = ()) -> bytes:
    """A two-feature classifier's output over the plane, its boundary (P = 0.5 for targets 0 and 1,
    else the midpoint of the targets: y = 0 for ±1), dashed contours at ``marks``, and the data points
    (``hollow``: the validation points, unfilled), with a legend of the markers."""
    X, Y = boundary_grid([*points, *hollow], resolution)
    Z = grid_function(graph, features, fixed)(X, Y)
    fig = _figure(6.4, 5.4)
    ax = fig.add_subplot()
    filled = draw_boundary(ax, X, Y, Z, points, features, hollow=hollow,
                           marker_scale=1.0 if len(points) + len(hollow) <= 40 else 0.55)
    bottom, top, cut = target_scale([*points, *hollow])
    _marker_legend(ax, cut, bool(hollow), (bottom, top) == (0.0, 1.0))
    probability = (bottom, top) == (0.0, 1.0)
    if marks:
        lines = ax.contour(X, Y, Z, levels=sorted(marks), colors="black", linewidths=1.2, linestyles="dashed")
        ax.clabel(lines, fmt=lambda v: f"y = {format_value(v)}", fontsize=9)
    fig.colorbar(filled, ax=ax, label="P(class 1)" if probability else "y")
    ax.set_title(f"decision boundary (black: {'P' if probability else 'y'} = {format_value(cut)})")
    return _png(fig)


def _marker_legend(ax, cut: float, hollow: bool, probability: bool) -> None:
    """The legend of ``draw_boundary``'s markers, below the axes: which marker is which class, and
    that unfilled ones are held out for validation."""
    from matplotlib.lines import Line2D

    above, below = ("class 1", "class 0") if probability else (f"y ≥ {format_value(cut)}", f"y < {format_value(cut)}")
    handles = [Line2D([], [], marker="*", linestyle="", markersize=14, color="white", markeredgecolor="black",
                      label=f"{above} (training)"),
               Line2D([], [], marker="o", linestyle="", markersize=10, color="white", markeredgecolor="black",
                      label=f"{below} (training)")]
    if hollow:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=10, color="none", markeredgecolor="black",
                              markeredgewidth=2.5, label="unfilled: held out (validation)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=len(handles) if not hollow else 2,
              fontsize=9, frameon=False)


#: a colour and a marker per class (Okabe–Ito colours; markers tell classes apart in greyscale)
CLASS_STYLES = (("#E69F00", "o"), ("#0072B2", "*"), ("#009E73", "s"), ("#CC79A7", "^"), ("#56B4E9", "D"),
                ("#D55E00", "v"), ("#F0E442", "P"), ("#000000", "X"))


def class_regions(outputs: Callable[[Any], Any], points: Sequence[tuple[Sequence[float], float]],
                  features: Sequence[str], classes: int, hollow: Sequence[tuple[Sequence[float], float]] = (),
                  resolution: int = 200) -> bytes:
    """A K-class classifier over the plane: each class's region (the largest output, ``outputs`` of an
    (n × 2) array giving n × K) in its colour, the points with their class's marker (``hollow``:
    validation points, unfilled), and a legend of the classes."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D

    styles = [CLASS_STYLES[k % len(CLASS_STYLES)] for k in range(classes)]
    X, Y = boundary_grid([*points, *hollow], resolution)
    chosen = np.asarray(outputs(np.column_stack([X.ravel(), Y.ravel()]))).argmax(axis=1).reshape(X.shape)
    fig = _figure(6.4, 5.6)
    ax = fig.add_subplot()
    ax.contourf(X, Y, chosen, levels=np.arange(classes + 1) - 0.5, cmap=ListedColormap([c for c, _ in styles]),
                alpha=0.35)
    ax.contour(X, Y, chosen, levels=np.arange(classes) + 0.5, colors="black", linewidths=1.5)
    for group, filled in ((points, True), (hollow, False)):
        for (point, label) in group:
            colour, marker = styles[int(label)]
            ax.plot(point[0], point[1], marker, markersize=12 if marker == "*" else 8,
                    color=colour if filled else "none", markeredgecolor="black" if filled else colour,
                    markeredgewidth=0.8 if filled else 2.0)
    handles = [Line2D([], [], marker=m, linestyle="", markersize=11 if m == "*" else 8, color=c,
                      markeredgecolor="black", label=f"class {k}") for k, (c, m) in enumerate(styles)]
    if hollow:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=8, color="none", markeredgecolor="black",
                              markeredgewidth=2, label="unfilled: validation"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=min(len(handles), 4),
              fontsize=10, frameon=False)
    ax.set_xlabel(features[0])
    ax.set_ylabel(features[1])
    ax.set_title(f"{classes} classes: each region is the class of the largest output")
    return _png(fig)


def loss_overlay(curves: Sequence[tuple[Mapping[str, Any], Sequence[float], int | None]]) -> bytes:
    """The loss curves of several runs on one plot, one colour and label a run (its setting); a
    diverged run is drawn up to its divergence and ends in a cross, its label says where."""
    import numpy as np
    from matplotlib import colormaps

    fig = _figure(8.0, 5.0)
    ax = fig.add_subplot()
    colours = colormaps["tab10" if len(curves) <= 10 else "tab20"].colors
    finite = [v for _, losses, _ in curves for v in losses if np.isfinite(v)]
    for k, (setting, losses, diverged) in enumerate(curves):
        label = ", ".join(f"{key} = {format_value(v) if isinstance(v, (int, float)) else v}"
                          for key, v in setting.items())
        colour = colours[k % len(colours)]
        steps = np.arange(len(losses))
        ax.plot(steps, losses, color=colour, linewidth=2, linestyle=("-", "--", ":", "-.")[k // len(colours) % 4],
                label=label + (f" — diverged at step {diverged}" if diverged is not None else ""))
        if diverged is not None:
            ax.plot(steps[-1:], losses[-1:], "X", color=colour, markersize=14, markeredgecolor="black")
    if finite and min(finite) > 0 and max(finite) / min(finite) > 100:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2 if len(curves) > 3 else 1, fontsize=9,
              frameon=False)
    ax.set_title(f"training loss of the {len(curves)} runs (✕: diverged there)")
    return _png(fig)


def layer_gradients(run: "Descent", layers: Sequence[Sequence[Sequence[str]]]) -> bytes:
    """The root mean square of each layer's weight gradients over training, on a log scale (``layers``:
    each layer's units' weight names): vanishing gradients show as the first layers' lines far below."""
    import numpy as np
    from matplotlib import colormaps

    fig = _figure(7.2, 4.6)
    ax = fig.add_subplot()
    colours = colormaps["viridis"](np.linspace(0, 0.9, len(layers)))
    steps = [it.step for it in run.history]
    grads = history_array(run, run.wrt, "grad")
    column = {name: k for k, name in enumerate(run.wrt)}
    for k, units in enumerate(layers):
        chosen = [column[w] for unit in units for w in unit]
        rms = np.sqrt(np.mean(grads[:, chosen] ** 2, axis=1))
        label = "output layer" if k == len(layers) - 1 else f"layer {k + 1}"
        ax.plot(steps, rms, color=colours[k], linewidth=2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("RMS of the layer's ∂L/∂w")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="best", fontsize=9)
    ax.set_title("gradient size by layer (log scale)")
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


def grid_heatmap(results: Sequence[tuple[dict[str, float], float]], score_name: str) -> bytes:
    """A grid search's scores: a heat-map over two settings (a line over one), the best one ringed."""
    import numpy as np
    from matplotlib.patches import Rectangle

    keys = list(results[0][0])
    axes = [sorted({setting[k] for setting, _ in results}) for k in keys]
    best = results[0][0]
    fig = _figure(6.0, 4.8)
    ax = fig.add_subplot()
    if len(keys) == 1:
        scores = [next(s for setting, s in results if setting[keys[0]] == v) for v in axes[0]]
        ax.plot(range(len(axes[0])), scores, "-o", color=VALUE_COLOUR)
        ax.plot([axes[0].index(best[keys[0]])], [results[0][1]], "o", markersize=16, markerfacecolor="none",
                markeredgecolor=GRADIENT_COLOUR, markeredgewidth=2)
        for k, score in enumerate(scores):  # a diverged run has no score to plot: it is named where it would be
            if not np.isfinite(score):
                ax.plot([k], [0.95], "X", color=GRADIENT_COLOUR, markersize=12, transform=ax.get_xaxis_transform())
                ax.annotate("diverged", (k, 0.91), xycoords=("data", "axes fraction"), ha="center", va="top",
                            color=GRADIENT_COLOUR, fontsize=11, fontweight="bold")
        ax.margins(x=0.12)
        ax.set_xticks(range(len(axes[0])), [_tick(v) for v in axes[0]])
        ax.set_xlabel(keys[0])
        ax.set_ylabel(score_name)
    else:
        Z = np.full((len(axes[1]), len(axes[0])), np.nan)
        for setting, score in results:
            Z[axes[1].index(setting[keys[1]]), axes[0].index(setting[keys[0]])] = score if np.isfinite(score) else np.nan
        image = ax.imshow(Z, cmap="viridis_r", origin="lower", aspect="auto")
        fig.colorbar(image, ax=ax, label=score_name)
        for (row, col), score in np.ndenumerate(Z):
            ax.text(col, row, "diverged" if np.isnan(score) else f"{score:.3g}", ha="center", va="center",
                    color="white" if np.isnan(score) or score > np.nanmean(Z) else "black", fontsize=10)
        ax.add_patch(Rectangle(
            (axes[0].index(best[keys[0]]) - 0.5, axes[1].index(best[keys[1]]) - 0.5), 1, 1, fill=False,
            edgecolor=GRADIENT_COLOUR, linewidth=3))
        ax.set_xticks(range(len(axes[0])), [_tick(v) for v in axes[0]])
        ax.set_yticks(range(len(axes[1])), [_tick(v) for v in axes[1]])
        ax.set_xlabel(keys[0])
        ax.set_ylabel(keys[1])
    ax.set_title("grid search: best " + ", ".join(f"{k} = {_tick(v)}" for k, v in best.items())
                 + f"\n({score_name} {results[0][1]:.3g}, ringed)")
    return _png(fig)


def _tick(value: Any) -> str:
    return format_value(value) if isinstance(value, (int, float)) else str(value)


def codes_plot(codes: Sequence[Sequence[float]], inputs: Sequence[Sequence[float]], names: Sequence[str]) -> bytes:
    """An autoencoder's codes: two units' as points of the plane, one unit's on a line, each point
    labelled with its input (up to 16 of them)."""
    flat = len(names) == 1
    fig = _figure(6.0, 2.4 if flat else 5.2)
    ax = fig.add_subplot()
    xs = [code[0] for code in codes]
    ys = [0.0] * len(codes) if flat else [code[1] for code in codes]
    ax.scatter(xs, ys, s=90, color=VALUE_COLOUR, edgecolors="black", zorder=3)
    if len(codes) <= 16:
        for x, y, point in zip(xs, ys, inputs):
            binary = all(v in (0, 1) for v in point)
            text = "".join(str(int(v)) for v in point) if binary else f"({', '.join(map(format_value, point))})"
            ax.annotate(text, (x, y), xytext=(0, 10), textcoords="offset points", ha="center", fontsize=11,
                        fontfamily="monospace" if binary else None)
    ax.set_xlabel(f"code {names[0]}")
    if flat:
        ax.set_xlim(*_span(xs))
        ax.axhline(0, color="#999999", linewidth=1, zorder=1)
        ax.set_yticks([])
        ax.set_ylim(-1, 1.5)
    else:
        ax.set_ylabel(f"code {names[1]}")
        ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(f"the codes of the {len(codes)} inputs" + (" (labels: the input)" if len(codes) <= 16 else ""))
    ax.grid(alpha=0.3)
    return _png(fig)


def weight_comparison(runs: Mapping[str, Mapping[str, float]], names: Sequence[str]) -> bytes:
    """The weights ``names`` after each run (a label each), one panel a run, on one scale, those
    below 0.01 dotted: L1's zeros against L2's evenly shrunk weights."""
    import numpy as np

    fig = _figure(7.2, 1.2 + 1.6 * len(runs))
    axes = fig.subplots(len(runs), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
    for ax, (label, values) in zip(axes, runs.items()):
        weights = np.array([values[name] for name in names])
        small = np.abs(weights) < 0.01
        ax.bar(range(len(names)), weights, color=VALUE_COLOUR)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.plot(np.flatnonzero(small), np.zeros(int(small.sum())), "o", color=GRADIENT_COLOUR, markersize=7)
        ax.set_ylabel("w")
        ax.set_title(f"{label}: Σ|w| = {format_value(round(float(np.abs(weights).sum()), 2))}, "
                     f"{int(small.sum())} of {len(names)} weights below 0.01 (dots)", fontsize=10, loc="left")
        ax.grid(axis="y", alpha=0.3)
    axes[-1].set_xticks(range(len(names)), names, rotation=90, fontsize=8)
    return _png(fig)
