"""The vectorised numeric path of training: a network's loss and gradient over a whole batch as
numpy arrays, and the descent loop over them. Both are generated from what the scalar graph is
built from — the ``Network`` (its parameter names, layers, activations, loss, dropout masks) and
the op specs (their textbook value and local-derivative forms, evaluated in ``ARRAY``, a numpy
number system) — so no second table of activations or losses exists. The weighted sums
``b + Σ w·x`` are matrix products: the add and mul nodes' local derivatives (1, 1) and (b, a)
summed over a layer. The scalar graph stays the source of every figure; a test checks that the
two paths agree to 1e-12 on every step of a run (losses and parameters)."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..errors import GradvizError
from ..ir.mathforms import Math
from ..ir.numbers import as_float
from ..ir.ops import OPS
from ..text.numbers import format_value
from .descent import Descent, Iteration, Optimizer, Watch, suggest_rate
from .network import Network, _one_hot

__all__ = ["ARRAY", "ArrayNetwork", "ArrayFit", "array_targets", "history_array", "run_arrays", "training_cost",
           "check_training_work", "ARRAY_WORK_LIMIT", "STEP_OVERHEAD", "POINT_UNIT", "MAX_TRAINING_POINTS"]


def _sigmoid(x: Any) -> Any:
    """σ as ``FLOAT``'s: 1/(1 + e⁻ˣ) for x ≥ 0, eˣ/(1 + eˣ) below (never overflows)."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _step(x: Any, at_zero: Any) -> Any:
    return np.where(x > 0, 1.0, np.where(x == 0, float(at_zero), 0.0))


#: numpy arrays as a number system of the op specs, with ``FLOAT``'s careful forms. ``exact`` is
#: set so that the specs use their textbook forms (the float-only forms branch on Python numbers);
#: softmax cross-entropy gets its logits already shifted by their largest, as the float form does.
ARRAY = Math(
    add=np.add, sub=np.subtract,
    pi=math.pi, e=math.e, exp=np.exp, log=np.log, sqrt=np.sqrt, sin=np.sin, cos=np.cos, tan=np.tan,
    sinh=np.sinh, cosh=np.cosh, tanh=np.tanh, erf=np.vectorize(math.erf, otypes=[float]), abs=np.abs,
    sign=np.sign, step=_step, max=np.maximum, min=np.minimum, pow=lambda x, n: np.power(x, as_float(n)),
    where=np.where, sigmoid=_sigmoid, softplus=lambda x: np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0),
    number=as_float, exact=True,
)


def _value(key: str, args: Sequence[Any], params: Sequence[Any] = ()) -> Any:
    """Op ``key``'s value on arrays (its spec's textbook form in ``ARRAY``)."""
    spec = OPS[key]
    ps = tuple(ARRAY.number(p) for p in params)
    return spec.value(ARRAY, tuple(args), *ps) if spec.variadic else spec.value(ARRAY, *args, *ps)


def _local(key: str, out: Any, args: Sequence[Any], params: Sequence[Any] = ()) -> tuple:
    """Op ``key``'s local derivatives on arrays, one per operand (its spec's textbook form)."""
    spec = OPS[key]
    ps = tuple(ARRAY.number(p) for p in params)
    return tuple(spec.local(ARRAY, out, tuple(args), *ps) if spec.variadic else spec.local(ARRAY, out, *args, *ps))


def _unary(key: str | None, params: Sequence[Any]) -> tuple[Callable[[Any], Any], Callable[[Any, Any], Any]] | None:
    """A one-operand op's value ``f(z)`` and local derivative ``g(out, z)`` on arrays, its parameters
    bound once (a training step calls them per layer); ``None`` for the identity."""
    if key is None:
        return None
    spec = OPS[key]
    ps = tuple(ARRAY.number(p) for p in params)
    return (lambda z: spec.value(ARRAY, z, *ps)), (lambda out, z: spec.local(ARRAY, out, z, *ps)[0])


#: seconds of one training step besides its arrays (numpy calls, the optimizer, the history)
STEP_OVERHEAD = 3e-4
#: seconds per point and unit of a step (the elementwise passes, which outweigh the matrix
#: products at these sizes; a weight counts a tenth of a unit); measured on 2 busy cores:
#: 2-4-1 on 10,000 points 4.5 ms a step, 2-8-8-1 on 4,000 points 4.8 ms, 2-8-8-8-8-8-8-1 on 500 1.3 ms
POINT_UNIT = 5e-8
ARRAY_WORK_LIMIT = 20.0  # seconds of training a run (or a grid, a core) may take
MAX_TRAINING_POINTS = 10_000  # the data a run holds (its pictures draw every point)


