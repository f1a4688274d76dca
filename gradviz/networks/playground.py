"""TensorFlow Playground's picture of training, frame by frame: on the left the network, each unit
a small heat-map of its activation over the plane and each weight an edge whose width grows
with |w| (blue and solid when positive, orange and dashed when negative); on the right the
decision boundary over the data. ``playground(fit)`` picks frames evenly over the run."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..errors import GradvizError
from ..eval.plan import plan_of
from .network import Network
from .plots import boundary_grid, draw_boundary, grid_values

if TYPE_CHECKING:
    from .training import Fit

__all__ = ["Playground", "PlaygroundFrame", "playground", "check_playground", "edge_style", "MAX_FRAMES",
           "DEFAULT_FRAMES", "MAX_UNITS", "MAX_HIDDEN_LAYERS", "FRAME_SIZE", "POSITIVE", "NEGATIVE"]

MAX_FRAMES = 60  # frames in one animation (0.2 s to 1 s of drawing each)
DEFAULT_FRAMES = 20
MAX_UNITS = 8  # units in a layer: each is a heat-map on the slide (TensorFlow Playground's limit too)
MAX_HIDDEN_LAYERS = 4
FRAME_COST = 10  # drawing a frame costs about as much as this many heat-maps (0.02 s each) besides its own
WORK_LIMIT = 1_200  # frames × (heat-maps + FRAME_COST): about half a minute of drawing, refused beyond
BOUNDARY_RESOLUTION = 120  # grid points a side of the decision boundary
UNIT_RESOLUTION = 40  # grid points a side of a unit's heat-map
FRAME_SIZE = (1600, 900)  # pixels: a 16:9 slide
_DPI = 100  # 14-point text is 19 px here, 23 px on a 1920 × 1080 projector
POSITIVE, NEGATIVE = "#0072B2", "#E69F00"  # Okabe–Ito blue and orange, as the playground's
HEADING_WIDTH = 95  # characters of the heading on a line (20-point bold in 1600 pixels)
MAX_EDGE_WIDTH = 7.0  # points, for the largest |w| of the whole run


@dataclass(frozen=True)
class PlaygroundFrame:
    """One moment of the run: the step, the loss over the training points (penalties included),
    the parameters, the output over the boundary grid and each unit's value over the unit grid."""

    step: int
    loss: float
    values: dict[str, float]
    output: Any  # numpy array over ``Playground.plane``
    units: dict[str, Any]  # unit name (x₁, h¹₁, ŷ₁) → numpy array over ``Playground.unit_plane``
    predictions: tuple[float, ...]  # the output at each training point
    kept: bool = False  # early stopping's kept weights, shown after the run


@dataclass(frozen=True)
class Playground:
    """The frames of a run and what every frame shares: the prediction network, the points, the
    grids (``meshgrid`` pairs), the largest |w| and each layer's largest |activation|."""

    network: Network
    frames: tuple[PlaygroundFrame, ...]
    points: tuple
    hollow: tuple  # validation points
    plane: tuple[Any, Any]
    unit_plane: tuple[Any, Any]
    steps: int
    heading: str
    largest_weight: float
    scales: dict[int, float]

    @property
    def features(self) -> list[str]:
        return [n.name for n in self.network.neurons if n.layer == 0]

    def right(self, k: int) -> int:
        """How many training points frame ``k`` classifies right (output > 0.5 for target > 0.5)."""
        return sum((p > 0.5) == (t > 0.5) for p, (_, t) in zip(self.frames[k].predictions, self.points))

    def figure(self, k: int):
        """Frame ``k`` as a matplotlib figure (FRAME_SIZE pixels): each edge is a line with ``gid``
        ``edge:<weight name>``, each unit's heat-map an image with ``gid`` ``unit:<unit name>``."""
        return _Canvas(self).show(k)

    def pngs(self, progress: Callable[[], None] | None = None) -> list[bytes]:
        """Every frame as PNG bytes (one figure, redrawn frame by frame); ``progress`` is called after each."""
        canvas = _Canvas(self)
        out = []
        for k in range(len(self.frames)):
            buffer = io.BytesIO()
            canvas.show(k).savefig(buffer, format="png", dpi=_DPI)
            out.append(buffer.getvalue())
            if progress:
                progress()
        return out

    def title(self, k: int) -> str:
        """``step 300 of 1500 — loss 0.123, 4 of 4 points right``."""
        frame = self.frames[k]
        when = (f"kept: step {frame.step} (lowest validation loss)" if frame.kept
                else f"step {frame.step} of {self.steps}")
        return (f"{when} — loss {frame.loss:.3g}, "
                f"{self.right(k)} of {len(self.points)} points right")


