"""Training networks and reporting runs: ``fit`` (full-batch or mini-batch, penalties, early
stopping, dropout, autoencoders and input noise), the iteration table, the update rule with its
numbers, ``history.csv``, data points from a CSV file, a classifier's accuracy."""

from __future__ import annotations

import codecs
import csv
import io
import os
import random
import signal
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..errors import GradvizError
from ..eval.backward import backward
from ..text.numbers import format_value
from .descent import Descent, gradient, optimizer, run_updates
from .comparisons import GRID_KEYS, check_grid, grid_sizes, parse_grid, setting_options
from .network import XOR_BREAKOUT_DATA, Network, check_size, mlp, node_estimate
from .options import DATA_RULE, check_layers, check_option, check_points, check_split
from .vectorised import (
    ARRAY_WORK_LIMIT,
    ArrayFit,
    ArrayNetwork,
    array_targets,
    check_training_work,
    run_arrays,
    training_cost,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from ..ir.graph import Graph

__all__ = ["Fit", "fit", "batch_order", "dropout_masks", "input_noise", "clean_losses", "reconstruction_activation",
           "code_layer", "codes", "GRID_KEYS", "parse_grid", "GridSearch", "grid_search", "grid_csv", "update_lines",
           "descent_report", "history_csv", "read_points", "predictions", "accuracy", "share_right", "breakout_report",
           "FIGURE_NODE_LIMIT"]

FIGURE_NODE_LIMIT = 5_000  # nodes of the scalar graph built over all training points for the figures
STOP_SECONDS = 5.0  # how long a stopped grid search waits for its executor's manager thread (``_stop``)

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
    arrays: ArrayFit | None = None  # the vectorised network with the training points: losses and outputs fast

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
        dropout: float = 0.0, autoencoder: bool = False, noise: float = 0.0, schedule: str | None = None,
        seed: int = 1, progress: Callable[[int], None] | None = None, engine: str = "arrays",
        drawn_point: int = 1) -> Fit:
    """Train an MLP on ``points``: full-batch, or mini-batch SGD (``batch_size``, shuffled each epoch
    with ``seed``); ``l1``/``l2`` penalties in the loss graph; ``val`` holds that share of the
    points (shuffled with ``seed``) out and stops early, keeping the best weights; ``schedule``
    changes the learning rate by step, as ``descend``'s.

    ``dropout`` p: each step drops every hidden unit with probability p (one mask a step, shared by
    the step's points) and scales the kept ones by 1/(1 − p); validation and prediction use no
    mask. ``autoencoder``: the points are features alone and their own targets (loss mse, the
    default then; else bce). ``noise`` σ: each step adds Gaussian noise to every input (the targets
    stay clean: with ``autoencoder``, a denoising autoencoder).

    ``engine``: ``arrays`` trains on the vectorised path (``vectorised``: numpy over the batch) and
    builds the scalar graph for the figures only — over all training points when it is small
    (``FIGURE_NODE_LIMIT``), else over point ``drawn_point`` alone; ``graph`` trains on the scalar
    graph itself (the reference the vectorised path is tested against)."""
    layers, points = check_layers(layers), check_points(points, features_only=autoencoder)
    lr, steps, momentum, l1, l2, val, patience, dropout, noise, seed = (
        check_option(key, value) for key, value in (("lr", lr), ("steps", steps), ("momentum", momentum),
                                                    ("l1", l1), ("l2", l2), ("val", val), ("patience", patience),
                                                    ("dropout", dropout), ("noise", noise), ("seed", seed)))
    batch_size = None if batch_size is None else check_option("batch_size", batch_size)
    loss = loss or ("mse" if autoencoder else "bce")
    if loss == "bce" and not autoencoder and any(not 0 <= target <= 1 for _, target in points):
        raise GradvizError("the bce loss takes targets between 0 and 1; use --loss mse for others (such as ±1)")
    check_split(len(points), val)
    if engine not in ("arrays", "graph"):
        raise GradvizError(f"unknown engine {engine!r}; choose arrays or graph")
    order = list(range(len(points)))
    random.Random(seed).shuffle(order)
    held = round(len(points) * val)
    validation = tuple(points[k] for k in sorted(order[:held])) if held else ()
    train = tuple(points[k] for k in sorted(order[held:])) if held else tuple(points)
    shape = dict(autoencoder=autoencoder, masks=dropout > 0, noise=noise > 0)
    if engine == "graph":
        check_size(layers, len(train), activation, loss, steps=steps, view="neurons", **shape)
        figure = list(range(len(train)))
    else:
        check_size(layers, 1, activation, loss, view="neurons", **shape)
        check_training_work(layers, len(train), steps, batch_size)
        small = node_estimate(layers, len(train), activation, loss, **shape) <= FIGURE_NODE_LIMIT
        if not 1 <= drawn_point <= len(train):
            raise GradvizError(f"data point {drawn_point} does not exist: training uses {len(train)} points")
        figure = list(range(len(train))) if small else [drawn_point - 1]
    shape["output_activation"] = reconstruction_activation(points) if autoencoder else None
    network = mlp(layers, activation, loss, [train[k] for k in figure], seed=seed, l1=l1, l2=l2, **shape)
    predictor = None if autoencoder or loss == "ce" else mlp(
        layers, activation, None, seed=seed, output_activation={"bce": "sigmoid"}.get(loss, "linear"))
    masks = dropout_masks(network.masks, dropout, seed) if dropout else lambda t: {}
    draws = input_noise(len(train), layers[0], noise, seed) if noise else lambda t: []

    def inputs_at(t: int, noise_names: Sequence[Sequence[str]], indices: Sequence[int]) -> dict[str, float]:
        """Step ``t``'s masks, and its noise for the points ``indices`` under a graph's ``noise_names``."""
        drawn = draws(t)
        return {**masks(t), **{name: value for names, k in zip(noise_names, indices)
                               for name, value in zip(names, drawn[k])}}

    def step_inputs(t: int) -> dict[str, float]:
        return inputs_at(t, network.noise, figure)
    mini = batch_size is not None and batch_size < len(train)
    batch = batch_order(len(train), batch_size, seed) if mini else None
    rule = optimizer(momentum, adam, adagrad)
    if mini:
        rule.name = f"mini-batch {rule.name} (batches of {batch_size}; L is the batch's)"
    for amount, what in ((dropout, "dropout p"), (noise, "input noise σ")):
        if amount:
            rule.name += f", {what} = {format_value(amount)}"
    arrays = ArrayNetwork.of(network, l1, l2)
    X, Y = array_targets(train, layers[-1], loss, autoencoder)
    scored = ArrayFit(arrays, X, Y)
    if engine == "arrays":
        checker = ArrayFit(ArrayNetwork.of(network), *array_targets(validation, layers[-1], loss, autoencoder)) \
            if validation else None
        hidden = [[network.masks.index(name) for name in names] for names in arrays.masks]

        def step_arrays(theta, t: int):
            rows = batch(t) if mini else slice(None)
            drop = ()
            if dropout:
                drawn = masks(t)
                drop = [np.array([drawn[network.masks[k]] for k in layer]) for layer in hidden]
            inputs = X + np.array(draws(t)) if noise else X
            return arrays.loss_and_grad(theta, inputs[rows], Y[rows], drop)
        run = run_arrays(network.graph, step_arrays, scored.theta(network.values), network.parameters, lr=lr,
                         steps=steps, optimizer=rule, schedule=schedule, progress=progress, patience=patience,
                         validate=(lambda theta: checker.network.loss_and_grad(theta, checker.X, checker.Y)[0])
                         if checker else None,
                         fixed={k: v for k, v in network.values.items() if k not in network.parameters})
        return Fit(network, predictor, run, train, validation, step_inputs, scored)
    if not mini:
        step_loss = lambda values, t: gradient(network.graph, {**values, **step_inputs(t)})  # noqa: E731
    else:
        single = [mlp(layers, activation, loss, [point], seed=seed, l1=l1, l2=l2, **shape) for point in train]

        def step_loss(values: dict[str, float], t: int) -> tuple[float, dict[str, float]]:
            runs = [gradient(single[k].graph, {**values, **inputs_at(t, single[k].noise, [k])}) for k in batch(t)]
            return (sum(r[0] for r in runs) / len(runs),
                    {n: sum(r[1][n] for r in runs) / len(runs) for n in network.parameters})
    checker = mlp(layers, activation, loss, validation, seed=seed, autoencoder=autoencoder,
                  output_activation=shape["output_activation"]).graph if validation else None
    run = run_updates(network.graph, step_loss, dict(network.values), network.parameters, lr=lr, steps=steps,
                      optimizer=rule, schedule=schedule, progress=progress, patience=patience,
                      validate=(lambda values: gradient(checker, values)[0]) if checker else None)
    return Fit(network, predictor, run, train, validation, step_inputs, scored)