def training_cost(layers: Sequence[int], points: int, steps: int, batch_size: int | None = None) -> float:
    """The estimated seconds of ``steps`` vectorised steps of a ``layers`` network over ``points``
    (or mini-batches of ``batch_size``): a fixed cost a step plus the batch's points × units."""
    batch = min(batch_size or points, points)
    weights = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    return steps * (STEP_OVERHEAD + POINT_UNIT * batch * (sum(layers) + weights / 10))


def check_training_work(layers: Sequence[int], points: int, steps: int, batch_size: int | None = None) -> None:
    """Refuse, before building anything, more than ``MAX_TRAINING_POINTS`` points or a run that
    would train for more than ``ARRAY_WORK_LIMIT`` seconds."""
    if points > MAX_TRAINING_POINTS:
        raise GradvizError(f"{points:,} data points are more than train takes: use fewer points "
                           f"({MAX_TRAINING_POINTS} at most)")
    cost = training_cost(layers, points, steps, batch_size)
    if cost > ARRAY_WORK_LIMIT:
        most = max(int(steps * ARRAY_WORK_LIMIT / cost), 1)
        fewer = points
        while fewer > 1 and training_cost(layers, fewer, steps, batch_size) > ARRAY_WORK_LIMIT:
            fewer //= 2
        raise GradvizError(f"training a {'-'.join(map(str, layers))} network on {points:,} points for {steps:,} steps "
                           f"would take about {cost:.0f} s (the limit is {ARRAY_WORK_LIMIT:.0f} s): try --steps {most} "
                           f"at most, fewer points ({fewer} at most), or --batch-size")


