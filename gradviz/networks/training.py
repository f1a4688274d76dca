"""Training networks and reporting runs: ``fit`` (full-batch or mini-batch, penalties, early
stopping, dropout, autoencoders and input noise), the iteration table, the update rule with its
numbers, ``history.csv``, data points from a CSV file, a classifier's accuracy."""

from __future__ import annotations

import csv
import io
import os
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from ..errors import GradvizError
from ..eval.backward import backward
from ..text.numbers import format_value
from .descent import Descent, gradient, optimizer, run_updates
from .network import TRAIN_WORK_LIMIT, XOR_BREAKOUT_DATA, Network, check_size, mlp, node_estimate

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["Fit", "fit", "batch_order", "dropout_masks", "input_noise", "clean_losses", "reconstruction_activation",
           "code_layer", "codes", "GRID_KEYS", "parse_grid", "GridSearch", "grid_search", "grid_csv", "update_lines",
           "descent_report", "history_csv", "read_points", "predictions", "accuracy", "breakout_report"]

Point = tuple[Sequence[float], float]  # an autoencoder's points are the features alone


@dataclass(frozen=True)
class Fit:
    """A trained network: the loss over the training points (with any penalty), the prediction
    network (None for an autoencoder: its reconstruction is ``network``'s output), the run, the
    points used for training and for validation, and each step's dropout masks and input noise
    (``step_inputs(t)``: values of ``network``'s mask and noise inputs; at their defaults, 1 and 0,
    ``network`` is the network evaluated without either)."""

    network: Network
    predictor: Network | None
    run: Descent
    train: tuple[Point, ...]
    validation: tuple[Point, ...] = ()
    step_inputs: Callable[[int], dict[str, float]] = lambda t: {}

    @property
    def weights(self) -> dict[str, float]:
        """The kept parameters alone (what the prediction network takes)."""
        return {name: self.run.final[name] for name in self.network.parameters}

    def drawn_values(self) -> dict[str, float]:
        """The kept parameters with the dropout masks and noise of the step they come from: what
        the network figure draws."""
        step = self.run.best_step if self.run.best_step is not None else self.run.history[-1].step
        return {**self.run.final, **self.step_inputs(step)}


def dropout_masks(names: Sequence[str], p: float, seed: int) -> Callable[[int], dict[str, float]]:
    """Step ``t``'s dropout masks (inverted dropout): each unit's 0 with probability ``p``, else
    1/(1 − p), drawn from ``seed`` and ``t``."""
    def mask(t: int) -> dict[str, float]:
        rng = random.Random(f"dropout {seed} {t}")
        return {name: 0.0 if rng.random() < p else 1 / (1 - p) for name in names}
    return mask


def input_noise(count: int, features: int, sigma: float, seed: int) -> Callable[[int], list[list[float]]]:
    """Step ``t``'s Gaussian noise (standard deviation ``sigma``) for each of ``count`` points'
    ``features``, drawn from ``seed`` and ``t``."""
    def noise(t: int) -> list[list[float]]:
        rng = random.Random(f"noise {seed} {t}")
        return [[rng.gauss(0.0, sigma) for _ in range(features)] for _ in range(count)]
    return noise