def clean_losses(done: Fit, count: int = 150) -> list[tuple[int, float]]:
    """The loss over all training points without dropout or noise (masks 1, noise 0) at up to
    ``count`` evenly spread steps of the run: what the noisy training loss hides (none without either)."""
    if not done.network.masks and not done.network.noise:
        return []
    history = done.run.history
    picks = sorted({round(k * (len(history) - 1) / max(count - 1, 1)) for k in range(count)})
    if done.arrays is not None:
        return [(history[k].step, done.arrays.loss(history[k].values)) for k in picks]
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


@dataclass(frozen=True)
class GridSearch:
    """A grid search: every setting with its score, best first, the best setting's fit, what the
    score is (``best validation loss`` with validation points, else ``final training loss``), and
    each setting's loss curve (a loss a step, to its divergence) with the step it diverged at."""

    scores: list[tuple[dict[str, Any], float]]
    best: Fit
    score_name: str = "final training loss"
    curves: list[tuple[dict[str, Any], list[float], int | None]] = field(default_factory=list)


def _grid_run(layers: Sequence[int], points: Sequence[Point], setting: dict[str, Any], options: dict) -> Fit:
    """``fit`` at one setting of a grid."""
    return fit(grid_sizes(layers, setting), points, **setting_options(setting, options))