@dataclass(frozen=True)
class ArrayNetwork:
    """A network as arrays: ``names`` are the parameters in the network's order (the entries of the
    flat vector θ); layer k's weights and biases are ``θ[index[k]]``, an (outputs × (1 + inputs))
    block with the biases first; each layer's activation (op key, parameters; ``None``: linear);
    the loss and the penalty strengths; each hidden layer's dropout mask names."""

    names: tuple[str, ...]
    index: tuple[Any, ...]
    activations: tuple[tuple[str | None, tuple], ...]
    loss: str
    l1: float = 0.0
    l2: float = 0.0
    masks: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, network: Network, l1: float = 0.0, l2: float = 0.0) -> "ArrayNetwork":
        """The arrays of ``network`` (built by ``mlp`` with a loss), with the penalties it was built with."""
        position = {name: k for k, name in enumerate(network.parameters)}
        index, activations, masks = [], [], []
        params = {node.op: node.params for node in network.graph.nodes.values() if node.kind == "op"}
        for layer in range(1, len(network.layers)):
            units = [n for n in network.neurons if n.layer == layer]
            index.append(np.array([[position[u.bias]] + [position[w] for w in u.weights] for u in units]))
            act = units[0].activation
            activations.append((None, ()) if act == "linear" else (act, params.get(act, ())))
            masks.append(tuple(u.mask for u in units if u.mask))
        return cls(tuple(network.parameters), tuple(index), tuple(activations), network.loss, l1, l2,
                   tuple(masks[:-1]) if any(masks) else ())

    @cached_property
    def blocks(self) -> tuple[Callable[[np.ndarray], np.ndarray], ...]:
        """Each layer's block of a flat vector: a view when its entries are consecutive (as ``mlp``
        orders them: each unit's bias, then its weights), else a copy by the index."""
        def block(index: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
            start = int(index.flat[0])
            if np.array_equal(index.ravel(), np.arange(start, start + index.size)):
                return lambda flat: flat[start:start + index.size].reshape(index.shape)
            return lambda flat: flat[index]
        return tuple(block(index) for index in self.index)

    @cached_property
    def forms(self) -> tuple:
        """Each layer's activation as ``_unary`` forms (None: linear)."""
        return tuple(_unary(key, params) for key, params in self.activations)

    @cached_property
    def weights(self) -> np.ndarray:
        """Which entries of θ are weights (the penalties' terms), not biases."""
        chosen = np.zeros(len(self.names), dtype=bool)
        for block in self.index:
            chosen[block[:, 1:].ravel()] = True
        return chosen

    def outputs(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The output layer over the rows of ``X`` (no dropout): probabilities for bce, logits for ce."""
        H = X
        for block, form in zip(self.blocks, self.forms):
            W = block(theta)
            Z = H @ W[:, 1:].T + W[:, 0]
            H = Z if form is None else form[0](Z)
        return H

    def _sample_losses(self, P: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's loss and its derivative by each output."""
        if self.loss == "ce":  # shifted by the largest logit, as the float form does
            shifted = P - P.max(axis=1, keepdims=True)
            args = (*shifted.T, *Y.T)
            return _value("softmax_ce", args), np.stack(_local("softmax_ce", None, args)[:P.shape[1]], axis=1)
        per = _value(self.loss, (P, Y))
        slope = _local(self.loss, per, (P, Y))[0]
        if P.shape[1] == 1:
            return per[:, 0], slope
        total = per[:, 0]  # an autoencoder's: the mean over the outputs, summed left to right
        for column in per.T[1:]:
            total = total + column
        return total / P.shape[1], slope / P.shape[1]

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray, Y: np.ndarray,
                      drop: Sequence[np.ndarray] = ()) -> tuple[float, np.ndarray]:
        """The mean loss over the rows of ``X`` (targets ``Y``) plus the penalties, and its gradient by
        θ; ``drop``: each hidden layer's dropout mask values."""
        H, saved = X, []
        last = len(self.index) - 1
        for k, (block, form) in enumerate(zip(self.blocks, self.forms)):
            W = block(theta)
            Z = H @ W[:, 1:].T + W[:, 0]
            A = Z if form is None else form[0](Z)
            saved.append((H, W, Z, A))
            H = A * drop[k] if drop and k < last else A
        per, slope = self._sample_losses(H, Y)
        count = len(X)
        loss = float(per.sum()) / count
        G = slope / count
        grad = np.zeros_like(theta)
        for k in range(last, -1, -1):
            form, (Hin, W, Z, A) = self.forms[k], saved[k]
            if drop and k < last:
                G = G * drop[k]
            if form is not None:
                G = G * form[1](A, Z)
            block = self.blocks[k](grad)  # a view of grad, or a copy to put back
            block[:, 0] = G.sum(axis=0)
            block[:, 1:] = G.T @ Hin
            if block.base is not grad:
                grad[self.index[k]] = block
            if k:
                G = G @ W[:, 1:]
        for strength, key, params in self._penalties():
            chosen = self.weights
            w = theta[chosen]
            terms = _value(key, (w,), params)
            loss = loss + strength * float(terms.sum())
            grad[chosen] += strength * _local(key, terms, (w,), params)[0]
        return loss, grad

    def _penalties(self) -> list[tuple[float, str, tuple]]:
        """The penalties on: λ and the op of each term (λ·Σ|w|, λ·Σw²), in the graph's order."""
        return [(strength, key, params) for strength, key, params in ((self.l1, "abs", ()), (self.l2, "powc", (2,)))
                if strength]

    def penalty(self, thetas: np.ndarray) -> np.ndarray:
        """The penalty of each row of ``thetas`` (one parameter vector a row)."""
        total = np.zeros(len(thetas))
        for strength, key, params in self._penalties():
            total = total + strength * _value(key, (thetas[:, self.weights],), params).sum(axis=1)
        return total


def array_targets(points: Sequence[tuple[Sequence[float], Any]], outputs: int, loss: str,
                  autoencoder: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The features and targets of ``points`` as arrays (class indices one-hot for ce; an
    autoencoder's points are features alone and their own targets)."""
    if autoencoder:
        X = np.array([list(point) for point in points], dtype=float)
        return X, X.copy()
    X = np.array([list(point) for point, _ in points], dtype=float)
    Y = np.array([list(t) if isinstance(t, (list, tuple)) else _one_hot(t, outputs, loss) for _, t in points],
                 dtype=float)
    return X, Y


@dataclass(frozen=True)
class ArrayFit:
    """A network as arrays with its training data: the loss over the training points (penalties
    included, no dropout or noise) and the outputs at any points, at parameter values by name."""

    network: ArrayNetwork
    X: np.ndarray
    Y: np.ndarray

    def theta(self, values: Mapping[str, float]) -> np.ndarray:
        return np.array([values[name] for name in self.network.names], dtype=float)

    def loss(self, values: Mapping[str, float]) -> float:
        with np.errstate(all="ignore"):
            return self.network.loss_and_grad(self.theta(values), self.X, self.Y)[0]

    def outputs(self, values: Mapping[str, float], X: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.network.outputs(self.theta(values), np.asarray(X, dtype=float))


class _Row(Mapping):
    """One step's values by name: a row of the run's array, with the inputs held fixed (masks 1,
    noise 0) after them; a mapping, so that a history costs an array, not a dict a step."""

    __slots__ = ("_index", "_row", "_fixed")

    def __init__(self, index: dict[str, int], row: np.ndarray, fixed: Mapping[str, float]):
        self._index, self._row, self._fixed = index, row, fixed

    def __getitem__(self, name: str) -> float:
        k = self._index.get(name)
        return float(self._row[k]) if k is not None else self._fixed[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._index
        yield from self._fixed

    def __len__(self) -> int:
        return len(self._index) + len(self._fixed)


def history_array(run: Descent, names: Sequence[str], what: str = "values") -> np.ndarray:
    """The run's parameter ``values`` (or ``grad``) as a steps × names array; a vectorised run's
    rows are taken as they are stored."""
    rows = [getattr(it, what) for it in run.history]
    if rows and all(isinstance(row, _Row) for row in rows) and list(names) == list(rows[0]._index):
        return np.stack([row._row for row in rows])
    return np.array([[row[name] for name in names] for row in rows], dtype=float)


StepLoss = Callable[[np.ndarray, int], tuple[float, np.ndarray]]


def run_arrays(output: Any, loss_and_grad: StepLoss, theta: np.ndarray, names: tuple[str, ...], *, lr: float,
               steps: int, optimizer: Optimizer, schedule: str | None = None,
               progress: Callable[[int], None] | None = None,
               validate: Callable[[np.ndarray], float] | None = None, patience: int = 100,
               fixed: Mapping[str, float] | None = None) -> Descent:
    """``descent.run_updates`` over arrays: the optimizer updates θ as one array each step (its
    equations are written out per parameter for the first update, which the figures show). The
    run is reported under the graph ``output``; ``fixed``: the graph's other inputs (masks, noise)."""
    out = output.output
    watch = Watch(str(out), lr, steps, schedule, validate, patience)
    shown = copy.deepcopy(optimizer)  # its state still empty: the first update, parameter by parameter
    fixed = dict(fixed or {})
    index = {name: k for k, name in enumerate(names)}
    values, grads = np.empty((steps + 1, len(names))), np.empty((steps + 1, len(names)))
    history: list[Iteration] = []
    theta = np.array(theta, dtype=float)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            loss, grad = loss_and_grad(theta, t)
            finite = math.isfinite(loss) and bool(np.isfinite(grad).all())
            if t == 0 and not finite:
                raise GradvizError(f"the loss is not finite at the start ({out} = {format_value(loss)})")
            if watch.diverged(t, loss, history, finite) or (rate := watch.rate(t)) is None:
                break
            stop = watch.stop(t, theta, history)
            values[t], grads[t] = theta, grad
            update = {}
            if not stop:
                new = optimizer.step("θ", theta, grad, rate, t, out)[-1].result
                if t == 0:
                    update = {n: shown.step(n, float(theta[k]), float(grad[k]), rate, 0, out)
                              for n, k in index.items()}
            history.append(Iteration(t, _Row(index, values[t], fixed), loss, _Row(index, grads[t], {}), rate, update,
                                     watch.val))
            if stop:
                break
            theta = new
            if progress:
                progress(t + 1)
    best = watch.best
    if watch.why:
        last = history[-1]

        def by_name(vals: dict[str, float], t: int) -> tuple[float, dict[str, float]]:
            loss, grad = loss_and_grad(np.array([vals[n] for n in names]), t)
            return loss, dict(zip(names, grad.tolist()))
        return Descent(output, names, tuple(history), dict(last.values), last.loss, optimizer, len(history),
                       watch.why, suggest_rate(by_name, history[0], names, lr, optimizer), best)
    kept = history[-1 if best is None else best]
    return Descent(output, names, tuple(history), dict(kept.values), kept.loss, optimizer, best_step=best)