def batch_order(count: int, size: int, seed: int) -> Callable[[int], list[int]]:
    """The indices of step ``t``'s mini-batch: each epoch a fresh shuffle (seeded by ``seed`` and
    the epoch) cut into batches of ``size`` (the last one may be smaller)."""
    per_epoch = -(-count // size)

    def batch(t: int) -> list[int]:
        epoch, k = divmod(t, per_epoch)
        order = list(range(count))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        return order[k * size:(k + 1) * size]
    return batch


def fit(layers: Sequence[int], points: Sequence[Point], *, activation: str = "tanh", loss: str | None = None,
        lr: float = 0.5, steps: int = 1500, momentum: float = 0.0, adam: bool = False, adagrad: bool = False,
        batch_size: int | None = None, l1: float = 0.0, l2: float = 0.0, val: float = 0.0, patience: int = 100,
        dropout: float = 0.0, autoencoder: bool = False, noise: float = 0.0,
        seed: int = 1, progress: Callable[[int], None] | None = None) -> Fit:
    """Train an MLP on ``points``: full-batch, or mini-batch SGD (``batch_size``, shuffled each epoch
    with ``seed``); ``l1``/``l2`` penalties in the loss graph; ``val`` holds that share of the
    points (shuffled with ``seed``) out and stops early, keeping the best weights.

    ``dropout`` p: each step drops every hidden unit with probability p (one mask a step, shared by
    the step's points) and scales the kept ones by 1/(1 − p); validation and prediction use no
    mask. ``autoencoder``: the points are features alone and their own targets (loss mse, the
    default then; else bce). ``noise`` σ: each step adds Gaussian noise to every input (the targets
    stay clean: with ``autoencoder``, a denoising autoencoder)."""
    layers, points = tuple(layers), list(points)
    loss = loss or ("mse" if autoencoder else "bce")
    if loss == "bce" and not autoencoder and any(not 0 <= target <= 1 for _, target in points):
        raise GradvizError("the bce loss takes targets between 0 and 1; use --loss mse for others (such as ±1)")
    if not 0 <= dropout < 1 or noise < 0:
        raise GradvizError(f"need 0 ≤ dropout < 1 and noise ≥ 0, not {dropout} and {noise}")
    if not 0 <= val < 1 or (val and round(len(points) * val) in (0, len(points))):
        raise GradvizError(f"--val {val} must leave points for both training and validation "
                           f"(there are {len(points)})")
    if batch_size is not None and batch_size < 1:
        raise GradvizError("the batch size must be at least 1")
    order = list(range(len(points)))
    random.Random(seed).shuffle(order)
    held = round(len(points) * val)
    validation = tuple(points[k] for k in sorted(order[:held])) if held else ()
    train = tuple(points[k] for k in sorted(order[held:])) if held else tuple(points)
    shape = dict(autoencoder=autoencoder, masks=dropout > 0, noise=noise > 0)
    check_size(layers, len(train), activation, loss, steps=steps, view="neurons", **shape)
    shape["output_activation"] = reconstruction_activation(points) if autoencoder else None
    network = mlp(layers, activation, loss, train, seed=seed, l1=l1, l2=l2, **shape)
    predictor = None if autoencoder else mlp(layers, activation, None, seed=seed,
                                             output_activation={"bce": "sigmoid"}.get(loss, "linear"))
    masks = dropout_masks(network.masks, dropout, seed) if dropout else lambda t: {}
    draws = input_noise(len(train), layers[0], noise, seed) if noise else lambda t: []

    def inputs_at(t: int, noise_names: Sequence[Sequence[str]], indices: Sequence[int]) -> dict[str, float]:
        """Step ``t``'s masks, and its noise for the points ``indices`` under a graph's ``noise_names``."""
        drawn = draws(t)
        return {**masks(t), **{name: value for names, k in zip(noise_names, indices)
                               for name, value in zip(names, drawn[k])}}

    def step_inputs(t: int) -> dict[str, float]:
        return inputs_at(t, network.noise, range(len(train)))
    if batch_size is None or batch_size >= len(train):
        step_loss = lambda values, t: gradient(network.graph, {**values, **step_inputs(t)})  # noqa: E731
    else:
        single = [mlp(layers, activation, loss, [point], seed=seed, l1=l1, l2=l2, **shape) for point in train]
        batch = batch_order(len(train), batch_size, seed)

        def step_loss(values: dict[str, float], t: int) -> tuple[float, dict[str, float]]:
            runs = [gradient(single[k].graph, {**values, **inputs_at(t, single[k].noise, [k])}) for k in batch(t)]
            return (sum(r[0] for r in runs) / len(runs),
                    {n: sum(r[1][n] for r in runs) / len(runs) for n in network.parameters})
    rule = optimizer(momentum, adam, adagrad)
    if batch_size is not None and batch_size < len(train):
        rule.name = f"mini-batch {rule.name} (batches of {batch_size}; L is the batch's)"
    for amount, what in ((dropout, "dropout p"), (noise, "input noise σ")):
        if amount:
            rule.name += f", {what} = {format_value(amount)}"
    checker = mlp(layers, activation, loss, validation, seed=seed, autoencoder=autoencoder,
                  output_activation=shape["output_activation"]).graph if validation else None
    run = run_updates(network.graph, step_loss, dict(network.values), network.parameters, lr=lr, steps=steps,
                      optimizer=rule, progress=progress, patience=patience,
                      validate=(lambda values: gradient(checker, values)[0]) if checker else None)
    return Fit(network, predictor, run, train, validation, step_inputs)


def clean_losses(done: Fit, count: int = 150) -> list[tuple[int, float]]:
    """The loss over all training points without dropout or noise (masks 1, noise 0) at up to
    ``count`` evenly spread steps of the run: what the noisy training loss hides (none without either)."""
    if not done.network.masks and not done.network.noise:
        return []
    history = done.run.history
    picks = sorted({round(k * (len(history) - 1) / max(count - 1, 1)) for k in range(count)})
    defaults = {name: value for name, value in done.network.values.items() if name not in done.network.parameters}
    return [(history[k].step, gradient(done.network.graph, {**history[k].values, **defaults})[0]) for k in picks]


def reconstruction_activation(points: Sequence[Sequence[float]]) -> str:
    """An autoencoder's output activation: sigmoid when its data lie in [0, 1] (one-hot vectors,
    pixel intensities), which a linear output cannot reconstruct from few codes; else linear."""
    return "sigmoid" if all(0 <= v <= 1 for point in points for v in point) else "linear"


def code_layer(network: Network) -> int:
    """An autoencoder's code layer: its narrowest hidden layer (the first of equals)."""
    return min(range(1, len(network.layers) - 1), key=lambda layer: network.layers[layer])


def codes(network: Network, values: dict[str, float]) -> tuple[tuple[str, ...], list[tuple[float, ...]]]:
    """The code layer's units and each data point's code: their activations (before any dropout
    mask) at ``values``."""
    result = backward(network.graph, {**network.values, **values}, symbolic=False)
    units = [neuron for neuron in network.neurons if neuron.layer == code_layer(network)]
    return (tuple(unit.name for unit in units),
            [tuple(result.values[unit.nodes[k]] for unit in units) for k in range(len(network.points))])

TABLE_ROWS = 12  # the printed table shows this many iterations, evenly spread, and the last


GRID_KEYS = ("lr", "hidden", "l1", "l2", "momentum")  # what a grid search can vary ("hidden": every hidden layer's size)


def parse_grid(specs: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """``["lr=0.01,0.1,1", "hidden=2,4,8"]`` (or one string with both, space-separated) → the values of each key."""
    grid: dict[str, tuple[float, ...]] = {}
    for spec in (part for text in specs for part in text.split()):
        key, _, values = spec.partition("=")
        if key not in GRID_KEYS or not values:
            raise GradvizError(f"a grid looks like lr=0.01,0.1,1 hidden=2,4,8 (keys: {', '.join(GRID_KEYS)}), not {spec!r}")
        try:
            grid[key] = tuple(float(v) for v in values.split(","))
        except ValueError:
            raise GradvizError(f"not numbers in the grid: {spec!r}") from None
        if key == "hidden" and any(v < 1 or v != int(v) for v in grid[key]):
            raise GradvizError(f"hidden sizes are whole numbers ≥ 1, not {values}")
    if not 1 <= len(grid) <= 2:
        raise GradvizError("a grid search varies one or two settings, e.g. lr=0.01,0.1,1 hidden=2,4,8")
    return grid


@dataclass(frozen=True)
class GridSearch:
    """A grid search: every setting with its score, best first, and the best setting's fit."""

    scores: list[tuple[dict[str, float], float]]
    best: Fit


def _grid_sizes(layers: Sequence[int], setting: dict[str, float]) -> tuple[int, ...]:
    """The layer sizes at a setting: "hidden" sets every hidden layer's size."""
    return (layers[0], *[int(setting["hidden"])] * (len(layers) - 2), layers[-1]) if "hidden" in setting \
        else tuple(layers)


def _grid_run(layers: Sequence[int], points: Sequence[Point], setting: dict[str, float], options: dict) -> Fit:
    """``fit`` at one setting of a grid."""
    return fit(_grid_sizes(layers, setting), points, **{**options, **{k: v for k, v in setting.items() if k != "hidden"}})


def _grid_score(layers: Sequence[int], points: Sequence[Point], setting: dict[str, float], options: dict) -> float:
    """One setting's score (in a worker process): the best validation loss with ``val``, else the
    final training loss; ∞ for a diverged run."""
    run = _grid_run(layers, points, setting, options).run
    if run.diverged_at is not None:
        return float("inf")
    return run.history[run.best_step].val_loss if run.best_step is not None else run.final_loss


def _check_grid_work(layers: Sequence[int], samples: int, settings: list[dict[str, float]], workers: int,
                     options: dict) -> None:
    """Refuse, before any run, a grid whose runs together exceed the training budget a core."""
    steps = options.get("steps", 1500)
    shape = dict(autoencoder=options.get("autoencoder", False), masks=options.get("dropout", 0) > 0,
                 noise=options.get("noise", 0) > 0)
    work = sum(node_estimate(_grid_sizes(layers, setting), samples, options.get("activation", "tanh"),
                             options.get("loss"), **shape) * steps for setting in settings)
    if work > TRAIN_WORK_LIMIT * workers:
        raise GradvizError(f"the grid's {len(settings)} runs of {steps:,} steps come to about {work:,} node-steps "
                           f"on {workers} core{'s' if workers > 1 else ''} (the limit is {TRAIN_WORK_LIMIT:,} a core, "
                           f"about 20 s): use fewer values in --grid or --steps {steps * TRAIN_WORK_LIMIT * workers // work} "
                           "or fewer")


def grid_search(layers: Sequence[int], points: Sequence[Point], grid: dict[str, tuple[float, ...]], *,
                workers: int | None = None, progress: Callable[[], None] | None = None, **options) -> GridSearch:
    """``fit`` at every combination of the grid's values, in parallel processes (``workers``, by
    default one a core; ``progress()`` after each setting): the scores, best first, and the best
    setting's fit (run again in this process: runs are seeded, so it is the same run)."""
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    settings = [dict(zip(grid, combination)) for combination in itertools.product(*grid.values())]
    scores: dict[int, float] = {}
    workers = min(workers or os.cpu_count() or 1, len(settings))
    _check_grid_work(layers, len(points), settings, workers, options)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {pool.submit(_grid_score, tuple(layers), tuple(points), setting, options): k
                   for k, setting in enumerate(settings)}
        for future in as_completed(futures):
            scores[futures[future]] = future.result()
            if progress:
                progress()
    ranked = sorted(((settings[k], scores[k]) for k in range(len(settings))), key=lambda r: r[1])
    return GridSearch(ranked, _grid_run(layers, points, ranked[0][0], options))


def grid_csv(results: Sequence[tuple[dict[str, float], float]]) -> str:
    """The grid search as CSV: each setting and its score (inf for a diverged run)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*results[0][0], "score"])
    writer.writerows([*setting.values(), score] for setting, score in results)
    return buffer.getvalue()


def update_lines(run: Descent, step: int = 0) -> list[str]:
    """The optimizer's update at iteration ``step``, each equation with its numbers:
    ``θ1 ← θ1 − α·∂L/∂θ1 = 2 − 0.005 × 42 = 1.79`` (Adam: its m, v, m̂, v̂ first)."""
    return [eq.text() for name in run.wrt for eq in run.history[step].update.get(name, ())]


def descent_report(run: Descent) -> str:
    """The table of iterations, the first update spelled out, and the end (or the divergence)."""
    out = run.graph.output
    header = ["step", out] + [name for name in run.wrt] + [f"∂{out}/∂{name}" for name in run.wrt]
    count = len(run.history)
    shown = sorted({round(k * (count - 1) / (TABLE_ROWS - 1)) for k in range(TABLE_ROWS)} if count > TABLE_ROWS
                   else range(count))
    rows = [[str(it.step), format_value(it.loss)] + [format_value(it.values[n]) for n in run.wrt]
            + [format_value(it.grad[n]) for n in run.wrt] for it in (run.history[k] for k in shown)]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in [header] + rows]
    first = update_lines(run)
    at = ", ".join(f"{n} = {format_value(run.final[n])}" for n in run.wrt)
    ending = ([f"last {out} = {format_value(run.final_loss)} at step {run.history[-1].step} ({at})", run.verdict]
              if run.diverged_at is not None else [f"final {out} = {format_value(run.final_loss)} at {at}"])
    return "\n".join([f"{run.optimizer.title(run.history[0].rate)}:  {run.optimizer.rule}"] + lines
                      + (["", "first update:"] + [f"  {line}" for line in first] if first else []) + [""] + ending)


def history_csv(run: Descent) -> str:
    """Every iteration as CSV (full precision)."""
    buffer = io.StringIO()
    rows = run.table()
    fields = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(buffer, fieldnames=fields, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def read_points(path: str | os.PathLike) -> list[tuple[tuple[float, ...], float]]:
    """Data points from a CSV file: features in the first columns, the target last (a header row is skipped)."""
    points = []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                if not row or all(not cell.strip() for cell in row):
                    continue
                try:
                    values = [float(cell) for cell in row]
                except ValueError:
                    if number == 1 and not points:
                        continue  # a header
                    raise GradvizError(f"{path}, line {number}: not numbers: {','.join(row)}") from None
                if len(values) < 2:
                    raise GradvizError(f"{path}, line {number}: need features and a target")
                points.append((tuple(values[:-1]), values[-1]))
    except OSError as exc:
        raise GradvizError(f"cannot read {path}: {exc.strerror}") from None
    if not points:
        raise GradvizError(f"{path} holds no data points")
    return points


def predictions(predict: "Graph", params: dict[str, float], points: Sequence[Point],
                features: list[str]) -> list[float]:
    """The prediction network's output at each point's features."""
    return [backward(predict, {**params, **dict(zip(features, point))}, symbolic=False).value for point, _ in points]


def accuracy(predict: "Graph", params: dict[str, float], points, features: list[str]) -> float:
    """The share of points whose prediction falls on their target's side of 0.5 (targets in [0, 1]),
    else of the midpoint between the lowest and highest target (0 for ±1)."""
    targets = [target for _, target in points]
    cut = 0.5 if all(0 <= target <= 1 for target in targets) else (min(targets) + max(targets)) / 2
    hits = sum((value > cut) == (target > cut)
               for value, target in zip(predictions(predict, params, points, features), targets))
    return hits / len(points)


def breakout_report(predict: "Graph", params: dict[str, float], features: list[str]) -> str:
    """The breakout question's verdict: y at each XOR corner, and whether y > 0.7 where the target
    is 1 and y < −0.7 where it is −1."""
    ys = predictions(predict, params, XOR_BREAKOUT_DATA, features)
    met = all(y > 0.7 if target > 0 else y < -0.7 for y, (_, target) in zip(ys, XOR_BREAKOUT_DATA))
    at = ", ".join(f"y({point[0]:g}, {point[1]:g}) = {format_value(round(y, 3))}"
                   for y, (point, _) in zip(ys, XOR_BREAKOUT_DATA))
    return f"breakout: {at}: " + ("answered (y > 0.7 on (0, 1), (1, 0); y < −0.7 on (0, 0), (1, 1))" if met
                                  else "not answered (want y > 0.7 on (0, 1), (1, 0) and y < −0.7 on (0, 0), (1, 1))")