def _grid_score(layers: Sequence[int], points: Sequence[Point], setting: dict[str, Any],
                options: dict) -> tuple[float, list[float], int | None]:
    """One setting's score (in a worker process): the best validation loss with ``val``, else the
    final training loss; ∞ for a diverged run; with its loss curve and where it diverged."""
    run = _grid_run(layers, points, setting, options).run
    curve = [it.loss for it in run.history]
    if run.diverged_at is not None:
        return float("inf"), curve, run.diverged_at
    return (run.history[run.best_step].val_loss if run.best_step is not None else run.final_loss), curve, None


def _check_grid_work(layers: Sequence[int], samples: int, settings: list[dict[str, Any]], workers: int,
                     options: dict) -> None:
    """Refuse, before any run, a grid whose runs together exceed the training budget a core."""
    cost = sum(training_cost(grid_sizes(layers, setting), samples, setting_options(setting, options).get("steps", 1500),
                             setting_options(setting, options).get("batch_size")) for setting in settings)
    if cost > ARRAY_WORK_LIMIT * workers:
        steps = options.get("steps", 1500)
        fewer = max(1, int(steps * ARRAY_WORK_LIMIT * workers / cost))
        raise GradvizError(f"the grid's {len(settings)} runs come to about {cost:.0f} s of training on {workers} "
                           f"core{'s' if workers > 1 else ''} (the limit is {ARRAY_WORK_LIMIT:.0f} s a core): use "
                           f"fewer values in --grid or --steps {fewer} or fewer")


def _grid_worker() -> None:
    """A grid worker leaves Ctrl-C to the search, which stops it, and ends quietly when stopped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop(pool: "ProcessPoolExecutor") -> None:
    """End ``pool`` at once: queued runs cancelled, running workers terminated (not waited for), then the executor's
    manager thread given ``STOP_SECONDS`` to finish: it closes a pipe that Python's exit writes to, and a process
    leaving while it does printed a traceback after the one ``Error:`` line (``Bad file descriptor``)."""
    manager = getattr(pool, "_executor_manager_thread", None)  # the executor keeps no public handle on its thread
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()  # nor on its workers
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=STOP_SECONDS)


def grid_search(layers: Sequence[int], points: Sequence[Point], grid: dict[str, tuple[Any, ...]], *,
                workers: int | None = None, progress: Callable[[], None] | None = None, **options) -> GridSearch:
    """``fit`` at every combination of the grid's values, in parallel processes (``workers``, by
    default one a core; ``progress()`` after each setting): the scores, best first, and the best
    setting's fit (run again in this process: runs are seeded, so it is the same run)."""
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    grid = check_grid(grid)
    settings = [dict(zip(grid, combination)) for combination in itertools.product(*grid.values())]
    found: dict[int, tuple[float, list[float], int | None]] = {}
    workers = min(workers or os.cpu_count() or 1, len(settings))
    _check_grid_work(layers, len(points), settings, workers, options)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_grid_worker)
    try:
        futures = {pool.submit(_grid_score, tuple(layers), tuple(points), setting, options): k
                   for k, setting in enumerate(settings)}
        for future in as_completed(futures):
            found[futures[future]] = future.result()
            if progress:
                progress()
    except BrokenProcessPool:
        _stop(pool)
        raise GradvizError(f"a process of the grid search ended before its run did (killed, or out of memory): "
                           f"{len(found)} of {len(settings)} settings were scored; run it again, or with fewer "
                           "values in --grid") from None
    except BaseException:  # Ctrl-C, SIGTERM, an error in a run: the workers are stopped, not waited for
        _stop(pool)
        raise
    pool.shutdown()
    ranked = sorted(((settings[k], found[k][0]) for k in range(len(settings))), key=lambda r: r[1])
    curves = [(settings[k], found[k][1], found[k][2]) for k in range(len(settings))]
    name = "best validation loss" if options.get("val") else "final training loss"
    return GridSearch(ranked, _grid_run(layers, points, ranked[0][0], options), name, curves)


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