def check_playground(layers: Sequence[int], frames: int) -> None:
    """Refuse, before any training and with advice, a network or frame count the picture cannot show
    in seconds: two input features, one output, at most ``MAX_UNITS`` units a layer."""
    layers = tuple(layers)
    name = "-".join(map(str, layers))
    if layers[0] != 2:
        raise GradvizError(f"the playground picture draws two input features over the plane, but a {name} network "
                           f"takes {layers[0]}; train on two-feature data (e.g. --data xor or quadrants, or a CSV "
                           "of x1,x2,target) or leave out --animate")
    if layers[-1] != 1:
        raise GradvizError(f"the playground picture shows one output's decision boundary, but a {name} network has "
                           f"{layers[-1]}; end the layers in 1 or leave out --animate")
    hidden = layers[1:-1]
    if len(hidden) > MAX_HIDDEN_LAYERS or max(hidden, default=0) > MAX_UNITS:
        raise GradvizError(f"the playground picture draws at most {MAX_HIDDEN_LAYERS} hidden layers of at most "
                           f"{MAX_UNITS} units (a {name} network has more); try e.g. "
                           + "-".join(str(min(n, MAX_UNITS)) for n in layers[:MAX_HIDDEN_LAYERS + 1] + layers[-1:]))
    if not 2 <= frames <= MAX_FRAMES:
        raise GradvizError(f"an animation has 2 to {MAX_FRAMES} frames, not {frames}")
    maps = sum(layers)
    if frames * (maps + FRAME_COST) > WORK_LIMIT:
        raise GradvizError(f"{frames} frames of {maps} heat-maps would take over half a minute to draw (the limit is "
                           f"{WORK_LIMIT:,} for frames × (heat-maps + {FRAME_COST})); "
                           + (f"try --animate-frames {most}" if (most := WORK_LIMIT // (maps + FRAME_COST)) >= 2
                              else "leave out --animate"))


def _frame_steps(count: int, frames: int) -> list[int]:
    """``frames`` indices spread evenly over ``range(count)``, the first and (from two) the last included."""
    if count <= frames or frames == 1:
        return list(range(min(count, frames)))
    return sorted({round(k * (count - 1) / (frames - 1)) for k in range(frames)})


def playground(fitted: "Fit", frames: int = DEFAULT_FRAMES, heading: str = "") -> Playground:
    """The playground picture of ``fitted`` (from ``gradviz.nn.fit``): ``frames`` moments spread evenly
    over the run (early stopping: the last one is the kept weights), each with the output over the
    plane and every unit's activation over it. ``heading`` names the run on every frame."""
    import numpy as np

    predictor, run = fitted.predictor, fitted.run
    if predictor is None:
        raise GradvizError("the playground picture shows one output's decision boundary; an autoencoder's or a "
                           "softmax classifier's (--loss ce) run has none: its boundary.png shows the classes")
    layers = predictor.layers
    check_playground(layers, frames)
    kept = run.best_step is not None and run.final != run.history[-1].values
    chosen = _frame_steps(len(run.history), frames - kept)
    moments = [(run.history[k].step, run.history[k].values, False) for k in chosen]
    if kept:
        moments.append((run.best_step, run.final, True))
    points = tuple(fitted.train)
    plane = boundary_grid(points + tuple(fitted.validation), BOUNDARY_RESOLUTION)
    unit_plane = boundary_grid(points + tuple(fitted.validation), UNIT_RESOLUTION)
    graph, params = predictor.graph, list(predictor.parameters)
    features = [n.name for n in predictor.neurons if n.layer == 0]
    loss_plan = plan_of(fitted.network.graph)
    units = [n for n in predictor.neurons if n.layer]
    evaluate = grid_values(graph, features + params, {}, [n.node for n in units])
    at_points = [np.array([p[0][i] for p in points]) for i in (0, 1)]
    shots = []
    for step, values, is_kept in moments:
        weights = [values[n] for n in params]
        maps = dict(zip((n.name for n in units), evaluate(*unit_plane, *weights)))
        maps.update({name: unit_plane[i] for i, name in enumerate(features)})
        if fitted.arrays is not None:  # the loss over every training point, whatever points the figure graph holds
            frame_loss = fitted.arrays.loss(values)
        else:
            computed = loss_plan.forward([values[n] for n in fitted.network.graph.inputs])
            frame_loss = computed[loss_plan.output] if computed else float("nan")
        shots.append(PlaygroundFrame(step, frame_loss, dict(values),
                                     evaluate(*plane, *weights)[-1], maps,
                                     tuple(float(v) for v in evaluate(*at_points, *weights)[-1]), is_kept))
    largest = max((abs(s.values[w]) for s in shots for n in predictor.neurons for w in n.weights
                   if np.isfinite(s.values[w])), default=1.0) or 1.0
    scales = {}
    for n in predictor.neurons:
        top = max((float(np.nanmax(np.abs(s.units[n.name]))) for s in shots if np.isfinite(s.units[n.name]).any()),
                  default=1.0)
        scales[n.layer] = max(scales.get(n.layer, 0.0), top, 1e-12)
    return Playground(predictor, tuple(shots), points, tuple(fitted.validation), plane, unit_plane,
                      run.history[-1].step, heading, largest, scales)


def edge_style(weight: float, largest: float) -> tuple[float, str, str]:
    """An edge's line width (points, growing with |w|), colour and dash: blue solid for a positive
    weight, orange dashed for a negative one (readable in greyscale too)."""
    width = 0.6 + (MAX_EDGE_WIDTH - 0.6) * min(abs(weight) / largest, 1.0)
    return width, (POSITIVE if weight >= 0 else NEGATIVE), ("-" if weight >= 0 else (0, (3, 1.5)))


def _colours():
    """Orange (negative, class 0) through white to blue (positive, class 1), as the playground's."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("playground", [NEGATIVE, "#FFFFFF", POSITIVE])


class _Canvas:
    """One figure for every frame of a playground: the network drawn in pixel coordinates on an
    axes covering the figure (left), the decision boundary on its own axes (right); ``show(k)``
    puts frame ``k``'s numbers into the same artists."""

    def __init__(self, pg: Playground):
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.figure import Figure

        self.pg, self.cmap = pg, _colours()
        width, height = FRAME_SIZE
        self.fig = fig = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI)
        net = fig.add_axes((0, 0, 1, 1))
        net.set_xlim(0, width)
        net.set_ylim(0, height)
        net.set_axis_off()
        heading = textwrap.wrap(pg.heading, HEADING_WIDTH) or [""]  # long optimizer settings wrap, never shrink
        net.text(width / 2, height - 22, "\n".join(heading), ha="center", va="top", fontsize=20, fontweight="bold")
        self.title = net.text(width / 2, height - 43 - 32 * len(heading), "", ha="center", va="top", fontsize=18)
        layers = pg.network.layers
        side = min(100.0, 590 / (max(layers) * 1.6))  # a unit's heat-map, pixels a side, its label below
        columns = [80 + 720 * c / (len(layers) - 1) for c in range(len(layers))]
        middle = 425.0 - 12 * (len(heading) - 1)
        by_layer = {layer: [n for n in pg.network.neurons if n.layer == layer] for layer in range(len(layers))}
        centres = {n.name: (columns[layer], middle + (len(units) - 1 - 2 * j) / 2 * side * 1.6)
                   for layer, units in by_layer.items() for j, n in enumerate(units)}
        self.edges = {}
        for neuron in pg.network.neurons:
            for source, weight in zip(by_layer.get(neuron.layer - 1, ()), neuron.weights):
                (x0, y0), (x1, y1) = centres[source.name], centres[neuron.name]
                self.edges[weight], = net.plot([x0 + side / 2, x1 - side / 2], [y0, y1], gid=f"edge:{weight}",
                                               solid_capstyle="butt", zorder=1)
        self.units = {}
        for neuron in pg.network.neurons:
            cx, cy = centres[neuron.name]
            scale = 1.0 if neuron.layer == len(layers) - 1 else pg.scales[neuron.layer]
            low = 0.0 if neuron.layer == len(layers) - 1 else -scale  # the output: 0…1, white at 0.5
            self.units[neuron.name] = net.imshow(
                [[0.0]], extent=(cx - side / 2, cx + side / 2, cy - side / 2, cy + side / 2), origin="lower",
                cmap=self.cmap, vmin=low, vmax=scale, interpolation="bilinear", interpolation_stage="rgba",
                gid=f"unit:{neuron.name}", zorder=2)
            net.add_patch(_frame_patch(cx, cy, side))
            net.text(cx, cy - side / 2 - 6, neuron.name, ha="center", va="top", fontsize=16)
        for layer, units in by_layer.items():
            label = "input" if layer == 0 else "output" if layer == len(layers) - 1 else f"hidden {layer}"
            top = max(centres[n.name][1] for n in units) + side / 2 + 10
            net.text(columns[layer], top, label if layer == 0 else f"{label}\n{units[0].activation}",
                     ha="center", va="bottom", fontsize=15)
        net.set_aspect("auto")
        net.text(450, 14, "edges: blue solid w > 0, orange dashed w < 0, width ∝ |w|\n"
                 "squares: each unit's value over the plane, blue > 0 > orange (ŷ: 0.5)\n"
                 "points: ☆ class 1, ○ class 0" + ("; hollow: held out for validation" if pg.hollow else ""),
                 ha="center", va="bottom", fontsize=14, color="#333333", linespacing=1.4)
        self.boundary = fig.add_axes((0.645, 0.13, 0.28, 0.28 * width / height))
        bar = fig.colorbar(ScalarMappable(Normalize(0, 1), self.cmap), cax=fig.add_axes(
            (0.94, 0.13, 0.012, 0.28 * width / height)), ticks=[0, 0.5, 1])
        bar.ax.tick_params(labelsize=14)

    def show(self, k: int):
        """The figure with frame ``k`` in it."""
        import numpy as np
        from matplotlib.ticker import MaxNLocator

        pg, frame = self.pg, self.pg.frames[k]
        self.title.set_text(pg.title(k))
        for weight, line in self.edges.items():
            w = frame.values[weight]
            width, colour, dash = edge_style(w if np.isfinite(w) else 0.0, pg.largest_weight)
            line.set(linewidth=width, color=colour, linestyle=dash)
        for name, image in self.units.items():
            image.set_data(frame.units[name])
        ax = self.boundary
        ax.cla()
        many = len(pg.points) + len(pg.hollow) > 40  # the Playground's hundreds of points: smaller markers
        draw_boundary(ax, *pg.plane, frame.output, pg.points, pg.features, marker_scale=0.6 if many else 1.3,
                      hollow=pg.hollow,
                      cmap=self.cmap)
        ax.tick_params(labelsize=14)
        ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.label.set_size(16)
        ax.yaxis.label.set_size(16)
        ax.set_title("output ŷ over the plane (black: ŷ = 0.5)", fontsize=15)
        return self.fig


def _frame_patch(cx: float, cy: float, side: float):
    from matplotlib.patches import Rectangle

    return Rectangle((cx - side / 2, cy - side / 2), side, side, fill=False, edgecolor="black", linewidth=1.5, zorder=3)