MAX_CSV_BYTES = 50_000_000  # a data file's size: far more rows than a network built once per point can take


def read_points(path: str | os.PathLike) -> list[tuple[tuple[float, ...], float]]:
    """Data points from a CSV file: features in the first columns, the target last (a header row is
    skipped; a UTF-8 byte order mark is read as one). A regular file of UTF-8 text only, of finite
    numbers within ``DATA_RULE``, every row as long: anything else is refused naming the line and column."""
    try:
        info = os.stat(path)  # before opening: opening a FIFO would wait for a writer
    except OSError as exc:
        raise GradvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise GradvizError(f"cannot read {path}: {'a folder' if stat.S_ISDIR(info.st_mode) else 'not a regular file'}"
                           " (a CSV file of numbers is needed: features…, target)")
    if info.st_size > MAX_CSV_BYTES:
        raise GradvizError(f"{path} holds {info.st_size:,} bytes; a data file may be at most {MAX_CSV_BYTES:,}")
    points: list[tuple[tuple[float, ...], float]] = []
    number = 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                if not row or all(not cell.strip() for cell in row):
                    continue
                try:
                    values = [float(cell) for cell in row]
                except ValueError:
                    if number == 1 and not points:
                        continue  # a header
                    raise GradvizError(f"{path}, line {number}: not numbers: {','.join(row)[:80]}") from None
                if len(values) < 2:
                    raise GradvizError(f"{path}, line {number}: need features and a target")
                if points and len(values) != len(points[0][0]) + 1:
                    raise GradvizError(f"{path}, line {number}: {len(values)} columns, the first row has "
                                       f"{len(points[0][0]) + 1}")
                for column, value in enumerate(values, start=1):
                    DATA_RULE.check(value, f"{path}, line {number}, column {column}: the value")
                points.append((tuple(values[:-1]), values[-1]))
    except OSError as exc:
        raise GradvizError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        utf16 = "; it starts as UTF-16 does" if exc.object[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ""
        raise GradvizError(f"{path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} near line {number + 1}"
                           f"{utf16}): save it as UTF-8 CSV") from None
    except csv.Error as exc:
        raise GradvizError(f"{path}, line {number + 1}: not CSV the reader takes ({exc})") from None
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
    return share_right(predictions(predict, params, points, features), [target for _, target in points])


def share_right(values: Sequence[float], targets: Sequence[float]) -> float:
    """The share of ``values`` on their target's side of 0.5 (targets in [0, 1]), else of the
    midpoint between the lowest and highest target (0 for ±1)."""
    cut = 0.5 if all(0 <= target <= 1 for target in targets) else (min(targets) + max(targets)) / 2
    return sum((value > cut) == (target > cut) for value, target in zip(values, targets)) / len(targets)


def breakout_report(predict: "Graph", params: dict[str, float], features: list[str]) -> str:
    """The breakout question's verdict: y at each XOR corner, and whether y > 0.7 where the target
    is 1 and y < −0.7 where it is −1."""
    ys = predictions(predict, params, XOR_BREAKOUT_DATA, features)
    met = all(y > 0.7 if target > 0 else y < -0.7 for y, (_, target) in zip(ys, XOR_BREAKOUT_DATA))
    at = ", ".join(f"y({point[0]:g}, {point[1]:g}) = {format_value(round(y, 3))}"
                   for y, (point, _) in zip(ys, XOR_BREAKOUT_DATA))
    return f"breakout: {at}: " + ("answered (y > 0.7 on (0, 1), (1, 0); y < −0.7 on (0, 0), (1, 1))" if met
                                  else "not answered (want y > 0.7 on (0, 1), (1, 0) and y < −0.7 on (0, 0), (1, 1))")
